using System.Diagnostics;
using Cake.Core.Diagnostics;
using QtsOps.Build.Registry;
using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>
/// A stack file deployed on the environment's swarm through its manager (`docker stack deploy`, with the
/// run's registry login sent to the nodes when one is set) and the wait for it, judged from the engine's
/// own account (<see cref="ConvergenceJudgement"/>), bounded by healthTimeoutSeconds, printing the tasks
/// running the new release per node as they change; and the undo of a first deploy (`docker stack rm`).
/// </summary>
/// <param name="registry">The run's registry and login.</param>
public sealed class SwarmRollout(DeploySession session, Func<RegistryAccess> registry)
{
    /// <summary>How often the wait asks the engine.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private DockerEngine Engine => session.Engine;
    private DeploymentEnvironment Target => session.Target;
    private ICakeLog Log => session.Log;
    private string Stack => Target.ComposeProject;
    private TimeSpan Timeout => TimeSpan.FromSeconds(Target.HealthTimeoutSeconds);

    public string ObserverService => SwarmStack.ServiceName(Stack);

    /// <summary>Whether the stack's observer service exists: a deploy without it is the stack's first.</summary>
    public bool Exists => Inspect(ObserverService) is not null;

    /// <summary>What a service was before a deploy: the wait judges what the deploy changed from it.</summary>
    private sealed record Before(IReadOnlySet<string> Tasks, string? Update);

    private Before BeforeOf(string service) => new(Tasks(service).Select(task => task.Id).ToHashSet(), Inspect(service)?.Update?.StartedAt);

    /// <summary>Deploys <paramref name="stackFile"/> (the files it names beside it) and waits until the observer's and the edge's tasks run <paramref name="images"/>, or why not.</summary>
    /// <exception cref="ReleaseStartException">docker stack deploy itself failed (a stack file the engine refuses, the manager gone).</exception>
    public Convergence Deploy(string stackFile, StackImages images, CancellationToken cancellation)
    {
        var (observer, edge) = (BeforeOf(ObserverService), BeforeOf(SwarmStack.EdgeServiceName(Stack)));
        var access = registry();
        using (var client = access.Open(Engine, "deploying with", Log))
        {
            Log.Information($"docker stack deploy {Stack} on {Engine.Describe()} from {stackFile}: {images.Observer}");
            var deploy = Engine.Call(DockerAliases.Docker, new SwarmStackDeploySettings
            {
                ComposeFile = stackFile, Stack = Stack, WithRegistryAuth = access.Username is not null, ConfigDirectory = client.ConfigDirectory,
            });
            if (deploy.ExitCode != 0)
                throw new ReleaseStartException($"docker stack deploy of {Stack} on {Engine.Describe()} failed: {string.Join(" | ", deploy.Error.NonBlank().TakeLast(3))}");
        }
        var timer = Stopwatch.StartNew();
        var judged = Wait(ObserverService, images.Observer, observer, timer, cancellation);
        return judged.Outcome == ConvergenceOutcome.Converged ? Wait(SwarmStack.EdgeServiceName(Stack), images.Edge, edge, timer, cancellation) : judged;
    }

