using QtsOps.Core.Environments;

namespace QtsOps.Core.Fleet;

/// <summary>
/// One host of an environment of several: its name, labels, and the whole environment as it runs there
/// (its engine and its own keys over the environment's), so each host deploys as a single-host environment does.
/// </summary>
public sealed record EnvironmentHost(string Name, IReadOnlyList<string> Labels, DeploymentEnvironment Environment)
{
    // A record compares lists by reference: two hosts read alike must compare equal.
    public bool Equals(EnvironmentHost? other) => other is not null && Name == other.Name && Labels.SequenceEqual(other.Labels) && Environment == other.Environment;

    public override int GetHashCode() => HashCode.Combine(Name, Labels.Count, Environment);
}
