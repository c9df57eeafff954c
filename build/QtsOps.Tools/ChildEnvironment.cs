using System.Collections;

namespace QtsOps.Tools;

/// <summary>The programs the pipeline starts, each with the variables of its own it may read.</summary>
public enum ChildProgram { Docker, Compose, Terraform, Git, Ssh, Setup, HostShell }

/// <summary>
/// The environment a child process gets: what every program needs (PATH, HOME, the locale, proxies,
/// TLS roots), the variables of its own program, and those its caller gives; nothing else of the
/// pipeline's environment. That environment holds the run's secrets (QTSOPS_SSH_KEY,
/// QTSOPS_REGISTRY_PASSWORD, QTSOPS_NOTIFY_WEBHOOK, ARM_CLIENT_SECRET, ...), which no child reads from
/// it, and compose would substitute any of them a compose file names as ${VAR}. Terraform alone gets
/// ARM_*: its azurerm provider and backend log in with them.
/// </summary>
public static class ChildEnvironment
{
    /// <summary>Names every child keeps; a trailing * matches a prefix.</summary>
    private static readonly string[] Common =
    [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TMPDIR", "TZ", "TERM", "LANG", "LANGUAGE", "LC_*",
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR",
    ];

    private static readonly Dictionary<ChildProgram, string[]> Own = new()
    {
        [ChildProgram.Docker] = ["DOCKER_*", "BUILDKIT_*", "BUILDX_*", "SSH_AUTH_SOCK"],
        [ChildProgram.Compose] = ["DOCKER_*", "BUILDKIT_*", "BUILDX_*", "COMPOSE_*", "SSH_AUTH_SOCK"],
        [ChildProgram.Terraform] = ["TF_*", "ARM_*", "CHECKPOINT_DISABLE"],
        [ChildProgram.Git] = ["GIT_*", "SSH_AUTH_SOCK"],
        [ChildProgram.Ssh] = ["SSH_AUTH_SOCK"],
        // build/setup.sh: the engine it checks and starts.
        [ChildProgram.Setup] = ["DOCKER_HOST"],
        // The deployment host's scripts on this machine (sh): files, tar and flock need nothing more.
        [ChildProgram.HostShell] = [],
    };

    /// <summary>
    /// The variables to start <paramref name="program"/> with, over the pipeline's own environment: those
    /// <paramref name="given"/>, and null for each inherited one it does not keep (a process start leaves a
    /// null variable out: Cake's ProcessSettings pass it on to ProcessStartInfo.Environment as it is).
    /// </summary>
    public static Dictionary<string, string> For(ChildProgram program, IEnumerable<KeyValuePair<string, string>>? given = null)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry inherited in Environment.GetEnvironmentVariables())
            if (!Keeps(program, (string)inherited.Key)) variables[(string)inherited.Key] = null!;
        foreach (var (name, value) in given ?? []) variables[name] = value;
        return variables;
    }

    /// <summary>Whether <paramref name="program"/> inherits the pipeline's <paramref name="variable"/>.</summary>
    public static bool Keeps(ChildProgram program, string variable) =>
        Common.Concat(Own[program]).Any(name => name.EndsWith('*') ? variable.StartsWith(name[..^1], StringComparison.Ordinal) : variable == name);
}
