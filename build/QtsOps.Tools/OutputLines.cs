namespace QtsOps.Tools;

/// <summary>Reading what a tool printed.</summary>
public static class OutputLines
{
    /// <summary>The lines with something on them: tools pad their messages with blank lines, which say nothing in ours.</summary>
    public static IEnumerable<string> NonBlank(this IEnumerable<string> lines) => lines.Where(line => !string.IsNullOrWhiteSpace(line));
}
