using Cake.Core.Diagnostics;
using QtsOps.Release.Deployment;
using QtsOps.Release.Notifications;

namespace QtsOps.Build.Deployment;

/// <summary>What a rollback left running, in words for the error message and the log.</summary>
public sealed record RollbackOutcome(string? RunningRelease, bool Verified, string Summary);

/// <summary>
/// Puts back the last release that verified (or a chosen one), starts it, verifies it and records it.
/// The caller holds the deploy lock. Data is shared by all releases and never touched.
/// </summary>
public sealed class RollbackRunner(DockerEngine engine)
{
    private BuildContext Context => engine.Context;

    /// <param name="failedRelease">The release that failed (stopped when there is nothing to go back to).</param>
    /// <param name="toRelease">A release to go back to; null for the last one that verified.</param>
    public RollbackOutcome Run(string? failedRelease, string? toRelease)
    {
        var runner = new ReleaseRunner(engine);
        var history = runner.History;
        var target = toRelease ?? history.LastVerified(except: failedRelease)?.Release;
        var started = DateTimeOffset.UtcNow;
        if (target is null)
        {
            if (failedRelease is not null && runner.Store.IsInstalled(failedRelease))
            {
                runner.Stop(failedRelease);
                return new RollbackOutcome(null, false, $"there is no earlier verified release to go back to, so {failedRelease} was stopped: nothing runs now (data kept)");
            }
            throw new PipelineException("There is no verified release to roll back to (see .qtsops/history). Fix: deploy a good version, or name one with --to=VERSION.");
        }
        if (!runner.Store.IsInstalled(target))
            throw new PipelineException($"Release {target} is not installed under {runner.Store.ReleasesDirectory} any more. Fix: pick another with --to=VERSION (see .qtsops/history/{Context.EnvironmentName}.jsonl).");
        var image = engine.Image(runner.ImageFor(target))
            ?? throw new PipelineException($"The image {runner.ImageFor(target)} of release {target} is no longer on the engine. Fix: rebuild it (check out that version, ./build.sh --target=image) or pick another with --to=VERSION.");

        Context.Log.Warning($"Rolling back {Context.EnvironmentName} to {target}" + (failedRelease is null ? "" : $" (from {failedRelease})"));
        runner.Store.Activate(target);
        try
        {
            var container = runner.Start(target);
            var report = new Verifier(engine).Run(target, "rollback");
            var entry = new HistoryEntry
            {
                Action = HistoryAction.Rollback, Result = report.Passed ? HistoryResult.Succeeded : HistoryResult.Failed, Version = target, Release = target,
                Image = runner.ImageFor(target), ImageId = image.Id, Digest = image.RepoDigests.FirstOrDefault(), ContainerId = container.Id,
                StartedAt = started, FinishedAt = DateTimeOffset.UtcNow, Detail = failedRelease is null ? "on demand" : $"replaced {failedRelease}",
            };
            history.Append(entry);
            if (report.Passed) history.Append(entry with { Action = HistoryAction.Verify, StartedAt = report.CheckedAt });
            Context.Notify(NotificationEvent.RolledBack, $"{Context.EnvironmentName} rolled back to {target}" + (failedRelease is null ? "" : $" from {failedRelease}") +
                (report.Passed ? ", verified" : $", which fails verification: {report.FailureSummary}"));
            return new RollbackOutcome(target, report.Passed, report.Passed
                ? $"rolled back to {target}, which is healthy and verified (artifacts/reports/rollback.md)"
                : $"rolled back to {target}, but it failed verification too: {report.FailureSummary}");
        }
        catch (ReleaseUnhealthyException exception)
        {
            history.Append(new HistoryEntry
            {
                Action = HistoryAction.Rollback, Result = HistoryResult.Failed, Version = target, Release = target, Image = runner.ImageFor(target),
                ImageId = image.Id, StartedAt = started, FinishedAt = DateTimeOffset.UtcNow, Detail = exception.Message,
            });
            return new RollbackOutcome(target, false, $"rolled back to {target}, but it did not become healthy either: {exception.Message}");
        }
    }
}
