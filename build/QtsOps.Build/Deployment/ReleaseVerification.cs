using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Notifications;
using QtsOps.Core.Versioning;

namespace QtsOps.Build.Deployment;

/// <summary>The verify and rollback targets: verify what runs (the current release), record it, roll back when it fails.</summary>
/// <param name="rollbackTo">--to: the release a rollback on demand puts back, as the user wrote it; null for the last verified one.</param>
public sealed class ReleaseVerification(DeploySession session, string? rollbackTo, ReleaseRunner runner, Verifier verifier, RollbackRunner rollback)
{
    private DockerEngine Engine => session.Engine;
    private DeploymentEnvironment Target => session.Target;
    private ICakeLog Log => session.Log;

    public void Run()
    {
        Engine.EnsureReachable();
        var state = session.State;
        var release = state.Current
            ?? throw new PipelineException($"Nothing is deployed to '{Target.Name}' yet ({session.Store.DeployDirectory} has no current release). Fix: ./build.sh --target=deploy.");
        if (state.History.TakenDown() is { } down)
            throw new PipelineException($"Nothing runs on '{Target.Name}': it was taken down at {down.FinishedAt:u} (--target=down); nothing was verified. " +
                "Fix: ./build.sh --target=deploy, or --target=rollback to put back the last verified release.");
        // The version as deployed, which need not be this checkout's.
        var version = state.History.VersionOf(release) ?? release;
        var verifiedBefore = state.History.VerifiedSinceInstalled(release);
        var serving = state.ServingName;
        if (VerifyScope.Refusal(state.Claimed, serving, Target.Name, session.Store.DeployDirectory, release) is { } refusal)
            throw new PipelineException(refusal);
        if (verifiedBefore && state.Serving is not { State.Running: true }) Restart(release, serving);
        var started = DateTimeOffset.UtcNow;
        var report = verifier.Run(release, "verify", CancellationToken.None);
        var container = Engine.Container(session.State.ServingName);
        var image = container is null ? null : Engine.Image(container.Image);
        session.Record(new HistoryEntry
        {
            Action = HistoryAction.Verify, Result = report.Passed ? HistoryResult.Succeeded : HistoryResult.Failed,
            Version = version, Release = release,
            Image = Target.ImageOf(release), ImageId = container?.Image, Digest = image?.RepoDigests.FirstOrDefault(), ContainerId = container?.Id,
            StartedAt = started, FinishedAt = DateTimeOffset.UtcNow, Detail = report.Passed ? null : report.FailureSummary,
        });
        if (report.Passed)
        {
            Log.Information($"{release} verified: {report.Checks.Count} checks passed (artifacts/reports/verify.md)");
            return;
        }

        session.Reporting.Notify(NotificationEvent.VerifyFailed, $"{release} on {Target.Name}: {report.FailureSummary}", version);
        // Automatic rollback is for a release that never proved itself; an older one is no better than one that did.
        if (verifiedBefore)
            throw new PipelineException($"Verify of {release} on '{Target.Name}' failed: {report.FailureSummary} (artifacts/reports/verify.md). " +
                $"{release} verified before, so it was not replaced by an older release; ./build.sh --target=rollback does that if it is wanted.");
        string now;
        using (session.Locks.Acquire($"rollback after failed verify of {release}"))
        using (var interruption = Interruption.Watch(Log, $"the rollback from {release}"))
            now = rollback.RollBackOrLeave(release, interruption.Token);
        throw new PipelineException($"Verify of {release} on '{Target.Name}' failed: {report.FailureSummary} (artifacts/reports/verify.md). Now: {now}.");
    }

    /// <summary>A release that verified before and is down (stopped, or its container removed) is started again, not replaced.</summary>
    private void Restart(string release, string serving)
    {
        if (session.Protection.ChangeRefusal(Target.Name, ProtectedChange.Restart) is { } refusal)
            throw new PipelineException($"{serving} is not running, and {refusal} Fix: ./build.sh --target=verify --approve, or --target=rollback --approve to put back another release.");
        Log.Warning($"{serving} is not running; {release} verified before, so it is started again");
        using var held = session.Locks.Acquire($"restart of {release} before verify");
        using var interruption = Interruption.Watch(Log, $"the restart of {release}");
        try
        {
            runner.Start(release, interruption.Token);
        }
        catch (ReleaseStartException failed)
        {
            throw new PipelineException($"{release} on '{Target.Name}' was down and did not come back: {failed.Message} It verified before, so it was not replaced by an older release; ./build.sh --target=rollback does that if it is wanted.");
        }
    }

