using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;
using QtsOps.Core.Validation.Observer;
using QtsOps.Core.Validation.Sources;
using YamlDotNet.RepresentationModel;

namespace QtsOps.Tests.Core;

/// <summary>The stack file of a swarm environment (issue 23, points 3, 6 and 7), made from the repository's own compose file.</summary>
[Category("Core")]
public class SwarmStackTests
{
    private static YamlMappingNode Yaml(string text) => ObserverFiles.LoadYaml(text);

    private static YamlNode? At(YamlNode? node, params string[] path) => path.Aggregate(node, (current, key) => current.Child(key));

    private static YamlNode? Observer(StackFile stack) => At(Yaml(stack.Text), "services", SwarmStack.ObserverService);

    private static YamlNode? Edge(StackFile stack) => At(Yaml(stack.Text), "services", SwarmStack.EdgeService);

    [Test]
    public void The_observer_runs_the_image_pinned_by_digest_with_every_variable_resolved()
    {
        var stack = SwarmStackInputs.Write();

        Assert.That(stack.Name, Is.EqualTo("qts-observer"));
        Assert.That(At(Observer(stack), "image").Scalar(), Is.EqualTo(SwarmStackInputs.ObserverImage));
        Assert.That(stack.Text, Does.Not.Contain("${").And.Not.Contain("qts-observer:1.4.0"));
        Assert.That(At(Observer(stack), "healthcheck", "interval").Scalar(), Is.EqualTo("10s"), "the compose file's health check, resolved, is the gate");
        Assert.That(At(Observer(stack), "healthcheck", "test").Items().Select(item => item.Scalar()), Does.Contain("CMD"));
        Assert.That(At(Observer(stack), "labels", "io.qtsops.release").Scalar(), Is.EqualTo("1.4.0"));
        Assert.That(At(Observer(stack), "deploy", "labels", "io.qtsops.environment").Scalar(), Is.EqualTo("cluster"));
    }

    [Test]
    public void The_stack_file_of_the_repository_s_compose_file_says_this_and_nothing_else()
    {
        var stack = SwarmStackInputs.Write();

        // The edge's labels are the observer's two that say whose it is, written out in both places (no YAML anchor).
        Assert.That(stack.Text.ReplaceLineEndings("\n"), Is.EqualTo($"""
            # Written by QtsOps from src/observer/docker-compose.yml for release 1.4.0 on cluster: what `docker stack deploy` reads. Do not edit.
            services:
              qts-observer:
                labels:
                  io.qtsops.environment: "cluster"
                  io.qtsops.deployment: "/opt/qts-observer"
                  io.qtsops.release: "1.4.0"
                  io.qtsops.version: "1.4.0"
                environment:
                  QTS_OBSERVER_STANDALONE: "1"
                  PYTHONPATH: /app/src:/app
                  OBSERVER_DATA_DIR: /app/data/observer
                  OBSERVER_LOG_DIR: /app/logs
                healthcheck:
                  test: ["CMD", "python3", "-c", "import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health',timeout=2).status==200 else 1)"]
                  interval: "10s"
                  timeout: 3s
                  start_period: 10s
                  retries: 3
                logging:
                  driver: json-file
                  options:
                    max-size: "10m"
                    max-file: "3"
                read_only: true
                networks:
                - qts-network
                image: {SwarmStackInputs.ObserverImage}
                volumes:
                - "/opt/qts-observer/data:/app/data/observer"
                - "/opt/qts-observer/logs:/app/logs"
                - "/opt/qts-observer/config:/app/config:ro"
                - type: tmpfs
                  target: /tmp
                deploy:
                  mode: replicated
                  replicas: 2
                  endpoint_mode: dnsrr
                  placement:
                    constraints:
                    - node.labels.site==east
                    - node.role!=manager
                    max_replicas_per_node: 1
                  update_config:
                    parallelism: 1
                    delay: 5s
                    monitor: 10s
                    order: start-first
                    failure_action: rollback
                    max_failure_ratio: 0
                  rollback_config:
                    parallelism: 1
                    delay: 5s
                    monitor: 10s
                    order: start-first
                    failure_action: pause
                    max_failure_ratio: 0
                  restart_policy:
                    condition: any
                    delay: 5s
                  resources:
                    limits:
                      cpus: "1.0"
                      memory: 512M
                    reservations:
                      cpus: "0.5"
                      memory: 256M
                  labels:
                    io.qtsops.environment: "cluster"
                    io.qtsops.deployment: "/opt/qts-observer"
                    io.qtsops.release: "1.4.0"
                    io.qtsops.version: "1.4.0"
              edge:
                image: {SwarmStackInputs.EdgeImage}
                user: "33:33"
                labels:
                  io.qtsops.environment: "cluster"
                  io.qtsops.deployment: "/opt/qts-observer"
                read_only: true
                volumes:
                - type: tmpfs
                  target: /tmp
                configs:
                - source: edge-nginx
                  target: /etc/qtsops-edge/conf/nginx.conf
                ports:
                - target: 8000
                  published: 8000
                  protocol: tcp
                  mode: host
                networks:
                - qts-network
                deploy:
                  mode: global
                  placement:
                    constraints:
                    - node.labels.site==east
                    - node.role!=manager
                  update_config:
                    parallelism: 1
                    order: stop-first
                    failure_action: rollback
                  restart_policy:
                    condition: any
                    delay: 2s
                  labels:
                    io.qtsops.environment: "cluster"
                    io.qtsops.deployment: "/opt/qts-observer"
            networks:
              qts-network:
                name: "qts-network"
                driver: overlay
                attachable: true
            configs:
              edge-nginx:
                name: qts-observer-edge-nginx-{SwarmStack.ContentHash(stack.Files[SwarmStack.EdgeConfigFile])}
                file: ./edge-nginx.conf

            """));
    }

