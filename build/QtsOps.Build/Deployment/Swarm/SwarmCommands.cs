using System.Globalization;
using Cake.Core;
using Cake.Core.IO;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>
/// `docker stack deploy` of a stack file (QtsOps.Core.Swarm.SwarmStack): detached, as the pipeline waits
/// for convergence itself (bounded, ConvergenceJudgement); pruning the services the file no longer names.
/// The image is pinned by digest already, so the client asks the registry nothing (--resolve-image=never).
/// </summary>
public sealed class SwarmStackDeploySettings : DockerSettings, IDockerCommand
{
    public required string ComposeFile { get; init; }
    public required string Stack { get; init; }
    /// <summary>Sends this client's registry login to the nodes, so that they can pull: set when the environment has a registry.</summary>
    public bool WithRegistryAuth { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments)
    {
        arguments.Append("stack").Append("deploy").Append("--compose-file").AppendQuoted(ComposeFile);
        if (WithRegistryAuth) arguments.Append("--with-registry-auth");
        arguments.Append("--prune").Append("--detach=true").Append("--resolve-image=never").AppendQuoted(Stack);
    }
}

/// <summary>`docker service ps` of a service, its history included, one JSON object a task (SwarmTask.ParseLines reads it).</summary>
public sealed class SwarmServicePsSettings : DockerSettings, IDockerCommand
{
    public required string Service { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments) =>
        arguments.Append("service").Append("ps").Append("--no-trunc").Append("--format").AppendQuoted("{{json .}}").AppendQuoted(Service);
}

/// <summary>`docker service inspect` of a service: its mode, image and update state, as JSON (SwarmService.Parse reads it).</summary>
public sealed class SwarmServiceInspectSettings : DockerSettings, IDockerCommand
{
    public required string Service { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments) => arguments.Append("service").Append("inspect").AppendQuoted(Service);
}

/// <summary>`docker service logs` of every task of a service since a time, each line prefixed with its task and node.</summary>
public sealed class SwarmServiceLogsSettings : DockerSettings, IDockerCommand
{
    public required string Service { get; init; }
    public required DateTimeOffset Since { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments) =>
        arguments.Append("service").Append("logs").Append("--since").AppendQuoted(Since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).AppendQuoted(Service);
}

/// <summary>`docker node ls`: the swarm's nodes, one JSON object a node (ID, Hostname, Status, Availability, ManagerStatus).</summary>
public sealed class SwarmNodeListSettings : DockerSettings, IDockerCommand
{
    public void AppendTo(ProcessArgumentBuilder arguments) => arguments.Append("node").Append("ls").Append("--format").AppendQuoted("{{json .}}");
}

/// <summary>`docker node update --availability drain`: the engine moves the node's tasks to the others.</summary>
public sealed class SwarmNodeDrainSettings : DockerSettings, IDockerCommand
{
    public required string Node { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments) => arguments.Append("node").Append("update").Append("--availability").Append("drain").AppendQuoted(Node);
}

/// <summary>`docker node inspect` of nodes by id: each one's hostname, state, availability and the address the swarm knows it by (SwarmNode.ParseInspect reads it).</summary>
public sealed class SwarmNodeInspectSettings : DockerSettings, IDockerCommand
{
    public required IReadOnlyList<string> Nodes { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments)
    {
        arguments.Append("node").Append("inspect");
        foreach (var node in Nodes) arguments.AppendQuoted(node);
    }
}

/// <summary>`docker inspect --type task` of tasks by id: when each was made and its overlay addresses (SwarmTaskDetail.ParseInspect reads it).</summary>
public sealed class SwarmTaskInspectSettings : DockerSettings, IDockerCommand
{
    public required IReadOnlyList<string> Tasks { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments)
    {
        arguments.Append("inspect").Append("--type").Append("task");
        foreach (var task in Tasks) arguments.AppendQuoted(task);
    }
}

