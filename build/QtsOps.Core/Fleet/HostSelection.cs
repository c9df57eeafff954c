using QtsOps.Core.Environments;

namespace QtsOps.Core.Fleet;

/// <summary>A --hosts value that names no host of the environment: the message lists the names and labels it has.</summary>
public sealed class HostSelectionException(string message) : Exception(message);

/// <summary>Which hosts a run works on: all of them, or those --hosts names by name or label (as Kamal's --hosts).</summary>
public static class HostSelection
{
    /// <summary>
    /// The hosts of <paramref name="environment"/> that <paramref name="selection"/> names ("east,west" or a
    /// label), in the file's order, each once; all of them when it is null or empty.
    /// </summary>
    /// <exception cref="HostSelectionException">A name that is neither a host nor a label, or an environment of one engine.</exception>
    public static IReadOnlyList<EnvironmentHost> Select(DeploymentEnvironment environment, string? selection)
    {
        var wanted = (selection ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (wanted.Length == 0) return environment.Hosts;
        if (environment.Hosts.Count == 0)
            throw new HostSelectionException($"--hosts={selection}: '{environment.Name}' runs on one Docker engine, it lists no \"{FleetKeys.Hosts}\". Fix: leave --hosts out.");
        var labels = environment.Hosts.SelectMany(h => h.Labels).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var unknown = wanted.Where(w => !environment.Hosts.Any(h => h.Name == w) && !labels.Contains(w)).ToList();
        if (unknown.Count > 0)
            throw new HostSelectionException($"--hosts={selection}: {string.Join(", ", unknown.Select(u => $"'{u}'"))} is no host or label of '{environment.Name}'. "
                + $"Fix: name hosts ({string.Join(", ", environment.Hosts.Select(h => h.Name))})"
                + (labels.Count > 0 ? $" or labels ({string.Join(", ", labels)})" : " (its hosts have no labels)") + ", separated by commas.");
        return [.. environment.Hosts.Where(h => wanted.Contains(h.Name) || h.Labels.Any(wanted.Contains))];
    }

    /// <summary>Whether a run works on only some of the environment's hosts (its report and history say so).</summary>
    public static bool IsSubset(DeploymentEnvironment environment, IReadOnlyList<EnvironmentHost> selected) => selected.Count < environment.Hosts.Count;
}

/// <summary>
/// A run that worked on only some of an environment's hosts (--hosts), as each host's history entry of that run says it:
/// which hosts the run worked on, of which.
/// </summary>
/// <param name="Ran">The hosts the run worked on, in the file's order.</param>
/// <param name="All">All the environment's hosts, in the file's order.</param>
public sealed record HostSubset(IReadOnlyList<string> Ran, IReadOnlyList<string> All)
{
    /// <summary>The subset of a run on <paramref name="selected"/>; null when the run works on every host (or the environment has none).</summary>
    public static HostSubset? Of(DeploymentEnvironment environment, IReadOnlyList<EnvironmentHost> selected) =>
        HostSelection.IsSubset(environment, selected) ? new([.. selected.Select(h => h.Name)], [.. environment.Hosts.Select(h => h.Name)]) : null;

    /// <summary>"hosts: east of east, west, north".</summary>
    public override string ToString() => $"hosts: {string.Join(", ", Ran)} of {string.Join(", ", All)}";

    // A record compares lists by reference: two subsets read alike must compare equal.
    public bool Equals(HostSubset? other) => other is not null && Ran.SequenceEqual(other.Ran) && All.SequenceEqual(other.All);

    public override int GetHashCode() => HashCode.Combine(Ran.Count, All.Count);
}
