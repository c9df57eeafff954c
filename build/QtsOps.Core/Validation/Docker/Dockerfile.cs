using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace QtsOps.Core.Validation.Docker;

/// <summary>A Dockerfile syntax error at a line.</summary>
public sealed class DockerfileSyntaxException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>One instruction, its continuation lines joined, at the line where it starts.</summary>
/// <param name="Stage">Index of its build stage; -1 for the global ARGs before the first FROM.</param>
public sealed record DockerInstruction(string Keyword, string Arguments, int Line, int Stage)
{
    /// <summary>The JSON array of the exec form (<c>["python3","-m","x"]</c>); null for the shell form.</summary>
    public IReadOnlyList<string>? ExecForm => Dockerfile.ParseExecForm(Arguments);
}

/// <summary>A build stage: its FROM and the instructions up to the next FROM.</summary>
public sealed record DockerStage(int Index, string Image, string? Name, int Line, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);
    public DockerInstruction? Last(string keyword) => Instructions.LastOrDefault(i => i.Keyword == keyword);
}

/// <summary>A HEALTHCHECK: its options and command, or NONE.</summary>
public sealed record DockerHealthcheck(bool IsNone, IReadOnlyDictionary<string, string> Options, string? ShellCommand, IReadOnlyList<string>? ExecCommand)
{
    /// <summary>The command as one string, whatever its form (exec form: "CMD" or "CMD-SHELL" dropped).</summary>
    public string CommandText => ShellCommand ?? string.Join(' ', ExecCommand ?? []);
}

/// <summary>
/// The parts of a Dockerfile that validation needs, with line numbers: parser directives (escape),
/// comments, continuation lines, heredocs, stages, and the ARG/ENV/LABEL key=value forms.
/// </summary>
public sealed partial class Dockerfile
{
    private static readonly HashSet<string> Keywords =
    [
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    ];

    private Dockerfile(IReadOnlyList<DockerInstruction> instructions, IReadOnlyList<DockerStage> stages)
    {
        Instructions = instructions;
        Stages = stages;
        GlobalArgs = KeyValues(instructions.Where(i => i.Stage == -1 && i.Keyword == "ARG"));
    }

    public IReadOnlyList<DockerInstruction> Instructions { get; }
    public IReadOnlyList<DockerStage> Stages { get; }

    /// <summary>The ARGs declared before the first FROM, with their defaults (null: no default).</summary>
    public IReadOnlyDictionary<string, string?> GlobalArgs { get; }

    public DockerStage FinalStage => Stages[^1];

    public static Dockerfile Parse(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var escape = EscapeDirective(lines);
        var instructions = new List<DockerInstruction>();
        var stages = new List<(string Image, string? Name, int Line, List<DockerInstruction> Instructions)>();

        for (var i = 0; i < lines.Length; i++)
        {
            if (IsBlankOrComment(lines[i])) continue;
            var startLine = i + 1;
            var logical = new StringBuilder();
            var current = lines[i];
            while (true)
            {
                var trimmed = current.TrimEnd();
                if (!trimmed.EndsWith(escape))
                {
                    logical.Append(current);
                    break;
                }
                logical.Append(trimmed[..^1]);
                // Comment and blank lines inside a continuation are dropped, as Docker does.
                var next = i + 1;
                while (next < lines.Length && IsBlankOrComment(lines[next])) next++;
                if (next == lines.Length) break;
                current = lines[i = next];
            }

            var match = InstructionPattern().Match(logical.ToString());
            var keyword = match.Groups[1].Value.ToUpperInvariant();
            var arguments = match.Groups[2].Value.Trim();
            if (!Keywords.Contains(keyword))
                throw new DockerfileSyntaxException(startLine, $"unknown instruction '{match.Groups[1].Value}'");
            i = SkipHeredocs(lines, i, arguments);

            if (keyword == "FROM")
            {
                var from = FromPattern().Match(arguments);
                if (!from.Success) throw new DockerfileSyntaxException(startLine, "FROM needs an image: FROM [--platform=...] IMAGE [AS NAME]");
                stages.Add((from.Groups["image"].Value, from.Groups["name"].Success ? from.Groups["name"].Value : null, startLine, []));
            }
            else if (stages.Count == 0 && keyword != "ARG")
            {
                throw new DockerfileSyntaxException(startLine, $"{keyword} before the first FROM (only ARG may come first)");
            }

            var instruction = new DockerInstruction(keyword, arguments, startLine, stages.Count - 1);
            instructions.Add(instruction);
            if (stages.Count > 0) stages[^1].Instructions.Add(instruction);
        }

        if (stages.Count == 0) throw new DockerfileSyntaxException(1, "no FROM instruction");
        return new Dockerfile(instructions, stages.Select((s, index) => new DockerStage(index, s.Image, s.Name, s.Line, s.Instructions)).ToList());
    }

