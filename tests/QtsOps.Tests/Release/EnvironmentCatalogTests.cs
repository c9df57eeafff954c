using QtsOps.Build;
using QtsOps.Release.Environments;

namespace QtsOps.Tests.Release;

public class EnvironmentCatalogTests
{
    private static string Valid => File.ReadAllText(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName));

    [Test]
    public void The_checked_in_file_holds_a_complete_local_default_and_staging_and_prod()
    {
        var environments = EnvironmentCatalog.Load(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName), BuildContext.Environments);

        Assert.That(environments.Keys, Is.EquivalentTo(new[] { "local", "staging", "prod" }));
        var local = environments["local"];
        Assert.That((local.DockerHost, local.ContainerName, local.Port, local.HealthUrl), Is.EqualTo(((string?)null, "qts-observer", 8000, "http://127.0.0.1:8000/health")));
        Assert.That(local.BootstrapBaseImage && local.AutomaticRollback && !local.Protected, Is.True);
        Assert.That(environments["prod"].Protected, Is.True);
        Assert.That(environments["staging"].DockerHost, Does.StartWith("ssh://"));
    }

    [Test]
    public void A_wrong_value_is_reported_with_file_line_path_and_fix()
    {
        var json = Valid.Replace("\"port\": 8000,", "\"port\": \"8000\",");
        var line = json.Split('\n').ToList().FindIndex(l => l.Contains("\"port\": \"8000\"")) + 1;

        var error = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse(json, "environments.json", BuildContext.Environments))!;

        Assert.That(error.Message, Does.Contain($"environments.json:{line}: $.local.port: must be a whole number from 1 to 65535 (got \"8000\")").And.Contain("Fix:"));
    }

    [Test]
    public void Missing_and_unknown_keys_and_environments_are_all_reported()
    {
        var json = Valid.Replace("\"settleSeconds\": 12,", "\"settleSecs\": 12,").Replace("\"prod\": {", "\"production\": {");

        var error = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse(json, "environments.json", BuildContext.Environments))!;

        Assert.That(error.Message, Does.Contain("$.local: 'settleSeconds' is missing")
            .And.Contain("$.local.settleSecs: unknown setting 'settleSecs'")
            .And.Contain("environment 'prod' is missing")
            .And.Contain("$.production: unknown environment 'production'"));
    }

    [Test]
    public void Broken_json_names_the_line()
    {
        var error = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse("{\n  \"local\": {\n    \"port\": 80,,\n  }\n}", "environments.json", BuildContext.Environments))!;

        Assert.That(error.Message, Does.StartWith("environments.json:3: not valid JSON"));
    }

    [Test]
    public void A_docker_host_must_be_a_socket_tcp_or_ssh_address()
    {
        var json = Valid.Replace("\"dockerHost\": null,", "\"dockerHost\": \"docker.example\",");

        var error = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse(json, "environments.json", BuildContext.Environments))!;

        Assert.That(error.Message, Does.Contain("$.local.dockerHost: must be null or a unix://, tcp:// or ssh://user@host address"));
    }

    [Test]
    public void A_missing_file_says_how_to_get_it_back() =>
        Assert.That(Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Load("/nonexistent/environments.json", BuildContext.Environments))!.Message,
            Does.Contain("not found").And.Contain("restore environments.json from git"));
}
