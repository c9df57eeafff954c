using System.Text;

namespace QtsOps.Release.GitHubActions;

/// <summary>GitHub Actions workflow commands: lines a step prints that the runner turns into log groups and annotations.</summary>
public static class WorkflowCommands
{
    public const string EndGroup = "::endgroup::";

    public static string Group(string title) => $"::group::{EscapeData(title)}";

    /// <summary>
    /// Tells the runner to hide each secret wherever it appears later in the job's log, in any tool's
    /// output too: one command per line, as the runner matches a multi-line value (a private key) line by line.
    /// </summary>
    public static IEnumerable<string> AddMask(IEnumerable<string> secrets) =>
        secrets.SelectMany(secret => secret.ReplaceLineEndings("\n").Split('\n'))
            .Select(line => line.Trim()).Where(line => line.Length > 0).Distinct(StringComparer.Ordinal)
            .Select(line => $"::add-mask::{EscapeData(line)}");

    /// <summary>An annotation on a file and line, shown on the run and the pull request's diff.</summary>
    /// <param name="severity">error or warning (a report finding's severity); anything else is a notice.</param>
    /// <param name="file">A path relative to the repository root, with forward slashes.</param>
    public static string Annotation(string severity, string message, string? file = null, int? line = null, string? title = null)
    {
        var command = severity.ToLowerInvariant() is "error" or "warning" ? severity.ToLowerInvariant() : "notice";
        var properties = new List<string>();
        if (file is { Length: > 0 }) properties.Add($"file={EscapeProperty(file)}");
        if (file is { Length: > 0 } && line is > 0) properties.Add($"line={line}");
        if (title is { Length: > 0 }) properties.Add($"title={EscapeProperty(title)}");
        return $"::{command}{(properties.Count > 0 ? " " + string.Join(',', properties) : "")}::{EscapeData(message)}";
    }

    // The runner's escaping: data ends at the line end; properties also end at ',' and ':'.
    private static string EscapeData(string text) => text.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");
    private static string EscapeProperty(string text) => EscapeData(text).Replace(":", "%3A").Replace(",", "%2C");
}

/// <summary>The Markdown a run appends to $GITHUB_STEP_SUMMARY: a heading, the task table, then the tasks' own sections.</summary>
public static class StepSummary
{
    public static string Compose(string heading, string taskTable, IEnumerable<(string Title, string Markdown)> sections)
    {
        var text = new StringBuilder($"## {heading}\n\n{taskTable.TrimEnd('\n')}\n\n");
        foreach (var (title, markdown) in sections)
            text.Append($"### {title}\n\n{NestHeadings(markdown.ReplaceLineEndings("\n").TrimEnd('\n'))}\n\n");
        return text.ToString();
    }

    /// <summary>
    /// Demotes a section's ATX headings (outside code fences) so that its highest becomes H4: a report's
    /// "# title" must not outrank the H3 it sits under. Levels stop at H6, Markdown's last.
    /// </summary>
    public static string NestHeadings(string markdown)
    {
        var lines = markdown.Split('\n');
        var headings = new List<(int Index, int Level)>();
        var inFence = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal)) inFence = !inFence;
            else if (!inFence && HeadingLevel(lines[i]) is { } level) headings.Add((i, level));
        }
        var shift = headings.Count == 0 ? 0 : Math.Max(0, 4 - headings.Min(h => h.Level));
        foreach (var (index, level) in headings)
            lines[index] = new string('#', Math.Min(6, level + shift)) + lines[index][level..];
        return string.Join('\n', lines);
    }

    private static int? HeadingLevel(string line)
    {
        var level = line.TakeWhile(c => c == '#').Count();
        return level is >= 1 and <= 6 && (line.Length == level || line[level] == ' ') ? level : null;
    }
}
