using QtsOps.Core.Packaging;

namespace QtsOps.Tests.Host;

public class DeploymentConfigFileTests
{
    [Test]
    public void The_shipped_file_gives_the_four_variables()
    {
        var config = DeploymentConfigFile.Read(File.ReadAllText(SourceRepository.Combine("src", "observer", DeployPackage.DeploymentConfig)), "deployment_config.json");

        Assert.That(config.Environment.Keys, Is.EquivalentTo(new[] { "QTS_OBSERVER_STANDALONE", "PYTHONPATH", "OBSERVER_DATA_DIR", "OBSERVER_LOG_DIR" }));
        Assert.That(config.Environment["OBSERVER_DATA_DIR"], Is.EqualTo("/app/data/observer"));
    }

    [TestCase("{\n  \"deployment\": {}\n}", "host:/opt/r/deployment_config.json:3: JSON deserialization for type")]
    [TestCase("{\n  \"environment\": {\n    \"PYTHONPATH\": 1\n  }\n}", "host:/opt/r/deployment_config.json:3:")]
    [TestCase("{\n  \"environment\": [\n  ]\n}", "host:/opt/r/deployment_config.json:2:")]
    public void A_damaged_file_is_refused_with_its_name_and_line(string text, string where) =>
        Assert.That(Assert.Throws<InvalidDataException>(() => DeploymentConfigFile.Read(text, "host:/opt/r/deployment_config.json"))!.Message, Does.StartWith(where));
}
