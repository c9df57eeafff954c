using Cake.Core.Diagnostics;
using QtsOps.Release.Deployment;
using QtsOps.Release.Environments;
using QtsOps.Release.Notifications;
using QtsOps.Release.Versioning;

namespace QtsOps.Build.Deployment;

/// <summary>The verify and rollback targets: verify what runs (the current release), record it, roll back when it fails.</summary>
public sealed class ReleaseVerification(DockerEngine engine)
{
    private BuildContext Context => engine.Context;

    public void Run()
    {
        engine.EnsureReachable();
        var runner = new ReleaseRunner(engine);
        var release = runner.Store.Current
            ?? throw new PipelineException($"Nothing is deployed to '{Context.EnvironmentName}' yet ({runner.Store.DeployDirectory} has no current release). Fix: ./build.sh --target=deploy.");
        // The version as deployed, which need not be this checkout's.
        var version = runner.History.VersionOf(release) ?? release;
        var verifiedBefore = runner.History.VerifiedSinceInstalled(release);
        var running = engine.Container(Context.Target.ContainerName);
        if (running is not null && VerifyScope.Refusal(Context.Target.ContainerName, Context.EnvironmentName, ReleaseRunner.OwnerOf(running), runner.Store.DeployDirectory, release) is { } refusal)
            throw new PipelineException(refusal);
        if (verifiedBefore && running is not { State.Running: true }) Restart(runner, release);
        var started = DateTimeOffset.UtcNow;
        var report = new Verifier(engine).Run(release, "verify", CancellationToken.None);
        var container = engine.Container(Context.Target.ContainerName);
        var image = container is null ? null : engine.Image(container.Image);
        runner.Record(new HistoryEntry
        {
            Action = HistoryAction.Verify, Result = report.Passed ? HistoryResult.Succeeded : HistoryResult.Failed,
            Version = version, Release = release,
            Image = runner.ImageFor(release), ImageId = container?.Image, Digest = image?.RepoDigests.FirstOrDefault(), ContainerId = container?.Id,
            StartedAt = started, FinishedAt = DateTimeOffset.UtcNow, Detail = report.Passed ? null : report.FailureSummary,
        });
        if (report.Passed)
        {
            Context.Log.Information($"{release} verified: {report.Checks.Count} checks passed (artifacts/reports/verify.md)");
            return;
        }

        Context.Notify(NotificationEvent.VerifyFailed, $"{release} on {Context.EnvironmentName}: {report.FailureSummary}", version);
        // Automatic rollback is for a release that never proved itself; an older one is no better than one that did.
        if (verifiedBefore)
            throw new PipelineException($"Verify of {release} on '{Context.EnvironmentName}' failed: {report.FailureSummary} (artifacts/reports/verify.md). " +
                $"{release} verified before, so it was not replaced by an older release; ./build.sh --target=rollback does that if it is wanted.");
        string now;
        using (DeploymentLocks.Acquire(engine, $"rollback after failed verify of {release}"))
        using (var interruption = Interruption.Watch(Context.Log, $"the rollback from {release}"))
            now = new RollbackRunner(engine).RollBackOrLeave(release, interruption.Token);
        throw new PipelineException($"Verify of {release} on '{Context.EnvironmentName}' failed: {report.FailureSummary} (artifacts/reports/verify.md). Now: {now}.");
    }

    /// <summary>A release that verified before and is down (stopped, or its container removed) is started again, not replaced.</summary>
    private void Restart(ReleaseRunner runner, string release)
    {
        Context.Log.Warning($"{Context.Target.ContainerName} is not running; {release} verified before, so it is started again");
        using var held = DeploymentLocks.Acquire(engine, $"restart of {release} before verify");
        using var interruption = Interruption.Watch(Context.Log, $"the restart of {release}");
        try
        {
            runner.Start(release, interruption.Token);
        }
        catch (ReleaseStartException failed)
        {
            throw new PipelineException($"{release} on '{Context.EnvironmentName}' was down and did not come back: {failed.Message} It verified before, so it was not replaced by an older release; ./build.sh --target=rollback does that if it is wanted.");
        }
    }

    public void RollBackOnDemand()
    {
        Context.RequireApproval(ProtectedChange.Rollback);
        var runner = new ReleaseRunner(engine);
        var to = RequestedRelease(runner.Store);
        engine.EnsureReachable();
        var target = Context.Target;
        using var held = DeploymentLocks.Acquire(engine, $"rollback to {to ?? "the last verified release"}");
        using var interruption = Interruption.Watch(Context.Log, "the rollback");
        var current = runner.Store.Current;
        to ??= runner.History.LastVerified(except: current)?.Release
            ?? throw new PipelineException($"No release other than {current ?? "(none)"} ever verified on '{target.Name}': nothing to roll back to. Fix: name one with --to=VERSION.");
        if (to == current && engine.Container(target.ContainerName) is { State.Running: true, State.Health.Status: "healthy" } running
            && runner.IsOurs(running) && ReleaseRunner.OwnerOf(running).Release == to)
        {
            Context.Log.Information($"Nothing to roll back: {to} already runs healthy in {target.ContainerName}. Nothing was changed or recorded.");
            return;
        }
        var outcome = new RollbackRunner(engine).Run(failedRelease: current, toRelease: to, interruption.Token);
        if (!outcome.Verified) throw new PipelineException($"Rollback of '{target.Name}': {outcome.Summary}.");
        Context.Log.Information(outcome.Summary);
    }

    /// <summary>What <see cref="RollBackOnDemand"/> would put back, from the release store and the history; changes nothing.</summary>
    public void PreviewRollback()
    {
        var runner = new ReleaseRunner(engine);
        var current = runner.Store.Current ?? "(none)";
        var to = RequestedRelease(runner.Store) ?? runner.History.LastVerified(except: runner.Store.Current)?.Release;
        Context.Log.Information(to is null
            ? $"(dry run) nothing to roll back to on '{Context.EnvironmentName}': no release other than {current} ever verified (name one with --to=VERSION)"
            : $"(dry run) would put back {to} on '{Context.EnvironmentName}' in place of {current}, then verify it");
    }

    /// <summary>
    /// --to as a release name: a version as written (1.2.4+dirty.1a2b3c4d) or as its tag (1.2.4_dirty.1a2b3c4d),
    /// of a release in the store; anything else (another version, a path) is refused before anything changes.
    /// </summary>
    private string? RequestedRelease(ReleaseStore store)
    {
        if (Context.Options.Get(PipelineOptions.RollbackTo) is not { } given) return null;
        var release = SemanticVersion.TryParse(given, out var parsed) ? parsed.ToDockerTag() : given;
        return store.IsInstalled(release) ? release
            : throw new PipelineException($"--to={given}: {store.NotInstalled(release)}. Fix: name one of those with --to=VERSION, or leave --to out to put back the last verified release.");
    }
}
