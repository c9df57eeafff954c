using Cake.Core.Diagnostics;
using System.Net.Sockets;
using QtsOps.Core.Deployment;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// What a deploy checks before it changes anything, from the session's state: the containers under the
/// environment's names are this deployment's, and the pre-deploy checks (<see cref="PreDeployChecks"/>:
/// disk, the engine's memory, who holds the port). The deploy checks under its lock; preflight before the build.
/// </summary>
public sealed class PreDeployCheck(DeploySession session)
{
    /// <summary>Why a deploy without --take-over may not act on the environment; null when every container under its names is this deployment's.</summary>
    public string? ForeignRefusal(DeploymentState state) => state.ClaimRefusal("nothing was changed",
        "deploy from that checkout, give this environment another containerName and port in environments.json, " +
        "or take it over with --take-over (the data its containers mount is backed up first).");

    /// <summary>Throws, listing them, when the pre-deploy checks find problems; logs that they passed.</summary>
    public void Require(DockerEngineInfo info, DeploymentState state)
    {
        var target = session.Target;
        var problems = Problems(info, state);
        if (problems.Count > 0)
            throw new PipelineException($"Pre-deploy checks failed for '{target.Name}'; nothing was changed:{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", problems)}");
        session.Log.Information($"Pre-deploy checks passed: engine {info.ServerVersion}, {info.MemTotal / 1024 / 1024} MB memory, disk and port {target.Bind}:{target.Port} available");
    }

    /// <summary>What the pre-deploy checks find now: disk (from the state), the engine's memory, who holds the port.</summary>
    public IReadOnlyList<string> Problems(DockerEngineInfo info, DeploymentState state)
    {
        var (engine, target) = (session.Engine, session.Target);
        var holders = engine.Call(DockerAliases.DockerPs, new DockerPsSettings { Filters = [$"publish={target.Port}"] }).Select(c => c.Names).ToList();
        // A port is tried from here only on this machine; on a remote host the engine's list of published ports is the evidence.
        return PreDeployChecks.Problems(new PreDeployEvidence(
            session.Store.DeployDirectory, state.Host.AvailableBytes, target.MinFreeDiskMb,
            info.MemTotal, target.MinMemoryMb,
            target.Bind, target.Port, holders, !engine.IsRemote && Answers(target.Bind, target.Port), [target.ContainerName, session.Layout.EdgeContainer]));
    }

    private static bool Answers(string bind, int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(bind == "0.0.0.0" ? "127.0.0.1" : bind, port).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
    }
}
