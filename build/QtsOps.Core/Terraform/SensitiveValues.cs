using System.Text.Json.Nodes;

namespace QtsOps.Core.Terraform;

/// <summary>
/// Removes sensitive values from Terraform's JSON (<c>show -json</c> of a plan or state,
/// <c>output -json</c>), which prints them in clear, before the JSON is saved as an artifact.
/// Terraform marks them in three ways: a sibling mask (<c>before_sensitive</c>,
/// <c>after_sensitive</c>, <c>sensitive_values</c>), <c>"sensitive": true</c> next to an output's
/// <c>value</c>, and variables declared <c>sensitive = true</c> in the configuration. Variables the
/// caller names (those given on the command line, which may be secrets whatever their declaration)
/// are redacted too.
/// </summary>
public static class SensitiveValues
{
    public const string Redacted = "(sensitive value)";

    private static readonly (string Value, string Mask)[] MaskedPairs =
        [("before", "before_sensitive"), ("after", "after_sensitive"), ("values", "sensitive_values")];

    /// <summary>Redacts <paramref name="json"/> in place and returns it.</summary>
    /// <param name="givenVariables">Variables whose value is redacted whether or not they are declared sensitive.</param>
    public static JsonNode Redact(JsonNode json, IEnumerable<string>? givenVariables = null)
    {
        RedactVariables(json, givenVariables?.ToHashSet() ?? []);
        Walk(json);
        return json;
    }

    private static void RedactVariables(JsonNode json, HashSet<string> given)
    {
        var declared = json["configuration"]?["root_module"]?["variables"] as JsonObject;
        foreach (var name in given)
            if (json["variables"]?[name] is JsonObject variable && variable.ContainsKey("value")) variable["value"] = Redacted;
        foreach (var (name, declaration) in declared ?? [])
        {
            if (!IsTrue(declaration?["sensitive"])) continue;
            if (json["variables"]?[name] is JsonObject variable && variable.ContainsKey("value")) variable["value"] = Redacted;
            if (declaration is JsonObject d && d.ContainsKey("default")) d["default"] = Redacted;
        }
    }

    private static void Walk(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (value, mask) in MaskedPairs)
                    if (obj.ContainsKey(value) && obj.ContainsKey(mask)) Apply(obj, value, obj[mask]);
                if (IsTrue(obj["sensitive"]) && obj.ContainsKey("value")) obj["value"] = Redacted;
                foreach (var child in obj.Select(p => p.Value).ToList()) Walk(child);
                break;
            case JsonArray array:
                foreach (var child in array.ToList()) Walk(child);
                break;
        }
    }

    private static void Apply(JsonObject parent, string key, JsonNode? mask)
    {
        var value = parent[key];
        var redacted = Masked(value, mask);
        if (!ReferenceEquals(redacted, value)) parent[key] = redacted;
    }

    /// <summary><paramref name="value"/> with the parts <paramref name="mask"/> marks true replaced (a new node only when all of it is).</summary>
    private static JsonNode? Masked(JsonNode? value, JsonNode? mask)
    {
        if (IsTrue(mask)) return value is null ? null : JsonValue.Create(Redacted);
        switch (mask, value)
        {
            case (JsonObject maskObject, JsonObject valueObject):
                foreach (var (key, childMask) in maskObject.ToList())
                    if (valueObject.ContainsKey(key)) Apply(valueObject, key, childMask);
                break;
            case (JsonArray maskArray, JsonArray valueArray):
                for (var i = 0; i < Math.Min(maskArray.Count, valueArray.Count); i++)
                {
                    var item = valueArray[i];
                    var redacted = Masked(item, maskArray[i]);
                    if (!ReferenceEquals(redacted, item)) valueArray[i] = redacted;
                }
                break;
        }
        return value;
    }

    private static bool IsTrue(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;
}