    [Test]
    public void What_a_swarm_does_not_apply_is_left_out_and_said_and_tmpfs_becomes_a_tmpfs_mount()
    {
        var stack = SwarmStackInputs.Write();
        var observer = (YamlMappingNode)Observer(stack)!;

        foreach (var key in new[] { "build", "container_name", "restart", "security_opt", "tmpfs", "ports" })
            Assert.That(observer.Child(key), Is.Null, key);
        Assert.That(stack.Dropped, Is.EqualTo(new[]
        {
            "build: the nodes run the image pinned by digest",
            "container_name: Swarm names each task's container",
            "restart: deploy.restart_policy restarts the tasks",
            "security_opt: a swarm service cannot set it (docker stack deploy ignores it); the image's user and the read-only root stay",
        }));
        var volumes = observer.Child("volumes").Items().ToList();
        Assert.That(volumes.Select(v => v.Scalar()).OfType<string>(), Is.EqualTo(new[]
        {
            "/opt/qts-observer/data:/app/data/observer", "/opt/qts-observer/logs:/app/logs", "/opt/qts-observer/config:/app/config:ro",
        }));
        Assert.That(volumes.OfType<YamlMappingNode>().Select(v => (v.Child("type").Scalar(), v.Child("target").Scalar())), Is.EqualTo(new[] { ("tmpfs", "/tmp") }));
        Assert.That(observer.Child("read_only").Scalar(), Is.EqualTo("true"));
    }

    [Test]
    public void An_observer_without_volumes_gets_none_and_a_single_tmpfs_path_becomes_a_tmpfs_mount()
    {
        Assert.That(SwarmStackInputs.ComposeText, Does.Contain(VolumesBlock), "the compose file has the volumes this test takes out");
        var withoutVolumes = SwarmStackInputs.ComposeText.Replace(VolumesBlock, "");
        Assert.That(withoutVolumes, Does.Contain("    tmpfs:\n      - /tmp\n"), "the compose file has the volumes and tmpfs this test takes out");

        var none = Observer(SwarmStackInputs.Write(composeText: withoutVolumes.Replace("    tmpfs:\n      - /tmp\n", "")));
        var single = Observer(SwarmStackInputs.Write(composeText: withoutVolumes.Replace("    tmpfs:\n      - /tmp\n", "    tmpfs: /run\n")));

        Assert.That(At(none, "volumes"), Is.Null, "no empty volumes: list");
        Assert.That(At(single, "volumes").Items().Select(v => (v.Child("type").Scalar(), v.Child("target").Scalar())), Is.EqualTo(new[] { ("tmpfs", "/run") }));
    }

