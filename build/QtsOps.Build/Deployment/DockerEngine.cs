using Cake.Core.Diagnostics;
using QtsOps.Release.Deployment;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>The environment's Docker engine: every call goes to its DOCKER_HOST, failures become actionable errors.</summary>
public sealed class DockerEngine(BuildContext context)
{
    public BuildContext Context { get; } = context;

    /// <summary>DOCKER_HOST of this engine: the environment's, or for <see cref="ForImages"/> of an ssh:// environment, this machine's (null).</summary>
    private string? DockerHost { get; init; } = context.DockerHost;

    /// <summary>
    /// The engine that builds and pushes the image: the environment's, except for an ssh:// host, which
    /// gets the image from the registry (or over its ssh connection) and never builds: this machine's.
    /// </summary>
    public static DockerEngine ForImages(BuildContext context) =>
        new(context) { DockerHost = SshTransport.IsSshHost(context.DockerHost) ? null : context.DockerHost };

    /// <summary>Points settings at this engine (over this run's ssh settings when it is ssh://).</summary>
    public T With<T>(T settings) where T : DockerSettings
    {
        settings.Host = DockerHost;
        if (SshTransport.IsSshHost(settings.Host))
            foreach (var (name, value) in Context.Ssh.ProcessVariables()) settings.EnvironmentVariables[name] = value;
        return settings;
    }

    private IDeploymentHost? _host;

    /// <summary>Where the environment's files, history, lock and backups are: this machine, or the ssh:// engine's host.</summary>
    public IDeploymentHost Host => _host ??= SshTransport.IsSshHost(DockerHost)
        ? new SshDeploymentHost(() => Context.Ssh.Client, DockerHost, Context.Target.DeployDirectory, Context.EnvironmentsFile)
        : new LocalDeploymentHost(Context);

    public bool IsRemote => Host is SshDeploymentHost;

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

    /// <summary>The engine's facts, asked once for this engine object; a clear error before anything changes when it cannot be reached.</summary>
    public DockerEngineInfo EnsureReachable()
    {
        if (_info is not null) return _info;
        try
        {
            var info = Context.DockerInfo(With(new DockerInfoSettings()));
            if (info.ServerVersion.Length == 0) throw new DockerCommandException(new DockerOutput("docker info", 1, [], ["the engine gave no server version"]));
            Context.Log.Verbose($"Docker engine {info.ServerVersion} at {Describe()}");
            return _info = info;
        }
        catch (DockerCommandException exception)
        {
            throw new PipelineException(Unreachable(DockerHost, exception.Result));
        }
    }

    /// <summary>Restores work on this machine's file system; a remote engine's host would not see those files.</summary>
    /// <param name="what">What the target does on the file system ("restore unpacks the backup").</param>
    public void RefuseRemoteFileSteps(string what)
    {
        if (IsRemote)
            throw new PipelineException($"'{Context.Target.Name}' runs on {Host.Name}, but {what} on this machine's file system; restoring on an ssh:// host is not supported yet. " +
                "Fix: run the pipeline on that host (dockerHost null there).");
    }

    public DockerContainer? Container(string name) => Context.DockerInspectContainer(With(new DockerInspectSettings { Target = name }));

    public DockerImage? Image(string reference) => Context.DockerInspectImage(With(new DockerInspectSettings { Target = reference }));

    public IReadOnlyList<string> Logs(string container, string? since = null, int? tail = null) =>
        Context.DockerLogs(With(new DockerLogsSettings { Container = container, Since = since, Tail = tail }));

    public DockerOutput Exec(string container, params string[] command) =>
        Context.DockerExec(With(new DockerExecSettings { Container = container, Command = command }));
}
