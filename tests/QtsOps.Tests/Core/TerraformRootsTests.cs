using QtsOps.Core.Validation.Terraform;

namespace QtsOps.Tests.Core;

/// <summary>The staging and prod roots call one shared module and hold only what differs between them.</summary>
[Category("Core")]
public class TerraformRootsTests
{
    private const string SharedModule = "../../modules/azure_environment";
    private static readonly string[] AzureRoots = ["staging", "prod"];

    private static string RootDirectory(string environment) => SourceRepository.Combine("src", "infra", "environments", environment);

    private static IReadOnlyDictionary<string, string> TfFiles(string environment) =>
        Directory.GetFiles(RootDirectory(environment), "*.tf").ToDictionary(file => Path.GetFileName(file), File.ReadAllText);

    private static List<HclBlock> Blocks(string environment) => [.. TfFiles(environment).Values.SelectMany(text => Hcl.Parse(text).Blocks)];

    [Test]
    public void Staging_and_prod_differ_only_in_the_environment_s_name()
    {
        var staging = TfFiles("staging");
        var prod = TfFiles("prod");

        Assert.That(prod.Keys, Is.EquivalentTo(staging.Keys));
        foreach (var (file, text) in staging)
            Assert.That(prod[file], Is.EqualTo(text.Replace("staging", "prod")), file);
    }

    [TestCaseSource(nameof(AzureRoots))]
    public void A_root_is_one_call_of_the_shared_module_with_its_values_and_its_backend_and_provider(string environment)
    {
        var blocks = Blocks(environment);

        Assert.That(blocks.Select(b => b.Type).Distinct(), Is.SubsetOf(new[] { "terraform", "provider", "module", "variable", "output" }), "no resources of its own");
        var call = blocks.Single(b => b.Type == "module");
        Assert.That(call.Body.Attribute("source")!.Value.StringLiteral, Is.EqualTo(SharedModule));
        Assert.That(call.Body.Attribute("environment")!.Value.StringLiteral, Is.EqualTo(environment), "the value that differs");
        Assert.That(blocks.Where(b => b.Type == "terraform").SelectMany(b => b.Body.Blocks).Select(b => b.Type), Is.EqualTo(new[] { "backend" }),
            "the Terraform and provider versions are the shared module's");
    }

    [TestCaseSource(nameof(AzureRoots))]
    public void A_root_s_variables_and_outputs_only_pass_on_what_the_shared_module_describes_and_checks(string environment)
    {
        var blocks = Blocks(environment);
        var call = blocks.Single(b => b.Type == "module");
        var shared = Hcl.Parse(File.ReadAllText(Path.Combine(RootDirectory(environment), SharedModule, "variables.tf"))).BlocksOf("variable").ToDictionary(v => v.Label(0)!);

        foreach (var variable in blocks.Where(b => b.Type == "variable"))
        {
            var name = variable.Label(0)!;
            Assert.That(variable.Body.Attributes.Select(a => a.Name), Is.SubsetOf(new[] { "type", "default", "sensitive" }), $"{name}: description and checks are the module's");
            Assert.That(variable.Body.Blocks, Is.Empty, $"{name}: validation is the module's");
            Assert.That(variable.Body.Attribute("default")!.Value.IsNull, Is.True, $"{name}: the default is the module's");
            Assert.That(shared[name].Body.Attribute("description"), Is.Not.Null, $"the module describes {name}");
            Assert.That(call.Body.Attribute(name)!.Value.Text, Is.EqualTo($"var.{name}"), $"{name} is passed on");
        }
        foreach (var output in blocks.Where(b => b.Type == "output"))
            Assert.That(output.Body.Attributes.Single().Value.Text, Is.EqualTo($"module.environment.{output.Label(0)}"));
    }
}
