using QtsOps.Core.Validation.Terraform;

namespace QtsOps.Tests.Core;

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

    private static IEnumerable<string> TokensOf(string expression) => Hcl.Parse($"a = {expression}").Attribute("a")!.Value.Tokens.Select(t => t.Text);

    [Test]
    public void A_label_a_block_does_not_have_is_null()
    {
        var block = Hcl.Parse("variable \"x\" {}\n").Blocks.Single();

        Assert.That((block.Label(0), block.Label(1)), Is.EqualTo(("x", (string?)null)));
    }

    [Test]
    public void A_block_label_may_be_an_identifier()
    {
        var block = Hcl.Parse("dynamic setting {\n  a = 1\n}\n").Blocks.Single();

        Assert.That((block.Type, block.Labels), Is.EqualTo(("dynamic", new[] { "setting" })));
        Assert.That(block.Body.Attribute("a")!.Line, Is.EqualTo(2));
    }

    [Test]
    public void The_last_line_of_a_file_needs_no_newline()
    {
        var body = Hcl.Parse("/* header */\na = var.x # comment");

        Assert.That(body.Attribute("a")!.Value.References.Single().ToString(), Is.EqualTo("var.x"));
        Assert.That(body.Attribute("a")!.Line, Is.EqualTo(2));
        Assert.That(Hcl.Parse("b = 1 // note").Attribute("b")!.Value.Text, Is.EqualTo("1"));
    }

    [Test]
    public void A_name_followed_by_a_dot_and_nothing_is_no_reference()
    {
        Assert.That(Hcl.Parse("a = var.\n").Attribute("a")!.Value.References, Is.Empty);
        Assert.That(Hcl.Parse("a = var.").Attribute("a")!.Value.References, Is.Empty);
    }

    [Test]
    public void A_splat_ends_the_reference_before_it() =>
        Assert.That(Hcl.Parse("a = aws_instance.web.*.id\n").Attribute("a")!.Value.References.Select(r => r.ToString()), Is.EqualTo(new[] { "aws_instance.web" }));

    [Test]
    public void Operators_of_two_and_three_characters_are_single_tokens()
    {
        Assert.That(TokensOf("x >= 1 && y != 2 || z == 3 ? w <= 4 : [for k, v in m : k => v...]"), Is.EqualTo(new[]
        {
            "x", ">=", "1", "&&", "y", "!=", "2", "||", "z", "==", "3", "?", "w", "<=", "4", ":",
            "[", "for", "k", ",", "v", "in", "m", ":", "k", "=>", "v", "...", "]",
        }));
    }

    [Test]
    public void A_decimal_point_belongs_to_a_number_only_before_a_digit()
    {
        Assert.That(TokensOf("1.5"), Is.EqualTo(new[] { "1.5" }));
        Assert.That(TokensOf("local.pairs.0.id"), Is.EqualTo(new[] { "local", ".", "pairs", ".", "0", ".", "id" }));
        Assert.That(TokensOf("2."), Is.EqualTo(new[] { "2", "." }));
    }

    [Test]
    public void Less_than_signs_at_the_end_of_a_file_are_not_a_heredoc()
    {
        Assert.That(TokensOf("b <<"), Is.EqualTo(new[] { "b", "<", "<" }));
    }

    [Test]
    public void Braces_inside_an_interpolation_do_not_close_it()
    {
        var value = Hcl.Parse("a = \"${merge({ x = 1 }, var.y)}-rg\"\n").Attribute("a")!.Value;

        Assert.That(value.References.Select(r => r.ToString()), Is.EqualTo(new[] { "var.y" }));
        Assert.That(value.Tokens.Single().Inner.Select(t => t.Text), Is.EqualTo(new[] { "merge", "(", "{", "x", "=", "1", "}", ",", "var", ".", "y", ")" }));
    }

    [Test]
    public void A_string_ending_in_an_interpolation_that_ends_in_a_string_is_one_token()
    {
        var body = Hcl.Parse("a = \"${var.on ? \"yes\" : \"no\"}\"\nb = 1\n");

        Assert.That(body.Attribute("a")!.Value.Tokens.Single().Inner.Select(t => t.Text), Is.EqualTo(new[] { "var", ".", "on", "?", "\"yes\"", ":", "\"no\"" }));
        Assert.That(body.Attribute("b")!.Line, Is.EqualTo(2));
    }

    [Test]
    public void A_heredoc_without_interpolations_is_a_literal_and_one_with_them_is_not()
    {
        var body = Hcl.Parse("a = <<EOT\nhello\n  world\nEOT\nb = <<EOT\n${var.a}${var.b}\nEOT\nc = 1\n");

        Assert.That(body.Attribute("a")!.Value.StringLiteral, Is.EqualTo("hello\n  world\n"));
        Assert.That(body.Attribute("b")!.Value.StringLiteral, Is.Null);
        Assert.That(body.Attribute("b")!.Value.References.Select(r => (r.ToString(), r.Line)), Is.EqualTo(new[] { ("var.a", 6), ("var.b", 6) }));
        Assert.That(body.Attribute("c")!.Line, Is.EqualTo(8));
    }

    [TestCase("= 1\n", 1, "expected an attribute or block name, found '='")]
    [TestCase("a = 1\n\"b\" = 2\n", 2, "expected an attribute or block name, found '\"b\"'")]
    [TestCase("a =\nb = 1\n", 1, "'a =' has no value")]
    [TestCase("x", 1, "'x' is neither an attribute ('x = ...') nor a block ('x \"label\" { ... }')")]
    [TestCase("resource \"a\"", 1, "'resource' is neither an attribute ('resource = ...') nor a block ('resource \"label\" { ... }')")]
    [TestCase("resource \"${var.x}\" {\n}\n", 1, "a block label cannot hold an interpolation")]
    [TestCase("a = 1\n/* open\n", 2, "a /* comment is not closed")]
    [TestCase("a = \"${var.x", 1, "an interpolation '${' is not closed")]
    [TestCase("a = \"abc", 1, "a string is not closed: '\"' missing")]
    [TestCase("a = \"abc\\", 1, "a string is not closed: '\"' missing")]
    [TestCase("a = <<EOT", 1, "heredoc <<EOT has no body")]
    [TestCase("\na = <<EOT\nhello\n", 2, "heredoc <<EOT is not closed: no line 'EOT'")]
    [TestCase("a = <<EOT\nhello", 1, "heredoc <<EOT is not closed: no line 'EOT'")]
    public void Each_syntax_error_has_its_whole_message_and_line(string text, int line, string message)
    {
        var error = Assert.Throws<HclSyntaxException>(() => Hcl.Parse(text))!;

        Assert.That((error.Line, error.Message), Is.EqualTo((line, message)));
    }
}
