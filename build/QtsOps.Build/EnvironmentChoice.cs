using QtsOps.Host.Options;
using QtsOps.Core.Environments;

namespace QtsOps.Build;

/// <summary>
/// Which environment a run targets: one its environments file declares. --env (or QTSOPS_ENV) must name
/// one, as must each of --protected-environments; without --env the run targets local, which the file must then declare.
/// </summary>
public static class EnvironmentChoice
{
    public const string DefaultName = "local";

    /// <param name="given">--env's or QTSOPS_ENV's value; null when neither is set.</param>
    /// <param name="origin">Where it came from: "--env" or "QTSOPS_ENV".</param>
    /// <param name="declared">The names <paramref name="file"/> declares.</param>
    /// <exception cref="PipelineException">The name is not declared (with none given: the file declares no local).</exception>
    public static string Choose(string? given, string? origin, IReadOnlyList<string> declared, string file)
    {
        if (given is null)
            return declared.Contains(DefaultName)
                ? DefaultName
                : throw new PipelineException($"No --env given, and {file} declares no '{DefaultName}' environment (the default): " +
                                              $"give --env=NAME (or QTSOPS_ENV) with one of {string.Join(", ", declared)}.");
        return declared.Contains(given) ? given : throw Undeclared(given, origin ?? "--env", declared, file);
    }

    /// <exception cref="PipelineException">A name <paramref name="file"/> does not declare.</exception>
    public static void CheckDeclared(IEnumerable<string> names, string origin, IReadOnlyList<string> declared, string file)
    {
        if (names.FirstOrDefault(name => !declared.Contains(name)) is { } undeclared) throw Undeclared(undeclared, origin, declared, file);
    }

    /// <summary>The name when the file cannot be read to check it (the first use of the environment reports the file): it must still be a safe one, as it becomes part of paths.</summary>
    public static string Unchecked(string? given, string? origin) =>
        given is null ? DefaultName
        : System.Text.RegularExpressions.Regex.IsMatch(given, EnvironmentCatalog.EnvironmentNamePattern) ? given
        : throw new PipelineException($"{origin ?? "--env"}={given}: not an environment name (allowed: {EnvironmentCatalog.EnvironmentNamePattern}).");

    private static PipelineException Undeclared(string name, string origin, IReadOnlyList<string> declared, string file)
    {
        var closest = OptionCatalog.Closest(name, declared);
        var suggestion = closest.Count > 0 ? $" Did you mean {string.Join(" or ", closest)}?" : "";
        return new PipelineException($"{origin}={name}: {file} declares no environment '{name}'; it declares {string.Join(", ", declared)}.{suggestion} " +
                                     $"Give one of them, or add a \"{name}\" entry to {file}.");
    }
}
