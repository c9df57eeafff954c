using System.Diagnostics;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Tools;

[Category("Core")]
public class DeploymentLockTests
{
    private static LockOwner Owner(int pid) => new(pid, "host-a", "dev", DateTimeOffset.UtcNow, "deploy 1.0.0");

    [Test]
    public void A_second_holder_is_refused_with_the_first_ones_details()
    {
        using var state = new TempDirectory();
        var file = state.Combine("locks", "local.lock");
        using var first = DeploymentLock.Acquire(file, "local", Owner(111), _ => { });

        var error = Assert.Throws<DeploymentLockedException>(() => DeploymentLock.Acquire(file, "local", Owner(222), _ => { }))!;

        Assert.That(error.Message, Does.Contain("Another deploy to 'local' is running: pid 111 on host-a (user dev, deploy 1.0.0").And.Contain(file));
    }

    [Test]
    public void Releasing_frees_the_lock_and_removes_the_owner()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        var warnings = new List<string>();

        DeploymentLock.Acquire(file, "local", Owner(111), warnings.Add).Dispose();
        using var next = DeploymentLock.Acquire(file, "local", Owner(222), warnings.Add);

        Assert.That(warnings, Is.Empty);
        Assert.That(DeploymentLock.ReadOwner(file)!.Pid, Is.EqualTo(222));
    }

    [Test]
    public void The_lock_of_a_killed_process_is_free_at_once_and_taken_over_with_a_warning()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        // Another process holds the lock as the pipeline takes it (flock), as a deploy would, with its owner file.
        using var holder = Process.Start(new ProcessStartInfo("python3",
            ["-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(600)", file])
            { RedirectStandardOutput = true })!;
        Assert.That(holder.StandardOutput.ReadLine(), Is.EqualTo("locked"));
        File.WriteAllText(DeploymentLock.OwnerFileOf(file), System.Text.Json.JsonSerializer.Serialize(Owner(holder.Id)));
        Assert.That(Assert.Throws<DeploymentLockedException>(() => DeploymentLock.Acquire(file, "local", Owner(222), _ => { }))!.Message, Does.Contain($"pid {holder.Id}"));

        holder.Kill();
        holder.WaitForExit();
        var warnings = new List<string>();
        using var next = DeploymentLock.Acquire(file, "local", Owner(222), warnings.Add);

        Assert.That(warnings.Single(), Does.Contain($"pid {holder.Id}").And.Contain("ended without releasing"));
        Assert.That(DeploymentLock.ReadOwner(file)!.Pid, Is.EqualTo(222));
    }

    [TestCase("{}")]
    [TestCase("{\"Pid\": \"222\"}")]
    [TestCase("{\"Pid\": 222, \"Host\": null, \"User\": \"u\", \"Since\": \"2026-01-01T00:00:00Z\", \"Target\": \"deploy\"}")]
    public void A_damaged_owner_file_names_nobody(string text)
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        File.WriteAllText(DeploymentLock.OwnerFileOf(file), text);

        Assert.That(DeploymentLock.ReadOwner(file), Is.Null);
    }

    [Test]
    public void An_owner_file_naming_a_live_process_does_not_hold_the_lock()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        // A reused process id looks alive: only the operating system lock counts.
        File.WriteAllText(DeploymentLock.OwnerFileOf(file), System.Text.Json.JsonSerializer.Serialize(Owner(Environment.ProcessId)));
        var warnings = new List<string>();

        using var taken = DeploymentLock.Acquire(file, "local", Owner(222), warnings.Add);

        Assert.That(warnings.Single(), Does.Contain($"pid {Environment.ProcessId}"));
    }

    [Test]
    public void A_lock_held_by_a_ci_run_names_the_run_and_one_held_from_a_shell_names_none()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        var since = DateTimeOffset.Parse("2026-01-02T03:04:05Z");
        using (DeploymentLock.Acquire(file, "local", new LockOwner(111, "runner-1", "ci", since, "deploy 1.0.0", "https://github.com/o/r/actions/runs/42"), _ => { }))
        {
            var error = Assert.Throws<DeploymentLockedException>(() => DeploymentLock.Acquire(file, "local", Owner(222), _ => { }))!;

            Assert.That(error.Message, Is.EqualTo("Another deploy to 'local' is running: pid 111 on runner-1 (user ci, deploy 1.0.0, since 2026-01-02 03:04:05Z, https://github.com/o/r/actions/runs/42). " +
                $"Wait for it to finish; the lock on {file} ends with that process."));
        }
        Assert.That(new LockOwner(111, "host-a", "dev", since, "rollback").ToString(), Is.EqualTo("pid 111 on host-a (user dev, rollback, since 2026-01-02 03:04:05Z)"));
    }

    [Test]
    public void A_lock_taken_by_a_process_that_has_not_written_its_name_yet_is_refused_saying_so()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        // The holder has the lock, but its owner file is not written yet.
        using var holder = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var error = Assert.Throws<DeploymentLockedException>(() => DeploymentLock.Acquire(file, "local", Owner(222), _ => { }))!;

        Assert.That(error.Message, Is.EqualTo($"Another deploy to 'local' is running: a process that has not written its name yet. Wait for it to finish; the lock on {file} ends with that process."));
        Assert.That(error.Owner, Is.Null);
        Assert.That(File.Exists(DeploymentLock.OwnerFileOf(file)), Is.False, "the refused one wrote no owner file");
    }

    [Test]
    public void Taking_the_lock_empties_what_an_older_lock_file_held_and_writes_the_owner_beside_it()
    {
        using var state = new TempDirectory();
        var file = state.Write("local.lock", "pid 111 (an old lock file's text)\n");

        using var held = DeploymentLock.Acquire(file, "local", Owner(222), _ => { });

        Assert.That(new FileInfo(file).Length, Is.Zero);
        Assert.That(DeploymentLock.ReadOwner(file), Is.EqualTo(held.Owner));
        Assert.That(Directory.GetFiles(state.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "local.lock", "local.lock.owner" }), "no .next file is left");
    }

    [Test]
    public void Inspecting_tells_a_held_lock_from_a_free_one_without_taking_it()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        Assert.That(DeploymentLock.Inspect(file), Is.EqualTo(new LockState(false, null)), "no lock file: never locked");

        var owner = Owner(111);
        var held = DeploymentLock.Acquire(file, "local", owner, _ => { });
        Assert.That(DeploymentLock.Inspect(file), Is.EqualTo(new LockState(true, owner)));
        Assert.That(DeploymentLock.Inspect(file), Is.EqualTo(new LockState(true, owner)), "inspecting did not take it");

        held.Dispose();
        Assert.That(DeploymentLock.Inspect(file), Is.EqualTo(new LockState(false, null)), "released");

        File.WriteAllText(DeploymentLock.OwnerFileOf(file), System.Text.Json.JsonSerializer.Serialize(owner));
        Assert.That(DeploymentLock.Inspect(file), Is.EqualTo(new LockState(false, owner)), "free, with the owner file of a holder that ended without releasing");
        using var next = DeploymentLock.Acquire(file, "local", Owner(222), _ => { });
    }

    [Test]
    public void Releasing_twice_leaves_the_next_holder_s_owner_file_alone()
    {
        using var state = new TempDirectory();
        var file = state.Combine("local.lock");
        var first = DeploymentLock.Acquire(file, "local", Owner(111), _ => { });
        first.Dispose();
        using var second = DeploymentLock.Acquire(file, "local", Owner(222), _ => { });

        first.Dispose();

        Assert.That(DeploymentLock.ReadOwner(file)!.Pid, Is.EqualTo(222));
        Assert.Throws<DeploymentLockedException>(() => DeploymentLock.Acquire(file, "local", Owner(333), _ => { }));
    }
}
