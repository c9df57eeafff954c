using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;

namespace QtsOps.Tests.Core;

/// <summary>After a failed deploy or verify: roll back, or leave the release and say why.</summary>
[Category("Core")]
public class FailedReleaseTests
{
    private static ProtectionPolicy Policy(bool approved) => new(["prod"], [], approved, allowPreRelease: false);

    [Test]
    public void An_approved_run_rolls_a_protected_environment_back()
    {
        Assert.That(FailedRelease.WhyLeftAsItIs("1.0.1", "prod", noRollback: null, automaticRollback: true, Policy(approved: true)), Is.Null);
    }

    [Test]
    public void Without_approval_a_protected_environment_is_left_as_it_is_with_the_command_that_rolls_it_back()
    {
        Assert.That(FailedRelease.WhyLeftAsItIs("1.0.1", "prod", noRollback: null, automaticRollback: true, Policy(approved: false)), Is.EqualTo(
            "1.0.1 was left as it is ('prod' is protected: rolling it back needs --approve.); ./build.sh --target=rollback --approve puts back the last verified release"));
    }

    [Test]
    public void An_unprotected_environment_is_rolled_back_without_approval()
    {
        Assert.That(FailedRelease.WhyLeftAsItIs("1.0.1", "staging", noRollback: null, automaticRollback: true, Policy(approved: false)), Is.Null);
    }

    [TestCase("--no-rollback", true, "rollback disabled: --no-rollback")]
    [TestCase(null, false, "rollback disabled: automaticRollback is false")]
    public void Rollback_turned_off_leaves_the_release_even_when_approved(string? noRollback, bool automaticRollback, string why)
    {
        Assert.That(FailedRelease.WhyLeftAsItIs("1.0.1", "prod", noRollback, automaticRollback, Policy(approved: true)),
            Is.EqualTo($"1.0.1 was left as it is ({why}); ./build.sh --target=rollback puts back the last verified release"));
    }
}
