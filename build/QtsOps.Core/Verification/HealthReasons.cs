using System.Text.Json;

namespace QtsOps.Core.Verification;

/// <summary>Why the service calls itself unhealthy: the <c>reasons</c> its /health body lists (a data directory it cannot write, a record loop that stopped).</summary>
public static class HealthReasons
{
    /// <returns>The reasons, or none when the body is not the service's JSON or lists none.</returns>
    public static IReadOnlyList<string> Of(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("reasons", out var reasons) && reasons.ValueKind == JsonValueKind.Array
                ? [.. reasons.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
