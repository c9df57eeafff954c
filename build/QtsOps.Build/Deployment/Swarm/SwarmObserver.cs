using System.Net.Sockets;
using QtsOps.Build.Registry;
using QtsOps.Core.Swarm;
using QtsOps.Core.Verification;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>
/// Reads a swarm's state through its manager's engine, changing nothing: a service and its tasks, the
/// nodes with the addresses the swarm knows them by, the service's logs, and what each task's own
/// /health says (asked inside the overlay network) and each node's published port (asked from here).
/// </summary>
/// <param name="login">Logs in to the run's registry on the manager, for the probe's image when the manager has not pulled it yet; null when no registry is set.</param>
public sealed class SwarmObserver(DockerEngine engine, Func<RegistryClient>? login = null)
{
    /// <summary>How long a connection to a node's published port may take before the node counts as unreachable from here.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Prints a JSON line a task address: /health at that address's service port, its status and body, or the error.</summary>
    public static readonly string TaskHealthScript = string.Join("\n",
        "import json, sys, urllib.request, urllib.error",
        "for address in sys.argv[1:]:",
        $"    url = f'http://{{address}}:{ContainerScripts.ServicePort}/health'",
        "    try:",
        "        try:",
        "            r = urllib.request.urlopen(url, timeout=5)",
        "        except urllib.error.HTTPError as e:",
        "            r = e",
        "        print(json.dumps({'address': address, 'url': url, 'status': r.status, 'body': r.read().decode('utf-8', 'replace')}))",
        "    except Exception as e:",
        "        print(json.dumps({'address': address, 'url': url, 'error': str(e)}))");

    public DockerEngine Engine => engine;

    /// <summary>The service, or null when the swarm has none of that name.</summary>
    public (SwarmService Service, DateTimeOffset ChangedAt)? Service(string name)
    {
        var inspect = engine.Call(DockerAliases.Docker, new SwarmServiceInspectSettings { Service = name });
        // Only "no such service" means none; any other failure (the manager unreachable, no swarm) is the error it is.
        if (!inspect.Succeeded && string.Join(" ", inspect.Error).Contains("no such service", StringComparison.OrdinalIgnoreCase)) return null;
        var json = string.Join("\n", inspect.EnsureSuccess().Output);
        return (SwarmService.Parse(json), ServiceChange.Since(json));
    }

    /// <summary>The service's tasks, its history included.</summary>
    public IReadOnlyList<SwarmTask> Tasks(string service) =>
        SwarmTask.ParseLines(engine.Call(DockerAliases.Docker, new SwarmServicePsSettings { Service = service }).EnsureSuccess().Output);

    /// <summary>When each task was made and its overlay addresses, by task id.</summary>
    public IReadOnlyDictionary<string, SwarmTaskDetail> Details(IEnumerable<SwarmTask> tasks)
    {
        var ids = tasks.Select(task => task.Id).Distinct().ToList();
        if (ids.Count == 0) return new Dictionary<string, SwarmTaskDetail>();
        var inspect = engine.Call(DockerAliases.Docker, new SwarmTaskInspectSettings { Tasks = ids }).EnsureSuccess();
        return SwarmTaskDetail.ParseInspect(string.Join("\n", inspect.Output)).ToDictionary(task => task.Id);
    }

    /// <summary>Every node of the swarm, with the address it is known by.</summary>
    public IReadOnlyList<SwarmNode> Nodes()
    {
        var ids = engine.Call(DockerAliases.Docker, new SwarmNodeListSettings()).EnsureSuccess().Output
            .Where(line => line.Trim().Length > 0).Select(NodeId).ToList();
        return ids.Count == 0 ? [] : SwarmNode.ParseInspect(string.Join("\n", engine.Call(DockerAliases.Docker, new SwarmNodeInspectSettings { Nodes = ids }).EnsureSuccess().Output));
    }

    private static string NodeId(string nodeListLine)
    {
        using var node = System.Text.Json.JsonDocument.Parse(nodeListLine);
        return node.RootElement.GetProperty("ID").GetString()!;
    }

