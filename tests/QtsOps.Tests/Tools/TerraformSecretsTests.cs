using QtsOps.Tools;
using QtsOps.Tools.Terraform;

namespace QtsOps.Tests.Tools;

public class TerraformSecretsTests
{
    [TestCase("ARM_SUBSCRIPTION_ID", true)]
    [TestCase("ARM_TENANT_ID", true)]
    [TestCase("ARM_CLIENT_ID", true)]
    [TestCase("ARM_CLIENT_SECRET", true)]
    [TestCase("ARM_ACCESS_KEY", true)]
    [TestCase("ARM_USE_MSI", false)]
    [TestCase("TF_VAR_admin_password", true)]
    [TestCase("TF_VAR_location", false)]
    [TestCase("HOME", false)]
    public void Azure_ids_and_credentials_and_secret_looking_variables_are_masked(string name, bool secret)
    {
        Assert.That(TerraformSecrets.IsSecretVariable(name), Is.EqualTo(secret));
    }

    [Test]
    public void The_masker_hides_every_secret_longest_first_and_ignores_trivial_values()
    {
        var masker = new SecretMasker(["abcd-1234", "abcd-1234-extra", "1"]);

        Assert.That(masker.Mask("sub abcd-1234-extra and abcd-1234, exit 1"), Is.EqualTo("sub [REDACTED] and [REDACTED], exit 1"));
    }
}
