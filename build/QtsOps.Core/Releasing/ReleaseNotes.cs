using System.Globalization;
using System.Text;
using QtsOps.Core.Versioning;

namespace QtsOps.Core.Releasing;

/// <summary>A commit that goes into the release notes.</summary>
public sealed record ReleaseChange(string Sha, string Message, bool IsMerge)
{
    public string ShortSha => Sha[..Math.Min(7, Sha.Length)];
}

/// <summary>The Markdown section a release adds to CHANGELOG.md, grouped by Conventional Commit type.</summary>
public static class ReleaseNotes
{
    private static readonly (string Title, string[] Types)[] Groups =
    [
        ("Features", ["feat"]),
        ("Fixes", ["fix"]),
        ("Performance", ["perf"]),
    ];
    private const string OtherTitle = "Other";

    public static string Section(SemanticVersion version, DateOnly date, string? previousTag, IEnumerable<ReleaseChange> changes)
    {
        var commits = changes.Where(c => !c.IsMerge).Select(c => (Change: c, Parsed: ConventionalCommit.Parse(c.Message))).ToList();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"## {version} ({date:yyyy-MM-dd})\n\n");
        if (commits.Count == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"No changes since {previousTag ?? "the first commit"}.\n");
            return text.ToString();
        }

        var breaking = commits.Where(c => c.Parsed.IsBreaking).ToList();
        if (breaking.Count > 0)
        {
            text.Append("### ⚠ Breaking changes\n\n");
            foreach (var (change, parsed) in breaking)
                text.Append(CultureInfo.InvariantCulture, $"- {Line(change, parsed)}{(parsed.BreakingNote is { } note ? $": {note}" : "")}\n");
            text.Append('\n');
        }
        foreach (var (title, types) in Groups)
            AppendGroup(text, title, commits.Where(c => types.Contains(c.Parsed.Type)).Select(c => Line(c.Change, c.Parsed)));
        // Other keeps each subject whole: its type (docs, ci, ...) is the only grouping it gets.
        AppendGroup(text, OtherTitle, commits.Where(c => !Groups.Any(g => g.Types.Contains(c.Parsed.Type))).Select(c => $"{c.Parsed.Subject} ({c.Change.ShortSha})"));
        return text.ToString().TrimEnd('\n') + "\n";
    }

    private static void AppendGroup(StringBuilder text, string title, IEnumerable<string> lines)
    {
        var items = lines.ToList();
        if (items.Count == 0) return;
        text.Append(CultureInfo.InvariantCulture, $"### {title}\n\n");
        items.ForEach(item => text.Append(CultureInfo.InvariantCulture, $"- {item}\n"));
        text.Append('\n');
    }

    private static string Line(ReleaseChange change, ConventionalCommit parsed) =>
        $"{(parsed.Scope is null ? "" : $"**{parsed.Scope}:** ")}{parsed.Description} ({change.ShortSha})";
}
