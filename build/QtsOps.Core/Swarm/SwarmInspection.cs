using System.Globalization;
using System.Text.Json;
using QtsOps.Core.Verification;

namespace QtsOps.Core.Swarm;

/// <summary>A node of the swarm as `docker node inspect` describes it.</summary>
/// <param name="Address">The address the swarm knows it by (Status.Addr): where its host-mode ports are published.</param>
/// <param name="State">ready, down, unknown or disconnected.</param>
/// <param name="Availability">active, pause or drain.</param>
public sealed record SwarmNode(string Id, string Hostname, string Address, string State, string Availability)
{
    /// <summary>Why its published port is not asked (a node down or drained runs no edge), or null when it is to be asked.</summary>
    public string? NotServingBecause => State != "ready" ? $"the node is {State}" : Availability == "drain" ? "the node is drained" : null;

    /// <summary>The nodes of `docker node inspect ID…` (a JSON array).</summary>
    public static IReadOnlyList<SwarmNode> ParseInspect(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(node => new SwarmNode(
            Inspected.Text(node, "ID"), Inspected.Text(node, "Description", "Hostname"), Inspected.Text(node, "Status", "Addr"),
            Inspected.Text(node, "Status", "State"), Inspected.Text(node, "Spec", "Availability")))];
    }
}

/// <summary>A task's address on one of the service's networks.</summary>
public sealed record TaskAddress(string Network, string Address);

/// <summary>What `docker inspect TASK` adds to `docker service ps`: when the engine made the task, and its addresses on the overlay networks.</summary>
public sealed record SwarmTaskDetail(string Id, DateTimeOffset CreatedAt, IReadOnlyList<TaskAddress> Addresses)
{
    /// <summary>The tasks of `docker inspect --type task ID…` (a JSON array).</summary>
    public static IReadOnlyList<SwarmTaskDetail> ParseInspect(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(task => new SwarmTaskDetail(
            Inspected.Text(task, "ID"), EngineTime.Parse(Inspected.Text(task, "CreatedAt")), AddressesOf(task)))];
    }

    private static List<TaskAddress> AddressesOf(JsonElement task) =>
        task.TryGetProperty("NetworksAttachments", out var attachments) && attachments.ValueKind == JsonValueKind.Array
            ? [.. attachments.EnumerateArray().SelectMany(attachment =>
                (attachment.TryGetProperty("Addresses", out var addresses) && addresses.ValueKind == JsonValueKind.Array ? addresses.EnumerateArray() : default)
                .Select(address => new TaskAddress(Inspected.Text(attachment, "Network", "Spec", "Name"), (address.GetString() ?? "").Split('/')[0])))]
            : [];
}

/// <summary>The service's /health asked inside the overlay network at one task's address: what the task itself says, not whichever task an edge picked.</summary>
/// <param name="LastRecordAt">The body's last_record_at: when the task last wrote a record.</param>
public sealed record TaskHealth(string Address, HttpEvidence Health, DateTimeOffset? LastRecordAt)
{
    /// <summary>One line a task, as the probe prints it: {"address", "url", "status", "body"} or {"address", "url", "error"}.</summary>
    public static IReadOnlyList<TaskHealth> ParseLines(IEnumerable<string> lines) =>
        [.. lines.Where(line => line.Trim().StartsWith('{')).Select(Parse)];

    private static TaskHealth Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var json = document.RootElement;
        int? status = json.TryGetProperty("status", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : null;
        var body = Inspected.Text(json, "body");
        var error = json.TryGetProperty("error", out var said) ? said.GetString() : null;
        return new TaskHealth(Inspected.Text(json, "address"), new HttpEvidence(Inspected.Text(json, "url"), status, body, error), LastRecord(body));
    }

    private static DateTimeOffset? LastRecord(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("last_record_at", out var at) && at.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(at.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>When the service last changed: the start of its last update (rollbacks included), or its creation when it never was updated.</summary>
public static class ServiceChange
{
    public static DateTimeOffset Since(string serviceInspectJson)
    {
        using var document = JsonDocument.Parse(serviceInspectJson);
        var service = Inspected.Service(document);
        var started = Inspected.Text(service, "UpdateStatus", "StartedAt");
        return EngineTime.Parse(started.Length > 0 ? started : Inspected.Text(service, "CreatedAt"));
    }
}

/// <summary>The engine's times (RFC 3339 with nanoseconds, which .NET does not parse: cut to its 7 digits).</summary>
public static class EngineTime
{
    public static DateTimeOffset Parse(string text)
    {
        var dot = text.IndexOf('.');
        if (dot >= 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
            text = text[..Math.Min(end, dot + 8)] + text[end..];
        }
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}

internal static class Inspected
{
    /// <summary>The one service of `docker service inspect NAME`'s output (a JSON array), or the object itself.</summary>
    public static JsonElement Service(JsonDocument document)
    {
        var service = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().FirstOrDefault() : document.RootElement;
        return service.ValueKind == JsonValueKind.Object ? service : throw new FormatException("docker service inspect printed no service.");
    }

    /// <summary>The string at a path of properties, or "" where it is missing or not a string.</summary>
    public static string Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return "";
        return element.ValueKind == JsonValueKind.String ? element.GetString()! : "";
    }
}
