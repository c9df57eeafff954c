namespace QtsOps.Core.Fleet;

/// <summary>
/// environments.json's keys for an environment of several Docker hosts (issue 24): "hosts", each an
/// object naming its engine, with the environment's keys that may differ from host to host.
/// </summary>
public static class FleetKeys
{
    public const string Hosts = "hosts";

    public const string Example = "{\"name\": \"east\", \"dockerHost\": \"ssh://qtsops@east\", \"deployDirectory\": \"/srv/qts\"}";

    /// <summary>A host's engine: over ssh, or a socket of this machine (an engine in a lab's namespace); tcp:// would send commands unauthenticated.</summary>
    public static readonly IReadOnlyList<string> HostSchemes = ["ssh://", "unix://"];

    /// <summary>
    /// The environment's keys a host may set for itself: where it keeps its files, where it publishes the
    /// service and how it is asked for health, and what it can give (limits and the preflight's thresholds).
    /// The rest (names of the project, container, network and image; strategy, timings, protection) is the
    /// environment's: a release is the same thing on every host.
    /// </summary>
    public static readonly IReadOnlyList<string> PerHost =
    [
        "deployDirectory", "dataDirectory", "logDirectory", "configDirectory", "backupDirectory",
        "bind", "port", "healthUrl",
        "cpuLimit", "memoryLimitMb", "minFreeDiskMb", "minMemoryMb", "maxDiskUsedPercent",
    ];

    /// <summary>Every key a host object may hold.</summary>
    public static readonly IReadOnlyList<string> OnHost = ["name", "dockerHost", "labels", .. PerHost];

    public static string WhyNotOnHost(string key) =>
        $"'{key}' cannot differ between hosts: a host sets only its name, engine, labels and where and how it runs the service";
}
