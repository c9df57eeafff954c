namespace QtsOps.Core.Environments;

/// <summary>
/// What an environment's settings must agree on with where it runs: the paths of an ssh:// host
/// are that host's, so absolute; the health URL asks the port and address the service is published on.
/// </summary>
public static class HostAgreement
{
    private static readonly (string Key, Func<DeploymentEnvironment, string> Path)[] Paths = [("deployDirectory", e => e.DeployDirectory), .. DirectoryLayout.Shared];

    /// <summary>Each disagreement: the key to change, what is wrong and how to fix it.</summary>
    public static IReadOnlyList<(string Key, string Message, string Fix)> Problems(DeploymentEnvironment environment)
    {
        var problems = new List<(string, string, string)>();
        var overSsh = environment.DockerHost?.StartsWith("ssh://", StringComparison.Ordinal) == true;
        if (overSsh)
            foreach (var (key, path) in Paths.Select(p => (p.Key, p.Path(environment))).Where(p => !p.Item2.StartsWith('/')))
                problems.Add((key, $"'{path}' is relative, but the environment runs on {environment.DockerHost}: relative paths are relative to this repository, which that host does not have",
                    $"write the absolute path on the host, e.g. \"{AbsoluteExample(environment, key, path)}\""));

        // Every node mounts these at the same path (the backups: each node's own, written by a job there): a path relative to this repository names nothing on a node (over ssh, said above).
        if (environment.Engine == Swarm.DeploymentEngine.Swarm && !overSsh)
            foreach (var (key, path) in DirectoryLayout.Shared.Select(p => (p.Key, p.Path(environment))).Where(p => !p.Item2.StartsWith('/')))
                problems.Add((key, $"'{path}' is relative, but on a swarm each node mounts it into the tasks and jobs it runs: a path relative to this repository names nothing on a node",
                    $"write an absolute path that each node may hold, e.g. \"{AbsoluteExample(environment, key, path)}\""));

        if (!Uri.TryCreate(environment.HealthUrl, UriKind.Absolute, out var url)) return problems; // reported as no URL
        if (url.Port != environment.Port)
            problems.Add(("healthUrl", $"'{environment.HealthUrl}' asks port {url.Port}, but the service is published on \"port\": {environment.Port}: deploy and verify would judge whatever answers there",
                $"give both the same port, e.g. \"healthUrl\": \"{new UriBuilder(url) { Port = environment.Port }.Uri}\""));
        var host = url.Host.Trim('[', ']');
        // UriBuilder writes an IPv6 bind in brackets itself (the fd00::5 case of the catalog tests).
        if (WhyUnreachable(host, environment.Bind) is { } why)
            problems.Add(("healthUrl", $"'{environment.HealthUrl}' asks {host}, but the service is published on \"bind\": \"{environment.Bind}\" only: {why}",
                $"ask the address the service is published on (\"healthUrl\": \"{new UriBuilder(url) { Host = environment.Bind }.Uri}\"), or publish it on every address (\"bind\": \"0.0.0.0\")"));
        return problems;
    }

    /// <summary>The path under the deploy directory when that is absolute, else the path written from the root.</summary>
    private static string AbsoluteExample(DeploymentEnvironment environment, string key, string path)
    {
        var written = path.Replace('\\', '/').TrimEnd('/');
        return key != "deployDirectory" && environment.DeployDirectory.StartsWith('/')
            ? $"{environment.DeployDirectory.TrimEnd('/')}/{written.Split('/')[^1]}"
            : "/" + written.TrimStart('.', '/');
    }

    /// <summary>Why a request to <paramref name="host"/> cannot reach a port published on <paramref name="bind"/>; null when it can or this cannot tell (a host name).</summary>
    private static string? WhyUnreachable(string host, string bind)
    {
        if (bind is "0.0.0.0" or "::" || host == bind) return null;
        if (IsLoopback(bind)) return IsLoopback(host) ? null : $"{host} is not this host's loopback, where the port is published";
        if (IsLoopback(host)) return $"the port is not published on the loopback address";
        return System.Net.IPAddress.TryParse(host, out _) ? $"{host} is another address" : null;
    }

    private static bool IsLoopback(string host) =>
        host == "localhost" || System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address);
}
