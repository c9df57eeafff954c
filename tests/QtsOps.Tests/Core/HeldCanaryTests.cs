using QtsOps.Core.Deployment;
using QtsOps.Core.Fleet;

namespace QtsOps.Tests.Core;

/// <summary>The held canary's file (deploy --canary-hold): what promote and abort read back on any machine, and a file that is none.</summary>
[Category("Core")]
public class HeldCanaryTests
{
    private static readonly HistoryEntry Pending = new()
    {
        Action = HistoryAction.Deploy, Result = HistoryResult.Succeeded, Version = "1.2.4", Release = "1.2.4_abc",
        StartedAt = DateTimeOffset.Parse("2026-12-06T10:00:00Z"), FinishedAt = DateTimeOffset.Parse("2026-12-06T10:01:00Z"), ImageId = "sha256:1",
    };

    [Test]
    public void A_held_canary_reads_back_as_written_and_names_both_slots()
    {
        var held = new HeldCanary(Pending, Slot.B, "1.2.3_def", 10, "it would be promoted: fine");

        var read = HeldCanary.Parse(held.ToJson(), "/srv/edge/held-canary/canary.json");

        Assert.That(read with { Pending = Pending }, Is.EqualTo(held));
        Assert.That((read.Pending.Release, read.Pending.ImageId, read.Pending.FinishedAt), Is.EqualTo(("1.2.4_abc", "sha256:1", Pending.FinishedAt)));
        Assert.That(read.Canary, Is.EqualTo(Slot.A));
        Assert.That(read.Describe(new SlotLayout("obs", "obs")), Is.EqualTo(
            "a canary is held: 1.2.4_abc in obs-a takes 10% of requests beside 1.2.3_def in obs-b since 2026-12-06 10:01:00Z (it would be promoted: fine). End it with --target=promote or --target=abort"));
    }

    [Test]
    public void The_hosts_state_says_whether_a_canary_is_held_and_carries_its_file()
    {
        string[] lines = ["current releases/1.2.4_abc", "lock free", "free 1000"];
        var file = new HeldCanary(Pending, Slot.B, "1.2.3_def", 10, "it would be promoted: fine").ToJson().Replace("\n", "");

        Assert.That(HostState.Parse(lines, _ => null).CanaryHeld, Is.False);
        var held = HostState.Parse([.. lines, $"canary {file}"], _ => null);
        Assert.That(held.CanaryHeld, Is.True);
        Assert.That(HeldCanary.Parse(held.HeldCanary!, "canary.json").Pending.Release, Is.EqualTo("1.2.4_abc"), "the file, on one line, is the canary");
    }

    [Test]
    public void A_file_that_records_no_canary_is_an_error_naming_it()
    {
        var error = Assert.Throws<FormatException>(() => HeldCanary.Parse("{\"pending\": 3", "/srv/edge/held-canary/canary.json"))!;

        Assert.That(error.Message, Does.StartWith("/srv/edge/held-canary/canary.json does not record a held canary (").And.Contain("Fix: "));
        Assert.That(Assert.Throws<FormatException>(() => HeldCanary.Parse("null", "canary.json"))!.Message, Is.EqualTo(
            "canary.json does not record a held canary (null is no canary). Fix: look at the edge's slots (status), switch it with a deploy, then delete that folder."));
    }

    [Test]
    public void A_held_canary_whose_stable_release_is_unknown_says_so_with_a_question_mark() =>
        Assert.That(new HeldCanary(Pending, Slot.B, null, 10, "withdrawn").Describe(new SlotLayout("obs", "obs")),
            Does.StartWith("a canary is held: 1.2.4_abc in obs-a takes 10% of requests beside ? in obs-b since"));
}
