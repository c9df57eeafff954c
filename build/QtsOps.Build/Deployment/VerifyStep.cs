using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Notifications;
using QtsOps.Core.Verification;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>The verify target's work, by the environment's engine.</summary>
public interface IVerifyStep
{
    void Run();
}

/// <summary>
/// The verify target: checks what runs (the current release) with <see cref="RunningReleaseCheck"/>, records it, and rolls
/// back a release that never proved itself when it fails (<see cref="ReleaseRollback"/>).
/// </summary>
public sealed class VerifyStep(DeploySession session, ReleaseStarter starter, RunningReleaseCheck check, ReleaseRollback rollback) : IVerifyStep
{
    private DockerEngine Engine => session.Engine;
    private DeploymentEnvironment Target => session.Target;
    private ICakeLog Log => session.Log;

    public void Run()
    {
        Engine.EnsureReachable();
        var state = session.State;
        var release = ReleaseToVerify(session, state.Current, state.History);
        // The version as deployed, which need not be this checkout's.
        var version = state.History.VersionOf(release) ?? release;
        var verifiedBefore = state.History.VerifiedSinceInstalled(release);
        var serving = state.ServingName;
        if (VerifyScope.Refusal(state.Claimed, serving, Target.Name, session.Store.DeployDirectory, release) is { } refusal)
            throw new PipelineException(refusal);
        if (verifiedBefore && state.Serving is not { State.Running: true }) Restart(release, serving);
        var started = DateTimeOffset.UtcNow;
        // The state read above, or again after a restart: its container is the one to check.
        var (report, container) = check.Run(release, "verify", CancellationToken.None, serving: session.State.Serving);
        Record(release, version, report, container, started);
        Log.Information($"The verify {session.Cost}");
        if (report.Passed)
        {
            Log.Information($"{release} verified: {report.Checks.Count} checks passed (artifacts/reports/verify.md)");
            return;
        }
        Failed(release, version, report, verifiedBefore);
    }

    /// <summary>The current release; refused when nothing is deployed, or the environment was taken down.</summary>
    public static string ReleaseToVerify(DeploySession session, string? current, IReadOnlyList<HistoryEntry> history)
    {
        var name = session.Target.Name;
        var release = current
            ?? throw new PipelineException($"Nothing is deployed to '{name}' yet ({session.Store.DeployDirectory} has no current release). Fix: ./build.sh --target=deploy.");
        if (history.TakenDown() is { } down)
            throw new PipelineException($"Nothing runs on '{name}': it was taken down at {down.FinishedAt:u} (--target=down); nothing was verified. " +
                "Fix: ./build.sh --target=deploy, or --target=rollback to put back the last verified release.");
        return release;
    }

    /// <summary>Records the verify in the history, with the image and container it checked (as the check read it: not asked again).</summary>
    private void Record(string release, string version, VerifyReport report, DockerContainer? container, DateTimeOffset started)
    {
        var image = container is null ? null : Engine.Image(container.Image);
        session.Record(new HistoryEntry
        {
            Action = HistoryAction.Verify, Result = report.Passed ? HistoryResult.Succeeded : HistoryResult.Failed,
            Version = version, Release = release,
            Image = Target.ImageOf(release), ImageId = container?.Image, Digest = image?.RepoDigests.FirstOrDefault(), ContainerId = container?.Id,
            StartedAt = started, FinishedAt = DateTimeOffset.UtcNow, Detail = report.Passed ? null : report.FailureSummary,
        });
    }

    /// <summary>A failed verify: notifies, and rolls back a release that never verified before; always throws.</summary>
    private void Failed(string release, string version, VerifyReport report, bool verifiedBefore)
    {
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
            starter.Start(release, interruption.Token);
        }
        catch (ReleaseStartException failed)
        {
            throw new PipelineException($"{release} on '{Target.Name}' was down and did not come back: {failed.Message} It verified before, so it was not replaced by an older release; ./build.sh --target=rollback does that if it is wanted.");
        }
    }
}
