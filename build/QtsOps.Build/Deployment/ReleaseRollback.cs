using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Notifications;

namespace QtsOps.Build.Deployment;

/// <summary>What a rollback left running, in words for the error message and the log.</summary>
public sealed record RollbackOutcome(string? RunningRelease, bool Verified, string Summary);

/// <summary>
/// Decides whether a release that failed its deploy or verify is rolled back or left as it is, and
/// puts back the last release that verified (or a chosen one), starts it, verifies it and records it.
/// <c>current</c> moves to it only once it is healthy, so a rollback that fails leaves <c>current</c>
/// naming the release that was to be replaced, and the next rollback still knows what to go back to.
/// The caller holds the deploy lock. Data is shared by all releases and never touched.
/// </summary>
/// <param name="noRollback">Where automatic rollback was turned off (--no-rollback or its variable), or null.</param>
public sealed class ReleaseRollback(DeploySession session, string? noRollback, ReleaseStarter starter, RunningReleaseCheck check)
{
    private DeploymentEnvironment Target => session.Target;

    private ReleaseStore Store => session.Store;

    private ICakeLog Log => session.Log;

    /// <summary>
    /// After a failed or interrupted deploy: the release that served keeps serving, or exactly it is put back;
    /// only when nothing served is the last verified one rolled back to (<see cref="FailedDeploy"/>). Says what runs now; never throws.
    /// </summary>
    /// <param name="servedBefore">The release that served when the deploy began (<see cref="DeploymentState.ServedRelease"/>).</param>
    public string AfterFailedDeploy(string failedRelease, string? servedBefore, CancellationToken cancellation)
    {
        try
        {
            // What runs is read again: the failed start changed it.
            var state = session.State;
            switch (FailedDeploy.Plan(servedBefore, servedBefore is not null && state.ServedRelease == servedBefore))
            {
                case FailedDeployPlan.KeepServing:
                    Store.Activate(servedBefore!);
                    session.Changed();
                    return $"{servedBefore} still serves in {state.ServingName}, as before the deploy, and is current again";
                case FailedDeployPlan.PutBack:
                    return RollBackOrLeave(failedRelease, cancellation, toRelease: servedBefore);
                default:
                    return RollBackOrLeave(failedRelease, cancellation);
            }
        }
        catch (Exception exception)
        {
            return $"what runs could not be checked or put back: {exception.Message}";
        }
    }

    /// <summary>After a failed deploy or verify: roll back unless told not to; says what runs now. Never throws: the caller's error comes first.</summary>
    /// <param name="cancellation">Stops the rollback's waits (a signal during it); it is then recorded as interrupted.</param>
    /// <param name="toRelease">The release to put back; null for the last verified one.</param>
    public string RollBackOrLeave(string failedRelease, CancellationToken cancellation, string? toRelease = null)
    {
        if (FailedRelease.WhyLeftAsItIs(failedRelease, Target.Name, noRollback, Target.AutomaticRollback, session.Protection) is { } left)
            return left;
        try
        {
            return Run(failedRelease, toRelease, cancellation).Summary;
        }
        catch (Exception exception)
        {
            return $"the rollback failed too: {exception.Message}";
        }
    }

    /// <param name="failedRelease">The release that failed (stopped when there is nothing to go back to).</param>
    /// <param name="toRelease">A release to go back to; null for the last one that verified.</param>
    /// <param name="cancellation">A signal: stops the waits, and the rollback is recorded as interrupted.</param>
    public RollbackOutcome Run(string? failedRelease, string? toRelease, CancellationToken cancellation)
    {
        var state = session.State;
        var release = toRelease ?? state.History.LastVerified(except: failedRelease)?.Release;
        if (release is null) return NothingVerified(failedRelease, state);
        var entry = Entry(release, failedRelease, state);
        Log.Warning(release == failedRelease ? $"Starting {release} on {Target.Name} again: it served before its deploy failed"
            : $"Rolling back {Target.Name} to {release}" + (failedRelease is null ? "" : $" (from {failedRelease})"));
        return StartAndCheck(entry, failedRelease, state.Current, cancellation);
    }

    /// <summary>No verified release to go back to: the failed one is stopped when it is installed, else there is nothing to do but say so.</summary>
    private RollbackOutcome NothingVerified(string? failedRelease, DeploymentState state)
    {
        if (failedRelease is null || !state.Host.Installed.Contains(failedRelease))
            throw new PipelineException("There is no verified release to roll back to (see .qtsops/history). Fix: deploy a good version, or name one with --to=VERSION.");
        starter.Stop(failedRelease);
        return new RollbackOutcome(null, false, $"there is no earlier verified release to go back to, so {failedRelease} was stopped: nothing runs now (data kept)");
    }

