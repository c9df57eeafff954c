using Cake.Core.Tooling;

namespace QtsOps.Tools.Docker;

/// <summary>Settings every docker command shares: which engine, and which client configuration.</summary>
public abstract class DockerSettings : ToolSettings
{
    /// <summary>DOCKER_HOST for this call (unix socket, tcp:// or ssh://user@host); null keeps the caller's.</summary>
    public string? Host { get; set; }

    /// <summary>DOCKER_CONFIG for this call, e.g. a throwaway folder so that a login does not outlive a push.</summary>
    public string? ConfigDirectory { get; set; }

    /// <summary>Bytes written to standard input (a registry password), never part of the command line.</summary>
    public string? StandardInput { get; set; }

    /// <summary>Called with each output line as it arrives (long builds); the lines are captured too.</summary>
    public Action<string>? OutputLine { get; set; }
}

/// <summary><c>docker info</c> as JSON.</summary>
public sealed class DockerInfoSettings : DockerSettings;

/// <summary><c>docker compose version</c>: tells whether the Compose v2 plugin is installed.</summary>
public sealed class DockerComposePluginVersionSettings : DockerSettings;

public sealed class DockerBuildSettings : DockerSettings
{
    public required string ContextDirectory { get; set; }
    public IList<string> Tags { get; set; } = [];
    public IDictionary<string, string> BuildArguments { get; set; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    /// <summary>File the engine writes the new image id to.</summary>
    public string? ImageIdFile { get; set; }
}

public sealed class DockerTagSettings : DockerSettings
{
    public required string SourceImage { get; set; }
    public required string TargetImage { get; set; }
}

public sealed class DockerPushSettings : DockerSettings
{
    public required string Image { get; set; }
}

public sealed class DockerPullSettings : DockerSettings
{
    public required string Image { get; set; }
}

/// <summary><c>docker save --output FILE IMAGE</c>: the image with its tag, as a tar archive on this machine.</summary>
public sealed class DockerSaveSettings : DockerSettings
{
    public required string Image { get; set; }
    public required string OutputFile { get; set; }
}

/// <summary><c>docker load --input FILE</c>: the CLI reads the archive here and sends it to the engine, wherever that is.</summary>
public sealed class DockerLoadSettings : DockerSettings
{
    public required string InputFile { get; set; }
}

/// <summary><c>docker login --password-stdin</c>: the password goes through standard input only.</summary>
public sealed class DockerLoginSettings : DockerSettings
{
    public required string Registry { get; set; }
    public required string Username { get; set; }
    public required string Password { get; set; }
}

public enum DockerObjectType { Container, Image }

public sealed class DockerInspectSettings : DockerSettings
{
    /// <summary>Set by the alias: DockerInspectContainer or DockerInspectImage.</summary>
    public DockerObjectType Type { get; set; }
    public required string Target { get; set; }
}

/// <summary>Several containers at once: one call, whichever of them exist.</summary>
public sealed class DockerInspectContainersSettings : DockerSettings
{
    public required IReadOnlyList<string> Containers { get; set; }
}

public sealed class DockerLogsSettings : DockerSettings
{
    public required string Container { get; set; }
    /// <summary>RFC 3339 time or duration such as 10m.</summary>
    public string? Since { get; set; }
    public int? Tail { get; set; }
}

public sealed class DockerExecSettings : DockerSettings
{
    public required string Container { get; set; }
    public required IList<string> Command { get; set; }
    public string? User { get; set; }
}

public sealed class DockerPsSettings : DockerSettings
{
    public bool All { get; set; }
    /// <summary>Filters such as name=qts-observer or publish=8000.</summary>
    public IList<string> Filters { get; set; } = [];
}

public sealed class DockerImageListSettings : DockerSettings
{
    /// <summary>Filters such as label=key=value or reference=repo:*.</summary>
    public IList<string> Filters { get; set; } = [];
}

/// <summary><c>docker import FILE REFERENCE</c>: a root file system tarball becomes an image.</summary>
public sealed class DockerImportSettings : DockerSettings
{
    public required string TarballPath { get; set; }
    public required string Reference { get; set; }
    /// <summary>Dockerfile instructions applied to the image, e.g. ENV PATH=... or CMD ["python3"].</summary>
    public IList<string> Changes { get; set; } = [];
}

/// <summary><c>docker rm --force</c>: stops and removes a container (its volumes and bind-mounted folders stay).</summary>
public sealed class DockerRemoveContainerSettings : DockerSettings
{
    public required string Container { get; set; }
}

/// <summary><c>docker stop</c>: SIGTERM, then SIGKILL after the grace period; the container stays, stopped.</summary>
public sealed class DockerStopSettings : DockerSettings
{
    public required string Container { get; set; }
    /// <summary>Seconds to wait after SIGTERM before SIGKILL; null for the engine's default (10).</summary>
    public int? TimeoutSeconds { get; set; }
}

public sealed class DockerStatsSettings : DockerSettings
{
    public required string Container { get; set; }
}

/// <summary><c>docker run --rm</c> of a one-off command, e.g. giving bind-mounted folders to the service user.</summary>
public sealed class DockerRunSettings : DockerSettings
{
    public required string Image { get; set; }
    public IList<string> Command { get; set; } = [];
    public string? User { get; set; }
    public string? Entrypoint { get; set; }
    /// <summary>host:container[:ro] bind mounts.</summary>
    public IList<string> Volumes { get; set; } = [];
}
