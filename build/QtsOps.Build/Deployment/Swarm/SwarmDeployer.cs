using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Notifications;
using QtsOps.Core.Swarm;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>
/// The deploy target on a swarm: the release's image and the edge's pinned by the digests the registry confirmed
/// (<see cref="SwarmImages"/>); under the deploy lock on the manager's host, the package installed as
/// releases/&lt;release&gt;/ there with its stack file (<see cref="SwarmStackFiles"/>); the data of each node where a task ran
/// backed up there (<see cref="SwarmNodeBackups"/>); the nodes' folders made
/// (<see cref="SwarmNodeFolders"/>); `docker stack deploy` and the
/// wait (<see cref="SwarmRollout"/>); the outcome recorded in the history there. A deploy that does not converge
/// leaves nothing half-done: a first deploy's stack is removed; a failed upgrade gets the release before put back
/// from its kept stack file, the observer's service and the edge alike (after the engine's own rollback of the observer, if any).
/// </summary>
public sealed class SwarmDeployer(DeploySession session, DeployRequest request, SwarmReleaseParts parts, SwarmRollout rollout, SwarmRollback rollback) : IReleaseDeployer
{

    private DeploymentEnvironment Target => session.Target;
    private ICakeLog Log => session.Log;
    private Checkout Checkout => request.Checkout;

    /// <summary>Whether a failed update is rolled back (by the engine, else from the kept stack file), or left as it is.</summary>
    private bool RollsBack => rollback.TurnedOffBy is null && Target.AutomaticRollback;

    /// <summary>The images pinned by the digests the registry confirmed, pushed once a run (the skip check's are the deploy's).</summary>
    private StackImages Pinned => _pinned ??= parts.Images.Pin();
    private StackImages? _pinned;

    private StackRelease ReleaseOf(StackImages pinned) => new(Checkout.VersionTag, pinned.Observer, pinned.Edge, RollsBack);

    /// <summary>Why the deploy has nothing to do (<see cref="SwarmDeploySkip"/>), or null; the manager is asked only once the host's record says the release may run.</summary>
    public string? AlreadyRunning()
    {
        session.Protection.Require(Target.Name, ProtectedChange.Deploy);
        session.Engine.EnsureReachable();
        var release = Checkout.VersionTag;
        var host = session.ReadHost();
        var reason = SwarmDeploySkip.Reason(new SwarmDeploySkipEvidence(release, host.Current, () => session.HistoryOf(host).SuccessfulChangeTo(release), DeploymentSettings.Of(Target),
            () => parts.Stacks.KeptTextOrNone(release), () => parts.Stacks.Write(request.PackageDirectory, ReleaseOf(Pinned), Checkout.Version).Text, () => rollout.Running(Pinned)));
        if (reason is not null) Log.Information($"The deploy's check {session.Cost}");
        return reason;
    }

    public void Run()
    {
        session.Protection.Require(Target.Name, ProtectedChange.Deploy);
        session.Engine.EnsureReachable();
        var release = Checkout.VersionTag;
        var pinned = Pinned;
        using var held = session.Locks.Acquire($"deploy {release}");
        using var interruption = Interruption.Watch(Log, $"the deploy of {release}");
        var previous = session.ReadHost().Current;
        var first = !rollout.Exists;
        using var stack = parts.Stacks.Install(request.PackageDirectory, ReleaseOf(pinned), Checkout.Version);
        Log.Information($"Installed {release} in {session.Host.Where(session.Store.PathOf(release))} with its {SwarmStack.FileName}" + (previous is null ? "" : $" (previous: {previous})"));
        var started = DateTimeOffset.UtcNow;
        var entry = new HistoryEntry
        {
            Action = HistoryAction.Deploy, Result = HistoryResult.Succeeded, Version = Checkout.Version, Release = release, Image = pinned.Observer,
            Digest = pinned.ObserverDigest, StartedAt = started, FinishedAt = started, Settings = DeploymentSettings.Of(Target),
        };
        Convergence judged;
        // Whether the stack deploy began: before it, the swarm runs what it ran, and there is nothing to undo.
        var changing = false;
        try
        {
            entry = entry with { Backups = parts.Backups.Take(pinned.Edge, $"before-{release}", interruption.Token) };
            parts.Folders.Make(pinned.Observer, request.PackageDirectory, interruption.Token);
            changing = true;
            judged = rollout.Deploy(stack.StackFile, pinned, interruption.Token);
        }
        // Ctrl-C in a terminal also reaches the docker commands, so their failures are the interruption too.
        catch (Exception) when (interruption.IsRequested)
        {
            var when = changing ? "while the swarm converged" : "before the stack deploy";
            session.Record(entry with { Result = HistoryResult.Interrupted, FinishedAt = DateTimeOffset.UtcNow, Detail = $"interrupted by {interruption.Signal} {when}" });
            throw new PipelineException($"{interruption.Signal} came during the deploy of {release} ({when}): it is recorded as interrupted. Now: {Undo(first, previous, release, changing)}.");
        }
        catch (ReleaseStartException exception)
        {
            judged = new Convergence(ConvergenceOutcome.Failed, exception.Message, []);
        }
        if (judged.Outcome != ConvergenceOutcome.Converged) Fail(entry, first, previous, judged, changing);

        session.Store.Activate(release);
        session.Record(entry with { FinishedAt = DateTimeOffset.UtcNow });
        session.Reporting.Notify(NotificationEvent.DeploySucceeded, $"{Checkout.Version} runs on the swarm of {Target.Name} ({pinned.Observer})");
        Report(release, pinned, previous, judged.Summary);
        var removed = session.Store.Prune(Target.ReleasesToKeep, previous is null ? [] : [previous]);
        if (removed.Count > 0) Log.Information($"Removed old releases: {string.Join(", ", removed)}");
    }

