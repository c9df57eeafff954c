using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Reports;

namespace QtsOps.Build.Deployment;

/// <summary>The restore target's work: one engine's (<see cref="BackupRestorer"/>) or every host's of an environment (<see cref="Fleet.FleetSteps"/>), picked by Wiring.</summary>
public interface IRestorer
{
    void Run();

    /// <summary>What <see cref="Run"/> would restore; changes nothing.</summary>
    void Preview();
}

/// <summary>
/// The restore target: puts a data backup (--backup=NAME, else the newest) in place under the
/// current release. The backup is checked and unpacked before the service stops, so a bad backup
/// changes nothing; the data that was in place is moved aside, never deleted. Holds the deploy lock. The steps are
/// the host's scripts, on this machine or on an ssh:// engine's host alike.
/// </summary>
/// <param name="backup">--backup: the backup's name; null for the newest.</param>
public sealed class BackupRestorer(DeploySession session, string? backup, ReleaseStarter runner, RunningReleaseCheck verifier) : IRestorer
{
    private DockerEngine Engine => session.Engine;
    private DeploymentEnvironment Target => session.Target;
    private ICakeLog Log => session.Log;

    public void Run()
    {
        session.Protection.Require(Target.Name, ProtectedChange.Restore);
        Engine.EnsureReachable();
        var archive = ChosenBackup();
        var name = Path.GetFileName(archive);
        using var held = session.Locks.Acquire($"restore {name}");
        using var interruption = Interruption.Watch(Log, $"the restore of {name}");
        var state = session.State;
        new HeldCanaryFile(session).RefuseWhileHeld(state.Host, $"restore {name}");
        var release = state.Current
            ?? throw new PipelineException($"Nothing is deployed to '{Target.Name}' ({session.Store.DeployDirectory} has no current release): there is no service to restore data for. Fix: ./build.sh --target=deploy first.");
        if (state.ClaimRefusal("nothing was restored", "restore from that checkout.") is { } foreign)
            throw new PipelineException(foreign);
        var serving = state.ServingName;

        var started = DateTimeOffset.UtcNow;
        var data = Engine.Host.Resolve(Target.DataDirectory);
        var unpacked = DataRestore.Unpacked(data, started);
        var (sha256, files) = Unpack(archive, unpacked);
        Log.Information($"Checked {name} (SHA-256 {sha256[..12]}) and unpacked {files} file(s); stopping {serving}");
        runner.Stop(release);
        var aside = Engine.Host.SwitchData(data, unpacked, DataRestore.Aside(data, started));
        Log.Information($"Restored {name} into {data}" + (aside is null ? "" : $"; the data that was there is kept in {aside}"));
        runner.GiveToService(release, data);

        var entry = new HistoryEntry
        {
            Action = HistoryAction.Restore, Result = HistoryResult.Succeeded, Version = state.History.VersionOf(release) ?? release, Release = release,
            Image = Target.ImageOf(release), StartedAt = started, FinishedAt = started,
            Detail = $"{name} (SHA-256 {sha256[..12]})" + (aside is null ? "" : $"; the data before is in {aside}"), Settings = DeploymentSettings.Of(Target),
        };
        var report = new RestoreReport(Target.Name, release, name, sha256, files, aside, null, null);
        try
        {
            var running = runner.Start(release, interruption.Token);
            entry = entry with { ContainerId = running.Id, ImageId = running.Image };
            report = report with { Verification = verifier.Run(release, "restore", interruption.Token).Report };
        }
        catch (Exception exception)
        {
            var why = interruption.IsRequested ? $"interrupted by {interruption.Signal}" : exception.Message;
            session.Record(entry with { Result = interruption.IsRequested ? HistoryResult.Interrupted : HistoryResult.Failed, FinishedAt = DateTimeOffset.UtcNow, Detail = $"{entry.Detail}; {why}" });
            Write(report with { Failure = why });
            throw new PipelineException($"Restore of {name} on '{Target.Name}': the data is restored, but {release} did not come up on it: {why}. " +
                (aside is null ? "" : $"The data that was in place is kept in {aside}: to go back, put it in place of {data} and run ./build.sh --target=verify."));
        }
        entry = entry with { Result = report.Passed ? HistoryResult.Succeeded : HistoryResult.Failed, FinishedAt = DateTimeOffset.UtcNow };
        session.Record(entry);
        if (report.Passed) session.Record(entry with { Action = HistoryAction.Verify, StartedAt = report.Verification!.CheckedAt });
        Write(report);
        if (!report.Passed)
            throw new PipelineException($"Restore of {name} on '{Target.Name}': {release} runs on the restored data but fails verification: {report.Verification!.FailureSummary} (artifacts/reports/restore.md). " +
                (aside is null ? "" : $"The data that was in place is kept in {aside}."));
        Log.Information($"{name} restored on '{Target.Name}': {release} is healthy and verified (artifacts/reports/restore.md)");
    }

    /// <summary>Which backup a restore would put in place, and what it would do; changes nothing.</summary>
    public void Preview()
    {
        var archive = ChosenBackup();
        var state = session.State;
        Log.Information($"(dry run) would check {Path.GetFileName(archive)}, stop {state.ServingName}, move {Engine.Host.Resolve(Target.DataDirectory)} aside, " +
            $"restore the backup in its place, then start and verify {state.Current ?? "(nothing is deployed)"}");
    }

    private string ChosenBackup()
    {
        try
        {
            var backups = Engine.Host.Resolve(Target.BackupDirectory);
            return DataRestore.Choose(Engine.Host.Where(backups), Engine.Host.Backups(backups), backup);
        }
        catch (FileNotFoundException exception)
        {
            throw new PipelineException(exception.Message);
        }
    }

    private (string Sha256, int Files) Unpack(string archive, string unpacked)
    {
        try
        {
            return Engine.Host.UnpackBackup(archive, unpacked);
        }
        catch (InvalidDataException exception)
        {
            throw new PipelineException($"{exception.Message} Nothing was changed: the service still runs on its data.");
        }
    }

    private void Write(RestoreReport report)
    {
        var markdown = report.ToMarkdown();
        session.Reporting.Write("restore", report.Passed ? "passed" : "failed", report, markdown, report.Findings);
        session.Reporting.AddSummarySection($"Restore ({Target.Name})", markdown);
    }
}