    private Convergence Wait(string service, string image, Before before, Stopwatch timer, CancellationToken cancellation)
    {
        string? said = null;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var judged = Inspect(service) is { } current
                ? ConvergenceJudgement.Judge(current, Tasks(service), new ConvergenceWatch(image, before.Tasks, before.Update, timer.Elapsed, Timeout))
                : timer.Elapsed >= Timeout
                    ? new Convergence(ConvergenceOutcome.Failed, $"{service} was not created within {Timeout.TotalSeconds:0} s (healthTimeoutSeconds)", [])
                    : new Convergence(ConvergenceOutcome.Converging, $"{service}: not created yet", []);
            if (judged.Summary != said) Log.Information(said = judged.Summary);
            if (judged.Done) return judged;
            cancellation.WaitHandle.WaitOne(Poll);
        }
    }

    /// <summary>How the observer's and the edge's tasks stand now: converged when every task the engine wants runs <paramref name="images"/>, healthy, none of another image left.</summary>
    public Convergence Running(StackImages images)
    {
        foreach (var (service, image) in new[] { (ObserverService, images.Observer), (SwarmStack.EdgeServiceName(Stack), images.Edge) })
        {
            if (Inspect(service) is not { } current) return new Convergence(ConvergenceOutcome.Failed, $"{service} is not on the swarm", []);
            var tasks = Tasks(service);
            // The engine's last update (completed, or rolled back) is history here: the tasks say what runs.
            var judged = ConvergenceJudgement.Judge(current, tasks, new ConvergenceWatch(image, tasks.Select(task => task.Id).ToHashSet(), current.Update?.StartedAt, TimeSpan.Zero, Timeout));
            if (judged.Outcome != ConvergenceOutcome.Converged) return judged;
        }
        return new Convergence(ConvergenceOutcome.Converged, $"{Stack}'s tasks run {images.Observer}", []);
    }

    /// <summary>How long after monitorSeconds the engine's rollback may take to begin before the wait stops looking for it.</summary>
    private static readonly TimeSpan RollbackBegins = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Waits, bounded by healthTimeoutSeconds, for the engine's own rollback of the observer's update (failure_action rollback)
    /// to end, and says how; null when it did not begin within monitorSeconds and a little more: a task that never started
    /// (one no node can take) or a wait that timed out is no failed update to the engine.
    /// </summary>
    public string? EngineRollback(CancellationToken cancellation)
    {
        var begins = TimeSpan.FromSeconds(Target.Swarm?.MonitorSeconds ?? 0) + RollbackBegins;
        var timer = Stopwatch.StartNew();
        while (timer.Elapsed < Timeout && !cancellation.IsCancellationRequested)
        {
            var update = Inspect(ObserverService)?.Update;
            switch (update?.State)
            {
                case "rollback_completed":
                    return "the engine rolled the update back: the release before serves again";
                case "rollback_paused":
                    return $"the engine paused its rollback ({update.Message}): see docker service ps {ObserverService} on the manager";
                case "rollback_started":
                    break;
                default:
                    if (timer.Elapsed >= begins) return null;
                    break;
            }
            cancellation.WaitHandle.WaitOne(Poll);
        }
        return $"the engine is rolling the update back, still unfinished after {timer.Elapsed.TotalSeconds:0} s: see docker service ps {ObserverService} on the manager";
    }

    /// <summary>Removes the stack (a first deploy that failed) and waits, bounded, until it is gone; says what it left.</summary>
    public string Remove() => RemoveStack() is { } left
        ? $"it was the stack's first deploy, but removing the stack {Stack} left {left}. Fix: docker stack rm {Stack} on the manager"
        : $"it was the stack's first deploy, so the stack {Stack} was removed: nothing of it runs, nothing is left half-up";

    /// <summary>
    /// `docker stack rm`, and the wait, bounded by healthTimeoutSeconds, until its services, networks and tasks are gone (a task the
    /// manager still lists may still run its container on its node); null then, else what is left and the engine's words.
    /// </summary>
    public string? RemoveStack()
    {
        var timer = Stopwatch.StartNew();
        while (true)
        {
            // Again while something is left: the engine may refuse to remove a network while a task of the stack still uses it.
            var remove = Engine.Call(DockerAliases.Docker, new SwarmStackRemoveSettings { Stack = Stack });
            var left = new[] { "service", "network" }.SelectMany(kind => Engine.Call(DockerAliases.Docker, new SwarmStackObjectsSettings { Kind = kind, Stack = Stack }).EnsureSuccess().Output.NonBlank()
                .Select(name => $"{kind} {name}")).Concat(TasksLeft()).ToList();
            if (left.Count == 0) return null;
            if (timer.Elapsed >= Timeout) return $"{string.Join(", ", left)} after {Timeout.TotalSeconds:0} s (healthTimeoutSeconds) ({string.Join(" | ", remove.Error.NonBlank().TakeLast(2))})";
            Thread.Sleep(Poll);
        }
    }

    private IEnumerable<string> TasksLeft()
    {
        var tasks = Engine.Call(DockerAliases.Docker, new SwarmStackTasksSettings { Stack = Stack });
        if (tasks.ExitCode == 0) return tasks.Output.NonBlank().Select(name => $"task {name}");
        return tasks.Error.Any(line => line.Contains("nothing found in stack", StringComparison.OrdinalIgnoreCase)) ? []
            : [$"tasks the manager could not list ({string.Join(" | ", tasks.Error.NonBlank().TakeLast(2))})"];
    }

    /// <summary>Why a wait ended, with the failing tasks' own words.</summary>
    public static string Describe(Convergence judged) =>
        judged.Summary + (judged.Errors.Count > 0 ? $" (task errors: {string.Join("; ", judged.Errors)})" : "");

    private SwarmService? Inspect(string service)
    {
        var inspect = Engine.Call(DockerAliases.Docker, new SwarmServiceInspectSettings { Service = service });
        if (inspect.ExitCode == 0) return SwarmService.Parse(string.Join("\n", inspect.Output));
        if (inspect.Error.Any(line => line.Contains("no such service", StringComparison.OrdinalIgnoreCase))) return null;
        throw new PipelineException($"The manager {Engine.Describe()} could not say what {service} is: {string.Join(" | ", inspect.Error.NonBlank().TakeLast(3))}");
    }

    private IReadOnlyList<SwarmTask> Tasks(string service)
    {
        var ps = Engine.Call(DockerAliases.Docker, new SwarmServicePsSettings { Service = service });
        return ps.ExitCode == 0 ? SwarmTask.ParseLines(ps.Output) : [];
    }
}
