using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>What status shows of a swarm environment: the service and its update, each task with its node, state, health, since and digest, then the lock and the history.</summary>
public sealed record SwarmStatusView(string Environment, string Manager, IReadOnlyList<string> Lines)
{
    public string ToMarkdown() => $"# status: {Environment}\n\nSwarm manager {Manager}.\n\n```\n{string.Join("\n", Lines)}\n```\n";
}

/// <summary>
/// status on a swarm (issue 23, point 5), changing nothing: reads the observer's service and its tasks
/// through the manager (<see cref="SwarmObserver"/>), each running task's own /health on the overlay,
/// and adds the lock and history lines it is given (read where the environment keeps them).
/// </summary>
public sealed class SwarmStatusReader(SwarmObserver observer, DeploymentEnvironment target)
{
    /// <param name="lockAndHistory">The deploy lock's and the newest history's lines, as the compose status shows them.</param>
    public SwarmStatusView Read(IReadOnlyList<string> lockAndHistory)
    {
        observer.Engine.EnsureReachable();
        var name = SwarmStack.ServiceName(target.ComposeProject);
        var manager = observer.Engine.Describe();
        if (observer.Service(name) is not var (service, _))
            return new SwarmStatusView(target.Name, manager, [$"service {name}: none on the swarm (nothing deployed, or it was taken down)", .. lockAndHistory]);
        var tasks = observer.Tasks(name);
        var running = tasks.Where(task => task.Current && task.Running).ToList();
        var health = observer.TaskHealth(running, observer.Details(running), service.Image).ToDictionary(pair => pair.Key, pair => pair.Value.Health);
        return new SwarmStatusView(target.Name, manager, [.. SwarmStatus.Lines(service, tasks, health), .. lockAndHistory]);
    }
}
