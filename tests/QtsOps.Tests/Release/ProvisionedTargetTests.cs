using System.Text.Json;
using QtsOps.Build;
using QtsOps.Release.Environments;
using QtsOps.Release.Terraform;

namespace QtsOps.Tests.Release;

[Category("Core")]
public class ProvisionedTargetTests
{
    private static string Outputs(TempDirectory temp, string value) => temp.Write("outputs.json",
        $$"""{ "resource_group_id": { "sensitive": false, "type": "string", "value": "x" }, "deployment_target": { "sensitive": false, "value": {{value}} } }""");

    [Test]
    public void Non_empty_outputs_replace_the_environment_settings()
    {
        using var temp = new TempDirectory();
        var target = ProvisionedTarget.Read(Outputs(temp, """{ "environment": "staging", "docker_host": "ssh://ops@vm", "compose_project": "", "health_url": "http://vm:8000/health" }"""));

        var environments = EnvironmentCatalog.Load(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName), BuildContext.Environments);
        var applied = target!.ApplyTo(environments["staging"], "outputs.json");

        Assert.That(applied.DockerHost, Is.EqualTo("ssh://ops@vm"));
        Assert.That(applied.HealthUrl, Is.EqualTo("http://vm:8000/health"));
        Assert.That(applied.ComposeProject, Is.EqualTo(environments["staging"].ComposeProject), "an empty output keeps the setting");
    }

    [Test]
    public void On_this_machine_outputs_that_disagree_with_the_settings_are_refused_as_stale()
    {
        using var temp = new TempDirectory();
        var local = EnvironmentCatalog.Load(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName), BuildContext.Environments)["local"];
        var stale = ProvisionedTarget.Read(Outputs(temp, """{ "environment": "local", "docker_host": "", "compose_project": "old-project", "health_url": "http://127.0.0.1:9999/health" }"""));
        var current = ProvisionedTarget.Read(Outputs(temp, $$"""{ "environment": "local", "docker_host": "", "compose_project": "{{local.ComposeProject}}", "health_url": "{{local.HealthUrl}}" }"""));

        var error = Assert.Throws<InvalidDataException>(() => stale!.ApplyTo(local, "artifacts/terraform/local/outputs.json"));
        Assert.That(error!.Message, Does.Contain("compose_project is 'old-project'").And.Contain("health_url is 'http://127.0.0.1:9999/health'")
            .And.Contain("--target=terraform-plan --target=apply --env=local"));
        Assert.That(current!.ApplyTo(local, "outputs.json"), Is.EqualTo(local));
    }

    [Test]
    public void Outputs_without_a_deployment_target_give_nothing()
    {
        using var temp = new TempDirectory();
        Assert.That(ProvisionedTarget.Read(temp.Write("outputs.json", "{}")), Is.Null);
    }

    [Test]
    public void A_broken_file_names_itself_and_the_fix()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("outputs.json", "{ not json");

        var error = Assert.Throws<InvalidDataException>(() => ProvisionedTarget.Read(path));
        Assert.That(error!.Message, Does.Contain(path).And.Contain("--target=apply"));
        Assert.That(error.InnerException, Is.InstanceOf<JsonException>());
    }

    [TestCase("[]", 1, "$ is array")]
    [TestCase("{\n  \"deployment_target\": 5\n}", 2, "$.deployment_target is number")]
    [TestCase("{\n  \"deployment_target\": {\n    \"value\": \"x\"\n  }\n}", 3, "$.deployment_target.value is string")]
    public void A_file_of_the_wrong_shape_names_itself_its_line_and_the_fix(string text, int line, string what)
    {
        using var temp = new TempDirectory();
        var path = temp.Write("outputs.json", text);

        var error = Assert.Throws<InvalidDataException>(() => ProvisionedTarget.Read(path))!;

        Assert.That(error.Message, Does.StartWith($"{path}:{line}: {what}, not an object as 'terraform output -json' writes it.").And.Contain("--target=apply"));
    }
}
