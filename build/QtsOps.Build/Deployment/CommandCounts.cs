namespace QtsOps.Build.Deployment;

/// <summary>
/// What a step cost its engine and host: docker calls, host scripts, the ssh sessions they ran (over ssh
/// each docker call and each script is one) and the ssh connections those sessions opened (with the run's
/// master, one per host: <see cref="SshTransport.ConnectionsTo"/>). Counted where the commands run
/// (<see cref="DockerEngine"/>, <see cref="ShellDeploymentHost"/>); the deploy's report and log say them.
/// </summary>
/// <param name="sshConnections">The connections opened to the engine's host so far, as ssh logged them; none for a local engine.</param>
public sealed class CommandCounts(Func<int>? sshConnections = null)
{
    private int _engineCalls, _hostScripts, _sshSessions;

    public int EngineCalls => _engineCalls;
    public int HostScripts => _hostScripts;
    public int SshSessions => _sshSessions;
    public int SshConnections => sshConnections?.Invoke() ?? 0;

    public void EngineCall(bool overSsh)
    {
        Interlocked.Increment(ref _engineCalls);
        if (overSsh) Interlocked.Increment(ref _sshSessions);
    }

    public void HostScript(bool overSsh)
    {
        Interlocked.Increment(ref _hostScripts);
        if (overSsh) Interlocked.Increment(ref _sshSessions);
    }

    /// <summary>An ssh session that is no script run to its end: the one that holds the deploy lock.</summary>
    public void SshSession() => Interlocked.Increment(ref _sshSessions);

    public override string ToString() => $"{EngineCalls} engine call(s), {HostScripts} host script(s), {SshSessions} ssh session(s) on {SshConnections} ssh connection(s)";
}
