using QtsOps.Build.Deployment.Swarm;
using QtsOps.Tools.Docker;

namespace QtsOps.Tests.Host;

/// <summary>The swarm's docker commands, as arguments (issue 23): deploy, tasks, service, logs, nodes and a drain.</summary>
[Category("Core")]
public class SwarmCommandsTests
{
    private static string Render(DockerSettings settings) => DockerArguments.For(settings).Render();

    [Test]
    public void Stack_deploy_is_detached_prunes_and_sends_the_registry_login_only_when_asked()
    {
        Assert.That(Render(new SwarmStackDeploySettings { ComposeFile = "/d/releases/1.4.0/stack.yml", Stack = "qts-observer", WithRegistryAuth = true }),
            Is.EqualTo("stack deploy --compose-file \"/d/releases/1.4.0/stack.yml\" --with-registry-auth --prune --detach=true --resolve-image=never \"qts-observer\""));
        Assert.That(Render(new SwarmStackDeploySettings { ComposeFile = "s.yml", Stack = "x" }), Does.Not.Contain("--with-registry-auth"));
    }

    [Test]
    public void Service_ps_prints_every_task_untruncated_as_json()
    {
        Assert.That(Render(new SwarmServicePsSettings { Service = "qts-observer_qts-observer" }),
            Is.EqualTo("service ps --no-trunc --format \"{{json .}}\" \"qts-observer_qts-observer\""));
    }

    [Test]
    public void Service_inspect_logs_node_list_and_drain()
    {
        Assert.That(Render(new SwarmServiceInspectSettings { Service = "s" }), Is.EqualTo("service inspect \"s\""));
        Assert.That(Render(new SwarmServiceLogsSettings { Service = "s", Since = new DateTimeOffset(2026, 12, 6, 10, 30, 5, TimeSpan.FromHours(1)) }),
            Is.EqualTo("service logs --since \"2026-12-06T09:30:05Z\" \"s\""));
        Assert.That(Render(new SwarmNodeListSettings()), Is.EqualTo("node ls --format \"{{json .}}\""));
        Assert.That(Render(new SwarmNodeDrainSettings { Node = "node-2" }), Is.EqualTo("node update --availability drain \"node-2\""));
    }

    [Test]
    public void Node_and_task_inspect_name_every_id_given()
    {
        Assert.That(Render(new SwarmNodeInspectSettings { Nodes = ["n1", "n2"] }), Is.EqualTo("node inspect \"n1\" \"n2\""));
        Assert.That(Render(new SwarmTaskInspectSettings { Tasks = ["t1", "t2"] }), Is.EqualTo("inspect --type task \"t1\" \"t2\""));
    }

    [Test]
    public void The_network_probe_runs_the_services_image_on_its_network_read_only_without_capabilities()
    {
        Assert.That(Render(new SwarmNetworkProbeSettings { Network = "qts-network", Image = "r/o@sha256:ab", Script = "print(1)", Arguments = ["10.0.1.5", "10.0.1.6"] }),
            Is.EqualTo("run --rm --network \"qts-network\" --read-only --cap-drop ALL --entrypoint python3 \"r/o@sha256:ab\" -c \"print(1)\" \"10.0.1.5\" \"10.0.1.6\""));
    }

    [Test]
    public void Stack_rm_names_the_stack_and_waits_for_its_tasks_and_what_is_left_of_it_is_listed_by_its_label()
    {
        Assert.That(Render(new SwarmStackRemoveSettings { Stack = "qts-observer" }), Is.EqualTo("stack rm --detach=false \"qts-observer\""));
        Assert.That(Render(new SwarmStackObjectsSettings { Kind = "network", Stack = "qts-observer" }),
            Is.EqualTo("network ls --filter \"label=com.docker.stack.namespace=qts-observer\" --format \"{{.Name}}\""));
        Assert.That(Render(new SwarmStackTasksSettings { Stack = "qts-observer" }), Is.EqualTo("stack ps --format \"{{.Name}}\" \"qts-observer\""));
    }

    [Test]
    public void A_job_s_output_is_its_raw_logs()
    {
        Assert.That(Render(new SwarmJobOutputSettings { Service = "qts_job-1" }), Is.EqualTo("service logs --raw \"qts_job-1\""));
    }

    [Test]
    public void A_node_job_runs_once_on_every_node_the_constraints_allow_as_root_with_its_mounts_detached()
    {
        var job = new SwarmNodeJobSettings
        {
            Name = "qts_folders-1", Image = "reg:5000/qts@sha256:abc", Constraints = ["node.labels.site==east"], WithRegistryAuth = true,
            Mounts = new Dictionary<string, string> { ["/srv"] = "/qtsops/host/srv" }, Entrypoint = "python3", Arguments = ["-c", "print('ok')", "{}"],
        };

        Assert.That(Render(job), Is.EqualTo("service create --name \"qts_folders-1\" --mode global-job --detach --restart-condition none --user 0:0 --with-registry-auth " +
            "--constraint \"node.labels.site==east\" --mount \"type=bind,source=/srv,target=/qtsops/host/srv\" --entrypoint \"python3\" \"reg:5000/qts@sha256:abc\" \"-c\" \"print('ok')\" \"{}\""));
        Assert.That(Render(new SwarmNodeJobSettings { Name = "j", Image = "i", Mounts = new Dictionary<string, string>(), Entrypoint = "python3" }), Does.Not.Contain("--with-registry-auth").And.Not.Contain("--constraint"));
        Assert.That(Render(new SwarmServiceRemoveSettings { Service = "qts_folders-1" }), Is.EqualTo("service rm \"qts_folders-1\""));
    }
}