    private const string VolumesBlock = """
            volumes:
              - ${QTS_OBSERVER_HOST_DATA-./data}:/app/data/observer
              - ${QTS_OBSERVER_HOST_LOGS-./logs}:/app/logs
              - ${QTS_OBSERVER_HOST_CONFIG-./config}:/app/config:ro

        """;

    [Test]
    public void A_replicated_service_gets_its_replicas_placement_one_task_per_node_and_the_engine_s_rollout()
    {
        var deploy = At(Observer(SwarmStackInputs.Write()), "deploy");

        Assert.That((At(deploy, "mode").Scalar(), At(deploy, "replicas").Scalar(), At(deploy, "endpoint_mode").Scalar()), Is.EqualTo(("replicated", "2", "dnsrr")));
        Assert.That(At(deploy, "placement", "constraints").Items().Select(c => c.Scalar()), Is.EqualTo(new[] { "node.labels.site==east", "node.role!=manager" }));
        Assert.That(At(deploy, "placement", "max_replicas_per_node").Scalar(), Is.EqualTo("1"), "two tasks never share a node's data directory");
        var update = At(deploy, "update_config");
        Assert.That(new[] { "parallelism", "delay", "monitor", "order", "failure_action" }.Select(key => At(update, key).Scalar()),
            Is.EqualTo(new[] { "1", "5s", "10s", "start-first", "rollback" }));
        Assert.That(At(deploy, "rollback_config", "failure_action").Scalar(), Is.EqualTo("pause"));
        Assert.That(At(deploy, "restart_policy", "condition").Scalar(), Is.EqualTo("any"));
        Assert.That(At(deploy, "resources", "limits", "memory").Scalar(), Is.EqualTo("512M"), "the compose file's limits are kept");
    }

    [Test]
    public void Without_automatic_rollback_a_failed_update_pauses()
    {
        var stack = SwarmStackInputs.Write(automaticRollback: false);

        Assert.That(At(Observer(stack), "deploy", "update_config", "failure_action").Scalar(), Is.EqualTo("pause"));
        Assert.That(At(Edge(stack), "deploy", "update_config", "failure_action").Scalar(), Is.EqualTo("pause"), "the edge's too");
    }

    [Test]
    public void A_stop_first_swarm_updates_and_rolls_back_the_observer_stop_first()
    {
        var deploy = At(Observer(SwarmStackInputs.Write(SwarmStackInputs.Cluster("\"updateOrder\": \"start-first\",", "\"updateOrder\": \"stop-first\","))), "deploy");

        Assert.That((At(deploy, "update_config", "order").Scalar(), At(deploy, "rollback_config", "order").Scalar()), Is.EqualTo(("stop-first", "stop-first")));
    }

    [Test]
    public void Without_placement_neither_the_observer_nor_the_edge_is_constrained()
    {
        var target = SwarmStackInputs.Cluster("\"replicas\": 2,\n    \"placement\": [\"node.labels.site==east\", \"node.role!=manager\"],", "\"mode\": \"global\",");
        var stack = SwarmStackInputs.Write(target);

        Assert.That(At(Observer(stack), "deploy", "placement"), Is.Null);
        Assert.That(At(Edge(stack), "deploy", "placement"), Is.Null);
        Assert.That(At(Edge(stack), "deploy", "mode").Scalar(), Is.EqualTo("global"));
    }

    [Test]
    public void A_global_service_runs_one_task_per_node_without_replicas_or_a_per_node_limit()
    {
        var target = SwarmStackInputs.Cluster("\"replicas\": 2,", "\"mode\": \"global\",");

        var deploy = At(Observer(SwarmStackInputs.Write(target)), "deploy");

        Assert.That((At(deploy, "mode").Scalar(), At(deploy, "replicas"), At(deploy, "placement", "max_replicas_per_node")), Is.EqualTo(("global", (YamlNode?)null, (YamlNode?)null)));
    }

