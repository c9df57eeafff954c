namespace QtsOps.Tools.Docker;

/// <summary>Settings every compose command shares: the project, its directory, files and variables.</summary>
public abstract class DockerComposeSettings : DockerSettings
{
    public string ProjectName { get; set; } = "";
    /// <summary>Relative paths in the compose files (./data, ./logs) resolve against this folder.</summary>
    public string? ProjectDirectory { get; set; }
    public IList<string> Files { get; set; } = [];
    /// <summary>Variables the compose files interpolate (QTS_OBSERVER_IMAGE, ...), given through the environment.</summary>
    public IDictionary<string, string> Variables { get; set; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
}

public sealed class DockerComposeUpSettings : DockerComposeSettings
{
    /// <summary>Recreates the containers even when their configuration and image did not change.</summary>
    public bool ForceRecreate { get; set; }
}

public sealed class DockerComposeDownSettings : DockerComposeSettings
{
    /// <summary>Also removes the project's containers of services the compose files do not name.</summary>
    public bool RemoveOrphans { get; set; }
}

/// <summary>Compose v2 is the <c>docker compose</c> plugin; v1 is the <c>docker-compose</c> program.</summary>
public enum ComposeVariant { Plugin, Standalone }
