using Cake.Core.Diagnostics;
using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;
using QtsOps.Core.Verification;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>Puts back the release before a failed one on a swarm (the pipeline connects the swarm's rollback: its kept stack file deployed again, waited for and verified).</summary>
public interface ISwarmRollback
{
    /// <param name="failedRelease">The release whose verify failed.</param>
    /// <param name="reason">What failed, for the history and the notification.</param>
    /// <returns>What runs now, in a few words, for the run's error.</returns>
    string RollBack(string failedRelease, string reason);
}

/// <summary>The release a swarm runs: its name, the image its stack file pinned (repository@sha256:…), and that stack file (where fixes go).</summary>
public sealed record SwarmRelease(string Release, string Image, string StackFile);

/// <summary>
/// verify on a swarm (issue 23, point 4): every task of the observer's service judged, not one container
/// (<see cref="SwarmVerifyChecklist"/>), from what <see cref="SwarmObserver"/> reads through the manager;
/// artifacts/reports/verify.json and .md list the checks per task and node, as the compose verify's do.
/// A failed verify rolls back through <see cref="ISwarmRollback"/> and fails the run.
/// </summary>
public sealed class SwarmVerify(SwarmObserver observer, DeploymentEnvironment target, RunReporting reporting, ISwarmRollback rollback)
{
    private ICakeLog Log => reporting.Log;

    private string Service => SwarmStack.ServiceName(target.ComposeProject);

    /// <summary>Verifies; on a failure rolls back (unless <paramref name="rollBackOnFailure"/> is false: a release that verified before) and throws.</summary>
    /// <param name="judged">Told the report before any rollback: the verify is recorded before what follows it.</param>
    public VerifyReport Run(SwarmRelease release, bool rollBackOnFailure = true, Action<VerifyReport>? judged = null)
    {
        var report = Check(release);
        judged?.Invoke(report);
        if (report.Passed)
        {
            Log.Information($"{release.Release} verified on the swarm: {report.Checks.Count} checks passed (artifacts/reports/verify.md)");
            return report;
        }
        var failed = $"Verify of {release.Release} on '{target.Name}' failed: {report.FailureSummary} (artifacts/reports/verify.md).";
        if (!rollBackOnFailure)
            throw new PipelineException($"{failed} {release.Release} verified before, so it was not replaced by an older release; ./build.sh --target=rollback does that if it is wanted.");
        var now = rollback.RollBack(release.Release, report.FailureSummary);
        throw new PipelineException($"{failed} Now: {now}.");
    }

    /// <summary>Gathers the evidence once the settle window after the service's last change has passed, judges it and writes the report.</summary>
    public VerifyReport Check(SwarmRelease release)
    {
        var (service, changedAt) = observer.Service(Service)
            ?? throw new PipelineException($"The swarm at {observer.Engine.Describe()} has no service {Service}: nothing of '{target.Name}' runs there. Fix: ./build.sh --target=deploy --env={target.Name}.");
        var settle = new SettleWindow(changedAt, target.SettleSeconds).LeftAt(DateTimeOffset.UtcNow);
        if (settle > TimeSpan.Zero)
        {
            Log.Information($"Letting {Service} settle for {settle.TotalSeconds:0.#} s after its update");
            Thread.Sleep(settle);
        }
        var now = DateTimeOffset.UtcNow;
        var evidence = Gather(service, changedAt, release.Image);
        var checks = SwarmVerifyChecklist.Evaluate(evidence);
        var report = VerifyReport.Of("verify", target.Name, release.Release, Service, now, checks, release.StackFile);
        reporting.Write("verify", report.Passed ? "passed" : "failed", report, report.ToMarkdown(), report.Findings);
        reporting.AddSummarySection($"Verify ({target.Name}, {release.Release})", report.ToMarkdown());
        foreach (var check in checks)
        {
            if (check.Passed) Log.Information($"  pass  {check.Name}: {check.Evidence}");
            else Log.Error($"  FAIL  {check.Name}: {check.Evidence}");
        }
        return report;
    }

    private SwarmVerifyEvidence Gather(SwarmService service, DateTimeOffset changedAt, string image)
    {
        var nodes = Task.Run(() => AskNodes());
        var tasks = observer.Tasks(Service);
        var details = observer.Details(tasks);
        var current = tasks.Where(task => task.Current && task.Running).ToList();
        var health = observer.TaskHealth(current, details, image);
        return new SwarmVerifyEvidence
        {
            Service = service,
            Tasks = tasks,
            Image = image,
            TasksBefore = tasks.Where(task => details.TryGetValue(task.Id, out var detail) && detail.CreatedAt < changedAt).Select(task => task.Id).ToHashSet(StringComparer.Ordinal),
            Nodes = nodes.GetAwaiter().GetResult(),
            LogLines = observer.Logs(Service, changedAt),
            Records = current.Where(task => task.Node.Length > 0).GroupBy(task => task.Node)
                .ToDictionary(group => group.Key, group => Records(health.GetValueOrDefault(group.First().Id), changedAt)),
            TaskHealth = health.ToDictionary(pair => pair.Key, pair => pair.Value.Health),
        };
    }

    /// <summary>
    /// /health through each node's published port, on the nodes where the edge runs (it publishes the port);
    /// the others are named with why they were not asked.
    /// </summary>
    private List<NodeHealth> AskNodes()
    {
        var edges = observer.Tasks(SwarmStack.EdgeServiceName(target.ComposeProject)).Where(task => task.Current && task.Running).Select(task => task.Node).ToHashSet(StringComparer.Ordinal);
        var asked = observer.Nodes().Select(node => Task.Run(() => edges.Contains(node.Hostname)
            ? SwarmObserver.AskNode(node, target.Port)
            : new NodeHealth(node.Hostname, node.Address, null, node.NotServingBecause ?? "no task of the edge runs there, so nothing publishes the port"))).ToArray();
        return [.. asked.Select(answer => answer.GetAwaiter().GetResult()).OrderBy(node => node.Node, StringComparer.Ordinal)];
    }

    /// <summary>The records evidence of a node from its task's /health: when it last wrote a record.</summary>
    private static DataRecordEvidence Records(TaskHealth? health, DateTimeOffset since) => health switch
    {
        null => new DataRecordEvidence(since, [], "the task has no address on the service's network, so it could not be asked"),
        { Health.StatusCode: null } => new DataRecordEvidence(since, [], health.Health.Error),
        { LastRecordAt: { } at } => new DataRecordEvidence(since, [at], null),
        _ => new DataRecordEvidence(since, [], $"its /health names no last record: {health.Health.Body}"),
    };
}
