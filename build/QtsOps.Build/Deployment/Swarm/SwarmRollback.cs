using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Notifications;
using QtsOps.Core.Swarm;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>How a put-back ended: whether the release's tasks run again, and what to say.</summary>
public sealed record SwarmPutBack(bool Converged, string Summary);

/// <summary>
/// The rollback target on a swarm, and a failed upgrade's undo: the release (the last verified one, or --to) is
/// put back by deploying its kept stack file again (<see cref="SwarmStackFiles"/>), not by `docker service
/// rollback`, which knows one step only; waited for as a deploy is (<see cref="SwarmRollout"/>), made current
/// and recorded in the history on the manager's host, under the deploy lock there; on demand, the nodes' data is backed up before
/// (<see cref="SwarmNodeBackups"/>).
/// </summary>
/// <param name="rollbackTo">--to: the release to put back, as the user wrote it; null for the last verified one.</param>
/// <param name="noRollback">What turned automatic rollback off for this run (--no-rollback), or null: a failed verify then leaves the release.</param>
public sealed class SwarmRollback(DeploySession session, string? rollbackTo, SwarmPutBackParts parts, string? noRollback) : IRollbackOnDemand, ISwarmRollback
{
    /// <summary>What turned automatic rollback off for this run (--no-rollback), or null.</summary>
    public string? TurnedOffBy => noRollback;

    private DeploymentEnvironment Target => session.Target;

    public void Run()
    {
        session.Protection.Require(Target.Name, ProtectedChange.Rollback);
        // Said before the engine is asked: the answer is in the host's record alone.
        var host = session.ReadHost();
        var to = RollbackOnDemand.RequestedRelease(session, rollbackTo, host.Installed) ?? session.HistoryOf(host).LastVerified(except: host.Current)?.Release
            ?? throw new PipelineException(RollbackOnDemand.NothingToRollBackTo(Target.Name, host));
        session.Engine.EnsureReachable();
        using var held = session.Locks.Acquire($"rollback to {to}");
        using var interruption = Interruption.Watch(session.Log, "the rollback");
        var outcome = PutBack(to, host.Current, "on demand", interruption.Token, backUpFirst: true);
        if (!outcome.Converged) throw new PipelineException($"Rollback of '{Target.Name}': {outcome.Summary}.");
        session.Log.Information(outcome.Summary);
    }

    public void Preview() => RollbackOnDemand.Preview(session, rollbackTo, $"by deploying its kept {SwarmStack.FileName} again, then verify it");

    /// <summary>
    /// A failed verify's undo: the last verified release before <paramref name="failedRelease"/> put back under the deploy lock,
    /// unless rollback is off or not approved; says what runs now and never throws (the verify's error comes first).
    /// </summary>
    public string RollBack(string failedRelease, string reason)
    {
        if (FailedRelease.WhyLeftAsItIs(failedRelease, Target.Name, noRollback, Target.AutomaticRollback, session.Protection) is { } left) return left;
        try
        {
            var to = session.HistoryOf(session.ReadHost()).LastVerified(except: failedRelease)?.Release;
            if (to is null)
                return $"there is no earlier verified release to put back, so {failedRelease} was left on the swarm; ./build.sh --target=rollback --to=VERSION puts back another installed release";
            using var held = session.Locks.Acquire($"rollback after failed verify of {failedRelease}");
            using var interruption = Interruption.Watch(session.Log, $"the rollback from {failedRelease}");
            return PutBack(to, failedRelease, $"after the failed verify of {failedRelease} ({reason})", interruption.Token).Summary;
        }
        catch (Exception exception)
        {
            return $"the rollback failed too: {exception.Message}";
        }
    }

    /// <summary>
    /// Deploys <paramref name="release"/>'s kept stack file again and waits; once its tasks run it is made current. Recorded
    /// either way; a release that does not converge, or a stop, is said, not thrown (a failed deploy's error comes first).
    /// </summary>
    /// <param name="replaced">The release it replaces, for the record; null when none.</param>
    /// <param name="reason">Why, for the record ("on demand", "after the failed deploy of …").</param>
    /// <param name="backUpFirst">
    /// Whether the nodes' data is backed up first: on demand, yes; after a failed deploy or verify, the deploy's own backup,
    /// taken before the failed release started, is the one to restore (as on one host).
    /// </param>
    public SwarmPutBack PutBack(string release, string? replaced, string reason, CancellationToken cancellation, bool backUpFirst = false)
    {
        using var stack = parts.Stacks.Kept(release);
        var images = stack.Images;
        session.Log.Warning($"Putting {release} back on {Target.Name} from its kept {SwarmStack.FileName}" + (replaced is null ? "" : $" (in place of {replaced})"));
        var started = DateTimeOffset.UtcNow;
        var entry = new HistoryEntry
        {
            Action = HistoryAction.Rollback, Result = HistoryResult.Succeeded, Version = session.HistoryOf(session.ReadHost()).VersionOf(release) ?? release, Release = release,
            Image = images.Observer, Digest = images.ObserverDigest, StartedAt = started, FinishedAt = started,
            Detail = replaced is null ? reason : $"{reason}; replaced {replaced}", Settings = DeploymentSettings.Of(Target),
        };
        try
        {
            if (backUpFirst) entry = entry with { Backups = parts.Backups.Take(images.Edge, $"before-rollback-to-{release}", cancellation) };
            var judged = parts.Rollout.Deploy(stack.StackFile, images, cancellation);
            if (judged.Outcome != ConvergenceOutcome.Converged) return Failed(entry, $"{release} did not come back either: {SwarmRollout.Describe(judged)}");
        }
        // Ctrl-C in a terminal also reaches the docker commands, so their failures are the interruption too.
        catch (Exception) when (cancellation.IsCancellationRequested)
        {
            session.Record(entry with { Result = HistoryResult.Interrupted, FinishedAt = DateTimeOffset.UtcNow, Detail = $"{entry.Detail}; interrupted" });
            return new SwarmPutBack(false, $"the rollback to {release} was interrupted while the swarm converged: ./build.sh --target=rollback tries again");
        }
        catch (ReleaseStartException exception)
        {
            return Failed(entry, $"{release} could not be deployed again: {exception.Message}");
        }
        session.Store.Activate(release);
        session.Record(entry with { FinishedAt = DateTimeOffset.UtcNow });
        session.Reporting.Notify(NotificationEvent.RolledBack, $"{Target.Name} rolled back to {release}" + (replaced is null ? "" : $" from {replaced}"), replaced ?? release);
        return new SwarmPutBack(true, $"put {release} back from its kept {SwarmStack.FileName}: its tasks run on the swarm");
    }

    private SwarmPutBack Failed(HistoryEntry entry, string why)
    {
        session.Record(entry with { Result = HistoryResult.Failed, FinishedAt = DateTimeOffset.UtcNow, Detail = $"{entry.Detail}; {why}" });
        return new SwarmPutBack(false, why);
    }
}

/// <summary>What a put-back uses: the kept stack files, the stack deploy and its wait, the nodes' data backups.</summary>
public sealed record SwarmPutBackParts(SwarmStackFiles Stacks, SwarmRollout Rollout, SwarmNodeBackups Backups);
