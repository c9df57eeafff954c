using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

/// <summary>A failed deploy leaves the release that served serving, or puts exactly it back; only when nothing served does the last verified one come back.</summary>
[Category("Core")]
public class FailedDeployTests
{
    [Test]
    public void The_release_that_still_serves_is_kept()
    {
        Assert.That(FailedDeploy.Plan(servedBefore: "1.2.0", stillServes: true), Is.EqualTo(FailedDeployPlan.KeepServing));
    }

    [Test]
    public void The_release_that_served_and_was_replaced_is_put_back()
    {
        Assert.That(FailedDeploy.Plan(servedBefore: "1.2.0", stillServes: false), Is.EqualTo(FailedDeployPlan.PutBack));
    }

    [Test]
    public void With_nothing_serving_before_the_last_verified_release_is_rolled_back_to()
    {
        Assert.That(FailedDeploy.Plan(servedBefore: null, stillServes: false), Is.EqualTo(FailedDeployPlan.RollBack));
    }
}