    /// <summary>The history entry of the rollback to <paramref name="release"/>; refused when the release or its image is no longer there.</summary>
    private HistoryEntry Entry(string release, string? failedRelease, DeploymentState state)
    {
        if (!state.Host.Installed.Contains(release))
            throw new PipelineException($"{Store.NotInstalled(release)}. Fix: pick one of those with --to=VERSION (see .qtsops/history/{Target.Name}.jsonl).");
        var image = session.Engine.Image(Target.ImageOf(release))
            ?? throw new PipelineException($"The image {Target.ImageOf(release)} of release {release} is no longer on the engine. Fix: rebuild it (check out that version, ./build.sh --target=image) or pick another with --to=VERSION.");
        var started = DateTimeOffset.UtcNow;
        return new HistoryEntry
        {
            Action = HistoryAction.Rollback, Result = HistoryResult.Succeeded, Version = state.History.VersionOf(release) ?? release, Release = release, Image = Target.ImageOf(release),
            ImageId = image.Id, Digest = image.RepoDigests.FirstOrDefault(), StartedAt = started, FinishedAt = started,
            Detail = failedRelease is null ? "on demand" : $"replaced {failedRelease}", Settings = DeploymentSettings.Of(Target),
        };
    }

    /// <summary>Starts the release, makes it current once healthy, checks it and records what happened, an interruption or a failure included.</summary>
    /// <param name="current">What <c>current</c> named before: it still does when the release does not become healthy.</param>
    private RollbackOutcome StartAndCheck(HistoryEntry entry, string? failedRelease, string? current, CancellationToken cancellation)
    {
        var release = entry.Release;
        var activated = false;
        try
        {
            var container = starter.Start(release, cancellation);
            Store.Activate(release);
            session.Changed();
            activated = true;
            // What follows is recorded with the container the release runs in, a failed check included.
            entry = entry with { ContainerId = container.Id };
            return Checked(entry, failedRelease, cancellation);
        }
        catch (Exception) when (cancellation.IsCancellationRequested)
        {
            session.Record(entry with { Result = HistoryResult.Interrupted, FinishedAt = DateTimeOffset.UtcNow, Detail = $"{entry.Detail}; interrupted" });
            return new RollbackOutcome(release, false, activated
                ? $"the rollback to {release} was interrupted after it became healthy, before it was verified: ./build.sh --target=verify checks it"
                : $"the rollback to {release} was interrupted before it became healthy, and current still names {current ?? "nothing"}: ./build.sh --target=rollback tries again");
        }
        catch (Exception exception)
        {
            session.Record(entry with { Result = HistoryResult.Failed, FinishedAt = DateTimeOffset.UtcNow, Detail = exception.Message });
            return new RollbackOutcome(release, false, activated
                ? $"rolled back to {release}, but its verification failed: {exception.Message}"
                : $"{release} did not start or become healthy either, and current still names {current ?? "nothing"}: {exception.Message}");
        }
    }

    /// <summary>Checks the release that runs again (report rollback), records the rollback (and a verify when it passed) and notifies.</summary>
    private RollbackOutcome Checked(HistoryEntry entry, string? failedRelease, CancellationToken cancellation)
    {
        var release = entry.Release;
        var report = check.Run(release, "rollback", cancellation).Report;
        entry = entry with { Result = report.Passed ? HistoryResult.Succeeded : HistoryResult.Failed, FinishedAt = DateTimeOffset.UtcNow };
        session.Record(entry);
        if (report.Passed) session.Record(entry with { Action = HistoryAction.Verify, StartedAt = report.CheckedAt });
        session.Reporting.Notify(NotificationEvent.RolledBack, $"{Target.Name} rolled back to {release}" + (failedRelease is null ? "" : $" from {failedRelease}") +
            (report.Passed ? ", verified" : $", which fails verification: {report.FailureSummary}"), failedRelease ?? release);
        return new RollbackOutcome(release, report.Passed, report.Passed
            ? $"rolled back to {release}, which is healthy and verified (artifacts/reports/rollback.md)"
            : $"rolled back to {release}, but it failed verification too: {report.FailureSummary}");
    }
}
