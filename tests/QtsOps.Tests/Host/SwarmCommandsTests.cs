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
    public void Stack_rm_names_the_stack()
    {
        Assert.That(Render(new SwarmStackRemoveSettings { Stack = "qts-observer" }), Is.EqualTo("stack rm \"qts-observer\""));
    }
}
