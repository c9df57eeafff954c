using System.Text;

namespace QtsOps.Core.GitHubActions;

/// <summary>
/// The log groups the host writes around each task's log under GitHub Actions. Its log hooks have a writer
/// and no context, so they do not go through Cake.Common's commands, which the context uses for
/// annotations, masks and the step summary.
/// </summary>
public static class WorkflowCommands
{
    public const string EndGroup = "::endgroup::";

    public static string Group(string title) => $"::group::{EscapeData(title)}";

    // The runner's escaping: data ends at the line end.
    private static string EscapeData(string text) => text.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");
}

/// <summary>What the runner is told to mask: it matches a multi-line value (a private key) line by line, so each line is registered.</summary>
public static class SecretLines
{
    public static IEnumerable<string> Of(IEnumerable<string> secrets) =>
        secrets.SelectMany(secret => secret.ReplaceLineEndings("\n").Split('\n'))
            .Select(line => line.Trim()).Where(line => line.Length > 0).Distinct(StringComparer.Ordinal);
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
