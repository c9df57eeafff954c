using QtsOps.Core.Environments;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class EnvironmentCatalogTests
{
    // A file without "defaults", every key in every environment: the tests of each check change one of local's keys in it.
    private static string Valid => File.ReadAllText(SourceRepository.Combine(FlatFile));

    private const string FlatFile = "tests/QtsOps.Tests/Core/Fixtures/flat-environments.json";

    [Test]
    public void The_checked_in_file_holds_a_complete_local_default_and_staging_and_prod()
    {
        var environments = EnvironmentCatalog.Load(Path.Combine(SourceRepository.Root, EnvironmentCatalog.FileName));

        Assert.That(environments.Keys, Is.EquivalentTo(new[] { "local", "staging", "prod" }));
        var local = environments["local"];
        Assert.That((local.DockerHost, local.ContainerName, local.Port, local.HealthUrl), Is.EqualTo(((string?)null, "qts-observer", 8000, "http://127.0.0.1:8000/health")));
        Assert.That(local.BootstrapBaseImage && local.AutomaticRollback && !local.Protected, Is.True);
        Assert.That(environments["prod"].Protected, Is.True);
        Assert.That(environments.Values.Where(e => e.RequireVerifiedRelease).Select(e => e.Name), Is.EqualTo(new[] { "prod" }));
        Assert.That(environments.Values.Select(e => e.Strategy), Is.All.EqualTo(QtsOps.Core.Deployment.DeployStrategy.StartFirst));
        Assert.That(environments["staging"].DockerHost, Does.StartWith("ssh://"));
    }

    [Test]
    public void A_release_s_image_is_the_image_repository_tagged_with_the_release() =>
        Assert.That(EnvironmentCatalog.Parse(Valid, "environments.json")["local"].ImageOf("1.2.3"), Is.EqualTo("qts-observer:1.2.3"));

    [Test]
    public void A_wrong_value_is_reported_with_file_line_path_and_fix()
    {
        var json = Valid.Replace("\"port\": 8000,", "\"port\": \"8000\",");
        var line = json.Split('\n').ToList().FindIndex(l => l.Contains("\"port\": \"8000\"")) + 1;

        var error = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse(json, "environments.json"))!;

        Assert.That(error.Message, Does.Contain($"environments.json:{line}: $.local.port: must be a whole number from 1 to 65535 (got \"8000\"). Fix: write \"port\": 8000, without quotes."));
    }

    // Each numeric key at its bounds is taken and one step beyond them refused (local's value replaced).
    [TestCase("port", "8000", "1", "65535", "0", "65536")]
    [TestCase("settleSeconds", "1", "1", "3600", "0", "3601")]
    [TestCase("healthIntervalSeconds", "1", "1", "300", "0", "301")]
    [TestCase("healthTimeoutSeconds", "60", "5", "3600", "4", "3601")]
    [TestCase("backupsToKeep", "5", "1", "1000", "0", "1001")]
    [TestCase("releasesToKeep", "3", "2", "100", "1", "101")]
    [TestCase("minFreeDiskMb", "1024", "0", "10000000", "-1", "10000001")]
    [TestCase("minMemoryMb", "512", "0", "10000000", "-1", "10000001")]
    [TestCase("maxDiskUsedPercent", "80", "1", "100", "0", "101")]
    [TestCase("cpuLimit", "1.0", "0.01", "1024", "0", "1024.5")]
    [TestCase("memoryLimitMb", "512", "6", "10000000", "5", "10000001")]
    public void A_number_is_taken_at_its_bounds_and_refused_beyond_them(string key, string local, string lowest, string highest, string below, string above)
    {
        var setting = $"\"{key}\": {local}";
        var at = Valid.IndexOf(setting, StringComparison.Ordinal); // local's, the first
        Assert.That(at, Is.GreaterThan(0), $"local has {setting}");
        // The health URL asks the port the service is published on, so it moves with it.
        string With(string value) => (Valid[..at] + $"\"{key}\": {value}" + Valid[(at + setting.Length)..])
            .Replace("http://127.0.0.1:8000/health", key == "port" ? $"http://127.0.0.1:{value}/health" : "http://127.0.0.1:8000/health");

        foreach (var value in new[] { lowest, highest })
            Assert.That(() => EnvironmentCatalog.Parse(With(value), "environments.json"), Throws.Nothing, $"{key}: {value}");
        foreach (var value in new[] { below, above })
            Assert.That(Refusal(With(value)), Does.Contain($"$.local.{key}: must be a ").And.Contain($"from {lowest} to {highest} (got {value})"));
    }

    [Test]
    public void Missing_and_unknown_keys_and_bad_environment_names_are_all_reported()
    {
        var json = Valid.Replace("\"settleSeconds\": 1,", "\"settleSecs\": 3,").Replace("\"prod\": {", "\"Production\": {");

        var error = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse(json, "environments.json"))!;

        Assert.That(error.Message, Does.Contain("$.local: 'settleSeconds' is missing")
            .And.Contain("$.local.settleSecs: unknown setting 'settleSecs'")
            .And.Contain("$.Production: 'Production' is not a valid environment name"));
    }

    [Test]
    public void Broken_json_names_the_line()
    {
        var error = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse("{\n  \"local\": {\n    \"port\": 80,,\n  }\n}", "environments.json"))!;

        Assert.That(error.Message, Does.StartWith("environments.json:3: not valid JSON"));
        Assert.That(error.Problems.Single().Fix, Is.EqualTo("correct the syntax at that line"));
    }

    [Test]
    public void A_docker_host_must_be_a_socket_tcp_or_ssh_address()
    {
        var json = Valid.Replace("\"dockerHost\": null,", "\"dockerHost\": \"docker.example\",");

        var error = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse(json, "environments.json"))!;

        Assert.That(error.Message, Does.Contain("$.local.dockerHost: must be null or a unix://, tcp:// or ssh://user@host address"));
    }

    [Test]
    public void A_registry_may_be_null_for_none_but_not_missing_or_blank()
    {
        var none = EnvironmentCatalog.Parse(Valid.Replace("\"registry\": \"127.0.0.1:5000\",", "\"registry\": null,"), "environments.json");
        Assert.That(none["local"].Registry, Is.Null);

        Assert.That(Refusal(Valid.Replace("\"registry\": \"127.0.0.1:5000\",", "")), Does.Contain("$.local: 'registry' is missing"));
        Assert.That(Refusal(Valid.Replace("\"registry\": \"127.0.0.1:5000\",", "\"registry\": \" \",")), Does.Contain("$.local.registry: must be a non-empty string"));
    }

    // Each case: local's setting replaced (or removed), and the one error: its message and fix.
    [TestCase("\"dockerHost\": null", "\"dockerHost\": \"http://host:2375\"", "$.local.dockerHost: must be null or a unix://, tcp:// or ssh://user@host address (got \"http://host:2375\")", DockerHostFix)]
    [TestCase("\"dockerHost\": null", "\"dockerHost\": 2375", "$.local.dockerHost: must be null or a unix://, tcp:// or ssh://user@host address (got 2375)", DockerHostFix)]
    [TestCase("\"healthUrl\": \"http://127.0.0.1:8000/health\"", "\"healthUrl\": \"ftp://127.0.0.1/health\"", "$.local.healthUrl: 'ftp://127.0.0.1/health' is not an http(s) URL", HealthUrlFix)]
    [TestCase("\"healthUrl\": \"http://127.0.0.1:8000/health\"", "\"healthUrl\": \"127.0.0.1:8000\"", "$.local.healthUrl: '127.0.0.1:8000' is not an http(s) URL", HealthUrlFix)]
    [TestCase("\"healthUrl\": \"http://127.0.0.1:8000/health\",", "", "$.local: 'healthUrl' is missing", "add \"healthUrl\": \"...\"")]
    [TestCase("\"healthUrl\": \"http://127.0.0.1:8000/health\"", "\"healthUrl\": 8000", "$.local.healthUrl: must be a non-empty string (got 8000)", "write \"healthUrl\": \"...\"")]
    [TestCase("\"healthUrl\": \"http://127.0.0.1:8000/health\"", "\"healthUrl\": \"\"", "$.local.healthUrl: must be a non-empty string (got \"\")", "write \"healthUrl\": \"...\"")]
    [TestCase("\"registryTls\": false", "\"registryTls\": \"false\"", "$.local.registryTls: must be true or false (got \"false\")", "write \"registryTls\": true or false, without quotes")]
    [TestCase("\"containerName\": \"qts-observer\"", "\"containerName\": \"QTS observer\"", "$.local.containerName: 'QTS observer' is not a valid name here (allowed: ^[a-z0-9][a-z0-9_.-]*$)",
        "use lower-case letters, digits, '.', '_' and '-'")]
    [TestCase("\"bind\": \"127.0.0.1\"", "\"bind\": 5", "$.local.bind: must be a non-empty string (got 5)", "write \"bind\": \"...\"")]
    [TestCase("\"port\": 8000", "\"port\": \"8000\"", "$.local.port: must be a whole number from 1 to 65535 (got \"8000\")", "write \"port\": 8000, without quotes")]
    [TestCase("\"port\": 8000", "\"port\": \"65535\"", "$.local.port: must be a whole number from 1 to 65535 (got \"65535\")", "write \"port\": 65535, without quotes")]
    [TestCase("\"cpuLimit\": 1.0", "\"cpuLimit\": \"1\"", "$.local.cpuLimit: must be a number from 0.01 to 1024 (got \"1\")", "write \"cpuLimit\": 1.0, without quotes")]
    [TestCase("\"bind\": \"127.0.0.1\",", "\"bind\": \"127.0.0.1\", \"bindd\": 1,", "$.local.bindd: unknown setting 'bindd'", "remove it or correct its spelling (see the 'local' entry)")]
    [TestCase("\"bind\": \"127.0.0.1\",", "", "$.local: 'bind' is missing", "add \"bind\": \"...\"")]
    [TestCase("\"dockerHost\": null,", "", "$.local: 'dockerHost' is missing", "add \"dockerHost\": null")]
    [TestCase("\"protected\": false,", "", "$.local: 'protected' is missing", "add \"protected\": true or false")]
    [TestCase("\"settleSeconds\": 1,", "", "$.local: 'settleSeconds' is missing", "add \"settleSeconds\": a whole number from 1 to 3600")]
    [TestCase("\"cpuLimit\": 1.0,", "", "$.local: 'cpuLimit' is missing", "add \"cpuLimit\": a number from 0.01 to 1024")]
    [TestCase("\"strategy\": \"start-first\",", "", "$.local: 'strategy' is missing", "add \"strategy\": \"start-first\" or \"recreate\" or \"canary\"")]
    [TestCase("\"strategy\": \"start-first\"", "\"strategy\": \"blue-green\"", "$.local.strategy: must be \"start-first\" or \"recreate\" or \"canary\" (got \"blue-green\")", StrategyFix)]
    [TestCase("\"strategy\": \"start-first\"", "\"strategy\": null", "$.local.strategy: must be \"start-first\" or \"recreate\" or \"canary\" (got null)", StrategyFix)]
    [TestCase("\"strategy\": \"start-first\"", "\"strategy\": 1", "$.local.strategy: must be \"start-first\" or \"recreate\" or \"canary\" (got 1)", StrategyFix)]
    public void A_value_of_the_wrong_shape_is_the_one_error_reported_with_its_fix(string setting, string value, string message, string fix)
    {
        var at = Valid.IndexOf(setting, StringComparison.Ordinal); // local's, the first
        var json = Valid[..at] + value + Valid[(at + setting.Length)..];

        var error = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse(json, "environments.json"))!;

        var problem = error.Problems.Single();
        Assert.That((problem.Message, problem.Fix), Is.EqualTo((message, fix)));
    }

    private const string StrategyFix = "write \"strategy\": \"start-first\" (the new release serves only once healthy), \"recreate\" (one container, replaced in place) or \"canary\" (a share of requests first, with \"canary\" settings)";
    private const string DockerHostFix = "write null for this machine's engine, or e.g. \"ssh://deploy@host\"";
    private const string HealthUrlFix = "write e.g. \"http://127.0.0.1:8000/health\"";

    [Test]
    public void An_https_health_url_is_taken() =>
        Assert.That(EnvironmentCatalog.Parse(Valid.Replace("\"healthUrl\": \"http://127.0.0.1:8000/health\"", "\"healthUrl\": \"https://127.0.0.1:8443/health\"").Replace("\"port\": 8000,\n    \"healthUrl\": \"https", "\"port\": 8443,\n    \"healthUrl\": \"https"),
            "environments.json")["local"].HealthUrl, Is.EqualTo("https://127.0.0.1:8443/health"));

    [Test]
    public void A_comment_key_beside_the_environments_is_no_environment() =>
        Assert.That(EnvironmentCatalog.Parse(Valid.Replace("  \"local\": {", "  \"$comment\": \"local first\",\n  \"local\": {"), "environments.json").Keys,
            Is.EqualTo(new[] { "local", "staging", "prod" }));

    // Issue 23, point 1: the environments are the file's, not a fixed local, staging and prod.
    [Test]
    public void The_environments_are_the_names_the_file_declares()
    {
        var json = Valid.Replace("  \"local\": {", "  \"qa\": {").Replace("  \"staging\": {", "  \"eu-prod\": {");
        using var directory = new TempDirectory();
        var file = directory.Write("team.json", json);

        Assert.That(EnvironmentCatalog.Load(file).Keys, Is.EqualTo(new[] { "qa", "eu-prod", "prod" }));
        Assert.That(EnvironmentCatalog.DeclaredNames(file), Is.EqualTo(new[] { "qa", "eu-prod", "prod" }));
        Assert.That(EnvironmentCatalog.Load(file)["eu-prod"].DockerHost, Does.StartWith("ssh://"), "eu-prod has the settings written under its name");
    }

    [TestCase("EU-Prod")]
    [TestCase("eu_prod")]
    [TestCase("1st")]
    [TestCase("eu prod")]
    public void An_environment_name_that_is_not_a_safe_one_is_refused_at_its_line(string name)
    {
        var json = Valid.Replace("  \"staging\": {", $"  \"{name}\": {{");

        var problems = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse(json, "environments.json"))!.Problems;

        Assert.That(problems.Select(p => (p.Line, p.Message)), Is.EqualTo(new[]
        {
            ((int?)LineOf(json, $"\"{name}\": {{"), $"$.{name}: '{name}' is not a valid environment name (allowed: ^[a-z][a-z0-9-]*$)"),
        }), "one error for the name; its settings are not read");
        Assert.That(problems[0].Fix, Does.Contain("lower-case letters, digits and '-', beginning with a letter"));
    }

    [TestCase("{ \"defaults\": { \"port\": 8000 } }")]
    [TestCase("{ \"$comment\": \"none yet\" }")]
    public void A_file_that_declares_no_environment_says_so(string json)
    {
        Assert.That(Refusal(json), Does.Contain("environments.json:1: $: declares no environment"));
        using var directory = new TempDirectory();
        var file = directory.Write("environments.json", json);
        Assert.That(Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.DeclaredNames(file))!.Message, Does.Contain("$: declares no environment"));
    }

    [Test]
    public void A_file_that_is_no_object_says_what_to_write() =>
        Assert.That(Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse("[]", "environments.json"))!.Problems.Single().Fix,
            Is.EqualTo("write { \"local\": {...}, \"NAME\": {...} }, an entry per environment"));

    [TestCase("tcp://10.0.0.5:2376")]
    [TestCase("unix:///run/user/1000/docker.sock")]
    [TestCase("ssh://deploy@host")]
    public void Every_kind_of_docker_host_address_is_taken(string host) =>
        // staging's, whose paths are the host's (absolute), as a remote engine needs.
        Assert.That(EnvironmentCatalog.Parse(Valid.Replace("\"dockerHost\": \"ssh://qtsops@staging.qts-observer.internal\",", $"\"dockerHost\": \"{host}\","), "environments.json")["staging"].DockerHost,
            Is.EqualTo(host));

    [Test]
    public void A_file_that_is_no_object_of_objects_is_refused_as_such()
    {
        Assert.That(Refusal("[]"), Does.Contain("$: must be an object with one entry per environment"));
        // One error for the entry, not one per key it lacks.
        var notAnObject = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse("{ \"local\": 5 }", "environments.json"))!;
        Assert.That(notAnObject.Problems.Select(p => p.Message), Is.EqualTo(new[] { "$.local: must be an object of settings" }));
    }

    [Test]
    public void Comments_and_a_trailing_comma_are_allowed() =>
        Assert.That(EnvironmentCatalog.Parse(Valid.Replace("\"port\": 8000,", "\"port\": 8000, // the observer's\n").Replace("\"memoryLimitMb\": 512", "\"memoryLimitMb\": 512,"),
            "environments.json")["local"].Port, Is.EqualTo(8000));

    [Test]
    public void A_missing_file_says_how_to_get_it_back() =>
        Assert.That(Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Load("/nonexistent/environments.json"))!.Message,
            Is.EqualTo("/nonexistent/environments.json: not found. Fix: restore the checked-in file with git checkout -- environments.json (it declares the environments)."));

    // Issue 29, point 13: a file named on the command line is not restored from git: its path is wrong.
    [Test]
    public void A_missing_file_given_by_an_option_says_to_correct_the_path() =>
        Assert.That(Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Load("/nonexistent/team.json", "--environments"))!.Message,
            Is.EqualTo("/nonexistent/team.json: not found. Fix: correct the path given by --environments (a relative path is relative to the working directory), or leave it out to use the checked-in environments.json."));

    private static int LineOf(string json, string text) => json.Split('\n').ToList().FindIndex(l => l.Contains(text)) + 1;

    private static string Refusal(string json) =>
        Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse(json, "environments.json"))!.Message;

    [Test]
    public void A_key_given_twice_is_refused_with_both_lines_at_any_depth()
    {
        var json = Valid.Replace("\"port\": 8000,", "\"port\": 8000,\n    \"port\": 9000,")
            .Replace("  \"staging\": {", "  \"prod\": {},\n  \"staging\": {");

        var error = Refusal(json);

        var first = LineOf(json, "\"port\": 8000");
        Assert.That(error, Does.Contain($"environments.json:{first + 1}: $.local.port: duplicate key 'port' (first at line {first}). Fix: keep one of them"));
        Assert.That(error, Does.Contain($"environments.json:{json.Split('\n').ToList().FindLastIndex(l => l.Contains("\"prod\": {")) + 1}: $.prod: duplicate key 'prod' (first at line {LineOf(json, "\"prod\": {}")})"));
    }

    // Each case: the environment's keys changed, the key the error is on, and a part of its message.
    [TestCase("dataDirectory", ".qtsops/deploy/local/releases/data", "dataDirectory", "is under the deploy directory's releases/")]
    [TestCase("logDirectory", ".qtsops/deploy/local/./releases/../releases/1.0.0/logs", "logDirectory", "is under the deploy directory's releases/")]
    [TestCase("configDirectory", ".qtsops/deploy/local/current/config", "configDirectory", "is under the deploy directory's current/")]
    [TestCase("backupDirectory", ".qtsops/deploy/local/data/backups", "backupDirectory", "is inside dataDirectory '.qtsops/deploy/local/data': each backup would archive the earlier backups")]
    [TestCase("logDirectory", ".qtsops/deploy/local/data/", "logDirectory", "is the same directory as dataDirectory")]
    [TestCase("dataDirectory", ".qtsops/backups/local/data", "dataDirectory", "is inside backupDirectory '.qtsops/backups/local'")]
    [TestCase("deployDirectory", ".qtsops/deploy/local/data/app", "deployDirectory", "is inside dataDirectory '.qtsops/deploy/local/data'")]
    [TestCase("deployDirectory", ".qtsops/backups/local", "deployDirectory", "is the same directory as backupDirectory")]
    public void Overlapping_directories_are_refused_on_the_key_that_has_to_move(string key, string value, string blamed, string message)
    {
        var json = Valid.Replace($"\"{key}\": \"{LocalValue(key)}\",", $"\"{key}\": \"{value}\",");
        Assume.That(json, Does.Contain(value));

        var error = Refusal(json);

        Assert.That(error, Does.Contain($"environments.json:{LineOf(json, $"\"{blamed}\": ")}: $.local.{blamed}: ").And.Contain(message).And.Contain("Fix:"));
    }

    [Test]
    public void Data_logs_config_and_backups_may_sit_directly_in_the_deploy_directory_and_remote_paths_are_compared_too()
    {
        var json = Valid.Replace("\"backupDirectory\": \".qtsops/backups/local\",", "\"backupDirectory\": \".qtsops/deploy/local/backups\",");

        Assert.That(EnvironmentCatalog.Parse(json, "environments.json")["local"].BackupDirectory, Is.EqualTo(".qtsops/deploy/local/backups"));
        var remote = Valid.Replace("\"backupDirectory\": \"/var/backups/qts-observer\",", "\"backupDirectory\": \"/opt/qts-observer/data/backups\",");
        Assert.That(Refusal(remote), Does.Contain("$.staging.backupDirectory: '/opt/qts-observer/data/backups' is inside dataDirectory '/opt/qts-observer/data'")
            .And.Contain("$.prod.backupDirectory"));
    }

    // Issue 29, point 6: the paths of an ssh:// host are that host's; a relative one means this repository's.
    [TestCase("deployDirectory", "/opt/qts-observer", "opt/qts-observer", "/opt/qts-observer")]
    [TestCase("dataDirectory", "/opt/qts-observer/data", "./data", "/opt/qts-observer/data")]
    [TestCase("backupDirectory", "/var/backups/qts-observer", "backups", "/opt/qts-observer/backups")]
    public void A_relative_path_on_an_ssh_host_is_refused_at_its_line(string key, string written, string relative, string example)
    {
        var json = Valid.Replace($"\"{key}\": \"{written}\",", $"\"{key}\": \"{relative}\",");

        var error = Refusal(json);

        Assert.That(error, Does.Contain($"environments.json:{LineOf(json, $"\"{key}\": \"{relative}\"")}: $.staging.{key}: '{relative}' is relative, but the environment runs on ssh://qtsops@staging.qts-observer.internal: " +
            $"relative paths are relative to this repository, which that host does not have. Fix: write the absolute path on the host, e.g. \"{example}\"."));
        Assert.That(error, Does.Contain($"$.prod.{key}: '{relative}' is relative"));
    }

    [Test]
    public void Relative_paths_on_this_machines_engine_are_taken() =>
        Assert.That(EnvironmentCatalog.Parse(Valid.Replace("\"dockerHost\": null", "\"dockerHost\": \"unix:///var/run/docker.sock\""), "environments.json")["local"].DeployDirectory,
            Is.EqualTo(".qtsops/deploy/local"));

    // Issue 29, point 7: the health URL asks where the service is published, or deploy and verify judge something else.
    [TestCase("\"port\": 8000,", "\"port\": 8081,", "'http://127.0.0.1:8000/health' asks port 8000, but the service is published on \"port\": 8081",
        "give both the same port, e.g. \"healthUrl\": \"http://127.0.0.1:8081/health\"")]
    [TestCase("\"healthUrl\": \"http://127.0.0.1:8000/health\"", "\"healthUrl\": \"http://127.0.0.1/health\"", "'http://127.0.0.1/health' asks port 80, but the service is published on \"port\": 8000",
        "give both the same port, e.g. \"healthUrl\": \"http://127.0.0.1:8000/health\"")]
    [TestCase("\"healthUrl\": \"http://127.0.0.1:8000/health\"", "\"healthUrl\": \"http://observer.example:8000/health\"",
        "'http://observer.example:8000/health' asks observer.example, but the service is published on \"bind\": \"127.0.0.1\" only: observer.example is not this host's loopback, where the port is published",
        "ask the address the service is published on (\"healthUrl\": \"http://127.0.0.1:8000/health\"), or publish it on every address (\"bind\": \"0.0.0.0\")")]
    [TestCase("\"bind\": \"127.0.0.1\"", "\"bind\": \"10.1.2.3\"",
        "'http://127.0.0.1:8000/health' asks 127.0.0.1, but the service is published on \"bind\": \"10.1.2.3\" only: the port is not published on the loopback address",
        "ask the address the service is published on (\"healthUrl\": \"http://10.1.2.3:8000/health\"), or publish it on every address (\"bind\": \"0.0.0.0\")")]
    [TestCase("\"bind\": \"127.0.0.1\"", "\"bind\": \"fd00::5\"",
        "'http://127.0.0.1:8000/health' asks 127.0.0.1, but the service is published on \"bind\": \"fd00::5\" only: the port is not published on the loopback address",
        "ask the address the service is published on (\"healthUrl\": \"http://[fd00::5]:8000/health\"), or publish it on every address (\"bind\": \"0.0.0.0\")")]
    public void A_health_url_that_disagrees_with_port_or_bind_is_refused_at_its_line(string setting, string changed, string message, string fix)
    {
        var at = Valid.IndexOf(setting, StringComparison.Ordinal); // local's, the first
        var json = Valid[..at] + changed + Valid[(at + setting.Length)..];

        Assert.That(Refusal(json), Does.Contain($"environments.json:{LineOf(json, "\"healthUrl\"")}: $.local.healthUrl: {message}").And.Contain($"Fix: {fix}."));
    }

    [Test]
    public void A_health_url_on_another_address_than_the_bind_is_refused_and_a_host_name_is_left_to_resolve()
    {
        static string First(string text, string old, string replacement) => text[..text.IndexOf(old, StringComparison.Ordinal)] + replacement + text[(text.IndexOf(old, StringComparison.Ordinal) + old.Length)..];
        string With(string healthUrl) =>
            First(First(Valid, "\"bind\": \"127.0.0.1\"", "\"bind\": \"10.1.2.3\""), "\"healthUrl\": \"http://127.0.0.1:8000/health\"", $"\"healthUrl\": \"{healthUrl}\"");

        Assert.That(Refusal(With("http://10.1.2.4:8000/health")),
            Does.Contain("$.local.healthUrl: 'http://10.1.2.4:8000/health' asks 10.1.2.4, but the service is published on \"bind\": \"10.1.2.3\" only: 10.1.2.4 is another address"));
        Assert.That(EnvironmentCatalog.Parse(With("http://observer.example:8000/health"), "environments.json")["local"].Bind, Is.EqualTo("10.1.2.3"),
            "a host name may resolve to the bind address: nothing to refuse");
    }

    [TestCase("\"healthUrl\": \"http://localhost:8000/health\"")]
    [TestCase("\"healthUrl\": \"http://[::1]:8000/health\"")]
    public void A_loopback_name_for_a_loopback_bind_is_taken(string healthUrl) =>
        Assert.That(EnvironmentCatalog.Parse(Valid.Replace("\"healthUrl\": \"http://127.0.0.1:8000/health\"", healthUrl), "environments.json")["local"].Bind,
            Is.EqualTo("127.0.0.1"));

    [Test]
    public void A_bind_on_every_ipv6_address_is_asked_on_the_loopback()
    {
        var local = EnvironmentCatalog.Parse(Valid.Replace("\"bind\": \"127.0.0.1\"", "\"bind\": \"::\""), "environments.json")["local"];

        Assert.That((local.Bind, local.HealthUrl), Is.EqualTo(("::", "http://127.0.0.1:8000/health")), "taken, its health asked on the loopback");
    }

    // The example of an absolute path is under the deploy directory only when that one is absolute itself.
    [Test]
    public void Relative_deploy_and_data_directories_on_an_ssh_host_are_each_given_an_example_from_the_root()
    {
        var json = Valid.Replace("\"deployDirectory\": \"/opt/qts-observer\",", "\"deployDirectory\": \"opt/qts-observer\",")
            .Replace("\"dataDirectory\": \"/opt/qts-observer/data\",", "\"dataDirectory\": \"./data\",");

        var problems = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse(json, "environments.json"))!.Problems.Where(p => p.Message.StartsWith("$.staging.")).ToList();

        Assert.That(problems.Select(p => (p.Message.Split(':')[0], p.Fix)), Is.EqualTo(new[]
        {
            ("$.staging.deployDirectory", "write the absolute path on the host, e.g. \"/opt/qts-observer\""),
            ("$.staging.dataDirectory", "write the absolute path on the host, e.g. \"/data\""),
        }));
    }

    [Test]
    public void A_file_that_is_no_object_declares_no_environment_to_choose_from()
    {
        using var directory = new TempDirectory();
        var file = directory.Write("environments.json", "[]");

        Assert.That(Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.DeclaredNames(file))!.Message,
            Is.EqualTo($"{file}:1: $: declares no environment. Fix: add an entry per environment beside \"defaults\", e.g. \"local\": {{ ... }}."));
    }

    [Test]
    public void An_environment_with_a_bad_name_is_not_read_any_further()
    {
        var json = Valid.Replace("  \"local\": {", "  \"Scratch\": 5,\n  \"local\": {");

        var problems = Assert.Throws<SettingsFileException>(() => EnvironmentCatalog.Parse(json, "environments.json"))!.Problems;

        Assert.That(problems.Select(p => p.Message), Is.EqualTo(new[] { "$.Scratch: 'Scratch' is not a valid environment name (allowed: ^[a-z][a-z0-9-]*$)" }));
    }

    [Test]
    public void A_path_of_the_environments_file_resolves_against_the_repository_and_an_absolute_one_stays()
    {
        Assert.That(EnvironmentCatalog.Resolve("/work/repo", ".qtsops/deploy/../backups"), Is.EqualTo("/work/repo/.qtsops/backups"));
        Assert.That(EnvironmentCatalog.Resolve("/work/repo", "/srv/qts"), Is.EqualTo("/srv/qts"));
    }

    private static string LocalValue(string key) => EnvironmentCatalog.Parse(Valid, "environments.json")["local"] switch
    {
        var local when key == "deployDirectory" => local.DeployDirectory,
        var local when key == "dataDirectory" => local.DataDirectory,
        var local when key == "logDirectory" => local.LogDirectory,
        var local when key == "configDirectory" => local.ConfigDirectory,
        var local => local.BackupDirectory,
    };
}
