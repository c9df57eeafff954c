using QtsOps.Core.Environments;
using QtsOps.Tools.Docker;
using QtsOps.Tools.Ssh;

namespace QtsOps.Build.Deployment;

/// <summary>
/// An ssh:// engine's host: its scripts run there over ssh, with the same client, key and pinned host key as
/// the docker CLI's connection (<see cref="SshTransport"/>, whose master connection they share). Paths are the
/// host's, absolute as environments.json gives them; nothing is written on this machine.
/// </summary>
public sealed class SshDeploymentHost : ShellDeploymentHost
{
    private readonly Func<string> _client;
    private readonly string _environmentsFile;
    private readonly int? _port;

    /// <param name="client">The ssh client to run (this run's wrapper), asked for on first use.</param>
    /// <param name="dockerHost">ssh://user@host[:port].</param>
    /// <param name="deployDirectory">The environment's deploy directory on the host: the state lives in its .qtsops.</param>
    /// <param name="scriptTimeLimit">Instead of <see cref="ShellDeploymentHost.ScriptTimeLimit"/> and <see cref="ShellDeploymentHost.TransferTimeLimit"/> (tests).</param>
    public SshDeploymentHost(Func<string> client, string dockerHost, string deployDirectory, string environmentsFile, TimeSpan? scriptTimeLimit = null)
        : base(scriptTimeLimit)
    {
        _client = client;
        _environmentsFile = environmentsFile;
        var url = new Uri(dockerHost);
        Destination = url.UserInfo.Length > 0 ? $"{Uri.UnescapeDataString(url.UserInfo)}@{url.Host}" : url.Host;
        _port = url.IsDefaultPort || url.Port <= 0 ? null : url.Port;
        Name = _port is null ? Destination : $"{Destination}:{_port}";
        StateDirectory = Combine(Resolve(deployDirectory), ".qtsops");
    }

    public string Destination { get; }
    public override string Name { get; }
    public override string Where(string path) => $"{Name}:{path}";
    public override string StateDirectory { get; }

    /// <summary>&lt;deployDirectory&gt;/.qtsops/locks/&lt;container&gt;.lock on the host.</summary>
    public override string LockFile(string containerName) => Combine(Combine(StateDirectory, "locks"), $"{containerName}.lock");

    public override string Resolve(string configuredPath) =>
        configuredPath.StartsWith('/') ? configuredPath.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/"
            : throw new PipelineException($"{_environmentsFile}: the path '{configuredPath}' is relative, but the environment runs on {Name}, where it would mean nothing. " +
                "Fix: give the host's absolute path (e.g. /opt/qts-observer/data).");

    /// <summary>The host's paths are POSIX paths, whatever this machine is.</summary>
    public override string Combine(string directory, string name) => $"{directory.TrimEnd('/')}/{name}";

    protected override IScriptCommand Command(string script, IReadOnlyList<string> arguments) => new SshCommand(_client(), Destination, _port, script, arguments);

    protected override bool OverSsh => true;

    protected override string AnswerCheck =>
        $"check that {Name} answers (ssh {(_port is null ? "" : $"-p {_port} ")}{Destination} true) and is not overloaded, and what holds that path there";

    protected override void ThrowWhenUnreachable(string what, DockerOutput result)
    {
        if (result.ExitCode == ScriptRunner.ConnectionFailed) throw new PipelineException($"Could not {what}: {DockerEngine.Unreachable($"ssh://{Name}", result)}");
    }
}
