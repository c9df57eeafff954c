namespace QtsOps.Core.Swarm;

/// <summary>
/// The environments.json keys that mean something on one engine only, each with why it means nothing
/// on the other and what to write instead. An environment that sets one of the other engine's keys
/// is refused; one in "defaults" is simply not taken by the environments of the other engine.
/// </summary>
public static class EngineKeys
{
    public const string Engine = "engine";

    public static readonly IReadOnlyList<string> EngineNames = ["compose", "swarm"];

    public static string Name(DeploymentEngine engine) => engine == DeploymentEngine.Swarm ? "swarm" : "compose";

    public static DeploymentEngine? Parse(string? name) => name switch
    {
        "compose" => DeploymentEngine.Compose,
        "swarm" => DeploymentEngine.Swarm,
        _ => null,
    };

    /// <summary>Keys a swarm environment reads and a compose one refuses.</summary>
    public static readonly IReadOnlyList<string> SwarmOnly = ["mode", "replicas", "placement", "updateParallelism", "updateDelaySeconds", "monitorSeconds", "updateOrder"];

    /// <summary>Keys a compose environment reads and a swarm one refuses: why, and the fix.</summary>
    public static readonly IReadOnlyDictionary<string, (string Why, string Fix)> ComposeOnly = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["strategy"] = ("on a swarm the engine rolls the tasks out in \"updateOrder\"", "remove it and write \"updateOrder\": \"start-first\" or \"stop-first\""),
        ["bind"] = ("Swarm publishes a host-mode port on every address of each node", "remove it (restrict who reaches the port with the nodes' firewall)"),
        ["canary"] = ("a swarm has no edge to split requests at: the engine's routing mesh sends them to the tasks", "remove it (a swarm's own rollout is \"updateParallelism\" and \"monitorSeconds\")"),
        ["containerName"] = ("Swarm names the tasks' containers itself; \"composeProject\" names the stack and its services",
            "remove it (the service is <composeProject>_" + SwarmStack.ObserverService + ")"),
    };

    /// <summary>Every key that one engine only reads.</summary>
    public static IEnumerable<string> All => SwarmOnly.Concat(ComposeOnly.Keys);

    /// <summary>Why <paramref name="key"/>, set in an environment on <paramref name="engine"/>, means nothing there, and the fix; null when it means something.</summary>
    public static (string Message, string Fix)? Refusal(string key, DeploymentEngine engine)
    {
        if (engine == DeploymentEngine.Compose && SwarmOnly.Contains(key))
            return ($"'{key}' means something only on a swarm (\"{Engine}\": \"swarm\"), and this environment runs on compose",
                $"remove it, or set \"{Engine}\": \"swarm\" if the environment is a swarm cluster");
        if (engine == DeploymentEngine.Swarm && ComposeOnly.TryGetValue(key, out var reason))
            return ($"'{key}' means nothing on a swarm: {reason.Why}", reason.Fix);
        return null;
    }
}
