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

    [Test]
    public void The_settings_are_recorded_under_the_names_earlier_histories_hold()
    {
        // The history keeps these names: a renamed key reads as a changed setting, and every environment would deploy again.
        var remote = Local with { DockerHost = "ssh://deploy@host", Registry = "registry.example:5000" };

        Assert.That(DeploymentSettings.Of(remote), Is.EqualTo(new Dictionary<string, string>
        {
            ["bind"] = Local.Bind, ["composeProject"] = Local.ComposeProject, ["configDirectory"] = Local.ConfigDirectory, ["containerName"] = Local.ContainerName,
            ["cpuLimit"] = Local.CpuLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), ["dataDirectory"] = Local.DataDirectory,
            ["deployDirectory"] = Local.DeployDirectory, ["dockerHost"] = "ssh://deploy@host", ["healthIntervalSeconds"] = $"{Local.HealthIntervalSeconds}",
            ["healthUrl"] = Local.HealthUrl, ["imageRepository"] = Local.ImageRepository, ["logDirectory"] = Local.LogDirectory,
            ["memoryLimitMb"] = $"{Local.MemoryLimitMb}", ["network"] = Local.Network, ["port"] = $"{Local.Port}", ["registry"] = "registry.example:5000",
            ["strategy"] = "start-first",
        }));
        var onThisMachine = DeploymentSettings.Of(Local with { DockerHost = null, Registry = null });
        Assert.That((onThisMachine["dockerHost"], onThisMachine["registry"]), Is.EqualTo(("", "")), "no engine or registry named: recorded empty");
    }

    [Test]
    public void A_swarm_records_its_rollout_under_its_own_names_and_global_mode_as_global()
    {
        var swarm = new SwarmSettings
        {
            Replicas = null, Placement = ["node.labels.site==east", "node.role==worker"], UpdateParallelism = 2, UpdateDelaySeconds = 15, MonitorSeconds = 30,
            UpdateOrder = UpdateOrder.StartFirst,
        };

        var settings = DeploymentSettings.Of(Local with { Swarm = swarm });

        Assert.That(settings.Where(s => !DeploymentSettings.Of(Local).ContainsKey(s.Key)), Is.EquivalentTo(new Dictionary<string, string>
        {
            ["engine"] = "swarm", ["replicas"] = "global", ["placement"] = "node.labels.site==east,node.role==worker", ["updateParallelism"] = "2",
            ["updateDelaySeconds"] = "15", ["monitorSeconds"] = "30", ["updateOrder"] = "start-first",
        }));
        Assert.That(DeploymentSettings.Changes(new Dictionary<string, string>(), new Dictionary<string, string> { ["replicas"] = "3" }), Is.EqualTo(new[] { "replicas: (none) -> 3" }),
            "a setting the recorded deploy did not have");
    }
}
