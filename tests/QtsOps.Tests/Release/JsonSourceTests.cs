using System.Text.Json;
using QtsOps.Release.Json;

namespace QtsOps.Tests.Release;

[Category("Core")]
public class JsonSourceTests
{
    [Test]
    public void Every_property_has_its_line_nested_and_in_arrays()
    {
        var json = JsonSource.Parse("""
            {
              "deployment": { "version": "1.0.0",
                "created": "2024-01-01T00:00:00Z" },
              "items": [ { "name": "a" },
                { "name": "b" } ],
              "environment": {
                "PYTHONPATH": "/app/src:/app"
              }
            }
            """);

        Assert.That(json.LineOf("$.deployment"), Is.EqualTo(2));
        Assert.That(json.LineOf("$.deployment.created"), Is.EqualTo(3));
        Assert.That(json.LineOf("$.items[0].name"), Is.EqualTo(4));
        Assert.That(json.LineOf("$.items[1].name"), Is.EqualTo(5), "each item has its own path");
        Assert.That(json.LineOf("$.environment.PYTHONPATH"), Is.EqualTo(7));
        Assert.That(json.LineOf("$.environment.MISSING"), Is.Null);
        Assert.That(json.Get("deployment", "version")?.GetString(), Is.EqualTo("1.0.0"));
        Assert.That(json.Get("deployment", "version", "deeper"), Is.Null);
    }

    [Test]
    public void A_missing_value_can_be_placed_at_its_nearest_parent()
    {
        var json = JsonSource.Parse("{\n  \"environment\": {\n    \"A\": 1\n  }\n}");

        Assert.That(json.NearestLineOf("$.environment.MISSING"), Is.EqualTo(2));
        Assert.That(json.NearestLineOf("$.absent.deeper"), Is.EqualTo(1), "the root object");
    }

    [Test]
    public void Comments_and_trailing_commas_are_read_when_the_options_allow_them()
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

        var json = JsonSource.Parse("{\n  // the port\n  \"port\": 8000,\n}", options);

        Assert.That(json.LineOf("$.port"), Is.EqualTo(3));
        Assert.Catch<JsonException>(() => JsonSource.Parse("{\n  // the port\n  \"port\": 8000,\n}"), "strict by default");
    }

    [Test]
    public void Invalid_json_reports_its_line()
    {
        var error = Assert.Catch<JsonException>(() => JsonSource.Parse("{\n  \"a\": 1,\n  \"b\" 2\n}"))!;
        Assert.That(error.LineNumber, Is.EqualTo(2), "0-based");
    }
}
