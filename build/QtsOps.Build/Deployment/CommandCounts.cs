namespace QtsOps.Build.Deployment;

/// <summary>
/// What an engine and its host cost over the run: docker calls, host scripts, the ssh sessions they ran (over ssh
/// each docker call and each script is one) and the ssh connections those sessions opened (with the run's
/// master, one per host: <see cref="SshTransport.ConnectionsTo"/>). Counted where the commands run
/// (<see cref="DockerEngine"/>, <see cref="ShellDeploymentHost"/>); a step says its own part (<see cref="Since"/>) in its report and log.
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

    /// <summary>The counts as they are now, to take a step's part from later (<see cref="Since"/>).</summary>
    public CommandCost Now() => new(EngineCalls, HostScripts, SshSessions, SshConnections);

    /// <summary>
    /// What was run since <paramref name="start"/>: the calls, scripts and sessions of one step. The connections are the run's
    /// to the host so far: the run's one connection serves every step, whichever step opened it.
    /// </summary>
    public CommandCost Since(CommandCost start) => new(EngineCalls - start.EngineCalls, HostScripts - start.HostScripts, SshSessions - start.SshSessions, SshConnections);

    public override string ToString() => Now().ToString();
}

/// <summary>A step's (or the run's) engine calls, host scripts, ssh sessions and ssh connections (<see cref="CommandCounts"/>).</summary>
public sealed record CommandCost(int EngineCalls, int HostScripts, int SshSessions, int SshConnections)
{
    public override string ToString() => $"{EngineCalls} engine call(s), {HostScripts} host script(s), {SshSessions} ssh session(s) on {SshConnections} ssh connection(s)";
}
