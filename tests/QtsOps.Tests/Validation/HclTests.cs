using QtsOps.Release.Validation.Terraform;

namespace QtsOps.Tests.Validation;

[Category("Core")]
public class HclTests
{
    [Test]
    public void Blocks_attributes_and_references_carry_their_lines()
    {
        var body = Hcl.Parse("""
            # comment
            provider "azurerm" {
              features {}
              subscription_id = "abc" // trailing comment
            }

            module "rg" {
              source = "../../modules/resource_group"
              tags = merge(var.tags, {
                environment = var.environment
              })
              /* a block
                 comment */
              name = "${var.prefix}-rg"
            }

            output "id" { value = module.rg.id }
            """);

        var provider = body.BlocksOf("provider").Single();
        Assert.That((provider.Label(0), provider.Line), Is.EqualTo(("azurerm", 2)));
        Assert.That(provider.Body.Blocks.Single().Type, Is.EqualTo("features"));
        var subscription = provider.Body.Attribute("subscription_id")!;
        Assert.That((subscription.Line, subscription.Value.StringLiteral), Is.EqualTo((4, "abc")));

        var module = body.BlocksOf("module").Single();
        Assert.That(module.Body.Attribute("source")!.Value.StringLiteral, Is.EqualTo("../../modules/resource_group"));
        var tags = module.Body.Attribute("tags")!;
        Assert.That(tags.Value.Text, Does.StartWith("merge(var.tags, {").And.EndWith("})"));
        Assert.That(tags.Value.References.Select(r => (r.ToString(), r.Line)), Is.EqualTo(new[] { ("var.tags", 9), ("var.environment", 10) }));
        var name = module.Body.Attribute("name")!;
        Assert.That(name.Line, Is.EqualTo(14));
        Assert.That(name.Value.StringLiteral, Is.Null, "an interpolated string is not a literal");
        Assert.That(name.Value.References.Single().ToString(), Is.EqualTo("var.prefix"));

        var output = body.BlocksOf("output").Single();
        Assert.That(output.Line, Is.EqualTo(17));
        Assert.That(output.Body.Attribute("value")!.Value.References.Single().Parts, Is.EqualTo(new[] { "module", "rg", "id" }));
    }

    [Test]
    public void Strings_escapes_heredocs_and_literals()
    {
        var body = Hcl.Parse("""
            a = "say \"hi\" $${not_interpolated}"
            b = <<-EOT
              first ${local.x}
              second
              EOT
            c = true
            d = null
            e = [for s in var.list : upper(s)]
            f = 42
            """);

        Assert.That(body.Attribute("a")!.Value.StringLiteral, Is.EqualTo("say \"hi\" ${not_interpolated}"));
        Assert.That(body.Attribute("b")!.Value.References.Single().ToString(), Is.EqualTo("local.x"));
        Assert.That(body.Attribute("c")!.Value.IsTrue, Is.True);
        Assert.That(body.Attribute("d")!.Value.IsNull, Is.True);
        Assert.That(body.Attribute("e")!.Value.References.Select(r => r.ToString()), Is.EqualTo(new[] { "var.list" }));
        Assert.That(body.Attribute("f")!.Line, Is.EqualTo(9));
    }

    [Test]
    public void The_repository_infrastructure_parses()
    {
        var files = Directory.GetFiles(SourceRepository.Combine("src", "infra"), "*.tf", SearchOption.AllDirectories);

        Assert.That(files, Is.Not.Empty);
        foreach (var file in files) Assert.DoesNotThrow(() => Hcl.Parse(File.ReadAllText(file)), file);
        var variables = Hcl.Parse(File.ReadAllText(SourceRepository.Combine("src", "infra", "environments", "staging", "variables.tf")));
        Assert.That(variables.BlocksOf("variable").Single(v => v.Label(0) == "admin_password").Body.Attribute("sensitive")!.Value.IsTrue, Is.True);
    }

    [TestCase("variable \"x\" {\n  type = string\n", 1, "not closed")]
    [TestCase("a = \"open\n", 1, "string is not closed")]
    [TestCase("a = [1,\n2\n", 1, "bracket is missing")]
    [TestCase("x\n", 1, "neither an attribute")]
    [TestCase("a = 1\n}\n", 2, "without a block")]
    [TestCase("a = \"${var.x\"\n", 1, "not closed")]
    public void Syntax_errors_name_the_line(string text, int line, string message)
    {
        var error = Assert.Throws<HclSyntaxException>(() => Hcl.Parse(text))!;
        Assert.That(error.Line, Is.EqualTo(line));
        Assert.That(error.Message, Does.Contain(message));
    }
}