    /// <summary>The image of a stage with the global ARG defaults substituted; null when an ARG has no default.</summary>
    public string? ResolvedImage(DockerStage stage) => Expand(stage.Image, GlobalArgs);

    /// <summary>The ENV values a stage sets (later ones win), each with the line that set it.</summary>
    public static IReadOnlyDictionary<string, (string Value, int Line)> EnvironmentOf(DockerStage stage)
    {
        var environment = new Dictionary<string, (string, int)>();
        foreach (var env in stage.All("ENV"))
        foreach (var (name, value) in ParseKeyValues(env.Arguments, legacySpaceForm: true))
            environment[name] = (value ?? "", env.Line);
        return environment;
    }

    /// <summary>ARG/ENV/LABEL arguments: <c>K=V K2="v 2"</c>, a bare <c>K</c> (ARG), or the legacy <c>ENV K some value</c>.</summary>
    public static IReadOnlyList<(string Name, string? Value)> ParseKeyValues(string arguments, bool legacySpaceForm = false)
    {
        var words = SplitWords(arguments);
        if (legacySpaceForm && words.Count > 0 && !words[0].Contains('='))
        {
            var name = words[0];
            return [(name, words.Count == 1 ? null : arguments[(arguments.IndexOf(name, StringComparison.Ordinal) + name.Length)..].Trim())];
        }
        return words.Select(w => w.IndexOf('=') is var eq and >= 0 ? (w[..eq], (string?)w[(eq + 1)..]) : (w, null)).ToList();
    }

    public static DockerHealthcheck ParseHealthcheck(string arguments)
    {
        var options = new Dictionary<string, string>();
        var rest = arguments.Trim();
        while (OptionPattern().Match(rest) is { Success: true } option)
        {
            options[option.Groups[1].Value] = option.Groups[2].Value;
            rest = rest[option.Length..].TrimStart();
        }
        if (rest.Equals("NONE", StringComparison.OrdinalIgnoreCase)) return new DockerHealthcheck(true, options, null, null);
        if (!rest.StartsWith("CMD", StringComparison.OrdinalIgnoreCase) || (rest.Length > 3 && !char.IsWhiteSpace(rest[3]) && rest[3] != '['))
            throw new FormatException("HEALTHCHECK needs CMD <command> or NONE");
        var command = rest[3..].Trim();
        var exec = ParseExecForm(command);
        // CMD ["CMD-SHELL", "..."] is the shell form written as JSON.
        if (exec is ["CMD-SHELL", var shell]) return new DockerHealthcheck(false, options, shell, null);
        return exec is null ? new DockerHealthcheck(false, options, command, null) : new DockerHealthcheck(false, options, null, exec);
    }

