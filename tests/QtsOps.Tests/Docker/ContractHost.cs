using QtsOps.Build.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The host a contract fixture runs its host operations on: this machine (<see cref="LocalDeploymentHost"/>, its sh)
/// or an ssh:// engine's host over real ssh (<see cref="SshDeploymentHost"/> on <see cref="SshTestHost"/>), whose
/// folder this machine sees at the same path.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ContractHost : IDisposable
{
    private readonly SshTestHost? _sshHost;
    private readonly SshTransport? _ssh;

    public ContractHost(bool overSsh)
    {
        if (overSsh)
        {
            _sshHost = new SshTestHost();
            _ssh = new SshTransport(null, _sshHost.KeyFile, _sshHost.KnownHosts, Environment.GetEnvironmentVariable("PATH"));
            Host = new SshDeploymentHost(() => _ssh.Client, _sshHost.DockerHost, Path.Combine(_sshHost.DeployRoot, "deploy"), "environments.json");
        }
        else
        {
            Host = new LocalDeploymentHost(Temp.Path, Temp.Combine("state"));
        }
    }

    /// <summary>This machine's own scratch folder.</summary>
    public TempDirectory Temp { get; } = new();

    public ShellDeploymentHost Host { get; }

    /// <summary>A folder the host and this machine see at the same path.</summary>
    public string SharedRoot => _sshHost?.DeployRoot ?? Temp.Path;

    public void Dispose()
    {
        _ssh?.Dispose();
        _sshHost?.Dispose();
        Temp.Dispose();
    }
}
