namespace QtsOps.Core.Environments;

/// <summary>What build/setup.sh makes ready on this machine before a run's first task.</summary>
public enum SetupNeed
{
    Nothing,
    /// <summary>The packages and this machine's Docker engine (setup.sh engine).</summary>
    Engine,
    /// <summary>That, and the tools the test suite runs (setup.sh suite).</summary>
    EngineAndTestTools,
}

/// <summary>
/// Which runs need this machine's Docker engine: the one list of the targets that use an engine
/// (the options that reach an engine apply to the same targets), and the rule that picks the engine.
/// </summary>
public static class EngineSetup
{
    /// <summary>Targets that use the environment's Docker engine.</summary>
    public static readonly string[] EngineTargets = ["image", "push", "deploy", "verify", "rollback", "restore", "down", "status", "releases", "dashboard"];

    /// <summary>
    /// Targets that use this machine's engine even for an ssh:// or tcp:// environment: the image is built,
    /// pushed and bundled here, and a start-first deploy makes its edge's image here.
    /// </summary>
    public static readonly string[] ImageTargets = ["image", "push", "bundle", "deploy"];

    /// <summary>The test suite starts containers, a registry and a browser of its own, always here.</summary>
    public const string TestTarget = "test";

    /// <param name="tasks">The tasks the run executes (a target's dependencies included).</param>
    /// <param name="dockerHost">
    /// The environment's engine (--docker-host, else its dockerHost; null: this machine's), asked only when a
    /// task uses an engine: a run such as validate never reads environments.json for it.
    /// </param>
    public static SetupNeed For(IReadOnlyCollection<string> tasks, Func<string?> dockerHost)
    {
        bool Runs(IEnumerable<string> targets) => tasks.Intersect(targets, StringComparer.OrdinalIgnoreCase).Any();
        if (Runs([TestTarget])) return SetupNeed.EngineAndTestTools;
        if (!Runs(EngineTargets.Union(ImageTargets))) return SetupNeed.Nothing;
        return Runs(IsThisMachine(dockerHost()) ? EngineTargets : ImageTargets) ? SetupNeed.Engine : SetupNeed.Nothing;
    }

    /// <summary>Whether the engine is on this machine: its default (null) or a unix:// socket; tcp:// and ssh:// are elsewhere.</summary>
    public static bool IsThisMachine(string? dockerHost) => dockerHost is null || dockerHost.StartsWith("unix://", StringComparison.Ordinal);
}
