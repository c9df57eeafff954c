using QtsOps.Core.Deployment;

namespace QtsOps.Core.Swarm;

/// <summary>What runs an environment's containers: one Docker engine with compose, or a Docker Swarm cluster.</summary>
public enum DeploymentEngine
{
    /// <summary>docker compose on one engine (the default).</summary>
    Compose,

    /// <summary>docker stack deploy on a swarm, through one of its managers.</summary>
    Swarm,
}

/// <summary>The order Swarm replaces a task in: the new one first (it serves beside the old one until healthy), or the old one stopped first.</summary>
public enum UpdateOrder { StartFirst, StopFirst }

/// <summary>
/// How the service runs on a swarm (environments.json's swarm keys): how many tasks and where, and
/// the engine's own rollout. Null <see cref="Replicas"/> is global mode: one task on every node the placement allows.
/// </summary>
public sealed record SwarmSettings
{
    /// <summary>The tasks of a replicated service; null in global mode.</summary>
    public int? Replicas { get; init; }

    /// <summary>Constraints a node must meet to run a task, as Swarm writes them (node.labels.site==east).</summary>
    public IReadOnlyList<string> Placement { get; init; } = [];

    public required int UpdateParallelism { get; init; }
    public required int UpdateDelaySeconds { get; init; }

    /// <summary>How long the engine watches each updated task before it calls it good (failure_action applies within it).</summary>
    public required int MonitorSeconds { get; init; }

    public required UpdateOrder UpdateOrder { get; init; }

    public bool Global => Replicas is null;

    // A record compares lists by reference: two environments read alike must compare equal.
    public bool Equals(SwarmSettings? other) => other is not null && Replicas == other.Replicas && Placement.SequenceEqual(other.Placement)
        && UpdateParallelism == other.UpdateParallelism && UpdateDelaySeconds == other.UpdateDelaySeconds
        && MonitorSeconds == other.MonitorSeconds && UpdateOrder == other.UpdateOrder;

    public override int GetHashCode() => HashCode.Combine(Replicas, Placement.Count, UpdateParallelism, UpdateDelaySeconds, MonitorSeconds, UpdateOrder);

    public static string Name(UpdateOrder order) => order == UpdateOrder.StartFirst ? "start-first" : "stop-first";

    /// <summary>The compose strategy that means the same: start-first serves the new release beside the old; stop-first replaces in place.</summary>
    public static DeployStrategy StrategyOf(UpdateOrder order) => order == UpdateOrder.StartFirst ? DeployStrategy.StartFirst : DeployStrategy.Recreate;
}
