using QtsOps.Core.Deployment;
using QtsOps.Core.Environments;

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
}
