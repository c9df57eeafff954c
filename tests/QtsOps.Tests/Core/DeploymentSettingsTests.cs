using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;

namespace QtsOps.Tests.Core;

/// <summary>What containers are made from, recorded at their deploy, and how what is asked for now differs.</summary>
[Category("Core")]
public class DeploymentSettingsTests
{
    private static DeploymentEnvironment Local => EnvironmentCatalog.Load(SourceRepository.Combine(EnvironmentCatalog.FileName))["local"];

    [Test]
    public void The_same_environment_has_no_changes()
    {
        Assert.That(DeploymentSettings.Changes(DeploymentSettings.Of(Local), DeploymentSettings.Of(Local)), Is.Empty);
    }

    [Test]
    public void A_changed_port_strategy_or_limit_is_named_with_before_and_now()
    {
        var wanted = DeploymentSettings.Of(Local with { Port = 8081, Strategy = DeployStrategy.Recreate, MemoryLimitMb = 256 });

        Assert.That(DeploymentSettings.Changes(DeploymentSettings.Of(Local), wanted), Is.EqualTo(new[]
        {
            $"memoryLimitMb: {Local.MemoryLimitMb} -> 256", $"port: {Local.Port} -> 8081", "strategy: start-first -> recreate",
        }));
    }

    [Test]
    public void The_pipelines_own_rules_shape_no_container_and_are_no_change()
    {
        var wanted = DeploymentSettings.Of(Local with { SettleSeconds = 99, ReleasesToKeep = 9, Protected = true, Description = "other" });

        Assert.That(DeploymentSettings.Changes(DeploymentSettings.Of(Local), wanted), Is.Empty);
    }

    [Test]
    public void Settings_not_recorded_are_a_change_and_a_key_only_one_side_has_is_named()
    {
        Assert.That(DeploymentSettings.Changes(null, DeploymentSettings.Of(Local)), Is.EqualTo(new[] { "the settings it was deployed with were not recorded" }));
        Assert.That(DeploymentSettings.Changes(new Dictionary<string, string> { ["gone"] = "x" }, new Dictionary<string, string>()), Is.EqualTo(new[] { "gone: x -> (none)" }));
    }

    /// <summary>An environment whose every recorded setting is a literal, so the expected history is written out, not built the way the code builds it.</summary>
    private static DeploymentEnvironment Known => Local with
    {
        DockerHost = "ssh://deploy@host", ComposeProject = "qts-known", ContainerName = "qts-known-app", Network = "qts-known-net", ImageRepository = "qts-known-image",
        Registry = "registry.example:5000", Bind = "10.0.0.7", Port = 8123, HealthUrl = "http://10.0.0.7:8123/health", DeployDirectory = "/srv/known/deploy",
        DataDirectory = "/srv/known/data", LogDirectory = "/srv/known/log", ConfigDirectory = "/srv/known/config", Strategy = DeployStrategy.StartFirst,
        HealthIntervalSeconds = 7, CpuLimit = 1.5, MemoryLimitMb = 384, Swarm = null,
    };

    /// <summary>What <see cref="Known"/> records, written out: the names the history keeps.</summary>
    private static Dictionary<string, string> KnownRecorded() => new()
    {
        ["bind"] = "10.0.0.7", ["composeProject"] = "qts-known", ["configDirectory"] = "/srv/known/config", ["containerName"] = "qts-known-app",
        ["cpuLimit"] = "1.5", ["dataDirectory"] = "/srv/known/data", ["deployDirectory"] = "/srv/known/deploy", ["dockerHost"] = "ssh://deploy@host",
        ["healthIntervalSeconds"] = "7", ["healthUrl"] = "http://10.0.0.7:8123/health", ["imageRepository"] = "qts-known-image", ["logDirectory"] = "/srv/known/log",
        ["memoryLimitMb"] = "384", ["network"] = "qts-known-net", ["port"] = "8123", ["registry"] = "registry.example:5000", ["strategy"] = "start-first",
    };

    [Test]
    public void The_settings_are_recorded_under_the_names_earlier_histories_hold()
    {
        // The history keeps these names: a renamed key reads as a changed setting, and every environment would deploy again.
        Assert.That(DeploymentSettings.Of(Known), Is.EqualTo(KnownRecorded()));
        var onThisMachine = DeploymentSettings.Of(Known with { DockerHost = null, Registry = null });
        Assert.That((onThisMachine["dockerHost"], onThisMachine["registry"]), Is.EqualTo(("", "")), "no engine or registry named: recorded empty");
    }

    [Test]
    public void A_swarm_records_its_rollout_under_its_own_names_and_global_mode_as_global()
    {
        var swarm = new SwarmSettings
        {
            Replicas = null, Placement = ["node.labels.site==east", "node.role==worker"], UpdateParallelism = 2, UpdateDelaySeconds = 15, MonitorSeconds = 30,
            UpdateOrder = UpdateOrder.StopFirst,
        };
        // The whole dictionary: a swarm that changed a key compose environments share would change their recorded settings too.
        var expected = KnownRecorded();
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["engine"] = "swarm", ["replicas"] = "global", ["placement"] = "node.labels.site==east,node.role==worker", ["updateParallelism"] = "2",
            ["updateDelaySeconds"] = "15", ["monitorSeconds"] = "30", ["updateOrder"] = "stop-first",
        }) expected.Add(key, value);

        Assert.That(DeploymentSettings.Of(Known with { Swarm = swarm }), Is.EqualTo(expected));
        Assert.That(DeploymentSettings.Changes(new Dictionary<string, string>(), new Dictionary<string, string> { ["replicas"] = "3" }), Is.EqualTo(new[] { "replicas: (none) -> 3" }),
            "a setting the recorded deploy did not have");
    }
}