    /// <summary>The service's log lines since a time, each prefixed with its task and node.</summary>
    public IReadOnlyList<string> Logs(string service, DateTimeOffset since)
    {
        // The tasks' stderr (a traceback) comes on the command's stderr.
        var logs = engine.Call(DockerAliases.Docker, new SwarmServiceLogsSettings { Service = service, Since = since }).EnsureSuccess();
        return [.. logs.Output, .. logs.Error];
    }

    /// <summary>
    /// Each task's own /health by task id, asked by a one-off container of <paramref name="image"/> on the manager at the
    /// task's address on its overlay network; a task with no such address is left out. A probe that could not run leaves each task with its error.
    /// </summary>
    public IReadOnlyDictionary<string, TaskHealth> TaskHealth(IEnumerable<SwarmTask> tasks, IReadOnlyDictionary<string, SwarmTaskDetail> details, string image)
    {
        var addressed = tasks.Select(task => (task.Id, Address: details.GetValueOrDefault(task.Id)?.Addresses.FirstOrDefault(a => a.Network != IngressNetwork)))
            .Where(found => found.Address is not null).ToList();
        var answers = new Dictionary<string, TaskHealth>(StringComparer.Ordinal);
        foreach (var network in addressed.GroupBy(found => found.Address!.Network))
        {
            var byAddress = Probe(network.Key, image, [.. network.Select(found => found.Address!.Address)]);
            foreach (var (id, address) in network) answers[id] = byAddress[address!.Address];
        }
        return answers;
    }

    /// <summary>The routing mesh's network: no service port is reached there.</summary>
    private const string IngressNetwork = "ingress";

    private Dictionary<string, TaskHealth> Probe(string network, string image, IReadOnlyList<string> addresses)
    {
        // The manager runs the probe from the release's image: a manager with no task of it has not pulled it, and pulls it with the run's login.
        using var client = login is not null && engine.Image(image) is null ? login() : null;
        var probe = engine.Call(DockerAliases.Docker, new SwarmNetworkProbeSettings { Network = network, Image = image, Script = TaskHealthScript, Arguments = addresses, ConfigDirectory = client?.ConfigDirectory });
        var answers = Core.Swarm.TaskHealth.ParseLines(probe.Output).ToDictionary(answer => answer.Address);
        var why = $"the probe on {network} could not run: {string.Join(" ", probe.Error).Trim()}";
        return addresses.Distinct().ToDictionary(address => address, address => answers.GetValueOrDefault(address)
            ?? new TaskHealth(address, new HttpEvidence($"http://{address}:{ContainerScripts.ServicePort}/health", null, "", why), null));
    }

    /// <summary>/health through a node's published port at its swarm address, or why it was not asked (no route from here, the node down or drained).</summary>
    public static NodeHealth AskNode(SwarmNode node, int port)
    {
        if (node.NotServingBecause is { } notServing) return new NodeHealth(node.Hostname, node.Address, null, notServing);
        if (Unreachable(node.Address, port) is { } why) return new NodeHealth(node.Hostname, node.Address, null, why);
        var url = $"http://{node.Address}:{port}/health";
        return new NodeHealth(node.Hostname, node.Address, EndpointJudgement.Ask(() => HealthEndpoint.Get(url), Thread.Sleep));
    }

    /// <summary>
    /// Why this machine cannot reach the address at all (no route, a timeout), or null when it can: a refused
    /// connection means the node answered, with nothing listening on the port, which verify judges as a failure.
    /// </summary>
    private static string? Unreachable(string address, int port)
    {
        using var client = new TcpClient();
        try
        {
            return client.ConnectAsync(address, port).Wait(ConnectTimeout) ? null : $"{address}:{port} did not answer within {ConnectTimeout.TotalSeconds:0} s from this machine";
        }
        catch (AggregateException failed) when (failed.InnerException is SocketException socket)
        {
            return socket.SocketErrorCode == SocketError.ConnectionRefused ? null : $"{address} is not reachable from this machine ({socket.SocketErrorCode})";
        }
    }
}
