using QtsOps.Tools;
using QtsOps.Tools.Terraform;

namespace QtsOps.Tests.Host;

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

    // A value with a quote, a backslash, a control character, a template sequence and a space.
    private const string Awkward = "pa\"ss\\w\u0001rd ${x}&<";

    [TestCase("pa\\\"ss\\\\w\\u0001rd ${x}\\u0026\\u003c", TestName = "JSON as Go writes it (terraform -json)")]
    [TestCase("pa\\u0022ss\\\\w\\u0001rd ${x}\\u0026\\u003C", TestName = "JSON as .NET writes it")]
    [TestCase("pa\\\"ss\\\\w\\u0001rd $${x}&<", TestName = "HCL as Terraform quotes a value")]
    [TestCase("pa%22ss%5Cw%01rd%20%24%7Bx%7D%26%3C", TestName = "URL-encoded")]
    [TestCase("pa%22ss%5cw%01rd+%24%7bx%7d%26%3c", TestName = "form-encoded, lower-case hex")]
    public void The_masker_hides_every_form_a_value_takes_in_output(string form)
    {
        var masker = new SecretMasker([Awkward]);

        Assert.That(masker.Mask($"var.x is \"{form}\"."), Is.EqualTo("var.x is \"[REDACTED]\"."));
        Assert.That(masker.Mask(Awkward), Is.EqualTo(SecretMasker.Redacted));
    }
}
