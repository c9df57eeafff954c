using System.Text.Json;
using System.Text.Json.Serialization;

namespace QtsOps.Release.Deployment;

public enum HistoryAction { Deploy, Verify, Rollback }

/// <summary>Interrupted: stopped by SIGINT or SIGTERM before it finished.</summary>
public enum HistoryResult { Succeeded, Failed, Interrupted }

/// <summary>One line of an environment's release history.</summary>
public sealed record HistoryEntry
{
    public required HistoryAction Action { get; init; }
    public required HistoryResult Result { get; init; }
    public required string Version { get; init; }
    /// <summary>The release directory name (the version as a Docker tag).</summary>
    public required string Release { get; init; }
    public string? Image { get; init; }
    public string? ImageId { get; init; }
    public string? Digest { get; init; }
    public string? ContainerId { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    public string? Detail { get; init; }
}

/// <summary>.qtsops/history/&lt;env&gt;.jsonl: an append-only record of deploys, verifications and rollbacks.</summary>
public sealed class ReleaseHistory(string path)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        // Versions as they are written (1.2.4+dirty.1a2b3c4d), not with '+' escaped; one JSON object a line all the same.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Path { get; } = path;

    public void Append(HistoryEntry entry)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        File.AppendAllText(Path, JsonSerializer.Serialize(entry, Options) + "\n");
    }

    public IReadOnlyList<HistoryEntry> Read()
    {
        if (!File.Exists(Path)) return [];
        var entries = new List<HistoryEntry>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(Path))
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            try
            {
                entries.Add(JsonSerializer.Deserialize<HistoryEntry>(line, Options)!);
            }
            catch (JsonException exception)
            {
                throw new InvalidDataException($"{Path}:{lineNumber}: not a history entry ({exception.Message}). Fix: correct or remove that line.");
            }
        }
        return entries;
    }

    /// <summary>The newest <paramref name="count"/> entries, oldest first.</summary>
    public IReadOnlyList<HistoryEntry> Newest(int count) => [.. Read().TakeLast(count)];

    /// <summary>The newest release that passed verification, other than <paramref name="except"/>.</summary>
    public HistoryEntry? LastVerified(string? except = null) =>
        Read().LastOrDefault(e => e.Action is HistoryAction.Verify && e.Result is HistoryResult.Succeeded && e.Release != except);

    /// <summary>
    /// Whether <paramref name="release"/> passed verification since it was last put in place (deployed
    /// or rolled back to): such a release that is down is restarted, never replaced by an older one.
    /// </summary>
    public bool VerifiedSinceInstalled(string release)
    {
        var entries = Read();
        var installed = entries.ToList().FindLastIndex(e => e.Action is HistoryAction.Deploy or HistoryAction.Rollback && e.Result is HistoryResult.Succeeded && e.Release == release);
        return installed >= 0 && entries.Skip(installed + 1).Any(e => e.Action is HistoryAction.Verify && e.Result is HistoryResult.Succeeded && e.Release == release);
    }

    /// <summary>The version a release was deployed as (SemVer, 1.2.4+dirty.1a2b3c4d), or null when no deploy of it is recorded.</summary>
    public string? VersionOf(string release) => Read().LastOrDefault(e => e.Action is HistoryAction.Deploy && e.Release == release)?.Version;

    /// <summary>
    /// Whether the newest deploy or rollback (what changes what runs; verifications do not) put
    /// <paramref name="release"/> in place successfully in exactly this container: only then does the
    /// running container stand for a finished deploy, not an interrupted or failed one.
    /// </summary>
    public bool DeployedSuccessfully(string release, string containerId) =>
        Read().LastOrDefault(e => e.Action is HistoryAction.Deploy or HistoryAction.Rollback) is { Result: HistoryResult.Succeeded } last
        && last.Release == release && last.ContainerId == containerId;
}
