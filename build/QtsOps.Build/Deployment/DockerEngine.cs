using Cake.Core.Diagnostics;
using QtsOps.Release.Deployment;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>The environment's Docker engine: every call goes to its DOCKER_HOST, failures become actionable errors.</summary>
public sealed class DockerEngine(BuildContext context)
{
    public BuildContext Context { get; } = context;

    /// <summary>Points settings at this environment's engine (over this run's ssh settings when it is ssh://).</summary>
    public T With<T>(T settings) where T : DockerSettings
    {
        settings.Host = Context.DockerHost;
        if (SshTransport.IsSshHost(settings.Host))
            foreach (var (name, value) in Context.Ssh.ProcessVariables()) settings.EnvironmentVariables[name] = value;
        return settings;
    }

    public string Describe() => Context.DockerHost ?? Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "the local default (unix:///var/run/docker.sock)";

    /// <summary>The engine's facts; a clear error before anything changes when it cannot be reached.</summary>
    public DockerEngineInfo EnsureReachable()
    {
        try
        {
            var info = Context.DockerInfo(With(new DockerInfoSettings()));
            if (info.ServerVersion.Length == 0) throw new DockerCommandException(new DockerOutput("docker info", 1, [], ["the engine gave no server version"]));
            Context.Log.Verbose($"Docker engine {info.ServerVersion} at {Describe()}");
            return info;
        }
        catch (DockerCommandException exception) when (SshTransport.HostKeyRefusal(Context.DockerHost, exception.Result) is { } refusal)
        {
            throw new PipelineException(refusal);
        }
        catch (DockerCommandException exception)
        {
            var failure = EngineConnectionFailure.Explain(Context.DockerHost ?? Environment.GetEnvironmentVariable("DOCKER_HOST"), exception.Result.Error);
            throw new PipelineException($"The Docker engine at {Describe()} is not reachable: {failure.Cause}. Nothing was changed. Fix: {failure.Fix}");
        }
    }

    /// <summary>Backups, installs and restores work on this machine's file system; a remote engine would not see those files.</summary>
    /// <param name="what">What the target does on the file system ("deploy backs up and installs").</param>
    public void RefuseRemoteFileSteps(string what)
    {
        if (Context.DockerHost is { } host && !host.StartsWith("unix://") && !host.StartsWith("tcp://127.") && !host.StartsWith("tcp://localhost"))
            throw new PipelineException($"'{Context.Target.Name}' runs on {host}, but {what} on this machine's file system. " +
                "Fix: run the pipeline on that host (dockerHost null there), or use a local engine; remote file transfer is not supported yet.");
    }

    public DockerContainer? Container(string name) => Context.DockerInspectContainer(With(new DockerInspectSettings { Target = name }));

    public DockerImage? Image(string reference) => Context.DockerInspectImage(With(new DockerInspectSettings { Target = reference }));

    public IReadOnlyList<string> Logs(string container, string? since = null, int? tail = null) =>
        Context.DockerLogs(With(new DockerLogsSettings { Container = container, Since = since, Tail = tail }));

    public DockerOutput Exec(string container, params string[] command) =>
        Context.DockerExec(With(new DockerExecSettings { Container = container, Command = command }));
}
