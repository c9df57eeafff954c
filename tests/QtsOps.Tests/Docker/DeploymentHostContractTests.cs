using System.Diagnostics;
using System.Formats.Tar;
using System.Net.Sockets;
using System.Text.Json;
using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// Every host operation (lock, backup, prune, restore, release store, history, the state read) as the step
/// classes call them, the same tests on both hosts: this machine (<see cref="LocalDeploymentHost"/>, its sh)
/// and an ssh:// engine's host over real ssh (<see cref="SshDeploymentHost"/> on <see cref="SshTestHost"/>,
/// whose folder this machine sees at the same path). Both run the same <see cref="HostScripts"/>.
/// </summary>
[TestFixture(false, TestName = "on this machine"), TestFixture(true, TestName = "on an ssh host")]
[Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class DeploymentHostContractTests(bool overSsh)
{
    private ContractHost _contract = null!;
    private TempDirectory _temp = null!;
    private ShellDeploymentHost _host = null!;

    [OneTimeSetUp]
    public void StartHost()
    {
        _contract = new ContractHost(overSsh);
        (_temp, _host) = (_contract.Temp, _contract.Host);
    }

    [OneTimeTearDown]
    public void StopHost() => _contract?.Dispose();

    /// <summary>A new folder name on the host (which this machine sees at the same path); not created.</summary>
    private string Folder(string name) => Path.Combine(_contract.SharedRoot, $"{name}-{Guid.NewGuid():N}");

    /// <summary>A new folder made by the host's user, as a deploy makes its folders.</summary>
    private string HostFolder(string name)
    {
        var folder = Folder(name);
        _host.CreateDirectory(folder);
        return folder;
    }

    /// <summary>A file this test writes here, as a killed run or an operator left it; the host's user may write it too.</summary>
    private static string Plant(string path, string text)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110);
        return path;
    }

    /// <summary>A lock file the host's user made (by taking and releasing the lock once), as a deploy makes it.</summary>
    private string MadeLockFile()
    {
        var lockFile = Path.Combine(HostFolder("locks"), "contract.lock");
        _host.AcquireLock(lockFile, "staging", Owner(1), _ => { }).Dispose();
        return lockFile;
    }

    /// <summary>A new data folder holding one records file.</summary>
    private string SomeData()
    {
        var data = Directory.CreateDirectory(Folder("data")).FullName;
        File.WriteAllText(Path.Combine(data, "a.jsonl"), "{}\n");
        return data;
    }

    private static LockOwner Owner(int pid) => new(pid, "a-checkout", "someone", DateTimeOffset.UtcNow, "deploy 1.2.3");

    /// <summary>Another process holding the lock as the host's script takes it (flock), until killed.</summary>
    private static Process HoldWithFlock(string lockFile)
    {
        var holder = Process.Start(new ProcessStartInfo("flock", [lockFile, "-c", "echo locked; exec sleep 600"]) { RedirectStandardOutput = true })!;
        Assert.That(holder.StandardOutput.ReadLine(), Is.EqualTo("locked"));
        return holder;
    }

    [Test]
    public void A_held_lock_refuses_the_next_holder_naming_the_first_and_is_free_with_no_owner_once_released()
    {
        var lockFile = Path.Combine(Folder("locks"), "contract.lock");
        var warnings = new List<string>();
        Assert.That(_host.InspectLock(lockFile), Is.EqualTo(new LockState(false, null)), "no lock file: never locked");

        using (_host.AcquireLock(lockFile, "staging", Owner(4242), warnings.Add))
        {
            var held = _host.InspectLock(lockFile);
            Assert.That((held.Held, held.Owner?.Pid, held.Owner?.Host, held.Owner?.Target), Is.EqualTo((true, 4242, "a-checkout", "deploy 1.2.3")));
            Assert.That(_host.InspectLock(lockFile).Held, Is.True, "inspecting did not take it");
            var refused = Assert.Throws<DeploymentLockedException>(() => _host.AcquireLock(lockFile, "staging", Owner(4343), warnings.Add).Dispose());
            Assert.That(refused!.Owner?.Pid, Is.EqualTo(4242));
            Assert.That(refused.Message, Does.StartWith("Another deploy to 'staging' is running: pid 4242 on a-checkout (user someone, deploy 1.2.3, since ")
                .And.EndWith($"Wait for it to finish; the lock on {_host.Where(lockFile)} ends with that process."));
        }

        Assert.That(_host.InspectLock(lockFile), Is.EqualTo(new LockState(false, null)));
        using (_host.AcquireLock(lockFile, "staging", Owner(4343), warnings.Add))
            Assert.That(_host.InspectLock(lockFile).Owner?.Pid, Is.EqualTo(4343));
        Assert.That(warnings, Is.Empty, "every holder released the lock");
    }

    [Test]
    public void A_lock_that_a_reader_holds_for_a_moment_is_still_taken_once_the_reader_lets_go()
    {
        // status, the dashboard and every state read try the lock for a moment to see whether it is free: a deploy
        // that starts at that moment waits it out instead of being told another deploy runs.
        var lockFile = MadeLockFile();
        var reading = Path.Combine(_temp.Path, $"reading-{Guid.NewGuid():N}");
        using var reader = Process.Start("flock", [lockFile, "-c", $"touch '{reading}'; sleep 1"]);
        while (!File.Exists(reading) && !reader.HasExited) Thread.Sleep(20);
        Assert.That(reader.HasExited, Is.False, "the reader holds the lock");

        var warnings = new List<string>();
        using (_host.AcquireLock(lockFile, "staging", Owner(4343), warnings.Add))
            Assert.That(_host.InspectLock(lockFile).Owner?.Pid, Is.EqualTo(4343));
        reader.WaitForExit();
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void The_lock_of_a_killed_holder_is_free_at_once_and_taken_over_with_a_warning_naming_it()
    {
        var lockFile = MadeLockFile();
        using var holder = HoldWithFlock(lockFile);
        Plant(DeploymentLock.OwnerFileOf(lockFile), JsonSerializer.Serialize(Owner(holder.Id)));
        Assert.That(Assert.Throws<DeploymentLockedException>(() => _host.AcquireLock(lockFile, "staging", Owner(222), _ => { }).Dispose())!.Message, Does.Contain($"pid {holder.Id}"));

        holder.Kill(entireProcessTree: true); // flock's command holds the lock too
        holder.WaitForExit();
        var free = _host.InspectLock(lockFile);
        Assert.That((free.Held, free.Owner?.Pid), Is.EqualTo((false, holder.Id)), "free, with the owner file of a holder that ended without releasing");
        var warnings = new List<string>();
        using var next = _host.AcquireLock(lockFile, "staging", Owner(222), warnings.Add);

        Assert.That(warnings.Single(), Does.Contain($"pid {holder.Id}").And.Contain("ended without releasing"));
        Assert.That(_host.InspectLock(lockFile).Owner?.Pid, Is.EqualTo(222));
    }

    [Test]
    public void A_lock_taken_by_a_process_that_has_not_written_its_name_yet_is_refused_saying_so()
    {
        var lockFile = MadeLockFile();
        using var holder = HoldWithFlock(lockFile);
        try
        {
            var error = Assert.Throws<DeploymentLockedException>(() => _host.AcquireLock(lockFile, "staging", Owner(222), _ => { }).Dispose())!;

            Assert.That(error.Message, Is.EqualTo($"Another deploy to 'staging' is running: a process that has not written its name yet. Wait for it to finish; the lock on {_host.Where(lockFile)} ends with that process."));
            Assert.That(File.Exists(DeploymentLock.OwnerFileOf(lockFile)), Is.False, "the refused one wrote no owner file");
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
        }
    }

    [Test]
    public void Releasing_twice_leaves_the_next_holder_s_owner_file_alone()
    {
        var lockFile = MadeLockFile();
        var first = _host.AcquireLock(lockFile, "staging", Owner(111), _ => { });
        first.Dispose();
        using var second = _host.AcquireLock(lockFile, "staging", Owner(222), _ => { });

        first.Dispose();

        var held = _host.InspectLock(lockFile);
        Assert.That((held.Held, held.Owner?.Pid), Is.EqualTo((true, 222)));
        Assert.Throws<DeploymentLockedException>(() => _host.AcquireLock(lockFile, "staging", Owner(333), _ => { }).Dispose());
    }

    [Test]
    public void A_lock_file_that_cannot_be_opened_is_an_error_naming_it_and_the_fix_for_the_state_read_and_the_lock_check_alike()
    {
        // A socket where the lock file should be: open(2) fails on it for every user, root too.
        var folder = Folder("locks");
        Directory.CreateDirectory(folder);
        var lockFile = Path.Combine(folder, "contract.lock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(lockFile));
        var paths = new HostStatePaths(Path.Combine(folder, "releases"), Path.Combine(folder, "current"), Path.Combine(folder, "active"),
            Path.Combine(folder, "history.jsonl"), lockFile, folder);

        foreach (var read in new Action[] { () => _host.InspectLock(lockFile), () => _host.ReadState(paths, 10) })
            Assert.That(Assert.Throws<HostCommandException>(() => read())!.Message,
                Does.Contain($"the deploy lock {lockFile} cannot be opened by ").And.Contain("Fix: give that user read and write access to it"));
    }

    [Test]
    public void One_read_gives_releases_current_the_active_slot_the_edge_s_configuration_history_the_lock_holder_and_the_folders_asked_about()
    {
        var deploy = HostFolder("state");
        foreach (var release in new[] { "1.0.0", "1.0.1", ".1.0.2.partial" }) _host.CreateDirectory(Path.Combine(deploy, "releases", release));
        Directory.SetLastWriteTimeUtc(Path.Combine(deploy, "releases", "1.0.0"), DateTime.UtcNow.AddHours(-1));
        _host.ReplaceLink(Path.Combine(deploy, "current"), "releases/1.0.1");
        _host.CreateDirectory(Path.Combine(deploy, "edge"));
        _host.ReplaceLink(Path.Combine(deploy, "edge", SlotLayout.ActiveLink), SlotLayout.SlotConfig(Slot.B));
        var history = Path.Combine(deploy, ".qtsops", "history", "local.jsonl");
        _host.AppendLine(history, "{\"first\":1}");
        var lockFile = Path.Combine(deploy, ".qtsops", "locks", "qts.lock");
        var owner = new LockOwner(4242, "ci", "deploy", DateTimeOffset.Parse("2026-01-01T10:00:00Z"), "deploy 1.0.1 from /src", null);
        _host.AcquireLock(lockFile, "local", owner, _ => { }).Dispose();
        Plant(DeploymentLock.OwnerFileOf(lockFile), JsonSerializer.Serialize(owner));
        _host.ReplaceLink(Path.Combine(deploy, "edge", SlotLayout.ConfigFolder), "conf-0123456789abcdef");
        // Made here, by this process's user (root): the host's own user (over ssh) may not write in it; root may.
        var theirs = Directory.CreateDirectory(Folder("root's")).FullName;
        string[] folders = [Path.Combine(deploy, "releases"), Path.Combine(deploy, "data with space"), theirs, Path.Combine(theirs, "not yet")];
        var paths = new HostStatePaths(Path.Combine(deploy, "releases"), Path.Combine(deploy, "current"), Path.Combine(deploy, "edge", SlotLayout.ActiveLink),
            history, lockFile, Path.Combine(deploy, "not-yet"), folders);
        var scriptsBefore = _host.Counts.HostScripts;

        var state = _host.ReadState(paths, 10);

        Assert.That(_host.Counts.HostScripts - scriptsBefore, Is.EqualTo(1), "one script");
        Assert.That(state.Installed, Is.EqualTo(new[] { "1.0.1", "1.0.0" }));
        Assert.That((state.Current, state.ActiveSlot, state.History.Single()), Is.EqualTo(("1.0.1", (Slot?)Slot.B, new HistoryLine(1, "{\"first\":1}"))));
        Assert.That(state.Lock, Is.EqualTo(new LockState(false, owner)), "a free lock whose holder ended without releasing it");
        Assert.That(state.AvailableBytes, Is.GreaterThan(0), "the free space of the nearest existing folder");
        Assert.That(state.EdgeConfigTarget, Is.EqualTo("conf-0123456789abcdef"));
        Assert.That(state.MissingFolders, Is.EqualTo(new[] { folders[1], folders[3] }));
        Assert.That(state.UnwritableFolders, Is.EqualTo(overSsh ? new[] { folders[2], folders[3] } : []), "judged on the nearest existing folder");
    }

    [Test]
    public void A_backup_keeps_files_and_links_leaves_out_special_files_and_the_health_probe_and_is_the_owner_s_only()
    {
        var data = Directory.CreateDirectory(Folder("data")).FullName;
        File.WriteAllText(Path.Combine(data, "observations-2026-01-01.jsonl"), "{\"a\":1}\n{\"a\":2}\n");
        Directory.CreateDirectory(Path.Combine(data, "archive"));
        File.WriteAllText(Path.Combine(data, "archive", "old.jsonl"), "{\"a\":0}\n");
        File.CreateSymbolicLink(Path.Combine(data, "passwd"), "/etc/passwd");
        File.WriteAllText(Path.Combine(data, ".health-probe"), "");
        Command.Run("mkfifo", Path.Combine(data, "pipe")).EnsureSuccess("mkfifo");
        var backups = Folder("backups");

        var result = _host.BackUp(data, backups, "1.2.3", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        Assert.That(result.ArchivePath, Is.EqualTo(Path.Combine(backups, "data-20260102T030405.000Z-1.2.3.tar.gz")));
        Assert.That(result.Files, Is.EqualTo(2), "the two records files; the link is no file and the probe no data");
        Assert.That(result.Skipped, Is.EqualTo(new[] { "pipe (Fifo: not data)" }));
        Assert.That(result.RemovedPartials, Is.Empty);
        Assert.That(File.ReadAllText(result.ArchivePath + ".sha256"), Does.StartWith(result.Sha256 + " "));
        var entries = Entries(result.ArchivePath);
        Assert.That(entries.Select(e => e.Name.TrimStart('.', '/').TrimEnd('/')).Where(name => name.Length > 0).Order(),
            Is.EqualTo(new[] { "archive", "archive/old.jsonl", "observations-2026-01-01.jsonl", "passwd" }));
        Assert.That(entries.Single(e => e.Name.EndsWith("passwd")).Link, Is.EqualTo("/etc/passwd"), "a link stored as a link, never followed");
        Assert.That(File.GetUnixFileMode(result.ArchivePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.GetUnixFileMode(backups), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), "the backup directory is the owner's only");
        Assert.That(result.Bytes, Is.EqualTo(new FileInfo(result.ArchivePath).Length));
    }

    [Test]
    public void The_partial_archives_of_killed_runs_are_removed_and_named()
    {
        var data = SomeData();
        var backups = HostFolder("backups");
        var partial = Plant(Path.Combine(backups, "data-20260101T000000.000Z-x.tar.gz.partial"), "half");

        var result = _host.BackUp(data, backups, "x", DateTimeOffset.UtcNow);

        Assert.That(result.RemovedPartials, Is.EqualTo(new[] { partial }));
        Assert.That(File.Exists(partial), Is.False);
    }

    [Test]
    public void Backups_made_in_the_same_millisecond_get_names_of_their_own_and_a_checksum_left_alone_keeps_its_name()
    {
        var data = SomeData();
        var backups = HostFolder("backups");
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Plant(Path.Combine(backups, DataBackup.ArchiveName("x", now.UtcDateTime.AddMilliseconds(2)) + ".sha256"), "left without its archive");

        var names = Enumerable.Range(0, 3).Select(_ => Path.GetFileName(_host.BackUp(data, backups, "x", now).ArchivePath)).ToList();

        Assert.That(names, Is.EqualTo(new[] { "data-20260102T030405.000Z-x.tar.gz", "data-20260102T030405.001Z-x.tar.gz", "data-20260102T030405.003Z-x.tar.gz" }));
    }

    [Test]
    public void Pruning_removes_all_but_the_newest_backups_with_their_checksums()
    {
        var data = Directory.CreateDirectory(Folder("data")).FullName;
        File.WriteAllText(Path.Combine(data, "observations.jsonl"), "{}\n");
        var backups = Folder("backups");
        var results = Enumerable.Range(1, 3)
            .Select(day => _host.BackUp(data, backups, "1.2.3", new DateTimeOffset(2026, 1, day, 0, 0, 0, TimeSpan.Zero))).ToList();
        var made = results.Select(result => result.ArchivePath).ToList();
        Plant(Path.Combine(backups, "notes.txt"), "not a backup");

        Assert.That(results[1].Backups, Is.EqualTo(made.Take(2).Reverse()), "a backup says the backups there are once it is written, newest first");

        Assert.That(_host.Backups(backups), Is.EqualTo(Enumerable.Reverse(made)), "newest first; only the data archives");
        var removed = _host.PruneBackups(_host.Backups(backups), 1);

        Assert.That(removed, Is.EquivalentTo(made.Take(2)));
        Assert.That(Directory.GetFiles(backups).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { Path.GetFileName(made[2]), Path.GetFileName(made[2]) + ".sha256", "notes.txt" }));
    }

    [Test]
    public void A_backup_unpacks_into_a_new_folder_with_its_files_modes_times_and_links_and_the_switch_keeps_the_old_data_aside()
    {
        var data = Directory.CreateDirectory(Folder("data")).FullName;
        var time = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.WriteAllText(Path.Combine(data, "a.jsonl"), "{\"a\":1}\n");
        File.SetUnixFileMode(Path.Combine(data, "a.jsonl"), (UnixFileMode)0b110_100_100);
        File.SetLastWriteTimeUtc(Path.Combine(data, "a.jsonl"), time);
        Directory.CreateDirectory(Path.Combine(data, "nested", "empty"));
        File.WriteAllText(Path.Combine(data, "nested", "b.jsonl"), "{\"b\":1}\n");
        File.CreateSymbolicLink(Path.Combine(data, "link"), "/etc/passwd");
        foreach (var entry in Directory.GetFileSystemEntries(data, "*", SearchOption.AllDirectories).Append(data))
            if (Directory.Exists(entry)) File.SetUnixFileMode(entry, (UnixFileMode)0b111_101_101);
        var backup = _host.BackUp(data, Folder("backups"), "x", DateTimeOffset.UtcNow);
        var live = HostFolder("live");
        _host.CreateDirectory(Path.Combine(live, "data"));
        Plant(Path.Combine(live, "data", "now.jsonl"), "{\"now\":1}\n");
        var unpacked = DataRestore.Unpacked(Path.Combine(live, "data"), DateTimeOffset.UtcNow);

        var (sha256, files) = _host.UnpackBackup(backup.ArchivePath, unpacked);
        var aside = _host.SwitchData(Path.Combine(live, "data"), unpacked, DataRestore.Aside(Path.Combine(live, "data"), DateTimeOffset.UtcNow));

        Assert.That((sha256, files), Is.EqualTo((backup.Sha256, 2)));
        var restored = Path.Combine(live, "data");
        Assert.That(File.ReadAllText(Path.Combine(restored, "a.jsonl")), Is.EqualTo("{\"a\":1}\n"));
        Assert.That(File.GetUnixFileMode(Path.Combine(restored, "a.jsonl")), Is.EqualTo((UnixFileMode)0b110_100_100));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(restored, "a.jsonl")), Is.EqualTo(time));
        Assert.That(File.ReadAllText(Path.Combine(restored, "nested", "b.jsonl")), Is.EqualTo("{\"b\":1}\n"));
        Assert.That(Directory.Exists(Path.Combine(restored, "nested", "empty")), Is.True);
        Assert.That(new FileInfo(Path.Combine(restored, "link")).LinkTarget, Is.EqualTo("/etc/passwd"), "a link as a link");
        Assert.That(aside, Does.StartWith(restored + ".before-restore-"));
        Assert.That(File.ReadAllText(Path.Combine(aside!, "now.jsonl")), Is.EqualTo("{\"now\":1}\n"), "the data that was in place, moved aside, never deleted");
        Assert.That(Directory.Exists(unpacked), Is.False, "moved into place");
    }

    [Test]
    public void A_switch_where_there_was_no_data_puts_the_backup_in_place_and_moves_nothing_aside()
    {
        var data = SomeData();
        var backup = _host.BackUp(data, Folder("backups"), "x", DateTimeOffset.UtcNow);
        var live = HostFolder("live");
        var unpacked = Path.Combine(live, "data.restoring");
        _host.UnpackBackup(backup.ArchivePath, unpacked);

        var aside = _host.SwitchData(Path.Combine(live, "data"), unpacked, Path.Combine(live, "data.before"));

        Assert.That(aside, Is.Null);
        Assert.That(Directory.GetFileSystemEntries(live).Select(Path.GetFileName), Is.EqualTo(new[] { "data" }));
        Assert.That(File.ReadAllText(Path.Combine(live, "data", "a.jsonl")), Is.EqualTo("{}\n"));
    }

    [Test]
    public void A_damaged_backup_or_one_without_its_checksum_is_refused_before_anything_is_unpacked()
    {
        var data = SomeData();
        var backups = Folder("backups");
        var damaged = _host.BackUp(data, backups, "damaged", DateTimeOffset.UtcNow).ArchivePath;
        File.AppendAllText(damaged, "x");
        var unsummed = _host.BackUp(data, backups, "unsummed", DateTimeOffset.UtcNow).ArchivePath;
        File.Delete(unsummed + ".sha256");
        var into = Path.Combine(HostFolder("live"), "data.restoring");

        Assert.That(Assert.Throws<InvalidDataException>(() => _host.UnpackBackup(damaged, into))!.Message,
            Does.Match($"^Backup {damaged} is damaged: SHA-256 [0-9a-f]{{64}}, but {Path.GetFileName(damaged)}.sha256 says [0-9a-f]{{64}}. Fix: pick another backup \\(--backup=NAME\\).$"));
        Assert.That(Assert.Throws<InvalidDataException>(() => _host.UnpackBackup(unsummed, into))!.Message,
            Is.EqualTo($"Backup {unsummed} has no {Path.GetFileName(unsummed)}.sha256. Fix: pick another backup (--backup=NAME)."));
        Assert.That(Path.Exists(into), Is.False);
    }

    [Test]
    public void A_backup_is_only_unpacked_into_a_folder_that_does_not_exist()
    {
        var data = SomeData();
        var backup = _host.BackUp(data, Folder("backups"), "x", DateTimeOffset.UtcNow);
        var existing = HostFolder("existing");

        Assert.That(Assert.Throws<InvalidDataException>(() => _host.UnpackBackup(backup.ArchivePath, existing))!.Message,
            Does.StartWith($"{existing} exists already: a backup is only unpacked into a new directory."));
        Assert.That(Directory.EnumerateFileSystemEntries(existing), Is.Empty);
    }

    [TestCase("../escaped.txt", "points outside the data directory")]
    [TestCase("link/escaped.txt", "could not be unpacked")]
    [TestCase("device", "holds an entry of a kind no backup writes")]
    public void An_archive_entry_no_backup_writes_is_refused_and_nothing_of_it_is_kept(string name, string why)
    {
        var archive = Path.Combine(HostFolder("backups"), "data-20260101T000000.000Z-x.tar.gz");
        var escaped = Path.Combine(Path.GetDirectoryName(archive)!, "escaped.txt");
        WriteArchive(archive,
            new PaxTarEntry(TarEntryType.Directory, "./"),
            new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = Path.GetDirectoryName(archive)! },
            name == "device"
                ? new PaxTarEntry(TarEntryType.CharacterDevice, name) { DeviceMajor = 1, DeviceMinor = 3 }
                : new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("out\n"u8.ToArray()) });
        var into = Path.Combine(HostFolder("live"), "data.restoring");

        Assert.That(Assert.Throws<InvalidDataException>(() => _host.UnpackBackup(archive, into))!.Message,
            Does.StartWith($"Backup {archive} ").And.Contain(why).And.EndWith("Fix: pick another backup (--backup=NAME)."));
        Assert.That(Path.Exists(into), Is.False);
        Assert.That(File.Exists(escaped), Is.False, "nothing was written outside");
    }

    [Test]
    public void Installing_and_activating_switch_current_and_leave_shared_folders_alone()
    {
        var package = _temp.Write($"package-{Guid.NewGuid():N}/docker-compose.yml", "v1");
        var store = new ReleaseStore(HostFolder("deploy"), _host.Files);
        _host.CreateDirectory(Path.Combine(store.DeployDirectory, "data"));

        store.Install(Path.GetDirectoryName(package)!, "1.0.0");
        store.Activate("1.0.0");
        File.WriteAllText(package, "v2");
        store.Install(Path.GetDirectoryName(package)!, "1.0.1");
        store.Activate("1.0.1");

        Assert.That(store.Current, Is.EqualTo("1.0.1"));
        Assert.That(new FileInfo(store.CurrentLink).LinkTarget, Is.EqualTo("releases/1.0.1"), "relative: it points into the host's own tree");
        Assert.That(File.ReadAllText(Path.Combine(store.CurrentLink, "docker-compose.yml")), Is.EqualTo("v2"));
        Assert.That(File.ReadAllText(Path.Combine(store.PathOf("1.0.0"), "docker-compose.yml")), Is.EqualTo("v1"));
        Assert.That(Directory.Exists(Path.Combine(store.DeployDirectory, "data")), Is.True);
    }

    [Test]
    public void An_install_replaces_the_partial_copy_a_killed_install_left_and_an_install_again_is_the_newest()
    {
        var package = _temp.Write($"package-{Guid.NewGuid():N}/docker-compose.yml", "v1");
        var store = new ReleaseStore(HostFolder("deploy"), _host.Files);
        var partial = Path.Combine(store.ReleasesDirectory, ".1.0.0.partial");
        _host.CreateDirectory(partial);
        Plant(Path.Combine(partial, "stale.txt"), "from the killed install");

        store.Install(Path.GetDirectoryName(package)!, "1.0.0");
        Directory.SetLastWriteTimeUtc(store.PathOf("1.0.0"), new DateTime(2026, 1, 1));
        store.Install(Path.GetDirectoryName(package)!, "1.0.1");
        Directory.SetLastWriteTimeUtc(store.PathOf("1.0.1"), new DateTime(2026, 1, 2));
        Assert.That(store.Installed, Is.EqualTo(new[] { "1.0.1", "1.0.0" }));
        store.Install(Path.GetDirectoryName(package)!, "1.0.0");

        Assert.That(Directory.GetFiles(store.PathOf("1.0.0")).Select(Path.GetFileName), Is.EqualTo(new[] { "docker-compose.yml" }));
        Assert.That(store.Installed, Is.EqualTo(new[] { "1.0.0", "1.0.1" }), "installed again: the newest install");
        Assert.That(Directory.GetDirectories(store.ReleasesDirectory).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "1.0.0", "1.0.1" }), "no partial copy left");
    }

    [Test]
    public void Pruning_releases_keeps_the_current_one_and_the_ones_asked_for_and_only_names_under_releases_are_releases()
    {
        var package = _temp.Write($"package-{Guid.NewGuid():N}/f", "x");
        var store = new ReleaseStore(HostFolder("deploy"), _host.Files);
        foreach (var release in new[] { "1", "2", "3", "4" })
        {
            store.Install(Path.GetDirectoryName(package)!, release);
            Directory.SetLastWriteTimeUtc(store.PathOf(release), new DateTime(2026, 1, int.Parse(release)));
        }
        store.Activate("1");
        foreach (var path in new[] { "../data", "1/..", ".", "..", "" })
            Assert.That(store.IsInstalled(path), Is.False, path);
        Assert.That(() => store.Activate("../data"), Throws.TypeOf<DirectoryNotFoundException>());

        var removed = store.Prune(keep: 1, alsoKeep: ["2"]);

        Assert.That(removed, Is.EqualTo(new[] { "3" }));
        Assert.That(Directory.GetDirectories(store.ReleasesDirectory).Select(Path.GetFileName), Is.EquivalentTo(new[] { "1", "2", "4" }));
        Assert.That(store.Current, Is.EqualTo("1"));
    }

    [Test]
    public void A_deploy_s_install_switch_and_prune_run_a_script_each_and_prune_what_reading_the_store_again_would()
    {
        var package = _temp.Write($"package-{Guid.NewGuid():N}/f", "x");
        var store = new ReleaseStore(HostFolder("deploy"), _host.Files);
        foreach (var release in new[] { "1", "2", "3" })
        {
            store.Install(Path.GetDirectoryName(package)!, release);
            Directory.SetLastWriteTimeUtc(store.PathOf(release), new DateTime(2026, 1, int.Parse(release)));
        }
        // As a deploy reads them under its lock, and installs with a store of its own.
        var installedBefore = store.Installed;
        var deploy = new ReleaseStore(store.DeployDirectory, _host.Files);
        var scriptsBefore = _host.Counts.HostScripts;

        deploy.Install(Path.GetDirectoryName(package)!, "4");
        deploy.Activate("4");
        var removed = deploy.PruneAfterInstall("4", installedBefore, keep: 2, alsoKeep: ["1"]);

        Assert.That(_host.Counts.HostScripts - scriptsBefore, Is.EqualTo(3), "copied in, current switched, one old release removed: releases/ and current are not read again");
        Assert.That(removed, Is.EqualTo(new[] { "2" }), "4 and 3 are the newest two; 1 was asked for");
        Assert.That(Directory.GetDirectories(store.ReleasesDirectory).Select(Path.GetFileName), Is.EquivalentTo(new[] { "1", "3", "4" }));
        Assert.That(store.Current, Is.EqualTo("4"));
        Assert.That(deploy.Prune(keep: 2, alsoKeep: ["1"]), Is.Empty, "what the store read again would prune");
    }

    [Test]
    public void The_history_appends_whole_lines_also_after_a_torn_one_and_reads_skipping_what_is_no_entry()
    {
        var file = Path.Combine(Folder("state"), "history", "staging.jsonl");
        var warnings = new List<string>();
        var history = new ReleaseHistory(file, _host.Files);
        var started = DateTimeOffset.Parse("2026-01-01T10:00:00Z");
        var deployed = new HistoryEntry { Action = HistoryAction.Deploy, Result = HistoryResult.Succeeded, Version = "1.2.4+dirty.1a2b", Release = "1.2.4", StartedAt = started, FinishedAt = started };
        Assert.That(Support.HistoryFile.Entries(history, _host.Files, warnings.Add), Is.Empty, "no file yet");

        history.Append(deployed);
        File.AppendAllText(file, "{\"action\":\"verify\",\"res");
        history.Append(deployed with { Action = HistoryAction.Verify });

        Assert.That(Support.HistoryFile.Entries(history, _host.Files, warnings.Add).Select(e => (e.Action, e.Version)), Is.EqualTo(new[] { (HistoryAction.Deploy, "1.2.4+dirty.1a2b"), (HistoryAction.Verify, "1.2.4+dirty.1a2b") }));
        Assert.That(warnings.Single(), Does.StartWith($"{file}:2: skipped, not a history entry"));
        Assert.That(File.ReadAllText(file), Does.Contain("\"version\":\"1.2.4+dirty.1a2b\""), "as written, '+' not escaped");
    }

    [Test]
    public void A_history_that_cannot_be_written_is_told_as_what_went_wrong_and_the_fix_never_thrown()
    {
        var folder = Folder("state");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "history");
        Directory.CreateDirectory(file); // a folder where the file should be: no user can append to it
        var history = new ReleaseHistory(file, _host.Files);
        var now = DateTimeOffset.UtcNow;

        var failure = history.TryAppend(new HistoryEntry { Action = HistoryAction.Rollback, Result = HistoryResult.Failed, Version = "1", Release = "1", StartedAt = now, FinishedAt = now });

        Assert.That(failure, Does.StartWith($"the rollback of 1 (failed) could not be recorded in {file}: ").And.EndWith("the history misses this entry."));
    }

    private static List<(TarEntryType Type, string Name, string Link)> Entries(string archive)
    {
        using var tar = new TarReader(new System.IO.Compression.GZipStream(File.OpenRead(archive), System.IO.Compression.CompressionMode.Decompress));
        var entries = new List<(TarEntryType, string, string)>();
        while (tar.GetNextEntry() is { } entry) entries.Add((entry.EntryType, entry.Name, entry.LinkName));
        return entries;
    }

    /// <summary>An archive of exactly <paramref name="entries"/> with its matching .sha256, as no backup writes it (a damaged or foreign one).</summary>
    private static void WriteArchive(string archive, params TarEntry[] entries)
    {
        using (var file = File.Create(archive))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            foreach (var entry in entries) tar.WriteEntry(entry);
        using (var stream = File.OpenRead(archive))
            Plant(archive + ".sha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)) + "  x\n");
        File.SetUnixFileMode(archive, (UnixFileMode)0b110_100_100);
    }
}