    /// <summary>The HEALTHCHECK, or null when it is neither <c>CMD ...</c> nor <c>NONE</c>.</summary>
    public static DockerHealthcheck? TryParseHealthcheck(string arguments)
    {
        try
        {
            return ParseHealthcheck(arguments);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The JSON string array of an exec form; null when the text is not one.</summary>
    public static IReadOnlyList<string>? ParseExecForm(string arguments)
    {
        var text = arguments.Trim();
        if (!text.StartsWith('[')) return null;
        try
        {
            return JsonSerializer.Deserialize<List<string>>(text);
        }
        catch (JsonException)
        {
            return null; // Docker runs a malformed array through the shell, so it is the shell form
        }
    }

    /// <summary>Substitutes <c>$X</c>, <c>${X}</c>, <c>${X:-default}</c> and <c>${X:+alt}</c>; null when a variable is unknown.</summary>
    public static string? Expand(string text, IReadOnlyDictionary<string, string?> variables)
    {
        var unresolved = false;
        var result = VariablePattern().Replace(text, match =>
        {
            var name = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["plain"].Value;
            var value = variables.GetValueOrDefault(name);
            var modifier = match.Groups["modifier"].Value;
            var word = match.Groups["word"].Value;
            if (modifier == ":-" && string.IsNullOrEmpty(value)) return word;
            if (modifier == ":+") return string.IsNullOrEmpty(value) ? "" : word;
            if (value is null) unresolved = true;
            return value ?? "";
        });
        return unresolved ? null : result;
    }

    private static Dictionary<string, string?> KeyValues(IEnumerable<DockerInstruction> args)
    {
        var values = new Dictionary<string, string?>();
        foreach (var arg in args)
        foreach (var (name, value) in ParseKeyValues(arg.Arguments))
            values[name] = value;
        return values;
    }

    /// <summary>Splits on whitespace outside quotes; quotes are removed and backslash escapes kept literal.</summary>
    private static List<string> SplitWords(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is null && char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }
            inWord = true;
            if (c == '\\' && i + 1 < text.Length && quote != '\'') word.Append(text[++i]);
            else if (quote is null && c is '"' or '\'') quote = c;
            else if (c == quote) quote = null;
            else word.Append(c);
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    private static char EscapeDirective(string[] lines)
    {
        foreach (var line in lines)
        {
            var directive = DirectivePattern().Match(line);
            if (!directive.Success) break; // directives only at the very top
            if (directive.Groups[1].Value.Equals("escape", StringComparison.OrdinalIgnoreCase) && directive.Groups[2].Value is "`" or "\\")
                return directive.Groups[2].Value[0];
        }
        return '\\';
    }

    private static bool IsBlankOrComment(string line) => line.TrimStart() is var t && (t.Length == 0 || t[0] == '#');

    /// <summary>Skips the bodies of <c>&lt;&lt;EOF</c> heredocs, which are not instructions.</summary>
    private static int SkipHeredocs(string[] lines, int index, string arguments)
    {
        foreach (Match heredoc in HeredocPattern().Matches(arguments))
        {
            var delimiter = heredoc.Groups[2].Value;
            var stripTabs = heredoc.Groups[1].Value == "-";
            while (++index < lines.Length && (stripTabs ? lines[index].TrimStart('\t') : lines[index]) != delimiter) { }
        }
        return index;
    }

    [GeneratedRegex(@"^\s*(\S+)\s*(.*)$", RegexOptions.Singleline)]
    private static partial Regex InstructionPattern();

    [GeneratedRegex(@"^(?:--\S+\s+)*(?<image>\S+)(?:\s+[Aa][Ss]\s+(?<name>\S+))?\s*$")]
    private static partial Regex FromPattern();

    [GeneratedRegex(@"^--([a-z-]+)=(\S+)")]
    private static partial Regex OptionPattern();

    [GeneratedRegex(@"^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$")]
    private static partial Regex DirectivePattern();

    [GeneratedRegex(@"<<(-?)[""']?([A-Za-z_][A-Za-z0-9_]*)[""']?")]
    private static partial Regex HeredocPattern();

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?<modifier>:[-+])(?<word>[^}]*))?\}|(?<plain>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex VariablePattern();
}
