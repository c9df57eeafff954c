using QtsOps.Release.Deployment;

namespace QtsOps.Tests.Release;

/// <summary>Verify judges only a container this deployment started, running its current release; any other is refused with the fix.</summary>
[Category("Core")]
public class VerifyScopeTests
{
    private const string Here = "/srv/a/.qtsops/deploy/local";

    private static string? Refusal(DeploymentOwner owner) => VerifyScope.Refusal("qts-observer", "local", owner, Here, currentRelease: "1.2.0");

    [Test]
    public void This_deployments_container_running_the_current_release_is_verified()
    {
        Assert.That(Refusal(new DeploymentOwner("local", Here, "1.2.0", "1.2.0")), Is.Null);
    }

    [Test]
    public void A_container_from_before_the_release_label_is_verified()
    {
        Assert.That(Refusal(new DeploymentOwner("local", Here, Release: null, Version: null)), Is.Null);
    }

    [Test]
    public void Another_deployments_container_is_refused_with_whose_it_is()
    {
        Assert.That(Refusal(new DeploymentOwner("local", "/srv/b/.qtsops/deploy/local", "1.2.0", "1.2.0")), Is.EqualTo(
            "qts-observer on 'local' belongs to the deployment in /srv/b/.qtsops/deploy/local (environment local, release 1.2.0), not to this deployment ('local' in /srv/a/.qtsops/deploy/local): " +
            "nothing was verified or rolled back. Fix: verify from that checkout, or deploy here with --take-over."));
    }

    [Test]
    public void A_container_no_deployment_started_is_refused()
    {
        Assert.That(Refusal(new DeploymentOwner(null, null, null, null)), Does.StartWith("qts-observer on 'local' belongs to no QtsOps deployment"));
    }

    [Test]
    public void This_deployments_container_running_another_release_is_refused_with_the_way_to_make_them_agree()
    {
        Assert.That(Refusal(new DeploymentOwner("local", Here, "1.1.0", "1.1.0")), Is.EqualTo(
            "qts-observer runs release 1.1.0, but this deployment's current release is 1.2.0: nothing was verified or rolled back. " +
            "Fix: ./build.sh --target=deploy (or --target=rollback --to=1.1.0) so that the two agree."));
    }
}