    [Test]
    public void The_edge_is_global_publishing_the_port_in_host_mode_with_its_configuration_named_by_content()
    {
        var stack = SwarmStackInputs.Write(SwarmStackInputs.Cluster("\"healthUrl\": \"http://manager.qts-observer.internal:8000/health\",", "\"healthUrl\": \"http://manager.qts-observer.internal:8100/health\",\n    \"port\": 8100,"));
        var edge = Edge(stack);

        Assert.That(At(edge, "image").Scalar(), Is.EqualTo(SwarmStackInputs.EdgeImage));
        Assert.That(At(edge, "deploy", "mode").Scalar(), Is.EqualTo("global"));
        var port = (YamlMappingNode)At(edge, "ports").Items().Single();
        Assert.That(new[] { "target", "published", "protocol", "mode" }.Select(key => port.Child(key).Scalar()), Is.EqualTo(new[] { "8000", "8100", "tcp", "host" }));
        Assert.That(At(edge, "deploy", "update_config", "order").Scalar(), Is.EqualTo("stop-first"), "one edge binds a node's port at a time");
        var config = (YamlMappingNode)At(edge, "configs").Items().Single();
        Assert.That(config.Child("target").Scalar(), Is.EqualTo("/etc/qtsops-edge/conf/nginx.conf"), "where the edge image's CMD reads it");
        var declared = At(Yaml(stack.Text), "configs", config.Child("source").Scalar()!);
        Assert.That(At(declared, "file").Scalar(), Is.EqualTo($"./{SwarmStack.EdgeConfigFile}"));
        Assert.That(At(declared, "name").Scalar(), Does.Match("^qts-observer-edge-nginx-[0-9a-f]{12}$"));
        Assert.That(At(Observer(stack), "networks").Items().Single().Scalar(), Is.EqualTo(At(edge, "networks").Items().Single().Scalar()));
        var network = At(Yaml(stack.Text), "networks", "qts-network");
        Assert.That((At(network, "name").Scalar(), At(network, "driver").Scalar()), Is.EqualTo(("qts-network", "overlay")));
    }

    [Test]
    public void The_edge_asks_swarm_s_dns_for_the_observer_s_tasks_again_as_they_change()
    {
        var nginx = SwarmStackInputs.Write().Files[SwarmStack.EdgeConfigFile];

        Assert.That(nginx, Does.Contain("resolver 127.0.0.11 valid=2s ipv6=off;"));
        Assert.That(nginx, Does.Contain("set $observer qts-observer_qts-observer;").And.Contain("proxy_pass http://$observer:8000;"));
        Assert.That(nginx, Does.Contain("proxy_next_upstream error timeout http_502 http_503;"));
        Assert.That(nginx, Does.Contain("proxy_connect_timeout 250ms;").And.Not.Contain("proxy_connect_timeout 2s;"),
            "a task gone (its address hangs) is passed over within a client's patience (SwarmZeroDowntimeTests measures it)");
        Assert.That(nginx, Does.Contain("proxy_read_timeout 1s;").And.Not.Contain("proxy_read_timeout 30s;"),
            "a request sent just before its task's node stopped passing the overlay's traffic goes to the next task within a client's patience");
        Assert.That(nginx, Does.Contain("listen 8000;").And.Contain("limit_conn per_address 128;"), "what every edge has");
        Assert.That(nginx, Does.Contain("\n    resolver_timeout 2s;\n").And.Contain("\n            proxy_next_upstream_timeout 10s;\n"));
        Assert.That(nginx, Does.StartWith("""
            # Written by QtsOps: the edge of a swarm environment, one task on each node, forwarding over the overlay
            # network to the observer's tasks, an address each (endpoint_mode dnsrr) that Swarm's DNS gives;
            # a variable in proxy_pass makes nginx ask again once an answer is older than the resolver's valid=.

            """.ReplaceLineEndings("\n")), "what a reader of the edge's configuration on a node is told");
    }

