using System.Text.Json.Nodes;
using QtsOps.Core.Terraform;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class SensitiveValuesTests
{
    // Shapes from `terraform show -json` of a plan with a sensitive variable feeding a resource and an output.
    private const string Plan = """
        {
          "format_version": "1.2",
          "variables": { "pw": { "value": "hunter2" }, "name": { "value": "rg-a" } },
          "planned_values": {
            "outputs": { "pw_out": { "sensitive": true, "value": "hunter2" }, "name_out": { "sensitive": false, "value": "rg-a" } },
            "root_module": { "resources": [ { "address": "x.a", "values": { "input": "hunter2", "name": "rg-a", "list": ["ok", "hunter2"] }, "sensitive_values": { "input": true, "list": [false, true] } } ] }
          },
          "resource_changes": [ { "address": "x.a", "change": {
            "actions": ["update"],
            "before": { "input": "old-secret", "nested": { "key": "old-key", "plain": "p" } },
            "after": { "input": "hunter2", "nested": { "key": "new-key", "plain": "p" } },
            "before_sensitive": { "input": true, "nested": { "key": true } },
            "after_sensitive": { "input": true, "nested": { "key": true } } } } ],
          "output_changes": { "pw_out": { "actions": ["update"], "before": "old-secret", "after": "hunter2", "before_sensitive": true, "after_sensitive": true } },
          "configuration": { "root_module": { "variables": { "pw": { "sensitive": true, "default": "default-secret" }, "name": {} } } }
        }
        """;

    [Test]
    public void Every_value_terraform_marks_sensitive_is_redacted_and_the_rest_kept()
    {
        var json = SensitiveValues.Redact(JsonNode.Parse(Plan)!).ToJsonString();

        foreach (var secret in new[] { "hunter2", "old-secret", "old-key", "new-key", "default-secret" })
            Assert.That(json, Does.Not.Contain(secret));
        var redacted = JsonNode.Parse(json)!;
        Assert.That(redacted["variables"]!["pw"]!["value"]!.GetValue<string>(), Is.EqualTo(SensitiveValues.Redacted));
        Assert.That(redacted["variables"]!["name"]!["value"]!.GetValue<string>(), Is.EqualTo("rg-a"));
        Assert.That(redacted["planned_values"]!["outputs"]!["name_out"]!["value"]!.GetValue<string>(), Is.EqualTo("rg-a"));
        Assert.That(redacted["planned_values"]!["root_module"]!["resources"]![0]!["values"]!["list"]!.ToJsonString(), Is.EqualTo("[\"ok\",\"(sensitive value)\"]"));
        Assert.That(redacted["resource_changes"]![0]!["change"]!["after"]!["nested"]!["plain"]!.GetValue<string>(), Is.EqualTo("p"));
        Assert.That(redacted["resource_changes"]![0]!["change"]!["actions"]!.ToJsonString(), Is.EqualTo("[\"update\"]"));
    }

    [Test]
    public void Sensitive_outputs_of_terraform_output_json_are_redacted()
    {
        var outputs = SensitiveValues.Redact(JsonNode.Parse("""{ "token": { "sensitive": true, "type": "string", "value": "abc-secret" }, "url": { "sensitive": false, "type": "string", "value": "http://x" } }""")!);

        Assert.That(outputs["token"]!["value"]!.GetValue<string>(), Is.EqualTo(SensitiveValues.Redacted));
        Assert.That(outputs["url"]!["value"]!.GetValue<string>(), Is.EqualTo("http://x"));
    }

    [Test]
    public void Variables_given_on_the_command_line_are_redacted_though_not_declared_sensitive()
    {
        var redacted = SensitiveValues.Redact(JsonNode.Parse(Plan)!, ["name"]);

        Assert.That(redacted["variables"]!["name"]!["value"]!.GetValue<string>(), Is.EqualTo(SensitiveValues.Redacted));
        Assert.That(redacted["variables"]!["pw"]!["value"]!.GetValue<string>(), Is.EqualTo(SensitiveValues.Redacted));
    }

    [Test]
    public void A_sensitive_value_that_is_null_stays_null()
    {
        var change = SensitiveValues.Redact(JsonNode.Parse("""{ "after": { "input": null, "name": "rg-a" }, "after_sensitive": { "input": true } }""")!);

        Assert.That(change["after"]!.ToJsonString(), Is.EqualTo("{\"input\":null,\"name\":\"rg-a\"}"));
    }

    [Test]
    public void A_mask_shorter_than_its_list_covers_only_the_items_it_has()
    {
        var change = SensitiveValues.Redact(JsonNode.Parse("""{ "values": { "list": ["secret-a", "b", "c"] }, "sensitive_values": { "list": [true] } }""")!);

        Assert.That(change["values"]!["list"]!.ToJsonString(), Is.EqualTo("[\"(sensitive value)\",\"b\",\"c\"]"));
    }
}
