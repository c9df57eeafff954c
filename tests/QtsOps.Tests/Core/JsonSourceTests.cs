using System.Text.Json;
using QtsOps.Core.Json;

namespace QtsOps.Tests.Core;

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
    private sealed record Port(int Number, string Name);

    [Test]
    public void Each_value_of_an_array_has_its_line_also_when_it_ends_the_line()
    {
        var json = JsonSource.Parse("{\n  \"items\": [\n    1,\n    2\n  ],\n  \"last\": true\n}");

        Assert.That(new[] { json.LineOf("$.items"), json.LineOf("$.items[0]"), json.LineOf("$.items[1]"), json.LineOf("$.last") }, Is.EqualTo(new int?[] { 2, 3, 4, 6 }));
    }

    [Test]
    public void A_path_with_no_parent_in_the_document_falls_back_to_the_root_and_an_empty_one_to_nothing()
    {
        var json = JsonSource.Parse("\n{\n  \"a\": 1\n}");

        Assert.That(new[] { json.NearestLineOf("port"), json.NearestLineOf("[0]"), json.NearestLineOf("") }, Is.EqualTo(new int?[] { 2, 2, null }));
    }

    [Test]
    public void A_value_of_the_wrong_type_names_the_file_its_line_what_is_wrong_and_its_path()
    {
        var error = Assert.Throws<InvalidDataException>(() => JsonSource.Read<Port>("{\n  \"Number\": \"8000\",\n  \"Name\": \"web\"\n}", "ports.json", JsonSerializerOptions.Default))!;

        Assert.That(error.Message, Is.EqualTo("ports.json:2: The JSON value could not be converted to QtsOps.Tests.Core.JsonSourceTests+Port (at $.Number)"));
    }

    [Test]
    public void A_null_document_is_refused_without_a_path()
    {
        var error = Assert.Throws<InvalidDataException>(() => JsonSource.Read<Port>("null", "ports.json", JsonSerializerOptions.Default))!;

        Assert.That(error.Message, Is.EqualTo("ports.json:1: it holds null"));
    }

    [Test]
    public void A_missing_member_is_named_at_the_line_where_its_object_ends()
    {
        var error = Assert.Throws<InvalidDataException>(() => JsonSource.Read<Port>("{\n  \"Number\": 8000\n}", "ports.json", JsonSerializerOptions.Default))!;

        Assert.That(error.Message, Is.EqualTo("ports.json:3: JSON deserialization for type 'QtsOps.Tests.Core.JsonSourceTests+Port' was missing required properties including: 'Name'"));
    }
}