    public void RollBackOnDemand()
    {
        session.Protection.Require(Target.Name, ProtectedChange.Rollback);
        // Said before the engine is asked: the answer is in the host's record alone.
        var host = session.ReadHost();
        var to = RequestedRelease(host.Installed);
        if (to is null && session.HistoryOf(host).LastVerified(except: host.Current) is null) throw new PipelineException(NothingToRollBackTo(host));
        Engine.EnsureReachable();
        using var held = session.Locks.Acquire($"rollback to {to ?? "the last verified release"}");
        using var interruption = Interruption.Watch(Log, "the rollback");
        var state = session.State;
        if (state.ClaimRefusal("nothing was rolled back", "roll back from that checkout, or deploy here with --take-over.") is { } foreign)
            throw new PipelineException(foreign);
        var current = state.Current;
        to ??= state.History.LastVerified(except: current)?.Release ?? throw new PipelineException(NothingToRollBackTo(state.Host));
        var serving = state.ServingName;
        if (to == current && state.Serving is { State.Running: true, State.Health.Status: "healthy" } running && DeploymentState.OwnerOf(running).Release == to)
        {
            Log.Information($"Nothing to roll back: {to} already runs healthy in {serving}. Nothing was changed or recorded.");
            return;
        }
        var outcome = rollback.Run(failedRelease: current, toRelease: to, interruption.Token);
        if (!outcome.Verified) throw new PipelineException($"Rollback of '{Target.Name}': {outcome.Summary}.");
        Log.Information(outcome.Summary);
    }

    /// <summary>What <see cref="RollBackOnDemand"/> would put back, from the release store and the history; changes nothing.</summary>
    public void PreviewRollback()
    {
        var host = session.ReadHost();
        var current = host.Current;
        var to = RequestedRelease(host.Installed) ?? session.HistoryOf(host).LastVerified(except: current)?.Release;
        Log.Information(to is null
            ? $"(dry run) {NothingToRollBackTo(host)}"
            : $"(dry run) would put back {to} on '{Target.Name}' in place of {current ?? "nothing (no release is in place)"}, then verify it");
    }

    /// <summary>Why there is no release to put back, and what can be done instead: the installed releases --to can name, or a first deploy.</summary>
    private string NothingToRollBackTo(HostState host)
    {
        var current = host.Current;
        var others = host.Installed.Where(release => release != current).ToList();
        var why = current is null
            ? $"Nothing to roll back to on '{Target.Name}': no release is in place there, and none ever passed verify"
            : $"Nothing to roll back to on '{Target.Name}': no release but {current}, the one in place, ever passed verify there";
        var fix = others.Count > 0
            ? $"name an installed release with --to=VERSION (installed, newest first: {string.Join(", ", others)})"
            : "deploy the release you want: ./build.sh --target=deploy";
        return $"{why}. Fix: {fix}.";
    }

    /// <summary>
    /// --to as a release name: a version as written (1.2.4+dirty.1a2b3c4d) or as its tag (1.2.4_dirty.1a2b3c4d),
    /// of a release in the store; anything else (another version, a path) is refused before anything changes.
    /// </summary>
    private string? RequestedRelease(IReadOnlyList<string> installed)
    {
        if (rollbackTo is not { } given) return null;
        var release = SemanticVersion.TryParse(given, out var parsed) ? parsed.ToDockerTag() : given;
        return installed.Contains(release, StringComparer.Ordinal) ? release
            : throw new PipelineException($"--to={given}: {session.Store.NotInstalled(release)}. Fix: name one of those with --to=VERSION, or leave --to out to put back the last verified release.");
    }
}
