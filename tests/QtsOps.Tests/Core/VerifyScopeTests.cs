using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

/// <summary>Verify judges only a deployment whose containers this deployment all started, serving its current release; any other is refused with the fix.</summary>
[Category("Core")]
public class VerifyScopeTests
{
    private const string Here = "/srv/a/.qtsops/deploy/local";
    private const string There = "/srv/b/.qtsops/deploy/local";

    private static string? Refusal(params ClaimedContainer[] found) => VerifyScope.Refusal(found, "qts-observer-a", "local", Here, currentRelease: "1.2.0");

    private static ClaimedContainer Slot(DeploymentOwner owner) => new("qts-observer-a", owner);

    [Test]
    public void This_deployments_container_running_the_current_release_is_verified()
    {
        Assert.That(Refusal(Slot(new DeploymentOwner("local", Here, "1.2.0", "1.2.0")), new ClaimedContainer("qts-observer-edge", new DeploymentOwner("local", Here, null, null))), Is.Null);
    }

    [Test]
    public void A_container_from_before_the_release_label_is_verified()
    {
        Assert.That(Refusal(Slot(new DeploymentOwner("local", Here, Release: null, Version: null))), Is.Null);
    }

    [Test]
    public void Another_deployments_container_is_refused_with_whose_it_is()
    {
        Assert.That(Refusal(Slot(new DeploymentOwner("local", There, "1.2.0", "1.2.0"))), Is.EqualTo(
            "'local' is another deployment's: qts-observer-a (release 1.2.0) belongs to the deployment in /srv/b/.qtsops/deploy/local (environment local), " +
            "not to this one (/srv/a/.qtsops/deploy/local for 'local'); nothing was verified or rolled back. Fix: verify from that checkout, or deploy here with --take-over."));
    }

    [Test]
    public void Another_deployments_edge_in_front_of_this_deployments_slot_is_refused()
    {
        Assert.That(Refusal(Slot(new DeploymentOwner("local", Here, "1.2.0", "1.2.0")), new ClaimedContainer("qts-observer-edge", new DeploymentOwner("local", There, null, null))),
            Does.StartWith("'local' is another deployment's: qts-observer-edge belongs to the deployment in /srv/b/.qtsops/deploy/local (environment local)"));
    }

    [Test]
    public void A_container_no_deployment_started_is_refused()
    {
        Assert.That(Refusal(Slot(new DeploymentOwner(null, null, null, null))), Does.StartWith("'local' is another deployment's: qts-observer-a belongs to no QtsOps deployment"));
    }

    [Test]
    public void This_deployments_container_running_another_release_is_refused_with_the_way_to_make_them_agree()
    {
        Assert.That(Refusal(Slot(new DeploymentOwner("local", Here, "1.1.0", "1.1.0"))), Is.EqualTo(
            "qts-observer-a runs release 1.1.0, but this deployment's current release is 1.2.0: nothing was verified or rolled back. " +
            "Fix: ./build.sh --target=deploy (or --target=rollback --to=1.1.0) so that the two agree."));
    }

    [Test]
    public void A_serving_container_that_is_not_there_is_left_to_the_checks_to_find()
    {
        Assert.That(Refusal(new ClaimedContainer("qts-observer-edge", new DeploymentOwner("local", Here, null, null))), Is.Null);
    }
}