    [Test]
    public void An_upgrade_leaves_the_edge_as_it_is_and_changes_the_observer()
    {
        var before = SwarmStackInputs.Write(release: "1.4.0");
        var after = SwarmStackInputs.Write(release: "1.5.0");

        Assert.That(Edge(after)!.ToString(), Is.EqualTo(Edge(before)!.ToString()));
        Assert.That(after.Files, Is.EqualTo(before.Files));
        Assert.That(At(Observer(after), "labels", "io.qtsops.release").Scalar(), Is.EqualTo("1.5.0"));
    }

    [Test]
    public void A_config_from_a_file_is_named_by_its_content()
    {
        var compose = SwarmStackInputs.ComposeText + "configs:\n  rules:\n    file: ./config/rules.json\n";
        string Name(string content) => At(Yaml(SwarmStackInputs.Write(composeText: compose, readFile: path => path == "./config/rules.json" ? content : null).Text), "configs", "rules", "name").Scalar()!;

        Assert.That(Name("{\"a\": 1}"), Does.Match("^qts-observer-rules-[0-9a-f]{12}$"));
        Assert.That(Name("{\"a\": 1}"), Is.EqualTo(Name("{\"a\": 1}")));
        Assert.That(Name("{\"a\": 2}"), Is.Not.EqualTo(Name("{\"a\": 1}")));
        var missing = Assert.Throws<StackFileException>(() => SwarmStackInputs.Write(composeText: compose))!;
        Assert.That(missing.Message, Does.Contain("'rules' names the file ./config/rules.json, which the release does not have"));
    }

    [Test]
    public void A_config_or_secret_file_is_kept_beside_the_stack_file_under_its_hash_and_read_back_from_there()
    {
        var compose = SwarmStackInputs.ComposeText + "configs:\n  rules:\n    file: ./config/rules.json\nsecrets:\n  token:\n    file: ./token.txt\n  external_one:\n    external: true\n";
        var stack = SwarmStackInputs.Write(composeText: compose, readFile: path => path switch { "./config/rules.json" => "{\"a\": 1}\n", "./token.txt" => "t0ken", _ => null });
        var (rules, token) = (SwarmStack.ContentHash("{\"a\": 1}\n"), SwarmStack.ContentHash("t0ken"));

        Assert.That(At(Yaml(stack.Text), "configs", "rules", "file").Scalar(), Is.EqualTo($"./config-rules-{rules}"), "a stack deploy reads it beside the stack file");
        Assert.That(At(Yaml(stack.Text), "secrets", "token", "file").Scalar(), Is.EqualTo($"./secret-token-{token}"));
        Assert.That(stack.Files[$"config-rules-{rules}"], Is.EqualTo("{\"a\": 1}\n"));
        Assert.That(stack.Files[$"secret-token-{token}"], Is.EqualTo("t0ken"));
        Assert.That(SwarmStack.NamedFiles(stack.Text, "stack.yml"), Is.EquivalentTo(new[]
        {
            ($"./config-rules-{rules}", rules), ($"./{SwarmStack.EdgeConfigFile}", SwarmStack.ContentHash(stack.Files[SwarmStack.EdgeConfigFile])), ($"./secret-token-{token}", token),
        }), "what a rollback reads back from the release's directory, each with the hash its content must have; an external secret has no file");
        var plain = SwarmStackInputs.Write();
        Assert.That(SwarmStack.NamedFiles(plain.Text, "stack.yml"), Is.EqualTo(new[] { ($"./{SwarmStack.EdgeConfigFile}", SwarmStack.ContentHash(plain.Files[SwarmStack.EdgeConfigFile])) }),
            "a stack without configs or secrets of its own names the edge's file only");
    }

