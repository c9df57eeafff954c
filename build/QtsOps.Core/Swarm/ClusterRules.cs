using QtsOps.Core.Environments;

namespace QtsOps.Core.Swarm;

/// <summary>What several nodes mean for the targets that handle the observer's data (docs/OPERATIONS.md, "Swarm environments").</summary>
public static class ClusterRules
{
    /// <summary>
    /// Why restore refuses <paramref name="target"/>, or null when it may run. On a swarm each task writes
    /// its own node's data directory, so there is no one data directory to put a backup back into, and a
    /// task the engine moves to another node would not find it: restore is not built for a cluster.
    /// </summary>
    public static string? WhyNoRestore(DeploymentEnvironment target) => target.Engine != DeploymentEngine.Swarm ? null
        : $"restore is refused on '{target.Name}': it runs on a swarm (\"engine\": \"swarm\"), where each task writes the data directory of the node it runs on " +
          $"({target.DataDirectory}), so there is no one data directory to restore, and a task the engine moves would not find it. " +
          "Fix: put a backup back by hand on the node it was taken on, with the service scaled to 0 there (docs/OPERATIONS.md, \"Swarm environments\"), or pin a single-writer deployment with \"replicas\": 1 and a placement label";
}
