using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class SlotPlanTests
{
    [Test]
    public void The_first_start_first_deploy_starts_in_slot_a_and_drains_nothing() =>
        Assert.That(SlotPlan.For(null, null, "1.1.0", force: false), Is.EqualTo(new SlotPlan(Slot.A, false, null)));

    [Test]
    public void A_new_release_starts_in_the_other_slot_and_the_serving_one_is_drained()
    {
        Assert.That(SlotPlan.For(Slot.A, new SlotState(true, "1.0.0"), "1.1.0", force: false), Is.EqualTo(new SlotPlan(Slot.B, false, Slot.A)));
        Assert.That(SlotPlan.For(Slot.B, new SlotState(true, "1.0.0"), "1.1.0", force: false), Is.EqualTo(new SlotPlan(Slot.A, false, Slot.B)));
    }

    [Test]
    public void The_release_that_serves_already_is_left_alone_unless_forced()
    {
        Assert.That(SlotPlan.For(Slot.B, new SlotState(true, "1.1.0"), "1.1.0", force: false), Is.EqualTo(new SlotPlan(Slot.B, true, null)));
        Assert.That(SlotPlan.For(Slot.B, new SlotState(true, "1.1.0"), "1.1.0", force: true), Is.EqualTo(new SlotPlan(Slot.A, false, Slot.B)));
    }

    [Test]
    public void When_the_active_slot_runs_nothing_the_release_starts_there_without_a_switch()
    {
        Assert.That(SlotPlan.For(Slot.B, new SlotState(false, "1.0.0"), "1.1.0", force: false), Is.EqualTo(new SlotPlan(Slot.B, false, null)));
        Assert.That(SlotPlan.For(Slot.B, null, "1.1.0", force: false), Is.EqualTo(new SlotPlan(Slot.B, false, null)));
        Assert.That(SlotPlan.For(Slot.A, new SlotState(false, "1.1.0"), "1.1.0", force: false), Is.EqualTo(new SlotPlan(Slot.A, false, null)));
    }
}