    [Test]
    public void A_variable_with_no_value_is_refused_at_its_line_instead_of_becoming_empty()
    {
        var compose = SwarmStackInputs.ComposeText.Replace("OBSERVER_LOG_DIR: /app/logs", "OBSERVER_LOG_DIR: ${QTS_LOG_DIR}");
        var line = compose.Split('\n').ToList().FindIndex(l => l.Contains("${QTS_LOG_DIR}")) + 1;

        var error = Assert.Throws<StackFileException>(() => SwarmStackInputs.Write(composeText: compose))!;

        Assert.That((error.File, error.Line), Is.EqualTo((ObserverFiles.ComposePath, line)));
        Assert.That(error.Message, Does.Contain("$QTS_LOG_DIR has no value and no default"));
    }

    [Test]
    public void Interpolation_takes_compose_s_forms_and_keeps_a_literal_dollar_escaped()
    {
        var given = new Dictionary<string, string> { ["SET"] = "v", ["EMPTY"] = "", ["PRICE"] = "$5" };
        string Resolve(string value) => ComposeInterpolation.Resolve(value, given, ("f", 1));

        Assert.That(new[] { "${SET}", "$SET", "${EMPTY:-d}", "${EMPTY-d}", "${UNSET-d}", "${SET:?e}", "$$HOME", "${PRICE}" }.Select(Resolve),
            Is.EqualTo(new[] { "v", "v", "d", "", "d", "v", "$$HOME", "$$5" }));
        Assert.That(Assert.Throws<StackFileException>(() => Resolve("${UNSET:?the image}"))!.Message, Does.Contain("${UNSET} has no value: the image"));
    }

    [Test]
    public void An_image_by_tag_is_refused_naming_which()
    {
        var target = SwarmStackInputs.Cluster();
        string Refusal(string observerImage, string edgeImage) => Assert.Throws<ArgumentException>(() => SwarmStack.Write(target, new StackRelease("1.4.0", observerImage, edgeImage, true),
            SwarmStackInputs.ComposeText, ObserverFiles.ComposePath, SwarmStackInputs.Variables(target), _ => null))!.Message;

        Assert.That(Refusal("127.0.0.1:5000/qts-observer:1.4.0", SwarmStackInputs.EdgeImage), Does.StartWith(
            "the release's image must be pinned by the digest the registry confirmed (repository@sha256:<64 hex>), not '127.0.0.1:5000/qts-observer:1.4.0': a tag lets each node resolve it on its own"));
        Assert.That(Refusal(SwarmStackInputs.ObserverImage, "127.0.0.1:5000/qtsops/edge:1.4.0"), Does.StartWith(
            "the edge's image must be pinned by the digest the registry confirmed (repository@sha256:<64 hex>), not '127.0.0.1:5000/qtsops/edge:1.4.0'"));
    }

    [Test]
    public void A_compose_environment_is_refused()
    {
        var local = EnvironmentCatalog.Load(SourceRepository.Combine(SwarmStackInputs.FixtureFile))["local"];

        var error = Assert.Throws<ArgumentException>(() => SwarmStackInputs.Write(local))!;

        Assert.That(error.Message, Does.StartWith("local runs on compose, not on a swarm"));
    }

    [Test]
    public void A_release_whose_compose_file_publishes_the_port_is_refused_at_its_line()
    {
        var compose = SwarmStackInputs.ComposeText.Replace("    restart: unless-stopped\n", "    restart: unless-stopped\n    ports:\n      - \"8000:8000\"\n");
        var line = compose.Split('\n').ToList().FindIndex(l => l == "    ports:") + 1;

        var error = Assert.Throws<StackFileException>(() => SwarmStackInputs.Write(composeText: compose))!;

        Assert.That(error.Message, Is.EqualTo($"{ObserverFiles.ComposePath}:{line}: the observer publishes ports itself, but on a swarm the edge publishes \"port\" 8000 on each node. " +
            $"Fix: move its ports: to {ObserverFiles.PublishPath} (a release packaged before start-first cannot run on a swarm: deploy a newer one)."));
    }

    [Test]
    public void The_services_of_a_stack_are_named_stack_underscore_service()
    {
        Assert.That(SwarmStack.ServiceName("qts-cluster"), Is.EqualTo("qts-cluster_qts-observer"));
        Assert.That(SwarmStack.EdgeServiceName("qts-cluster"), Is.EqualTo("qts-cluster_edge"));
    }

