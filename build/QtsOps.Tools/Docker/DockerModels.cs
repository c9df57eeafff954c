using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace QtsOps.Tools.Docker;

// The parts of `docker inspect`, `ps` and `stats` JSON the pipeline reads; names as the engine spells them.

public sealed class DockerContainer
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>The image id the container runs.</summary>
    public string Image { get; init; } = "";
    public int RestartCount { get; init; }
    public DockerContainerState State { get; init; } = new();
    public DockerHostConfig HostConfig { get; init; } = new();
    public IReadOnlyList<DockerMount> Mounts { get; init; } = [];
    public DockerContainerConfig Config { get; init; } = new();
}

public sealed class DockerContainerConfig
{
    /// <summary>Who started the container: compose's com.docker.compose.* and the pipeline's own labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

public sealed class DockerContainerState
{
    public string Status { get; init; } = "";
    public bool Running { get; init; }
    public bool Restarting { get; init; }
    public int ExitCode { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DockerHealth? Health { get; init; }
}

public sealed class DockerHealth
{
    public string Status { get; init; } = "";
}

public sealed class DockerHostConfig
{
    public long NanoCpus { get; init; }
    public long Memory { get; init; }
    /// <summary>What the container publishes: "8000/tcp" to the host addresses and ports.</summary>
    public Dictionary<string, List<DockerPortBinding>?>? PortBindings { get; init; }
}

public sealed class DockerPortBinding
{
    public string HostIp { get; init; } = "";
    public string HostPort { get; init; } = "";
}

public sealed class DockerMount
{
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    public bool RW { get; init; }
}

public sealed class DockerImage
{
    public string Id { get; init; } = "";
    public IReadOnlyList<string> RepoDigests { get; init; } = [];
    /// <summary>Bytes of all its layers (what `docker image ls` shows as SIZE).</summary>
    public long Size { get; init; }
    public DockerImageConfig Config { get; init; } = new();
}

public sealed class DockerImageConfig
{
    /// <summary>The Dockerfile's LABELs; the engine writes null for an image without any.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

/// <summary>One line of <c>docker image ls --format '{{json .}}'</c>.</summary>
public sealed class DockerImageListEntry
{
    public string ID { get; init; } = "";
    public string Repository { get; init; } = "";
    public string Tag { get; init; } = "";
    public string CreatedSince { get; init; } = "";
}

/// <summary>One line of <c>docker ps --format '{{json .}}'</c>.</summary>
public sealed class DockerPsEntry
{
    public string Names { get; init; } = "";
    public string State { get; init; } = "";
}

/// <summary>The engine's facts the pre-deploy checks read from <c>docker info</c>.</summary>
public sealed class DockerEngineInfo
{
    public string ServerVersion { get; init; } = "";
    public long MemTotal { get; init; }
}

/// <summary>A <c>docker stats --no-stream</c> sample: CPU in percent of one core, memory in bytes.</summary>
public sealed record DockerStats(double CpuPercent, long MemoryUsageBytes, long MemoryLimitBytes)
{
    /// <summary>Reads the engine's strings, e.g. CPUPerc "0.52%" and MemUsage "12.5MiB / 512MiB".</summary>
    public static DockerStats Parse(string jsonLine)
    {
        using var document = JsonDocument.Parse(jsonLine);
        var cpu = document.RootElement.GetProperty("CPUPerc").GetString() ?? "";
        var memory = (document.RootElement.GetProperty("MemUsage").GetString() ?? "").Split('/', StringSplitOptions.TrimEntries);
        if (memory.Length != 2) throw new FormatException($"Unexpected MemUsage in docker stats: '{jsonLine}'.");
        return new DockerStats(double.Parse(cpu.TrimEnd('%'), CultureInfo.InvariantCulture), ParseSize(memory[0]), ParseSize(memory[1]));
    }

    /// <summary>Docker's human sizes: 12.5MiB, 1.2GiB, 300kB, 10B.</summary>
    public static long ParseSize(string text)
    {
        var units = new (string Suffix, double Factor)[]
        {
            ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
            ("kB", 1e3), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("B", 1),
        };
        foreach (var (suffix, factor) in units)
            if (text.EndsWith(suffix, StringComparison.Ordinal))
                return (long)(double.Parse(text[..^suffix.Length], CultureInfo.InvariantCulture) * factor);
        throw new FormatException($"Not a docker size: '{text}'.");
    }
}

internal static class DockerJson
{
    private static readonly JsonSerializerOptions Options = new() { NumberHandling = JsonNumberHandling.AllowReadingFromString };

    public static T Parse<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new FormatException($"docker printed no {typeof(T).Name}.");

    /// <summary>Output with one JSON object per line (ps, image ls).</summary>
    public static IReadOnlyList<T> ParseLines<T>(IEnumerable<string> lines) =>
        lines.Where(line => line.TrimStart().StartsWith('{')).Select(Parse<T>).ToList();
}
