using QtsOps.Core.Deployment;
using QtsOps.Core.Notifications;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>
/// The verify target on a swarm: the current release on the manager's host, with the image its kept stack file pins,
/// judged by <see cref="SwarmVerify"/>; the outcome recorded in the history there (a later rollback finds the last verified
/// release by it) and a failure notified, as the compose verify does. A failure rolls back (<see cref="ISwarmRollback"/>)
/// a release that never verified; one that verified before is left, not replaced by an older one.
/// </summary>
public sealed class SwarmVerifyStep(DeploySession session, SwarmStackFiles stacks, SwarmVerify verify) : IVerifyStep
{
    public void Run() => Run(mayRollBack: true);

    /// <param name="mayRollBack">
    /// False for the verify of a release a rollback just put back: a failure then stops the run saying what runs, rather than
    /// roll back again to the release the operator rolled away from.
    /// </param>
    public void Run(bool mayRollBack)
    {
        session.Engine.EnsureReachable();
        var host = session.ReadHost();
        var history = session.HistoryOf(host);
        var release = VerifyStep.ReleaseToVerify(session, host.Current, history);
        var version = history.VersionOf(release) ?? release;
        var (images, stackFile) = stacks.ImagesOf(release);
        var started = DateTimeOffset.UtcNow;
        verify.Run(new SwarmRelease(release, images.Observer, stackFile), rollBackOnFailure: mayRollBack && !history.VerifiedSinceInstalled(release), judged: report =>
        {
            session.Record(new HistoryEntry
            {
                Action = HistoryAction.Verify, Result = report.Passed ? HistoryResult.Succeeded : HistoryResult.Failed, Version = version, Release = release,
                Image = images.Observer, Digest = images.ObserverDigest,
                StartedAt = started, FinishedAt = DateTimeOffset.UtcNow, Detail = report.Passed ? null : report.FailureSummary,
            });
            if (!report.Passed) session.Reporting.Notify(NotificationEvent.VerifyFailed, $"{release} on {session.Target.Name}: {report.FailureSummary}", version);
        });
    }
}
