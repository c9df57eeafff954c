using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Validation.Observer;
using QtsOps.Core.Validation.Sources;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace QtsOps.Core.Swarm;

/// <summary>What a stack file deploys: the release, its images pinned by the digests the registry confirmed, and whether a failed update rolls back.</summary>
/// <param name="ObserverImage">repository@sha256:… of the release's image, as the push confirmed it.</param>
/// <param name="EdgeImage">repository@sha256:… of the edge's image in the registry the nodes pull from.</param>
/// <param name="AutomaticRollback">The environment's automaticRollback, unless --no-rollback: false makes a failed update pause instead.</param>
public sealed record StackRelease(string Release, string ObserverImage, string EdgeImage, bool AutomaticRollback);

/// <summary>A stack file and the files beside it that it names (the edge's nginx configuration, the configs and secrets the compose file reads from files), by name.</summary>
/// <param name="Name">The stack: the environment's composeProject.</param>
/// <param name="Dropped">What the compose file sets that a swarm does not apply, each with what stands for it there.</param>
public sealed record StackFile(string Name, string Text, IReadOnlyDictionary<string, string> Files, IReadOnlyList<string> Dropped);

/// <summary>
/// The stack file `docker stack deploy` gets for a swarm environment, made from the release's compose
/// file (the one validate judged): every variable resolved (the stack reader reads no .env), the
/// observer's image pinned by digest, the engine's rollout (update_config, rollback_config, restart
/// policy, the compose file's health check as its gate), an overlay network, endpoint_mode dnsrr (this
/// kernel has no IPVS for VIPs or the routing mesh), configs and secrets named by their content's hash
/// (Swarm cannot change one in place), and the edge: nginx as a global service publishing the
/// environment's port in host mode on each node and forwarding over the overlay to the observer's
/// tasks, whose addresses it asks Swarm's DNS for again every <see cref="DnsValidity"/>.
/// </summary>
public static partial class SwarmStack
{
    public const string ObserverService = ObserverFiles.ServiceName;
    public const string EdgeService = "edge";
    public const string FileName = "stack.yml";
    public const string EdgeConfigFile = "edge-nginx.conf";

    /// <summary>Where a swarm publishes a host-mode port: every address of the node.</summary>
    public const string PublishedOnEveryAddress = "0.0.0.0";

