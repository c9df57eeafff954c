using Cake.Core;
using Cake.Core.Diagnostics;
using QtsOps.Core.Deployment;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// A Docker engine: every call goes to its DOCKER_HOST (over this run's ssh settings when that is
/// ssh://), and failures become actionable errors. <see cref="Host"/> is the machine its deploy files are on.
/// </summary>
/// <param name="tools">Runs the docker aliases.</param>
/// <param name="dockerHost">DOCKER_HOST; null for this machine's default engine.</param>
/// <param name="host">Makes <see cref="Host"/> on first use: its settings (an ssh host's absolute paths) are checked then, not when a task only asks the engine.</param>
/// <param name="counts">Where its calls are counted (shared with its host's scripts); a new count when none is given.</param>
public sealed class DockerEngine(ICakeContext tools, string? dockerHost, SshTransport ssh, Func<IDeploymentHost> host, CommandCounts? counts = null)
{
    /// <summary>The docker calls made through this engine, and its host's scripts when they share it.</summary>
    public CommandCounts Counts { get; } = counts ?? new CommandCounts(SshTransport.IsSshHost(dockerHost) ? () => ssh.ConnectionsTo(dockerHost) : null);

    private string? DockerHost { get; } = dockerHost;

    /// <summary>Whether <paramref name="other"/> is this engine (the same address): an image on one is on the other.</summary>
    public bool SameAs(DockerEngine other) => ReferenceEquals(this, other) || DockerHost == other.DockerHost;

    private readonly Lazy<IDeploymentHost> _host = new(host);

    /// <summary>Where the environment's files, history, lock and backups are: this machine, or the ssh:// engine's host.</summary>
    public IDeploymentHost Host => _host.Value;

    /// <summary>The ssh client settings the engine is reached with, when it is ssh://.</summary>
    public SshTransport Ssh { get; } = ssh;

    public bool IsRemote => SshTransport.IsSshHost(DockerHost);

    /// <summary>Points settings at this engine (over this run's ssh settings when it is ssh://); refused once the host's deploy lock is lost.</summary>
    private T With<T>(T settings) where T : DockerSettings
    {
        if (_host.IsValueCreated) _host.Value.EnsureLockHeld();
        Counts.EngineCall(IsRemote);
        // An ssh:// engine is reached through the socket the run's connection forwards to it, when it could be made.
        settings.Host = IsRemote && Ssh.EngineSocket(DockerHost!, Counts) is { } socket ? $"unix://{socket}" : DockerHost;
        if (SshTransport.IsSshHost(settings.Host))
            foreach (var (name, value) in Ssh.ProcessVariables()) settings.EnvironmentVariables[name] = value;
        return settings;
    }

    /// <summary>For an ssh:// engine, its connection made in the background (<see cref="SshTransport.ConnectAhead"/>); nothing for a local one.</summary>
    public void ConnectAhead()
    {
        if (IsRemote) Ssh.ConnectAhead(DockerHost!, Counts);
    }

    /// <summary>Runs a docker alias against this engine: <c>engine.Call(DockerAliases.DockerPs, new DockerPsSettings { ... })</c>.</summary>
    public TResult Call<TSettings, TResult>(Func<ICakeContext, TSettings, TResult> alias, TSettings settings) where TSettings : DockerSettings =>
        alias(tools, With(settings));

    /// <inheritdoc cref="Call{TSettings, TResult}"/>
    public void Call<TSettings>(Action<ICakeContext, TSettings> alias, TSettings settings) where TSettings : DockerSettings =>
        alias(tools, With(settings));

    public string Describe() => Describe(DockerHost);

    private static string Describe(string? dockerHost) => dockerHost ?? Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "the local default (unix:///var/run/docker.sock)";

    /// <summary>
    /// Why the engine at <paramref name="dockerHost"/> (or its ssh host, for the file steps there) could not be
    /// reached, and the fix: an ssh host key that is not the pinned one, or the connection's own cause.
    /// </summary>
    public static string Unreachable(string? dockerHost, DockerOutput result)
    {
        if (SshTransport.HostKeyRefusal(dockerHost, result) is { } refusal) return refusal;
        var failure = EngineConnectionFailure.Explain(dockerHost ?? Environment.GetEnvironmentVariable("DOCKER_HOST"), result.Error);
        return $"The Docker engine at {Describe(dockerHost)} is not reachable: {failure.Cause}. Nothing was changed. Fix: {failure.Fix}";
    }

    private DockerEngineInfo? _info;

    /// <summary>The engine's facts, asked once for this engine object (the run keeps one per engine: <see cref="BuildContext.Engine"/>); a clear error before anything changes when it cannot be reached.</summary>
    public DockerEngineInfo EnsureReachable()
    {
        if (_info is not null) return _info;
        try
        {
            var info = Call(DockerAliases.DockerInfo, new DockerInfoSettings());
            if (info.ServerVersion.Length == 0) throw new DockerCommandException(new DockerOutput("docker info", 1, [], ["the engine gave no server version"]));
            tools.Log.Verbose($"Docker engine {info.ServerVersion} at {Describe()}");
            return _info = info;
        }
        catch (DockerCommandException exception)
        {
            throw new PipelineException(Unreachable(DockerHost, exception.Result));
        }
    }

    public DockerContainer? Container(string name) => Call(DockerAliases.DockerInspectContainer, new DockerInspectSettings { Target = name });

    public DockerImage? Image(string reference) => Call(DockerAliases.DockerInspectImage, new DockerInspectSettings { Target = reference });

    public IReadOnlyList<string> Logs(string container, string? since = null, int? tail = null) =>
        Call(DockerAliases.DockerLogs, new DockerLogsSettings { Container = container, Since = since, Tail = tail });

    public DockerOutput Exec(string container, params string[] command) =>
        Call(DockerAliases.DockerExec, new DockerExecSettings { Container = container, Command = command });
}
