using QtsOps.Core.Packaging;

namespace QtsOps.Tests.Core;

/// <summary>What verify reads of an installed release's deployment_config.json: its environment, each error at its line.</summary>
[Category("Core")]
public class DeploymentConfigFileTests
{
    private const string File = "staging:/srv/qts/releases/1.4.0/deployment_config.json";

    [Test]
    public void The_environment_the_container_must_have_is_read_by_name()
    {
        var config = DeploymentConfigFile.Read("{\n  \"environment\": { \"OBSERVER_PORT\": \"8000\", \"OBSERVER_LOG_DIR\": \"/app/logs\" }\n}\n", File);

        Assert.That(config.Environment, Is.EqualTo(new Dictionary<string, string> { ["OBSERVER_PORT"] = "8000", ["OBSERVER_LOG_DIR"] = "/app/logs" }));
    }

    [Test]
    public void A_value_that_is_not_a_text_is_refused_at_its_line_and_path()
    {
        var error = Assert.Throws<InvalidDataException>(() => DeploymentConfigFile.Read("{\n  \"environment\": {\n    \"OBSERVER_PORT\": 8000\n  }\n}\n", File))!;

        Assert.That(error.Message, Does.StartWith($"{File}:3: ").And.EndWith(" (at $.environment.OBSERVER_PORT)"));
    }
}
