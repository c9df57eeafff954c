using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class DeploymentOwnerTests
{
    [Test]
    public void The_labels_say_whose_a_container_is()
    {
        var owner = DeploymentOwner.FromLabels(DeploymentOwner.Labels("local", "/srv/a/.qtsops/deploy/local/", "1.2.0", "1.2.0+dirty.1"));

        Assert.That(owner, Is.EqualTo(new DeploymentOwner("local", "/srv/a/.qtsops/deploy/local", "1.2.0", "1.2.0+dirty.1")));
        Assert.That(owner.IsOf("/srv/a/.qtsops/deploy/local", "local"), Is.True);
        Assert.That(owner.IsOf("/srv/b/.qtsops/deploy/local", "local"), Is.False);
    }

    [Test]
    public void A_container_labelled_with_another_environment_is_not_this_ones_even_in_the_same_deploy_directory()
    {
        var owner = DeploymentOwner.FromLabels(DeploymentOwner.Labels("prod", "/opt/qts-observer", "1.2.0", "1.2.0"));

        Assert.That(owner.IsOf("/opt/qts-observer", "prod"), Is.True);
        Assert.That(owner.IsOf("/opt/qts-observer", "staging"), Is.False);
        Assert.That(owner.Describe(), Does.Contain("environment prod"));
    }

    [Test]
    public void A_container_from_before_the_labels_is_known_by_its_release_directory()
    {
        var owner = DeploymentOwner.FromLabels(new Dictionary<string, string>
        {
            ["com.docker.compose.project.working_dir"] = "/srv/a/.qtsops/deploy/local/releases/1.1.0",
            [DeploymentOwner.DeploymentLabel] = "", // compose writes an unset variable as empty
        });

        Assert.That(owner.Deployment, Is.EqualTo("/srv/a/.qtsops/deploy/local"));
        Assert.That(owner.Release, Is.EqualTo("1.1.0"));
        Assert.That(owner.Describe(), Is.EqualTo("the deployment in /srv/a/.qtsops/deploy/local (release 1.1.0)"));
    }

    [Test]
    public void A_container_nobody_labelled_belongs_to_no_deployment()
    {
        var owner = DeploymentOwner.FromLabels(new Dictionary<string, string> { ["com.docker.compose.project.working_dir"] = "/home/me/observer" });

        Assert.That(owner.Deployment, Is.Null);
        Assert.That(owner.IsOf("/home/me", "local"), Is.False);
        Assert.That(owner.Describe(), Does.StartWith("no QtsOps deployment"));
    }

    [TestCase("local", "1.2.0", "the deployment in /srv/a/.qtsops/deploy/local (environment local, release 1.2.0)")]
    [TestCase("local", null, "the deployment in /srv/a/.qtsops/deploy/local (environment local)")]
    [TestCase(null, null, "the deployment in /srv/a/.qtsops/deploy/local")]
    public void A_deployment_is_described_with_what_its_labels_say_and_nothing_empty(string? environment, string? release, string expected) =>
        Assert.That(new DeploymentOwner(environment, "/srv/a/.qtsops/deploy/local", release, null).Describe(), Is.EqualTo(expected));
}
