namespace QtsOps.Build.Deployment;

/// <summary>
/// What a step cost its engine and host: docker calls, host scripts, and the ssh connections they opened
/// (over ssh each docker call and each script is one). Counted where the commands run
/// (<see cref="DockerEngine"/>, <see cref="SshDeploymentHost"/>); the deploy's report and log say them.
/// </summary>
public sealed class CommandCounts
{
    private int _engineCalls, _hostScripts, _sshConnections;

    public int EngineCalls => _engineCalls;
    public int HostScripts => _hostScripts;
    public int SshConnections => _sshConnections;

    public void EngineCall(bool overSsh)
    {
        Interlocked.Increment(ref _engineCalls);
        if (overSsh) Interlocked.Increment(ref _sshConnections);
    }

    public void HostScript()
    {
        Interlocked.Increment(ref _hostScripts);
        Interlocked.Increment(ref _sshConnections);
    }

    /// <summary>An ssh session that is no script run to its end: the one that holds the deploy lock.</summary>
    public void SshSession() => Interlocked.Increment(ref _sshConnections);

    public override string ToString() => $"{EngineCalls} engine call(s), {HostScripts} host script(s), {SshConnections} ssh connection(s)";
}
