using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

/// <summary>What the core decides of the deploy lock; the lock itself is a host script, tested on both hosts in DeploymentHostContractTests.</summary>
[Category("Core")]
public class DeploymentLockTests
{
    [TestCase("{}")]
    [TestCase("{\"Pid\": \"222\"}")]
    [TestCase("{\"Pid\": 222, \"Host\": null, \"User\": \"u\", \"Since\": \"2026-01-01T00:00:00Z\", \"Target\": \"deploy\"}")]
    [TestCase("{\"Pid\": 222, \"Ho")]
    public void A_damaged_or_half_written_owner_file_names_nobody(string text)
    {
        Assert.That(DeploymentLock.ParseOwner(text, "/locks/local.lock.owner"), Is.Null);
    }

    [Test]
    public void A_lock_held_by_a_ci_run_names_the_run_and_one_held_from_a_shell_names_none()
    {
        var since = DateTimeOffset.Parse("2026-01-02T03:04:05Z");
        var owner = DeploymentLock.ParseOwner(System.Text.Json.JsonSerializer.Serialize(new LockOwner(111, "runner-1", "ci", since, "deploy 1.0.0", "https://github.com/o/r/actions/runs/42")), "/locks/local.lock.owner");

        Assert.That(new DeploymentLockedException("local", "/locks/local.lock", owner).Message, Is.EqualTo(
            "Another deploy to 'local' is running: pid 111 on runner-1 (user ci, deploy 1.0.0, since 2026-01-02 03:04:05Z, https://github.com/o/r/actions/runs/42). " +
            "Wait for it to finish; the lock on /locks/local.lock ends with that process."));
        Assert.That(new LockOwner(111, "host-a", "dev", since, "rollback").ToString(), Is.EqualTo("pid 111 on host-a (user dev, rollback, since 2026-01-02 03:04:05Z)"));
    }

    [Test]
    public void The_lock_s_lines_say_whether_it_is_held_and_by_whom()
    {
        var owner = new LockOwner(111, "host-a", "dev", DateTimeOffset.Parse("2026-01-02T03:04:05Z"), "deploy");
        LockOwner? Parse(string text) => text == "json" ? owner : null;

        Assert.That(LockState.Parse(["lock held", "owner json"], Parse), Is.EqualTo(new LockState(true, owner)));
        Assert.That(LockState.Parse(["lock free", "owner json", "history lock held"], Parse), Is.EqualTo(new LockState(false, owner)), "free, with the name of a holder that ended without releasing");
        Assert.That(LockState.Parse(["lock free"], Parse), Is.EqualTo(new LockState(false, null)));
        Assert.That(LockState.Parse(["owner json"], Parse), Is.EqualTo(new LockState(false, owner)), "no lock line: not said to be held");
    }

    [Test]
    public void The_owner_file_is_beside_the_lock_and_a_holder_that_ended_without_releasing_is_named_to_the_next()
    {
        var owner = new LockOwner(111, "host-a", "dev", DateTimeOffset.Parse("2026-01-02T03:04:05Z"), "deploy");

        Assert.That(DeploymentLock.OwnerFileOf("/locks/local.lock"), Is.EqualTo("/locks/local.lock.owner"));
        Assert.That(DeploymentLockedException.EndedWithoutReleasing("local", owner), Is.EqualTo(
            "The last deploy lock holder of 'local', pid 111 on host-a (user dev, deploy, since 2026-01-02 03:04:05Z), ended without releasing it (killed?); " +
            "its deploy may be half-done: see the history. Taking the lock over."));
    }

    [Test]
    public void A_lock_whose_holder_has_not_written_its_name_yet_says_so()
    {
        Assert.That(new DeploymentLockedException("local", "/locks/local.lock", owner: null).Message, Is.EqualTo(
            "Another deploy to 'local' is running: a process that has not written its name yet. Wait for it to finish; the lock on /locks/local.lock ends with that process."));
    }
}
