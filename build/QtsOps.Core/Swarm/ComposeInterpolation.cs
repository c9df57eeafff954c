using System.Text.RegularExpressions;

namespace QtsOps.Core.Swarm;

/// <summary>A compose file that cannot become a stack file: the file, the line, what is wrong and the fix.</summary>
public sealed class StackFileException(string file, int line, string message, string fix)
    : Exception($"{file}:{line}: {message}. Fix: {fix}.")
{
    public string File { get; } = file;
    public int Line { get; } = line;
}

/// <summary>
/// Compose's variable forms resolved with the values the pipeline gives: ${V}, $V, ${V:-default},
/// ${V-default}, ${V:?error}, ${V?error} and $$. `docker stack deploy` reads no .env and puts an empty
/// string where a variable is unset, so a stack file is written resolved, and a variable with no value
/// and no default is refused instead of becoming empty.
/// </summary>
public static partial class ComposeInterpolation
{
    /// <summary><paramref name="value"/> resolved; a literal '$' in the result is written '$$', as the stack file's reader expects.</summary>
    /// <param name="where">Where the value is (file, line), for the error.</param>
    public static string Resolve(string value, IReadOnlyDictionary<string, string> variables, (string File, int Line) where) =>
        Reference().Replace(value, match =>
        {
            if (match.Value == "$$") return "$$";
            var name = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["plain"].Value;
            var set = variables.TryGetValue(name, out var given);
            var form = match.Groups["form"].Value;
            var argument = match.Groups["argument"].Value;
            var usable = form.StartsWith(':') ? set && given!.Length > 0 : set;
            if (usable) return Escape(given!);
            if (form.EndsWith('-')) return Escape(argument);
            if (form.EndsWith('?'))
                throw new StackFileException(where.File, where.Line, $"${{{name}}} has no value: {argument}", $"give {name} a value (the pipeline sets the QTS_* variables it knows)");
            throw new StackFileException(where.File, where.Line, $"${name} has no value and no default: docker stack deploy would write an empty string there",
                $"write ${{{name}:-DEFAULT}} in the compose file, or give {name} a value");
        });

    private static string Escape(string text) => text.Replace("$", "$$");

    [GeneratedRegex(@"\$\$|\$\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?<form>:?[-?])(?<argument>[^}]*))?\}|\$(?<plain>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Reference();
}