    [Test]
    public void A_compose_file_without_the_observer_service_is_refused()
    {
        var error = Assert.Throws<StackFileException>(() => SwarmStackInputs.Write(composeText: "name: qts\n"))!;

        Assert.That(error.Message, Is.EqualTo($"{ObserverFiles.ComposePath}:1: no service 'qts-observer' under services:. Fix: define the observer as services: qts-observer:."));
        var others = Assert.Throws<StackFileException>(() => SwarmStackInputs.Write(composeText: "name: qts\nservices:\n  sidecar:\n    image: busybox\n"))!;
        Assert.That(others.Line, Is.EqualTo(3), "at the services listed without it");
    }

    [Test]
    public void A_compose_file_that_is_not_yaml_is_refused_at_its_line_and_an_empty_one_at_its_first()
    {
        var broken = Assert.Throws<StackFileException>(() => SwarmStackInputs.Write(composeText: "services:\n  observer:\n    image: [unclosed\n"))!;
        var empty = Assert.Throws<StackFileException>(() => SwarmStackInputs.Write(composeText: "# nothing\n"))!;

        Assert.That(broken.File, Is.EqualTo(ObserverFiles.ComposePath));
        Assert.That(broken.Line, Is.GreaterThan(1));
        Assert.That(broken.Message, Does.Contain(": cannot be parsed: ").And.EndWith(". Fix: fix the syntax (validate reports it too)."));
        Assert.That(empty.Message, Is.EqualTo($"{ObserverFiles.ComposePath}:1: the file is empty or not a mapping of top-level keys. Fix: restore the release's compose file."));
    }

    [Test]
    public void Another_service_of_the_compose_file_is_left_out_and_said()
    {
        var compose = SwarmStackInputs.ComposeText.Replace("\nnetworks:\n", "\n  sidecar:\n    image: busybox\n\nnetworks:\n");

        var stack = SwarmStackInputs.Write(composeText: compose);

        Assert.That(stack.Dropped, Has.Member("service sidecar: the stack runs the observer and its edge only"));
        Assert.That(At(Yaml(stack.Text), "services", "sidecar"), Is.Null);
    }

    [Test]
    public void The_edge_joins_the_observer_s_first_network_listed_or_mapped_and_without_one_both_join_the_default_overlay()
    {
        string Networks(string observerNetworks) => SwarmStackInputs.ComposeText.Replace("    networks:\n      - qts-network\n", observerNetworks);
        var declared = """
            networks:
              qts-network:
                name: "qts-network"
                driver: overlay
                attachable: true

            """.ReplaceLineEndings("\n");

        Assert.That(At(Edge(SwarmStackInputs.Write()), "networks")!.ToString(), Is.EqualTo("[ qts-network ]"));
        Assert.That(At(Edge(SwarmStackInputs.Write(composeText: Networks("    networks:\n      qts-network:\n        aliases: [observer]\n"))), "networks")!.ToString(), Is.EqualTo("[ qts-network ]"));
        Assert.That(TopLevel(SwarmStackInputs.Write().Text, "networks"), Is.EqualTo(declared), "the compose file's network, made an overlay, and no other");
        foreach (var none in new[] { "", "    networks: []\n", "    networks: {}\n" })
        {
            var stack = SwarmStackInputs.Write(composeText: Networks(none));
            Assert.That(At(Edge(stack), "networks"), Is.Null, none);
            Assert.That(TopLevel(stack.Text, "networks"), Is.EqualTo(declared + "  default:\n    driver: overlay\n    attachable: true\n"), none);
        }
    }

    /// <summary>A top-level key of a stack file and its block, as written.</summary>
    private static string TopLevel(string text, string key)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var start = Array.IndexOf(lines, $"{key}:");
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"the stack file has {key}:");
        return string.Concat(lines.Skip(start).Take(1).Concat(lines.Skip(start + 1).TakeWhile(line => line.StartsWith(' '))).Select(line => line + "\n"));
    }
}
