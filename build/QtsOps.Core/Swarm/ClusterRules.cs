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

    /// <summary>
    /// Why the targets that act on one engine of the environment (promote, abort...) refuse <paramref name="target"/>, or
    /// null when they may run. On an environment of several hosts, deploy, verify, rollback, restore, status, down, releases,
    /// the dashboard and the preflight run on each host (Wiring gives them the fleet's classes); the others would reach its
    /// first host only. A swarm is one engine's manager: <see cref="WhyNotOnSwarmYet"/> says which targets it refuses.
    /// </summary>
    public static string? WhyNotDeployable(DeploymentEnvironment target) =>
        target.Hosts.Count > 0
            ? $"'{target.Name}' lists {target.Hosts.Count} hosts (\"hosts\": {string.Join(", ", target.Hosts.Select(h => h.Name))}): deploy, verify, rollback, restore, status, down, releases and the dashboard " +
              "run on every host, but this target does not run on several hosts yet, and a run would reach the first one only. " +
              "Fix: run it on an environment per host (one \"dockerHost\" each), or by hand on each host (docs/OPERATIONS.md, \"Several hosts\")"
            : null;

    /// <summary>
    /// Why the targets not built for a swarm (restore) refuse <paramref name="target"/>, or null when it runs on
    /// compose: deploy, verify, rollback, status, down and the dashboard drive a swarm, the others would change it
    /// as one compose host and leave the cluster half-managed.
    /// </summary>
    public static string? WhyNotOnSwarmYet(DeploymentEnvironment target) =>
        target.Engine == DeploymentEngine.Swarm
            ? $"'{target.Name}' runs on a swarm (\"engine\": \"swarm\"): deploy, verify, rollback, status and down drive it, but restore does not, " +
              "and running it as on one compose host would leave the cluster half-managed. " +
              "Fix: give this environment \"engine\": \"compose\" and one \"dockerHost\" (docs/OPERATIONS.md, \"Swarm environments\")"
            : null;
}
