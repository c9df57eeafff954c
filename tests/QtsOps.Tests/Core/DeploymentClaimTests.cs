using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

/// <summary>A deployment is every container under the environment's names: one that another deployment (or environment) started makes the whole of it another's.</summary>
[Category("Core")]
public class DeploymentClaimTests
{
    private const string Here = "/srv/a/.qtsops/deploy/local";
    private const string There = "/srv/b/.qtsops/deploy/local";

    private static string? Refusal(params ClaimedContainer[] found) => DeploymentClaim.Refusal(found, Here, "local", "nothing was changed", "take it over.");

    [Test]
    public void Nothing_found_or_all_ours_is_no_refusal()
    {
        Assert.That(Refusal(), Is.Null);
        Assert.That(Refusal(new ClaimedContainer("qts-observer-edge", new DeploymentOwner("local", Here, null, null)), new ClaimedContainer("qts-observer-b", new DeploymentOwner("local", Here, "1.0.0", "1.0.0"))), Is.Null);
    }

    [Test]
    public void Each_layout_is_claimed_whole_and_every_foreign_container_is_named_by_owner()
    {
        var theirs = new DeploymentOwner("local", There, "1.0.0", "1.0.0");
        Assert.That(Refusal(new ClaimedContainer("qts-observer", theirs)), Is.EqualTo(
            "'local' is another deployment's: qts-observer (release 1.0.0) belongs to the deployment in /srv/b/.qtsops/deploy/local (environment local), " +
            "not to this one (/srv/a/.qtsops/deploy/local for 'local'); nothing was changed. Fix: take it over."));
        Assert.That(Refusal(new ClaimedContainer("qts-observer-edge", theirs with { Release = null }), new ClaimedContainer("qts-observer-a", theirs), new ClaimedContainer("qts-observer-b", new DeploymentOwner("local", Here, "1.1.0", "1.1.0"))), Is.EqualTo(
            "'local' is another deployment's: qts-observer-edge, qts-observer-a (release 1.0.0) belong to the deployment in /srv/b/.qtsops/deploy/local (environment local), " +
            "not to this one (/srv/a/.qtsops/deploy/local for 'local'); nothing was changed. Fix: take it over."));
    }

    [Test]
    public void Several_containers_of_one_owner_are_named_together()
    {
        var theirs = new DeploymentOwner("local", There, "1.0.0", "1.0.0");
        Assert.That(Refusal(new ClaimedContainer("qts-observer-a", theirs), new ClaimedContainer("qts-observer-b", theirs)), Does.StartWith("'local' is another deployment's: qts-observer-a (release 1.0.0), qts-observer-b (release 1.0.0) belong to the deployment in /srv/b"));
        var nobody = new DeploymentOwner(null, null, null, null);
        Assert.That(Refusal(new ClaimedContainer("qts-observer", nobody), new ClaimedContainer("qts-observer-a", new DeploymentOwner("local", There, "1.0.0", "1.0.0"))),
            Does.StartWith("'local' is another deployment's: qts-observer belongs to no QtsOps deployment (the container has no io.qtsops labels and was not started from a release directory); " +
                "qts-observer-a (release 1.0.0) belongs to the deployment in /srv/b"));
    }

    [Test]
    public void A_container_labelled_with_another_environment_is_foreign_even_in_the_same_deploy_directory()
    {
        var found = new ClaimedContainer[] { new("qts-observer", new DeploymentOwner("prod", Here, "1.0.0", "1.0.0")), new ClaimedContainer("qts-observer-a", new DeploymentOwner(null, Here, "1.0.0", null)) };
        Assert.That(DeploymentClaim.Foreign(found, Here, "local").Select(c => c.Name), Is.EqualTo(new[] { "qts-observer" }), "a container from before the environment label is ours by its folder");
    }
}