/// <summary>
/// A one-off container of the service's own image on the manager, on the service's (attachable) overlay network,
/// running a Python script with arguments: it reaches each task at its own address, which nothing outside the overlay can.
/// </summary>
public sealed class SwarmNetworkProbeSettings : DockerSettings, IDockerCommand
{
    public required string Network { get; init; }
    public required string Image { get; init; }
    public required string Script { get; init; }
    public required IReadOnlyList<string> Arguments { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments)
    {
        arguments.Append("run").Append("--rm").Append("--network").AppendQuoted(Network).Append("--read-only").Append("--cap-drop").Append("ALL")
            .Append("--entrypoint").Append("python3").AppendQuoted(Image).Append("-c").AppendQuoted(Script);
        foreach (var argument in Arguments) arguments.AppendQuoted(argument);
    }
}

/// <summary>
/// `docker stack rm --detach=false`: removes the stack's services, networks and configs (a first deploy that failed leaves nothing
/// half-up, down) and waits while the manager still lists tasks of it (detached, the command returns at once).
/// </summary>
public sealed class SwarmStackRemoveSettings : DockerSettings, IDockerCommand
{
    public required string Stack { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments) => arguments.Append("stack").Append("rm").Append("--detach=false").AppendQuoted(Stack);
}

/// <summary>
/// `docker service create --mode global-job`: one task on every node the constraints allow, run once to its end, as root,
/// with host folders bind-mounted (a swarm never creates a bind mount's source, so what must exist is made this way), detached:
/// the pipeline waits for the tasks itself.
/// </summary>
public sealed class SwarmNodeJobSettings : DockerSettings, IDockerCommand
{
    public required string Name { get; init; }
    public required string Image { get; init; }
    public IReadOnlyList<string> Constraints { get; init; } = [];
    /// <summary>host folder → the path it is mounted at in the task.</summary>
    public required IReadOnlyDictionary<string, string> Mounts { get; init; }
    public required string Entrypoint { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];
    public bool WithRegistryAuth { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments)
    {
        arguments.Append("service").Append("create").Append("--name").AppendQuoted(Name).Append("--mode").Append("global-job").Append("--detach")
            .Append("--restart-condition").Append("none").Append("--user").Append("0:0");
        if (WithRegistryAuth) arguments.Append("--with-registry-auth");
        foreach (var constraint in Constraints) arguments.Append("--constraint").AppendQuoted(constraint);
        foreach (var (source, target) in Mounts) arguments.Append("--mount").AppendQuoted($"type=bind,source={source},target={target}");
        arguments.Append("--entrypoint").AppendQuoted(Entrypoint).AppendQuoted(Image);
        foreach (var argument in Arguments) arguments.AppendQuoted(argument);
    }
}

/// <summary>`docker service rm`: a finished job's service.</summary>
public sealed class SwarmServiceRemoveSettings : DockerSettings, IDockerCommand
{
    public required string Service { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments) => arguments.Append("service").Append("rm").AppendQuoted(Service);
}

/// <summary>`docker service logs --raw` of a one-off job: what its task printed, standard output and error apart, without the task and node prefix.</summary>
public sealed class SwarmJobOutputSettings : DockerSettings, IDockerCommand
{
    public required string Service { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments) => arguments.Append("service").Append("logs").Append("--raw").AppendQuoted(Service);
}

/// <summary>`docker stack ps` of a stack: its tasks' names, one a line; it fails saying "nothing found in stack" once the manager knows none.</summary>
public sealed class SwarmStackTasksSettings : DockerSettings, IDockerCommand
{
    public required string Stack { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments) => arguments.Append("stack").Append("ps").Append("--format").AppendQuoted("{{.Name}}").AppendQuoted(Stack);
}

/// <summary>`docker service ls` or `docker network ls` of what a stack made (its label), one name a line.</summary>
public sealed class SwarmStackObjectsSettings : DockerSettings, IDockerCommand
{
    /// <summary>service or network.</summary>
    public required string Kind { get; init; }
    public required string Stack { get; init; }

    public void AppendTo(ProcessArgumentBuilder arguments) =>
        arguments.Append(Kind).Append("ls").Append("--filter").AppendQuoted($"label=com.docker.stack.namespace={Stack}").Append("--format").AppendQuoted("{{.Name}}");
}
