using System.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// Ctrl-C typed at a terminal during a deploy run by <c>./build.sh</c>, as a user meets it: the terminal signals its whole
/// foreground process group, and not only the pipeline (the other interruption tests signal its process alone). The step in
/// progress is one a child process does, the data backup's tar: it must finish, not die mid-way, and the deploy stop cleanly.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class TerminalInterruptionTests
{
    private RegistryServer _registry = null!;
    private ObserverRepository _repo = null!;
    private HistoryEntry _first = null!;

    [OneTimeSetUp]
    public void DeployAFirstRelease()
    {
        _registry = new RegistryServer("qtsops", Guid.NewGuid().ToString("N"));
        _repo = new ObserverRepository(_registry.Address);
        ReuseThisRunsPipeline(_repo.Root);
        var run = _repo.Run("--target=deploy");
        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        _first = History().Last();
    }

    [OneTimeTearDown]
    public void RemoveContainersImagesAndFolders()
    {
        _repo?.RemoveFromEngine();
        _repo?.Dispose();
        _registry?.Dispose();
    }

    [Test]
    public void Ctrl_C_at_a_terminal_during_the_backup_lets_it_finish_and_stops_the_deploy_cleanly()
    {
        // Data that takes tar and gzip seconds to archive and read back: the backup is the step in progress when Ctrl-C comes.
        var ballast = new byte[96 * 1024 * 1024];
        Random.Shared.NextBytes(ballast);
        File.WriteAllBytes(Path.Combine(_repo.DataDirectory, "ballast.bin"), ballast);
        _repo.Commit("a version to interrupt");

        using var terminal = new TerminalRun(_repo.Root, "./build.sh", "--target=deploy");
        Assert.That(WaitForPartialBackup(terminal), Is.True, $"the deploy never began its backup: {terminal.Shown}");

        terminal.TypeCtrlC();

        Assert.That(terminal.WaitForExit(TimeSpan.FromMinutes(5)), Is.True, $"the deploy did not stop: {terminal.Shown}");
        var shown = terminal.Shown;
        var last = History().Last();
        Assert.That(terminal.ExitCode, Is.EqualTo(1), shown);
        Assert.That(shown, Does.Contain($"SIGINT (Ctrl-C): stopping the deploy of {last.Release} cleanly"));
        Assert.That(shown, Does.Contain($"Deploy of {last.Release} to local interrupted by SIGINT (Ctrl-C) before the switch to it. What runs was not changed ({_first.Release})"));
        Assert.That(shown, Does.Not.Contain("exit 130").And.Not.Contain("(exit 2)"), "no child died of the Ctrl-C");
        Assert.That((last.Action, last.Result, last.Detail), Is.EqualTo((HistoryAction.Deploy, HistoryResult.Interrupted, "interrupted by SIGINT (Ctrl-C) before the switch to it")));
        Assert.That(Directory.EnumerateFiles(Backups, "*.partial"), Is.Empty, "the backup in progress was not left half-written");
        var backup = Directory.EnumerateFiles(Backups, $"*before-{last.Release}*.tar.gz").SingleOrDefault();
        Assert.That(backup, Is.Not.Null, $"the backup in progress finished: {string.Join(", ", Directory.EnumerateFiles(Backups))}");
        Assert.That(File.Exists(backup + ".sha256"), Is.True, "and was read back and checked");
        AssertLockFree();
        var (status, body) = DeploymentPipelineTests.Get(_repo.HealthUrl);
        Assert.That(status, Is.EqualTo(200));
        Assert.That(body, Does.Contain(_first.Version), "the release that served still serves");
        Assert.That(Path.GetFileName(new FileInfo(Path.Combine(_repo.DeployDirectory, "current")).LinkTarget), Is.EqualTo(_first.Release), "and is current");
    }

    /// <summary>
    /// The pipeline program ./build.sh built for this test run, put where the clone's ./build.sh looks for it: it runs it when the clone's build
    /// inputs hash to the same as this checkout's (a clone of its HEAD with no edits to build/), and else builds its own, as it always does.
    /// </summary>
    private static void ReuseThisRunsPipeline(string clone)
    {
        var built = SourceRepository.Combine(".qtsops", "host");
        if (!File.Exists(Path.Combine(built, "inputs.sha256"))) return;
        foreach (var file in Directory.EnumerateFiles(built, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "build.lock"))
        {
            var copy = Path.Combine(clone, ".qtsops", "host", Path.GetRelativePath(built, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
            File.SetUnixFileMode(copy, File.GetUnixFileMode(file));
        }
    }

    private string Backups => Path.Combine(_repo.Root, ".qtsops", "backups", "local");

    /// <summary>Waits until the backup's archive is being written (it is renamed from .partial once whole and read back); false when the run ended first.</summary>
    private bool WaitForPartialBackup(TerminalRun terminal)
    {
        // ./build.sh builds the pipeline in the fresh clone first, then the image.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(15) && !terminal.HasExited)
        {
            if (Directory.Exists(Backups) && Directory.EnumerateFiles(Backups, "*.tar.gz.partial").Any()) return true;
            Thread.Sleep(10);
        }
        return false;
    }

    /// <summary>The deploy let go of the machine's lock of the container: no owner named, and the lock can be taken.</summary>
    private void AssertLockFree()
    {
        var host = new LocalDeploymentHost(_repo.Root, _repo.StateDirectory);
        var lockFile = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".qtsops", "locks", $"{_repo.Container}.lock");
        Assert.That(host.InspectLock(lockFile).Owner, Is.Null, "the lock's owner outlived its deploy");
        using var taken = host.AcquireLock(lockFile, "local", new LockOwner(Environment.ProcessId, "test", "test", DateTimeOffset.UtcNow, "check"), warning => Assert.Fail(warning));
    }

    private List<HistoryEntry> History() => Support.HistoryFile.Entries(Path.Combine(_repo.StateDirectory, "history", "local.jsonl"));
}