    /// <summary>Records the failure, undoes what it left, and stops the run with the tasks' own words and what runs now.</summary>
    private void Fail(HistoryEntry entry, bool first, string? previous, Convergence judged, bool changing)
    {
        var why = SwarmRollout.Describe(judged);
        Log.Error($"Deploy of {entry.Release} failed: {why}");
        var unrecorded = session.Record(entry with { Result = HistoryResult.Failed, FinishedAt = DateTimeOffset.UtcNow, Detail = why });
        session.Reporting.Notify(NotificationEvent.DeployFailed, why);
        var now = Undo(first, previous, entry.Release, changing);
        throw new PipelineException($"Deploy of {entry.Release} to {Target.Name} failed: {why}. Now: {now}." + (unrecorded is null ? "" : $" Also, {unrecorded}"));
    }

    /// <summary>
    /// What a failed deploy leaves: the swarm as it was when the stack deploy did not begin (<paramref name="changing"/>); else nothing
    /// for a first one; the release before for an upgrade, from its kept stack file (after the engine's own rollback, if it made one:
    /// that puts back the observer's service only, and the stack deploy changed the edge too).
    /// </summary>
    private string Undo(bool first, string? previous, string release, bool changing)
    {
        if (!changing) return $"the stack deploy did not begin, so the swarm runs what it ran ({previous ?? "nothing"})";
        if (first) return rollout.Remove();
        if (!RollsBack) return $"the swarm is left as it is ({rollback.TurnedOffBy ?? "\"automaticRollback\": false"}): the engine paused the update; see docker service ps {rollout.ObserverService} on the manager";
        var engine = rollout.EngineRollback(CancellationToken.None);
        if (previous is null) return engine ?? $"there is no earlier release of {Target.Name} to put back, and the stack {Target.ComposeProject} is left as the engine has it";
        // A redeploy of the release that runs replaced its kept stack file: putting "the release before" back would deploy the failed one again.
        if (previous == release) return (engine is null ? "" : $"{engine}; ") + $"the stack {Target.ComposeProject} is left as the engine has it: {release} was deployed over itself, so its earlier stack file is gone. " +
            $"Fix: ./build.sh --target=rollback --to=VERSION --env={Target.Name} (./build.sh --target=releases lists them)";
        var putBack = rollback.PutBack(previous, release, $"after the failed deploy of {release}", CancellationToken.None).Summary;
        return engine is null ? putBack : $"{engine} ({previous}), and the rest of the stack with it: {putBack}";
    }

    /// <summary>The deploy's report (artifacts/reports/deploy.json and .md) and log line.</summary>
    private void Report(string release, StackImages pinned, string? previous, string converged)
    {
        Log.Information($"The deploy {session.Cost}");
        session.Reporting.Write("deploy", "deployed",
            new { environment = Target.Name, Checkout.Version, release, image = pinned.Observer, edge = pinned.Edge, previous, engine = session.Engine.Describe(), converged, cost = session.CostReport() },
            $"# deploy: {Target.Name}\n\n`{release}` runs on the swarm through {session.Engine.Describe()} from `{pinned.Observer}`, behind the edge `{pinned.Edge}`; " +
            $"previous release: {(previous is null ? "none" : $"`{previous}`")}.\n\n{converged}.\n\n{session.Cost}.\n", []);
    }
}

/// <summary>What a release needs in place on the swarm before its stack deploy: its images in the registry, its stack file on the manager's host, the nodes' data backed up, the nodes' folders.</summary>
public sealed record SwarmReleaseParts(SwarmImages Images, SwarmStackFiles Stacks, SwarmNodeBackups Backups, SwarmNodeFolders Folders);
