using System.Text.Json;
using QtsOps.Release.Validation.Sources;

namespace QtsOps.Tests.Validation;

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

        Assert.That(json.LineOf("deployment"), Is.EqualTo(2));
        Assert.That(json.LineOf("deployment", "created"), Is.EqualTo(3));
        Assert.That(json.LineOf("items", "", "name"), Is.EqualTo(4), "the first of several items with the same path");
        Assert.That(json.LineOf("environment", "PYTHONPATH"), Is.EqualTo(7));
        Assert.That(json.LineOf("environment", "MISSING"), Is.Null);
        Assert.That(json.Get("deployment", "version")?.GetString(), Is.EqualTo("1.0.0"));
        Assert.That(json.Get("deployment", "version", "deeper"), Is.Null);
    }

    [Test]
    public void Invalid_json_reports_its_line()
    {
        var error = Assert.Catch<JsonException>(() => JsonSource.Parse("{\n  \"a\": 1,\n  \"b\" 2\n}"))!;
        Assert.That(error.LineNumber, Is.EqualTo(2), "0-based");
    }
}
