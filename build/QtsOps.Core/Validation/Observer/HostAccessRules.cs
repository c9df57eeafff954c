using QtsOps.Core.Reports;
using QtsOps.Core.Validation.Sources;
using YamlDotNet.RepresentationModel;
using static QtsOps.Core.Validation.Observer.ObserverFiles;

namespace QtsOps.Core.Validation.Observer;

/// <summary>
/// The container stays a container: no root user, extra capability, host namespace, unconfined
/// profile, host device or mount of the host's system directories, in the compose file and in the
/// publish file that start.sh and --strategy=recreate add to it.
/// </summary>
public static class HostAccessRules
{
    /// <summary>Host directories whose mount gives the container the host: its configuration, kernel, root's home or every container's files.</summary>
    private static readonly string[] HostDirectories = ["/etc", "/proc", "/sys", "/root", "/var/lib/docker"];

    private static readonly string[] HostNamespaces = ["network_mode", "pid", "ipc", "uts", "userns_mode"];

    private const string Needs = "the observer needs none: it listens on one port and writes its data, logs and /tmp";

    public static void Check(ObserverFiles files, List<Finding> findings)
    {
        if (files.Service is { } service) Check(ComposePath, service, findings);
        if (files.PublishedService is { } published) Check(PublishPath, published, findings);
    }

    private static void Check(string file, YamlMappingNode service, List<Finding> findings)
    {
        if (service.Child("privileged").IsTrue())
            findings.Add(Finding.Error("compose-privileged", file, "the service runs privileged: it gets every capability and the host's devices",
                "remove privileged: true; the observer needs no extra capability", line: service.Key("privileged")!.Line()));

        if (service.Child("user").Scalar() is { } user && user.Split(':')[0].Trim() is "root" or "0")
            findings.Add(Finding.Error("compose-user", file, $"user: {user} runs the service as root, overriding the image's USER qts",
                "remove user: (the image runs as qts, uid 10001) or give a non-root uid", line: service.Key("user")!.Line()));

        foreach (var capability in service.Child("cap_add").Items())
            findings.Add(Finding.Error("compose-cap-add", file, $"cap_add gives the service {capability.Scalar()}: {Needs}",
                "remove cap_add (cap_drop: [ALL] is fine)", line: capability.Line()));

        foreach (var setting in HostNamespaces)
            if (service.Child(setting).Scalar() is "host")
                findings.Add(Finding.Error("compose-host-namespace", file, $"{setting}: host shares the host's {Namespace(setting)} with the service",
                    $"remove {setting}: the service gets its own, and the port is published (network_mode: host would also bypass the bind address)", line: service.Key(setting)!.Line()));

        foreach (var option in service.Child("security_opt").Items())
            if ((option.Scalar() ?? "").Replace('=', ':') is var text && (text is "seccomp:unconfined" or "apparmor:unconfined" or "label:disable" or "systempaths:unconfined"))
                findings.Add(Finding.Error("compose-unconfined", file, $"security_opt {option.Scalar()} lifts the engine's confinement of the service",
                    $"remove {option.Scalar()}: the default profile allows everything the observer does", line: option.Line()));

        foreach (var device in service.Child("devices").Items().Concat(service.Child("device_cgroup_rules").Items()))
            findings.Add(Finding.Error("compose-devices", file, $"the host device {device.Scalar() ?? device.Child("source").Scalar()} is given to the service: {Needs}",
                "remove it from devices:", line: device.Line()));

        foreach (var volume in ComposeService.Volumes(service))
        {
            if ((volume.Source ?? "").Contains("docker.sock") || volume.Target.Contains("docker.sock"))
                findings.Add(Finding.Error("compose-docker-socket", file, "the Docker socket is mounted: whoever controls the container controls the host",
                    "remove the docker.sock volume", line: volume.Line));
            else if (HostPath(volume.Source) is { } hostPath && IsHostSystem(hostPath))
                findings.Add(Finding.Error("compose-host-mount", file, $"the host's {hostPath} is mounted at {volume.Target}: whoever controls the container can read{(volume.ReadOnly ? "" : " and change")} the host's system files",
                    "mount only the service's own directories (data, logs, config), as the other volumes do", line: volume.Line));
        }
    }

    private static string Namespace(string setting) => setting switch
    {
        "network_mode" => "network (every port and interface of the host)",
        "pid" => "processes",
        "ipc" => "shared memory",
        "uts" => "host name",
        _ => "user ids (no user namespace remapping)",
    };

    /// <summary>
    /// The host side of a bind mount as compose would give it without the variables set
    /// (<c>${VAR:-default}</c> is its default); null for a named volume or a path made of unset variables.
    /// </summary>
    private static string? HostPath(string? source)
    {
        if (source is null) return null;
        var expanded = System.Text.RegularExpressions.Regex.Replace(source, @"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", match => match.Groups[1].Value);
        if (expanded.Contains('$') || !expanded.StartsWith('/')) return null;
        var segments = new List<string>();
        foreach (var segment in expanded.Split('/', StringSplitOptions.RemoveEmptyEntries))
            if (segment == "..") { if (segments.Count > 0) segments.RemoveAt(segments.Count - 1); }
            else if (segment != ".") segments.Add(segment);
        return "/" + string.Join('/', segments);
    }

    private static bool IsHostSystem(string path) =>
        path == "/" || HostDirectories.Any(directory => path == directory || path.StartsWith(directory + "/", StringComparison.Ordinal));
}
