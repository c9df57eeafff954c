using System.Text.Json;
using QtsOps.Core.Environments;
using QtsOps.Core.Terraform;

namespace QtsOps.Tests.Core;

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

        var environments = EnvironmentCatalog.Load(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName));
        var applied = target!.ApplyTo(environments["staging"], "outputs.json");

        Assert.That(applied.DockerHost, Is.EqualTo("ssh://ops@vm"));
        Assert.That(applied.HealthUrl, Is.EqualTo("http://vm:8000/health"));
        Assert.That(applied.ComposeProject, Is.EqualTo(environments["staging"].ComposeProject), "an empty output keeps the setting");
    }

    [Test]
    public void On_this_machine_outputs_that_disagree_with_the_settings_are_refused_as_stale()
    {
        using var temp = new TempDirectory();
        var local = EnvironmentCatalog.Load(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName))["local"];
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

    private static DeploymentEnvironment Configured(string name) =>
        EnvironmentCatalog.Load(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName))[name];

    [Test]
    public void A_docker_host_output_for_an_environment_on_this_machine_is_refused_with_the_whole_reason()
    {
        using var temp = new TempDirectory();
        var local = Configured("local");
        var stale = ProvisionedTarget.Read(Outputs(temp, $$"""{ "docker_host": "ssh://ops@vm", "compose_project": "old-project", "health_url": "{{local.HealthUrl}}" }"""));

        var error = Assert.Throws<InvalidDataException>(() => stale!.ApplyTo(local, "outputs.json"))!;

        Assert.That(error.Message, Is.EqualTo(
            "outputs.json: Terraform's deployment_target disagrees with environments.json for 'local' " +
            $"(docker_host is 'ssh://ops@vm', environments.json says 'this machine's engine'; compose_project is 'old-project', environments.json says '{local.ComposeProject}'). " +
            "Fix: ./build.sh --target=terraform-plan --target=apply --env=local to provision what environments.json says."));
    }

    [Test]
    public void A_remote_environment_takes_every_non_empty_output()
    {
        using var temp = new TempDirectory();
        var target = ProvisionedTarget.Read(Outputs(temp, """{ "docker_host": "ssh://ops@vm", "compose_project": "observer-vm", "health_url": "http://vm:8000/health" }"""));

        var applied = target!.ApplyTo(Configured("staging"), "outputs.json");

        Assert.That((applied.DockerHost, applied.ComposeProject, applied.HealthUrl), Is.EqualTo(("ssh://ops@vm", "observer-vm", "http://vm:8000/health")));
    }

    [Test]
    public void Values_that_are_not_strings_count_as_not_set()
    {
        using var temp = new TempDirectory();

        var target = ProvisionedTarget.Read(Outputs(temp, """{ "docker_host": 5, "compose_project": null, "health_url": "http://vm:8000/health" }"""));

        Assert.That(target, Is.EqualTo(new ProvisionedTarget(null, null, "http://vm:8000/health")));
    }

    [Test]
    public void Broken_json_is_named_at_the_line_it_breaks_on()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("outputs.json", "{\n  \"deployment_target\": {\n    \"value\": { oops }\n  }\n}\n");

        var error = Assert.Throws<InvalidDataException>(() => ProvisionedTarget.Read(path))!;

        Assert.That(error.Message, Does.StartWith($"{path}:3: not the JSON of 'terraform output -json' (").And.EndWith("). Run ./build.sh --target=apply again to rewrite it."));
    }
}
