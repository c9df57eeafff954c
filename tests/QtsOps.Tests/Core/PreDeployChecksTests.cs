using QtsOps.Core.Verification;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class PreDeployChecksTests
{
    private static QtsOps.Core.Deployment.PreDeployEvidence Fine() =>
        new("/srv/deploy", 10L << 30, 1024, 8L << 30, 512, "127.0.0.1", 8000, [], false, ["qts-observer", "qts-observer-edge"]);

    [Test]
    public void Enough_disk_and_memory_and_a_free_port_pass() =>
        Assert.That(QtsOps.Core.Deployment.PreDeployChecks.Problems(Fine()), Is.Empty);

    [Test]
    public void The_port_held_by_this_same_deployment_is_fine()
    {
        Assert.That(QtsOps.Core.Deployment.PreDeployChecks.Problems(Fine() with { PortHolders = ["qts-observer"], PortAnswers = true }), Is.Empty);
        Assert.That(QtsOps.Core.Deployment.PreDeployChecks.Problems(Fine() with { PortHolders = ["qts-observer-edge"], PortAnswers = true }), Is.Empty);
    }

    [Test]
    public void Exactly_the_minimum_disk_and_memory_pass_and_a_megabyte_less_fails()
    {
        var atMinimum = Fine() with { FreeDiskBytes = 1024L << 20, EngineMemoryBytes = 512L << 20 };

        Assert.That(QtsOps.Core.Deployment.PreDeployChecks.Problems(atMinimum), Is.Empty);
        Assert.That(QtsOps.Core.Deployment.PreDeployChecks.Problems(atMinimum with { FreeDiskBytes = 1023L << 20 }).Single(), Does.StartWith("only 1023 MB free"));
        Assert.That(QtsOps.Core.Deployment.PreDeployChecks.Problems(atMinimum with { EngineMemoryBytes = 511L << 20 }).Single(), Does.StartWith("the Docker host has 511 MB"));
    }

    [Test]
    public void Every_problem_is_listed_with_its_fix()
    {
        var problems = QtsOps.Core.Deployment.PreDeployChecks.Problems(Fine() with { FreeDiskBytes = 100L << 20, EngineMemoryBytes = 256L << 20, PortHolders = ["someone-else"] });

        Assert.That(problems, Has.Count.EqualTo(3));
        Assert.That(problems, Has.Some.Contains("only 100 MB free").And.Some.Contains("256 MB of memory").And.Some.Contains("published by container someone-else"));
        Assert.That(problems.All(p => p.Contains("Fix:")), Is.True);
    }

    [Test]
    public void A_container_whose_name_only_resembles_this_one_is_named_as_the_holder_of_the_port() =>
        Assert.That(QtsOps.Core.Deployment.PreDeployChecks.Problems(Fine() with { PortHolders = ["qts-observer-old"], PortAnswers = true }).Single(),
            Does.Contain("port 127.0.0.1:8000 is published by container qts-observer-old"));

    [Test]
    public void Several_containers_on_the_port_are_all_named() =>
        Assert.That(QtsOps.Core.Deployment.PreDeployChecks.Problems(Fine() with { PortHolders = ["old-a", "old-b"] }).Single(),
            Does.Contain("port 127.0.0.1:8000 is published by container old-a, old-b."));

    [Test]
    public void Another_program_on_the_port_is_named() =>
        Assert.That(QtsOps.Core.Deployment.PreDeployChecks.Problems(Fine() with { PortAnswers = true }).Single(), Does.Contain("in use by another program"));
}
