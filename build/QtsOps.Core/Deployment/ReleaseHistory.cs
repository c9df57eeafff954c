using System.Text.Json;
using System.Text.Json.Serialization;

namespace QtsOps.Core.Deployment;

public enum HistoryAction { Deploy, Verify, Rollback, Restore, Down }

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
    /// <summary>What the containers were made from (<see cref="DeploymentSettings"/>); on entries that started them (deploy, rollback, restore).</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }
    /// <summary>On a swarm, the data backup written before it on each node that held data: node → archive on that node.</summary>
    public IReadOnlyDictionary<string, string>? Backups { get; init; }
    /// <summary>On an environment of several hosts, when the run worked on only some of them (--hosts): which, of which.</summary>
    public QtsOps.Core.Fleet.HostSubset? Hosts { get; init; }

    /// <summary>The detail as status, releases and the dashboard show it: with the run's hosts when it worked on only some.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Note => string.Join("; ", new[] { Detail, Hosts?.ToString() }.Where(part => part is { Length: > 0 }));
}

/// <summary>
/// .qtsops/history/&lt;env&gt;.jsonl: an append-only record of deploys, verifications, rollbacks and
/// restores. A line that is not an entry (torn by a full disk or a crash, or edited) is skipped with
/// a warning naming the file and line: one bad line must not stop every later deploy and rollback.
/// </summary>
/// <param name="files">Where the history is: this machine's file system, or the Docker host's.</param>
public sealed class ReleaseHistory(string path, IHostFileSystem files)
{
    private readonly IHostFileSystem _files = files;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A line with "release": null is as damaged as a torn one: skipped with its warning, never a null later.
        RespectNullableAnnotations = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        // Versions as they are written (1.2.4+dirty.1a2b3c4d), not with '+' escaped; one JSON object a line all the same.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Path { get; } = path;

    /// <summary>Appends an entry on a line of its own, also after a torn last line (which would otherwise swallow it).</summary>
    public void Append(HistoryEntry entry) => _files.AppendLine(Path, JsonSerializer.Serialize(entry, Options));

    /// <summary>
    /// <see cref="Append"/> for the paths that must go on whatever happens (a rollback after a failed
    /// deploy): a write that fails (a full disk) is returned as what went wrong and what to do, never thrown.
    /// </summary>
    /// <returns>Null when the entry was written.</returns>
    public string? TryAppend(HistoryEntry entry)
    {
        try
        {
            Append(entry);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"the {entry.Action.ToString().ToLowerInvariant()} of {entry.Release} ({entry.Result.ToString().ToLowerInvariant()}) could not be recorded in {Path}: {exception.Message} " +
                "Fix: free disk space (df -h) and check the file's permissions; the history misses this entry.";
        }
    }

    /// <summary>Every line of a history file's <paramref name="text"/> (null: no file) with its number.</summary>
    public static IEnumerable<HistoryLine> LinesOf(string? text) => text?.Split('\n').Select((line, index) => new HistoryLine(index + 1, line)) ?? [];

    /// <summary>The entries of a history file's <paramref name="lines"/>, each line that is none skipped with a warning naming <paramref name="path"/> and the line.</summary>
    public static IReadOnlyList<HistoryEntry> Parse(IEnumerable<HistoryLine> lines, string path, Action<string> warn)
    {
        var entries = new List<HistoryEntry>();
        foreach (var (lineNumber, line) in lines)
        {
            if (line.Trim().Length == 0) continue;
            try
            {
                entries.Add(JsonSerializer.Deserialize<HistoryEntry>(line, Options) ?? throw new JsonException("null is no entry"));
            }
            catch (JsonException exception)
            {
                warn($"{path}:{lineNumber}: skipped, not a history entry ({exception.Message}). The history is read without it. Fix: correct or remove that line.");
            }
        }
        return entries;
    }
}

/// <summary>A line of a history file and its number (from 1): the lines a state read keeps of a long history (<see cref="HostState.History"/>) are not all in a row.</summary>
public readonly record struct HistoryLine(int Number, string Text);

/// <summary>
/// The questions deploy, verify and rollback ask of the history, asked of entries read once (<see cref="ReleaseHistory.Parse"/>).
/// A state read carries of a long history only its newest lines and, older than those, the entry each question here
/// finds (the host script's scan, HostStateScript): a new question needs its entry kept there too.
/// </summary>
public static class HistoryEntries
{
    /// <summary>The newest <paramref name="count"/> entries, oldest first.</summary>
    public static IReadOnlyList<HistoryEntry> Newest(this IReadOnlyList<HistoryEntry> entries, int count) => [.. entries.TakeLast(count)];

    /// <summary>The newest release that passed verification, other than <paramref name="except"/>.</summary>
    public static HistoryEntry? LastVerified(this IReadOnlyList<HistoryEntry> entries, string? except = null) =>
        entries.LastOrDefault(e => e.Action is HistoryAction.Verify && e.Result is HistoryResult.Succeeded && e.Release != except);

    /// <summary>
    /// Whether <paramref name="release"/> passed verification since it was last put in place (deployed
    /// or rolled back to): such a release that is down is restarted, never replaced by an older one.
    /// </summary>
    public static bool VerifiedSinceInstalled(this IReadOnlyList<HistoryEntry> entries, string release)
    {
        var installed = entries.ToList().FindLastIndex(e => e.Action is HistoryAction.Deploy or HistoryAction.Rollback && e.Result is HistoryResult.Succeeded && e.Release == release);
        return installed >= 0 && entries.Skip(installed + 1).Any(e => e.Action is HistoryAction.Verify && e.Result is HistoryResult.Succeeded && e.Release == release);
    }

    /// <summary>The version a release was deployed as (SemVer, 1.2.4+dirty.1a2b3c4d), or null when no deploy of it is recorded.</summary>
    public static string? VersionOf(this IReadOnlyList<HistoryEntry> entries, string release) => entries.LastOrDefault(e => e.Action is HistoryAction.Deploy && e.Release == release)?.Version;

    /// <summary>
    /// The newest deploy, rollback or restore (what changes what runs; verifications do not) when it put
    /// <paramref name="release"/> in place successfully in exactly this container, else null: only then does the
    /// running container stand for a finished deploy, not an interrupted or failed one.
    /// </summary>
    public static HistoryEntry? SuccessfulStartIn(this IReadOnlyList<HistoryEntry> entries, string release, string containerId) =>
        entries.SuccessfulChangeTo(release) is { } last && last.ContainerId == containerId ? last : null;

    /// <summary>The newest deploy, rollback or restore when it put <paramref name="release"/> in place successfully (on a swarm, its stack), else null.</summary>
    public static HistoryEntry? SuccessfulChangeTo(this IReadOnlyList<HistoryEntry> entries, string release) =>
        entries.LastChange() is { Result: HistoryResult.Succeeded, Action: not HistoryAction.Down } last && last.Release == release ? last : null;

    /// <summary>The entry of the --target=down that took the environment down, when nothing started it again since; else null.</summary>
    public static HistoryEntry? TakenDown(this IReadOnlyList<HistoryEntry> entries) => entries.LastChange() is { Action: HistoryAction.Down, Result: HistoryResult.Succeeded } down ? down : null;

    /// <summary>The newest entry that changed what runs: a deploy, rollback, restore or down (verifications change nothing).</summary>
    private static HistoryEntry? LastChange(this IReadOnlyList<HistoryEntry> entries) =>
        entries.LastOrDefault(e => e.Action is HistoryAction.Deploy or HistoryAction.Rollback or HistoryAction.Restore or HistoryAction.Down);
}