    /// <summary>How long the edge keeps an answer of Swarm's DNS: a task that starts or goes is seen within this.</summary>
    public static readonly TimeSpan DnsValidity = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the edge waits on a task. A task that just went (or whose node no longer passes the overlay's
    /// traffic) may still be in an edge's answer, the other nodes learning of it by gossip: a connect to its address
    /// hangs instead of being refused, and a request already sent to it gets no answer. The request goes to the next
    /// task only after these: short, so that a client's request still gets its answer in time (on an overlay a connect
    /// takes milliseconds, and the observer answers only /health, in milliseconds).
    /// </summary>
    public static readonly UpstreamTimeouts EdgeTimeouts = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1));

    /// <summary>Swarm's DNS server, inside every container on an overlay network.</summary>
    public const string SwarmDns = "127.0.0.11";

    /// <summary>The observer's service on the swarm (docker service ps/inspect/logs take it).</summary>
    public static string ServiceName(string stack) => $"{stack}_{ObserverService}";

    public static string EdgeServiceName(string stack) => $"{stack}_{EdgeService}";

    /// <summary>What a compose file may set that a swarm does not apply, with what stands for it there.</summary>
    private static readonly Dictionary<string, string> Unapplied = new(StringComparer.Ordinal)
    {
        ["build"] = "the nodes run the image pinned by digest",
        ["container_name"] = "Swarm names each task's container",
        ["restart"] = "deploy.restart_policy restarts the tasks",
        ["security_opt"] = "a swarm service cannot set it (docker stack deploy ignores it); the image's user and the read-only root stay",
    };

    /// <param name="composeText">The release's docker-compose.yml.</param>
    /// <param name="composeFile">Its path, for errors.</param>
    /// <param name="variables">The compose variables the pipeline gives a release (QTS_OBSERVER_*): the same values a compose deploy would use.</param>
    /// <param name="readFile">The text of a file a config or secret of the compose file names (relative to the compose file); null when there is none.</param>
    public static StackFile Write(DeploymentEnvironment target, StackRelease release, string composeText, string composeFile,
        IReadOnlyDictionary<string, string> variables, Func<string, string?> readFile)
    {
        var swarm = target.Swarm ?? throw new ArgumentException($"{target.Name} runs on compose, not on a swarm", nameof(target));
        RequirePinned(release.ObserverImage, "the release's image");
        RequirePinned(release.EdgeImage, "the edge's image");
        var compose = Load(composeText, composeFile);
        Interpolate(compose, variables, composeFile);
        var services = compose.Child("services") as YamlMappingNode;
        if (services?.Child(ObserverService) is not YamlMappingNode observer)
            throw new StackFileException(composeFile, services?.Line() ?? 1, $"no service '{ObserverService}' under services:", $"define the observer as services: {ObserverService}:");

        var dropped = new List<string>();
        var stack = target.ComposeProject;
        var network = FirstNetwork(observer);
        var edgeConfig = EdgeNginxConfig(stack);
        var root = new YamlMappingNode
        {
            { "services", new YamlMappingNode
            {
                { ObserverService, Observer(observer, target, swarm, release, composeFile, dropped) },
                { EdgeService, Edge(target, swarm, release, network, Labels(observer, "io.qtsops.environment", "io.qtsops.deployment")) },
            } },
        };
        root.Add("networks", Networks(compose.Child("networks") as YamlMappingNode, network));
        var files = new Dictionary<string, string> { [EdgeConfigFile] = edgeConfig };
        var configs = Named(compose.Child("configs") as YamlMappingNode, "config", stack, readFile, composeFile, files);
        configs.Add($"{EdgeService}-nginx", new YamlMappingNode { { "name", $"{stack}-{EdgeService}-nginx-{ContentHash(edgeConfig)}" }, { "file", $"./{EdgeConfigFile}" } });
        root.Add("configs", configs);
        if (compose.Child("secrets") is YamlMappingNode secrets) root.Add("secrets", Named(secrets, "secret", stack, readFile, composeFile, files));
        foreach (var other in services.Children.Keys.Select(k => k.Scalar()).Where(k => k != ObserverService))
            dropped.Add($"service {other}: the stack runs the observer and its edge only");

        var text = new StringWriter(CultureInfo.InvariantCulture);
        text.Write($"# Written by QtsOps from {composeFile} for release {release.Release} on {target.Name}: what `docker stack deploy` reads. Do not edit.\n");
        new YamlStream(new YamlDocument(root)).Save(text, assignAnchors: false);
        return new StackFile(stack, DocumentEnd().Replace(text.ToString(), ""), files, dropped);
    }

    private static YamlMappingNode Observer(YamlMappingNode service, DeploymentEnvironment target, SwarmSettings swarm, StackRelease release, string composeFile, List<string> dropped)
    {
        var result = new YamlMappingNode();
        var volumes = new YamlSequenceNode();
        foreach (var (keyNode, value) in service.Children)
        {
            var key = keyNode.Scalar()!;
            if (Unapplied.TryGetValue(key, out var instead)) dropped.Add($"{key}: {instead}");
            else if (key == "ports")
                throw new StackFileException(composeFile, keyNode.Line(), $"the observer publishes ports itself, but on a swarm the edge publishes \"port\" {target.Port} on each node",
                    $"move its ports: to {ObserverFiles.PublishPath} (a release packaged before start-first cannot run on a swarm: deploy a newer one)");
            else if (key == "volumes") foreach (var volume in value.Items()) volumes.Add(volume);
            // Swarm has no tmpfs: key; a tmpfs mount is the same thing.
            else if (key == "tmpfs") foreach (var path in value is YamlSequenceNode ? value.Items() : [value]) volumes.Add(new YamlMappingNode { { "type", "tmpfs" }, { "target", path.Scalar() ?? "" } });
            else if (key is not ("image" or "deploy")) result.Add(key, value);
        }
        result.Children[new YamlScalarNode("image")] = release.ObserverImage;
        if (volumes.Children.Count > 0) result.Children[new YamlScalarNode("volumes")] = volumes;

        var deploy = new YamlMappingNode();
        if (swarm.Replicas is { } replicas)
        {
            deploy.Add("mode", "replicated");
            deploy.Add("replicas", Number(replicas));
        }
        else deploy.Add("mode", "global");
        deploy.Add("endpoint_mode", "dnsrr");
        var placement = Placement(swarm);
        // Each task writes its node's data directory: two tasks of a replicated service never share one node.
        if (swarm.Replicas is not null) placement.Add("max_replicas_per_node", "1");
        if (placement.Children.Count > 0) deploy.Add("placement", placement);
        deploy.Add("update_config", Rollout(swarm, release.AutomaticRollback ? "rollback" : "pause"));
        deploy.Add("rollback_config", Rollout(swarm, "pause"));
        deploy.Add("restart_policy", new YamlMappingNode { { "condition", "any" }, { "delay", "5s" } });
        if (service.Child("deploy").Child("resources") is { } resources) deploy.Add("resources", resources);
        if (service.Child("labels") is YamlMappingNode labels) deploy.Add("labels", labels);
        result.Add("deploy", deploy);
        return result;
    }

    /// <summary>The edge: nginx on each node the placement allows, publishing the port there (host mode, no routing mesh).</summary>
    private static YamlMappingNode Edge(DeploymentEnvironment target, SwarmSettings swarm, StackRelease release, string? network, YamlMappingNode labels)
    {
        var placement = Placement(swarm);
        var deploy = new YamlMappingNode { { "mode", "global" } };
        if (placement.Children.Count > 0) deploy.Add("placement", placement);
        // A node's port is bound by one edge at a time: its edge is replaced stop-first. Its configuration
        // names the observer's service, not a release, so an upgrade of the observer leaves the edge alone.
        deploy.Add("update_config", new YamlMappingNode { { "parallelism", "1" }, { "order", "stop-first" }, { "failure_action", release.AutomaticRollback ? "rollback" : "pause" } });
        deploy.Add("restart_policy", new YamlMappingNode { { "condition", "any" }, { "delay", "2s" } });
        deploy.Add("labels", labels);
        var edge = new YamlMappingNode
        {
            { "image", release.EdgeImage },
            // www-data: nginx needs no root to listen on 8000.
            { "user", new YamlScalarNode("33:33") { Style = ScalarStyle.DoubleQuoted } },
            { "labels", labels },
            { "read_only", "true" },
            { "volumes", new YamlSequenceNode(new YamlMappingNode { { "type", "tmpfs" }, { "target", "/tmp" } }) },
            { "configs", new YamlSequenceNode(new YamlMappingNode { { "source", $"{EdgeService}-nginx" }, { "target", $"{SlotLayout.ConfigMount}/{SlotLayout.MainConfig}" } }) },
            { "ports", new YamlSequenceNode(new YamlMappingNode
            {
                { "target", Number(SlotLayout.ServicePort) }, { "published", Number(target.Port) }, { "protocol", "tcp" }, { "mode", "host" },
            }) },
        };
        if (network is not null) edge.Add("networks", new YamlSequenceNode(new YamlScalarNode(network)));
        edge.Add("deploy", deploy);
        return edge;
    }

    /// <summary>nginx's configuration of the edge: forwards to whichever of the observer's tasks Swarm's DNS names now.</summary>
    public static string EdgeNginxConfig(string stack) => SlotLayout.NginxConfig(
        [
            "Written by QtsOps: the edge of a swarm environment, one task on each node, forwarding over the overlay",
            "network to the observer's tasks, an address each (endpoint_mode dnsrr) that Swarm's DNS gives;",
            "a variable in proxy_pass makes nginx ask again once an answer is older than the resolver's valid=.",
        ],
        [$"resolver {SwarmDns} valid={DnsValidity.TotalSeconds:0}s ipv6=off;", "resolver_timeout 2s;"],
        [
            $"set $observer {ServiceName(stack)};",
            $"proxy_pass http://$observer:{SlotLayout.ServicePort};",
            // A task that just stopped may still be in the answer: the request goes to the next address (a GET is safe to send again).
            "proxy_next_upstream error timeout http_502 http_503;",
            "proxy_next_upstream_timeout 10s;",
        ], EdgeTimeouts);

    private static YamlMappingNode Rollout(SwarmSettings swarm, string failureAction) => new()
    {
        { "parallelism", Number(swarm.UpdateParallelism) },
        { "delay", $"{swarm.UpdateDelaySeconds}s" },
        { "monitor", $"{swarm.MonitorSeconds}s" },
        { "order", SwarmSettings.Name(swarm.UpdateOrder) },
        { "failure_action", failureAction },
        { "max_failure_ratio", "0" },
    };

    private static YamlMappingNode Placement(SwarmSettings swarm) => swarm.Placement.Count == 0 ? [] : new YamlMappingNode
    {
        { "constraints", new YamlSequenceNode(swarm.Placement.Select(constraint => new YamlScalarNode(constraint))) },
    };

    /// <summary>The compose file's networks as overlay networks across the nodes (their names kept); the default one when it names none.</summary>
    private static YamlMappingNode Networks(YamlMappingNode? declared, string? used)
    {
        var networks = new YamlMappingNode();
        foreach (var (key, value) in declared?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var network = new YamlMappingNode();
            if (value.Child("name") is { } name) network.Add("name", name);
            network.Add("driver", "overlay");
            // Attachable: verify's probes and a one-off container can join the service's network.
            network.Add("attachable", "true");
            networks.Add(key, network);
        }
        if (used is null) networks.Add("default", new YamlMappingNode { { "driver", "overlay" }, { "attachable", "true" } });
        return networks;
    }

    private static string? FirstNetwork(YamlMappingNode service) => service.Child("networks") switch
    {
        YamlSequenceNode list => list.Children.FirstOrDefault().Scalar(),
        YamlMappingNode map => map.Children.Keys.FirstOrDefault().Scalar(),
        _ => null,
    };

    private static YamlMappingNode Labels(YamlMappingNode service, params string[] keys)
    {
        var labels = new YamlMappingNode();
        foreach (var key in keys)
            if (service.Child("labels").Child(key) is { } value) labels.Add(key, value);
        return labels;
    }

    /// <summary>
    /// Configs or secrets read from files, each named by its content's hash: a changed file is a new config, which Swarm can swap.
    /// Each file's content goes into <paramref name="files"/> under a name of its own with that hash (&lt;kind&gt;-&lt;key&gt;-&lt;hash&gt;), which
    /// the stack file names: it is kept beside the stack file in the release's directory, so a rollback deploys the very content.
    /// </summary>
    private static YamlMappingNode Named(YamlMappingNode? declared, string kind, string stack, Func<string, string?> readFile, string composeFile, Dictionary<string, string> files)
    {
        var named = new YamlMappingNode();
        foreach (var (keyNode, value) in declared?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var key = keyNode.Scalar()!;
            if (value.Child("file").Scalar() is not { } file) { named.Add(keyNode, value); continue; } // external: named where it was made
            var content = readFile(file) ?? throw new StackFileException(composeFile, value.Line(), $"'{key}' names the file {file}, which the release does not have",
                "put the file into the deploy package (src/observer) or correct the path");
            var hash = ContentHash(content);
            var kept = $"{kind}-{key}-{hash}";
            files[kept] = content;
            named.Add(keyNode, new YamlMappingNode { { "name", $"{stack}-{key}-{hash}" }, { "file", $"./{kept}" } });
        }
        return named;
    }

    /// <summary>A kept stack file's configs and secrets read from files: each file (relative to the stack file) and the content hash its name ends with.</summary>
    public static IReadOnlyList<(string File, string Hash)> NamedFiles(string stackText, string where)
    {
        var stack = Load(stackText, where);
        return [.. new[] { "configs", "secrets" }
            .SelectMany(kind => (stack.Child(kind) as YamlMappingNode)?.Children.Values ?? [])
            .Where(entry => entry.Child("file").Scalar() is not null)
            .Select(entry => (entry.Child("file").Scalar()!, entry.Child("name").Scalar() is { } name ? name[(name.LastIndexOf('-') + 1)..] : ""))];
    }

    /// <summary>Whether two stack files deploy the same (the comment that says where and when one was written aside).</summary>
    public static bool SameStack(string one, string other)
    {
        static string Body(string text) => string.Join("\n", text.Split('\n').Select(line => line.TrimEnd()).Where(line => !line.StartsWith('#'))).TrimEnd();
        return Body(one) == Body(other);
    }

    /// <summary>What a config or secret is named by: the first 12 hex digits of its content's SHA-256.</summary>
    public static string ContentHash(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..12];

    private static YamlScalarNode Number(int value) => new(value.ToString(CultureInfo.InvariantCulture));

    private static void RequirePinned(string image, string what)
    {
        if (!PinnedImage().IsMatch(image))
            throw new ArgumentException($"{what} must be pinned by the digest the registry confirmed (repository@sha256:<64 hex>), not '{image}': a tag lets each node resolve it on its own");
    }

    private static YamlMappingNode Load(string text, string file)
    {
        try
        {
            return ObserverFiles.LoadYaml(text);
        }
        catch (YamlException yaml)
        {
            throw new StackFileException(file, (int)yaml.Start.Line, $"cannot be parsed: {yaml.Message}", "fix the syntax (validate reports it too)");
        }
        catch (InvalidDataException invalid)
        {
            throw new StackFileException(file, 1, invalid.Message, "restore the release's compose file");
        }
    }

    /// <summary>Every value resolved in place (keys are names, never variables).</summary>
    private static void Interpolate(YamlNode node, IReadOnlyDictionary<string, string> variables, string file)
    {
        switch (node)
        {
            case YamlScalarNode scalar when scalar.Value is { } value && value.Contains('$'):
                scalar.Value = ComposeInterpolation.Resolve(value, variables, (file, scalar.Line()));
                // A variable's value is a string, as compose reads it (its loader casts where a number is due):
                // plain, a release 1.10 would be read back as the number 1.1.
                if (scalar.Style is ScalarStyle.Any or ScalarStyle.Plain) scalar.Style = ScalarStyle.DoubleQuoted;
                break;
            case YamlMappingNode mapping:
                foreach (var child in mapping.Children.Values) Interpolate(child, variables, file);
                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children) Interpolate(child, variables, file);
                break;
        }
    }

    [GeneratedRegex(@"^[^@\s]+@sha256:[0-9a-f]{64}$")]
    private static partial Regex PinnedImage();

    // YamlDotNet ends a document with "...": valid YAML, noise for a reader.
    [GeneratedRegex(@"\.\.\.\r?\n?\z")]
    private static partial Regex DocumentEnd();
}
