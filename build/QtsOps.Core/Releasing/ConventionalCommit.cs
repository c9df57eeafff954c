using System.Text.RegularExpressions;

namespace QtsOps.Core.Releasing;

/// <summary>
/// A commit message read as a Conventional Commit: <c>type(scope)!: description</c>, with a
/// <c>BREAKING CHANGE: note</c> footer. A message in any other form has the type "" (other).
/// </summary>
/// <param name="Subject">The message's first line as written.</param>
public sealed partial record ConventionalCommit(string Subject, string Type, string? Scope, string Description, bool IsBreaking, string? BreakingNote)
{
    [GeneratedRegex(@"^(?<type>[A-Za-z]+)(?:\((?<scope>[^()]+)\))?(?<breaking>!)?:\s+(?<description>\S.*)$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^BREAKING[ -]CHANGE:\s*(?<note>.*)$", RegexOptions.Multiline)]
    private static partial Regex BreakingFooter();

    public static ConventionalCommit Parse(string message)
    {
        var lines = message.ReplaceLineEndings("\n").Trim().Split('\n');
        var subject = lines[0].Trim();
        var body = string.Join('\n', lines.Skip(1));
        var footer = BreakingFooter().Match(body);
        var note = footer.Success ? NoteFrom(footer, body) : null;

        var header = Header().Match(subject);
        if (!header.Success) return new ConventionalCommit(subject, "", null, subject, footer.Success, note);
        var scope = header.Groups["scope"].Success ? header.Groups["scope"].Value.Trim() : null;
        return new ConventionalCommit(subject, header.Groups["type"].Value.ToLowerInvariant(), scope, header.Groups["description"].Value.Trim(),
            header.Groups["breaking"].Success || footer.Success, note);
    }

    /// <summary>The footer's text up to the end of its paragraph.</summary>
    private static string? NoteFrom(Match footer, string body)
    {
        var rest = body[(footer.Index + footer.Length)..];
        var paragraphEnd = rest.IndexOf("\n\n", StringComparison.Ordinal);
        var note = (footer.Groups["note"].Value + (paragraphEnd < 0 ? rest : rest[..paragraphEnd])).ReplaceLineEndings(" ").Trim();
        return note.Length == 0 ? null : note;
    }
}
