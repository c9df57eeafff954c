using System.Diagnostics;
using System.Text.Json;
using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// Backups of the data a container can write, restore, and a deploy that fails on a full disk,
/// against the real Docker engine, in a scratch repository of their own (own container, project,
/// network, images and port). The tests run in order, each starting from the state the one before left.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class RestorePipelineTests
{
    private ObserverRepository _repo = null!;
    private readonly TempDirectory _host = new(); // outside the checkout, whose files give the version
    private string _firstVersion = "";
    private string _hostSecret = "";

    [OneTimeSetUp]
    public void ScratchRepository()
    {
        _repo = new ObserverRepository(registry: "127.0.0.1:5000"); // nothing is pushed
        _hostSecret = _host.Combine("host-secret.key");
    }

    [OneTimeTearDown]
    public void RemoveContainersImagesAndFolders()
    {
        _repo?.RemoveFromEngine();
        _repo?.Dispose();
        _host.Dispose();
    }

    private string BackupDirectory => Path.Combine(_repo.StateDirectory, "backups", "local");

    [Test, Order(1)]
    public void A_deploy_backs_up_links_as_links_skips_a_fifo_and_writes_an_owner_only_archive()
    {
        var first = _repo.Run("--target=deploy", "--target=verify");
        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);
        _firstVersion = History()[0].Version;
        File.WriteAllText(_hostSecret, "HOST-SECRET\n");
        File.SetUnixFileMode(_hostSecret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // What a container may leave in its data directory: a link to a host file, and a FIFO (which blocked the backup).
        File.WriteAllText(Path.Combine(_repo.DataDirectory, "marker.txt"), "backed up\n");
        File.CreateSymbolicLink(Path.Combine(_repo.DataDirectory, "link-to-host"), _hostSecret);
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(_repo.DataDirectory, "pipe"))) mkfifo.WaitForExit();

        var run = Task.Run(() => _repo.Run("--target=deploy", "--exclusive", "--force-deploy"));

        Assert.That(run.Wait(TimeSpan.FromMinutes(3)), Is.True, "the deploy hangs");
        Assert.That(run.Result.ExitCode, Is.Zero, run.Result.Output + run.Result.Error);
        Assert.That(run.Result.Output + run.Result.Error, Does.Contain("Not backed up, as they are no data").And.Contain("pipe (Fifo: not data)"));
        var backup = DataBackup.Newest(BackupDirectory)[0];
        Assert.That(File.GetUnixFileMode(backup), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        var restored = _host.Combine("unpacked");
        new LocalDeploymentHost(_repo.Root, _repo.StateDirectory).UnpackBackup(backup, restored);
        Assert.That(new FileInfo(Path.Combine(restored, "link-to-host")).LinkTarget, Is.EqualTo(_hostSecret), "the link is stored as a link, not the host file's contents");
    }

    [Test, Order(2)]
    public void Restore_puts_the_newest_backup_in_place_keeps_the_data_before_and_verifies()
    {
        File.Delete(Path.Combine(_repo.DataDirectory, "marker.txt"));
        File.WriteAllText(Path.Combine(_repo.DataDirectory, "after-the-backup.txt"), "kept aside\n");
        var backup = Path.GetFileName(DataBackup.Newest(BackupDirectory)[0]);

        var run = _repo.Run("--target=restore");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output, Does.Contain($"{backup} restored on 'local'"));
        Assert.That(File.ReadAllText(Path.Combine(_repo.DataDirectory, "marker.txt")), Is.EqualTo("backed up\n"));
        Assert.That(new FileInfo(Path.Combine(_repo.DataDirectory, "link-to-host")).LinkTarget, Is.EqualTo(_hostSecret));
        Assert.That(File.Exists(Path.Combine(_repo.DataDirectory, "after-the-backup.txt")), Is.False);
        var aside = Directory.GetDirectories(Path.GetDirectoryName(_repo.DataDirectory)!, "data.before-restore-*").Single();
        Assert.That(File.ReadAllText(Path.Combine(aside, "after-the-backup.txt")), Is.EqualTo("kept aside\n"), "the data before is kept");
        Assert.That(History().TakeLast(2).Select(e => (e.Action, e.Result)), Is.EqualTo(new[]
        {
            (HistoryAction.Restore, HistoryResult.Succeeded), (HistoryAction.Verify, HistoryResult.Succeeded),
        }));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "restore.json")));
        Assert.That(report.RootElement.GetProperty("status").GetString(), Is.EqualTo("passed"));
        Assert.That(report.RootElement.GetProperty("backup").GetString(), Is.EqualTo(backup));
        Assert.That(report.RootElement.GetProperty("previousDataMovedTo").GetString(), Is.EqualTo(aside));
        Assert.That(File.ReadAllText(Path.Combine(_repo.Root, "artifacts", "reports", "restore.md")), Does.Contain("## Verification"));
        Assert.That(HealthStatus(), Is.EqualTo(200));
    }

    [Test, Order(3)]
    public void A_damaged_backup_is_refused_before_the_service_is_stopped()
    {
        var good = DataBackup.Newest(BackupDirectory)[0];
        var damaged = Path.Combine(BackupDirectory, "data-20000101T000000.000Z-damaged.tar.gz");
        File.Copy(good, damaged);
        File.Copy(good + ".sha256", damaged + ".sha256");
        using (var stream = File.OpenWrite(damaged)) stream.WriteByte(0);
        var container = ContainerId();
        File.WriteAllText(Path.Combine(_repo.DataDirectory, "untouched.txt"), "still here\n");

        var run = _repo.Run("--target=restore", $"--backup={Path.GetFileName(damaged)}");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain($"Backup {damaged} is damaged").And.Contain("Nothing was changed"));
        Assert.That(ContainerId(), Is.EqualTo(container), "the service was not stopped");
        Assert.That(File.ReadAllText(Path.Combine(_repo.DataDirectory, "untouched.txt")), Is.EqualTo("still here\n"));
    }

    [Test, Order(4)]
    public void A_deploy_that_fails_on_a_full_disk_is_still_rolled_back_and_says_what_was_not_recorded()
    {
        using var crashing = _repo.CommitReleaseThatCrashesAtStart();
        Assert.That(_repo.Run("--target=image").ExitCode, Is.Zero, "the image is built before the disk fills");
        var historyDirectory = Path.Combine(_repo.StateDirectory, "history");
        var history = File.ReadAllBytes(Path.Combine(historyDirectory, "local.jsonl"));
        Assume.That(Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", historyDirectory), Is.Zero, "mounting a small file system needs root");
        try
        {
            // The history as it was, padded to a whole page with blank lines (read past), then the disk filled: any append needs a page there is none of.
            File.WriteAllBytes(Path.Combine(historyDirectory, "local.jsonl"), [.. history, .. Enumerable.Repeat((byte)'\n', 4096 - history.Length % 4096)]);
            Assert.Throws<IOException>(() => File.WriteAllBytes(Path.Combine(historyDirectory, "filler"), new byte[1 << 20]));

            var run = _repo.Run("--target=deploy", "--exclusive");

            Assert.That(run.ExitCode, Is.EqualTo(1));
            Assert.That(run.Error, Does.Contain("crashed").And.Contain("rolled back to").And.Contain("which is healthy and verified")
                .And.Contain("could not be recorded in").And.Contain("Fix: free disk space"));
            Assert.That(HealthBody(), Does.Contain(_firstVersion), "the failed release does not stay current");
        }
        finally
        {
            Command("umount", historyDirectory);
        }
    }

    private List<HistoryEntry> History() => Support.HistoryFile.Entries(Path.Combine(_repo.StateDirectory, "history", "local.jsonl"));

    private string ContainerId() => ObserverRepository.Docker("inspect", "--format", "{{.Id}}", _repo.Container).Output.Single();

    private int HealthStatus()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return (int)http.GetAsync(_repo.HealthUrl).Result.StatusCode;
    }

    private string HealthBody()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return http.GetStringAsync(_repo.HealthUrl).Result;
    }

    private static int Command(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }
}
