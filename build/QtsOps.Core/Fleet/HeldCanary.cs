using System.Text.Json;
using System.Text.Json.Serialization;
using QtsOps.Core.Deployment;

namespace QtsOps.Core.Fleet;

/// <summary>
/// A canary left running by deploy --canary-hold: kept on the host beside the edge (<see cref="Folder"/>), so that status and
/// --target=promote or --target=abort on any machine find it. <paramref name="Pending"/> is the deploy's history entry, written
/// (succeeded or failed) when the canary is ended.
/// </summary>
/// <param name="Stable">The slot that served before the canary, and still takes the rest of the requests.</param>
/// <param name="StableRelease">The release in <paramref name="Stable"/>, which an abort makes current again.</param>
/// <param name="Verdict">What the canary's window showed: the verdict the deploy would have given, its reason and both sides' figures.</param>
public sealed record HeldCanary(HistoryEntry Pending, Slot Stable, string? StableRelease, int Percent, string Verdict)
{
    /// <summary>The folder under the edge's that holds <see cref="File"/>: written whole, then renamed into place.</summary>
    public const string Folder = "held-canary";

    public const string File = "canary.json";

    public Slot Canary => SlotLayout.Other(Stable);

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>The held canary <paramref name="json"/> records; a file that is none is an error naming <paramref name="path"/> and what to do.</summary>
    public static HeldCanary Parse(string json, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<HeldCanary>(json, Options) ?? throw new JsonException("null is no canary");
        }
        catch (JsonException exception)
        {
            throw new FormatException($"{path} does not record a held canary ({exception.Message}). " +
                "Fix: look at the edge's slots (status), switch it with a deploy, then delete that folder.", exception);
        }
    }

    /// <summary>One line for status and the log.</summary>
    public string Describe(SlotLayout layout) =>
        $"a canary is held: {Pending.Release} in {layout.SlotContainer(Canary)} takes {Percent}% of requests beside {StableRelease ?? "?"} in {layout.SlotContainer(Stable)} " +
        $"since {Pending.FinishedAt:u} ({Verdict}). End it with --target=promote or --target=abort";
}
