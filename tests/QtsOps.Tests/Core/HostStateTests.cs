using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

/// <summary>The host's record a deploy step reads in one go: as the host script says it, and as this machine's files give it.</summary>
[Category("Core")]
public class HostStateTests
{
    private static readonly LockOwner Holder = new(42, "ci", "deploy", DateTimeOffset.UnixEpoch, "deploy 1.0.1 from /src", null);

    [Test]
    public void The_script_s_lines_give_releases_newest_first_current_the_active_slot_history_the_lock_holder_and_free_space()
    {
        var state = HostState.Parse([
            "release 100.5 1.0.0", "release 200.25 1.0.1", "release 300 .1.0.2.partial",
            "current releases/1.0.1", "active conf/slot-b.conf", "free 2048",
            "lock held", "owner {\"pid\":42}",
            "history 7 {\"a\":1}", "history 9 ", "history 10", "history 11 {\"b\": 2}",
        ], text => text == "{\"pid\":42}" ? Holder : null);

        Assert.That(state.Installed, Is.EqualTo(new[] { "1.0.1", "1.0.0" }), "newest install first; a half-copied release is none");
        Assert.That((state.Current, state.ActiveSlot, state.AvailableBytes), Is.EqualTo(("1.0.1", (Slot?)Slot.B, 2048L * 1024)));
        Assert.That(state.Lock, Is.EqualTo(new LockState(true, Holder)));
        Assert.That(state.History, Is.EqualTo(new HistoryLine[] { new(7, "{\"a\":1}"), new(9, ""), new(10, ""), new(11, "{\"b\": 2}") }),
            "each line the script gave with its number in the file, blank ones too (as given, or with the space after the number trimmed)");
    }

    [Test]
    public void A_first_deploy_s_host_has_no_release_current_edge_history_or_lock_holder()
    {
        var state = HostState.Parse(["free 1", "lock free"], _ => Holder);

        Assert.That((state.Installed, state.Current, state.ActiveSlot, state.History, state.Lock), Is.EqualTo(((IReadOnlyList<string>)[], (string?)null, (Slot?)null, (IReadOnlyList<HistoryLine>)[], new LockState(false, null))));
        Assert.That((state.EdgeConfigTarget, state.MissingFolders, state.UnwritableFolders), Is.EqualTo(((string?)null, (IReadOnlyList<string>)[], (IReadOnlyList<string>)[])));
    }

    [Test]
    public void The_script_s_lines_give_the_edge_s_configuration_and_the_folders_missing_or_not_writable()
    {
        var state = HostState.Parse(["free 1", "lock free", "edge conf-0123456789abcdef", "missing /srv/a b", "missing /srv/c", "unwritable /srv/c"], _ => null);

        Assert.That(state.EdgeConfigTarget, Is.EqualTo("conf-0123456789abcdef"));
        Assert.That(state.MissingFolders, Is.EqualTo(new[] { "/srv/a b", "/srv/c" }), "a path with a space is one folder");
        Assert.That(state.UnwritableFolders, Is.EqualTo(new[] { "/srv/c" }));
    }
}
