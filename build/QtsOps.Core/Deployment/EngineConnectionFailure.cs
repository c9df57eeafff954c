namespace QtsOps.Core.Deployment;

/// <summary>
/// Why the docker CLI could not reach an engine, read from what it printed on stderr, and the fix that
/// fits that cause: an ssh:// engine fails for SSH's reasons (name, port, key, host key) long before
/// the engine's own state matters.
/// </summary>
public sealed record EngineConnectionFailure(string Cause, string Fix)
{
    private const string WhereHostIsSet = "--docker-host, QTSOPS_DOCKER_HOST or environments.json 'dockerHost'";

    /// <param name="dockerHost">The DOCKER_HOST the CLI used (null: this machine's default socket).</param>
    /// <param name="stderr">The docker CLI's stderr lines.</param>
    public static EngineConnectionFailure Explain(string? dockerHost, IEnumerable<string> stderr)
    {
        var lines = stderr.Where(line => !string.IsNullOrWhiteSpace(line)).Select(line => line.Trim()).ToList();
        var said = string.Join(" ", lines);
        if (dockerHost is null || !Uri.TryCreate(dockerHost, UriKind.Absolute, out var url) || url.Scheme != "ssh")
            return new($"docker said: {string.Join(" ", lines.Take(2))}",
                $"start the engine (systemctl start docker, or dockerd), or point {WhereHostIsSet} at a running one.");

        var host = url.Host;
        var port = url.IsDefaultPort || url.Port < 0 ? 22 : url.Port;
        var login = url.UserInfo.Length > 0 ? $"{url.UserInfo}@{host}" : host;
        var ssh = port == 22 ? $"ssh {login}" : $"ssh -p {port} {login}";
        if (Says(said, "Could not resolve hostname", "Name or service not known", "nodename nor servname", "No address associated with hostname"))
            return new($"the host name {host} cannot be resolved ({Quote(lines, "resolve")})",
                $"correct the host in {dockerHost} ({WhereHostIsSet}), or make the name resolvable (DNS, /etc/hosts).");
        if (Says(said, "REMOTE HOST IDENTIFICATION HAS CHANGED", "has changed and you have requested strict checking"))
            return new($"{host}'s SSH host key has changed since known_hosts recorded it: the host was reinstalled, or someone is in between",
                $"ask {host}'s administrator whether its key changed; only then remove the old key (ssh-keygen -R {HostEntry(host, port)}) and accept the new one with {ssh}.");
        if (Says(said, "Host key verification failed"))
            return new($"{host}'s SSH host key is not in known_hosts, and the docker CLI cannot ask whether to trust it",
                $"connect once by hand ({ssh}), check the fingerprint it shows with {host}'s administrator, and accept it.");
        if (Says(said, "Connection refused"))
            return new($"nothing accepts SSH connections on {host} port {port} ({Quote(lines, "Connection refused")})",
                $"start the SSH server on {host} (systemctl start ssh), or give the port it listens on in the URL (ssh://{login}:PORT).");
        if (Says(said, "Permission denied"))
            return new($"{host} refused the SSH login as {(url.UserInfo.Length > 0 ? url.UserInfo : "this user")} ({Quote(lines, "Permission denied")})",
                $"give this run a key {login} accepts (QTSOPS_SSH_KEY_FILE=KEYFILE, QTSOPS_SSH_KEY with the key's text, or your ssh agent: ssh-add KEYFILE), " +
                $"or install that key's public half there (ssh-copy-id -i KEYFILE {login}); check with {ssh} docker version.");
        if (Says(said, "Cannot connect to the Docker daemon", "Is the docker daemon running"))
            return new($"SSH to {host} works, but the Docker engine there is not running",
                $"start it on {host}: {ssh} sudo systemctl start docker.");
        return new($"docker said: {string.Join(" ", lines.Take(2))}",
            $"check that {ssh} docker version works from this machine, or point {WhereHostIsSet} at a running engine.");
    }

    private static bool Says(string text, params string[] phrases) => phrases.Any(p => text.Contains(p, StringComparison.OrdinalIgnoreCase));

    // The docker CLI wraps SSH's message in its own ("... stderr=ssh: connect to host ..."): keep SSH's part.
    private static string Quote(List<string> lines, string phrase)
    {
        var line = lines.FirstOrDefault(l => l.Contains(phrase, StringComparison.OrdinalIgnoreCase)) ?? "";
        var stderr = line.LastIndexOf("stderr=", StringComparison.Ordinal);
        return stderr >= 0 ? line[(stderr + "stderr=".Length)..] : line;
    }

    private static string HostEntry(string host, int port) => port == 22 ? host : $"'[{host}]:{port}'";
}
