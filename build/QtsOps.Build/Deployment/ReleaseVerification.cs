using Cake.Core.Diagnostics;
using QtsOps.Release.Deployment;
using QtsOps.Release.Environments;
using QtsOps.Release.Notifications;
using QtsOps.Release.Versioning;

namespace QtsOps.Build.Deployment;

/// <summary>The verify and rollback targets: verify what runs (the current release), record it, roll back when it fails.</summary>
/// <param name="rollbackTo">--to: the release a rollback on demand puts back, as the user wrote it; null for the last verified one.</param>
public sealed class ReleaseVerification(DockerEngine engine, DeploymentEnvironment target, ProtectionPolicy protection, string? rollbackTo,
    ReleaseRunner runner, Verifier verifier, RollbackRunner rollback, DeploymentLocks locks, RunReporting reporting)
{
    private ICakeLog Log => reporting.Log;

    public void Run()
    {
        engine.EnsureReachable();
        var release = runner.Store.Current
            ?? throw new PipelineException($"Nothing is deployed to '{target.Name}' yet ({runner.Store.DeployDirectory} has no current release). Fix: ./build.sh --target=deploy.");
        if (runner.History.TakenDown() is { } down)
            throw new PipelineException($"Nothing runs on '{target.Name}': it was taken down at {down.FinishedAt:u} (--target=down); nothing was verified. " +
                "Fix: ./build.sh --target=deploy, or --target=rollback to put back the last verified release.");
        // The version as deployed, which need not be this checkout's.
        var version = runner.History.VersionOf(release) ?? release;
        var verifiedBefore = runner.History.VerifiedSinceInstalled(release);
        var serving = runner.ServingContainer();
        var containers = runner.Containers();
        var claimed = containers.Select(ReleaseRunner.Claimed).ToList();
        if (VerifyScope.Refusal(claimed, serving, target.Name, runner.Store.DeployDirectory, release) is { } refusal)
            throw new PipelineException(refusal);
        var running = containers.FirstOrDefault(c => c.Name.TrimStart('/') == serving);
        if (verifiedBefore && running is not { State.Running: true }) Restart(release, serving);
        var started = DateTimeOffset.UtcNow;
        var report = verifier.Run(release, "verify", CancellationToken.None);
        var container = engine.Container(runner.ServingContainer());
        var image = container is null ? null : engine.Image(container.Image);
        runner.Record(new HistoryEntry
        {
            Action = HistoryAction.Verify, Result = report.Passed ? HistoryResult.Succeeded : HistoryResult.Failed,
            Version = version, Release = release,
            Image = target.ImageOf(release), ImageId = container?.Image, Digest = image?.RepoDigests.FirstOrDefault(), ContainerId = container?.Id,
            StartedAt = started, FinishedAt = DateTimeOffset.UtcNow, Detail = report.Passed ? null : report.FailureSummary,
        });
        if (report.Passed)
        {
            Log.Information($"{release} verified: {report.Checks.Count} checks passed (artifacts/reports/verify.md)");
            return;
        }

        reporting.Notify(NotificationEvent.VerifyFailed, $"{release} on {target.Name}: {report.FailureSummary}", version);
        // Automatic rollback is for a release that never proved itself; an older one is no better than one that did.
        if (verifiedBefore)
            throw new PipelineException($"Verify of {release} on '{target.Name}' failed: {report.FailureSummary} (artifacts/reports/verify.md). " +
                $"{release} verified before, so it was not replaced by an older release; ./build.sh --target=rollback does that if it is wanted.");
        string now;
        using (locks.Acquire($"rollback after failed verify of {release}"))
        using (var interruption = Interruption.Watch(Log, $"the rollback from {release}"))
            now = rollback.RollBackOrLeave(release, interruption.Token);
        throw new PipelineException($"Verify of {release} on '{target.Name}' failed: {report.FailureSummary} (artifacts/reports/verify.md). Now: {now}.");
    }

    /// <summary>A release that verified before and is down (stopped, or its container removed) is started again, not replaced.</summary>
    private void Restart(string release, string serving)
    {
        if (protection.ChangeRefusal(target.Name, ProtectedChange.Restart) is { } refusal)
            throw new PipelineException($"{serving} is not running, and {refusal} Fix: ./build.sh --target=verify --approve, or --target=rollback --approve to put back another release.");
        Log.Warning($"{serving} is not running; {release} verified before, so it is started again");
        using var held = locks.Acquire($"restart of {release} before verify");
        using var interruption = Interruption.Watch(Log, $"the restart of {release}");
        try
        {
            runner.Start(release, interruption.Token);
        }
        catch (ReleaseStartException failed)
        {
            throw new PipelineException($"{release} on '{target.Name}' was down and did not come back: {failed.Message} It verified before, so it was not replaced by an older release; ./build.sh --target=rollback does that if it is wanted.");
        }
    }

    public void RollBackOnDemand()
    {
        protection.Require(target.Name, ProtectedChange.Rollback);
        var to = RequestedRelease(runner.Store);
        // Said before the engine is asked: the answer is in the history alone.
        if (to is null && runner.History.LastVerified(except: runner.Store.Current) is null) throw new PipelineException(NothingToRollBackTo(runner.Store.Current));
        engine.EnsureReachable();
        using var held = locks.Acquire($"rollback to {to ?? "the last verified release"}");
        using var interruption = Interruption.Watch(Log, "the rollback");
        var containers = runner.Containers();
        if (runner.ClaimRefusal(containers, "nothing was rolled back", "roll back from that checkout, or deploy here with --take-over.") is { } foreign)
            throw new PipelineException(foreign);
        var current = runner.Store.Current;
        to ??= runner.History.LastVerified(except: current)?.Release ?? throw new PipelineException(NothingToRollBackTo(current));
        var serving = runner.ServingContainer();
        if (to == current && containers.FirstOrDefault(c => c.Name.TrimStart('/') == serving) is { State.Running: true, State.Health.Status: "healthy" } running
            && ReleaseRunner.OwnerOf(running).Release == to)
        {
            Log.Information($"Nothing to roll back: {to} already runs healthy in {serving}. Nothing was changed or recorded.");
            return;
        }
        var outcome = rollback.Run(failedRelease: current, toRelease: to, interruption.Token);
        if (!outcome.Verified) throw new PipelineException($"Rollback of '{target.Name}': {outcome.Summary}.");
        Log.Information(outcome.Summary);
    }

    /// <summary>What <see cref="RollBackOnDemand"/> would put back, from the release store and the history; changes nothing.</summary>
    public void PreviewRollback()
    {
        var current = runner.Store.Current;
        var to = RequestedRelease(runner.Store) ?? runner.History.LastVerified(except: current)?.Release;
        Log.Information(to is null
            ? $"(dry run) {NothingToRollBackTo(current)}"
            : $"(dry run) would put back {to} on '{target.Name}' in place of {current ?? "nothing (no release is in place)"}, then verify it");
    }

    /// <summary>Why there is no release to put back, and what can be done instead: the installed releases --to can name, or a first deploy.</summary>
    private string NothingToRollBackTo(string? current)
    {
        var others = runner.Store.Installed.Where(release => release != current).ToList();
        var why = current is null
            ? $"Nothing to roll back to on '{target.Name}': no release is in place there, and none ever passed verify"
            : $"Nothing to roll back to on '{target.Name}': no release but {current}, the one in place, ever passed verify there";
        var fix = others.Count > 0
            ? $"name an installed release with --to=VERSION (installed, newest first: {string.Join(", ", others)})"
            : "deploy the release you want: ./build.sh --target=deploy";
        return $"{why}. Fix: {fix}.";
    }

    /// <summary>
    /// --to as a release name: a version as written (1.2.4+dirty.1a2b3c4d) or as its tag (1.2.4_dirty.1a2b3c4d),
    /// of a release in the store; anything else (another version, a path) is refused before anything changes.
    /// </summary>
    private string? RequestedRelease(ReleaseStore store)
    {
        if (rollbackTo is not { } given) return null;
        var release = SemanticVersion.TryParse(given, out var parsed) ? parsed.ToDockerTag() : given;
        return store.IsInstalled(release) ? release
            : throw new PipelineException($"--to={given}: {store.NotInstalled(release)}. Fix: name one of those with --to=VERSION, or leave --to out to put back the last verified release.");
    }
}
