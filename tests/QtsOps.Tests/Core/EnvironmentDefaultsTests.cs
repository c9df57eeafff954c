using QtsOps.Core.Environments;

namespace QtsOps.Tests.Core;

/// <summary>environments.json's "defaults" block: each environment inherits the keys it does not set, and an error is reported where the wrong key is written.</summary>
[Category("Core")]
public class EnvironmentDefaultsTests
{
    private static string CheckedIn => File.ReadAllText(SourceRepository.Combine(EnvironmentCatalog.FileName));

    private static IReadOnlyList<string> CheckedInNames => EnvironmentCatalog.DeclaredNames(SourceRepository.Combine(EnvironmentCatalog.FileName));

    private static IReadOnlyDictionary<string, DeploymentEnvironment> Parse(string json) => EnvironmentCatalog.Parse(json, "environments.json");

    private static SettingsFileException Refusal(string json) => Assert.Throws<SettingsFileException>(() => Parse(json))!;

    private static int LineOf(string json, string text) => json.Split('\n').ToList().FindIndex(l => l.Contains(text)) + 1;

    /// <summary>The checked-in file with its first occurrence of <paramref name="text"/> (the one in defaults) replaced.</summary>
    private static string CheckedInWithFirst(string text, string replacement)
    {
        var at = CheckedIn.IndexOf(text, StringComparison.Ordinal);
        Assume.That(at, Is.GreaterThan(0), $"the checked-in file has {text}");
        return CheckedIn[..at] + replacement + CheckedIn[(at + text.Length)..];
    }

    [Test]
    public void The_checked_in_file_with_defaults_gives_the_environments_the_file_with_every_key_written_out_gave()
    {
        var flat = EnvironmentCatalog.Load(SourceRepository.Combine("tests/QtsOps.Tests/Core/Fixtures/flat-environments.json"));

        var layered = Parse(CheckedIn);

        Assert.That(CheckedIn, Does.Contain("\"defaults\": {"));
        foreach (var name in CheckedInNames)
            Assert.That(layered[name], Is.EqualTo(flat[name]), name);
    }

    [Test]
    public void Each_environment_states_only_what_differs_from_defaults()
    {
        using var document = System.Text.Json.JsonDocument.Parse(CheckedIn, new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip });
        var defaults = document.RootElement.GetProperty("defaults");

        foreach (var name in CheckedInNames)
            foreach (var setting in document.RootElement.GetProperty(name).EnumerateObject())
                Assert.That(defaults.TryGetProperty(setting.Name, out var inherited) && inherited.GetRawText() == setting.Value.GetRawText(), Is.False,
                    $"{name}.{setting.Name} repeats the value in defaults");
    }

    [Test]
    public void An_environment_s_own_value_wins_and_a_key_it_does_not_set_is_inherited()
    {
        var json = CheckedIn.Replace("\"healthUrl\": \"http://staging.qts-observer.internal:8000/health\",",
            "\"healthUrl\": \"http://staging.qts-observer.internal:9000/health\",\n    \"port\": 9000,\n    \"registry\": null,");

        var environments = Parse(json);

        Assert.That((environments["staging"].Port, environments["staging"].Registry), Is.EqualTo((9000, (string?)null)));
        Assert.That((environments["prod"].Port, environments["prod"].Registry), Is.EqualTo((8000, "qtsobserver.azurecr.io")));
        Assert.That((environments["local"].Port, environments["local"].Registry), Is.EqualTo((8000, "127.0.0.1:5000")));
    }

    [Test]
    public void A_wrong_value_in_defaults_is_reported_once_at_its_line_there_with_the_environments_that_inherit_it()
    {
        var json = CheckedInWithFirst("\"releasesToKeep\": 3,", "\"releasesToKeep\": \"three\",");

        var error = Refusal(json);

        var problem = error.Problems.Single();
        Assert.That((problem.File, problem.Line), Is.EqualTo(("environments.json", (int?)LineOf(json, "\"releasesToKeep\": \"three\""))));
        // prod sets its own releasesToKeep, so it does not inherit the wrong one.
        Assert.That(problem.Message, Is.EqualTo("$.defaults.releasesToKeep: must be a whole number from 2 to 100 (got \"three\") (inherited by local, staging)"));
        Assert.That(error.Message, Does.StartWith($"environments.json:{problem.Line}: $.defaults.releasesToKeep: "));
    }

    [Test]
    public void A_wrong_value_an_environment_sets_itself_is_reported_at_its_own_line()
    {
        var json = CheckedIn.Replace("\"backupsToKeep\": 30,", "\"backupsToKeep\": 0,");

        var problem = Refusal(json).Problems.Single();

        Assert.That((problem.Line, problem.Message), Is.EqualTo(((int?)LineOf(json, "\"backupsToKeep\": 0"), "$.prod.backupsToKeep: must be a whole number from 1 to 1000 (got 0)")));
    }

    [Test]
    public void A_key_set_neither_in_the_environment_nor_in_defaults_is_missing_in_each_environment_that_lacks_it()
    {
        var json = CheckedInWithFirst("\"cpuLimit\": 1.0,\n", "");

        var problems = Refusal(json).Problems;

        Assert.That(problems.Select(p => (p.Line, p.Message)), Is.EqualTo(CheckedInNames.Select(name =>
            ((int?)LineOf(json, $"\"{name}\": {{"), $"$.{name}: 'cpuLimit' is missing: set neither in '{name}' nor in \"defaults\""))));
        Assert.That(problems[0].Fix, Is.EqualTo("add \"cpuLimit\": a number from 0.01 to 1024 to \"defaults\" (for every environment) or to 'local'"));
    }

    [Test]
    public void A_check_across_keys_blames_the_inherited_key_where_defaults_write_it()
    {
        var json = CheckedInWithFirst("\"dataDirectory\": \"/opt/qts-observer/data\",", "\"dataDirectory\": \"/opt/qts-observer/releases/data\",");

        var problem = Refusal(json).Problems.Single();

        Assert.That(problem.Line, Is.EqualTo(LineOf(json, "/opt/qts-observer/releases/data")));
        Assert.That(problem.Message, Does.StartWith("$.defaults.dataDirectory: ").And.Contain("is under the deploy directory's releases/").And.EndWith("(inherited by staging, prod)"));
    }

    [Test]
    public void An_unknown_key_in_defaults_is_refused_at_its_line()
    {
        var json = CheckedIn.Replace("\"defaults\": {", "\"defaults\": {\n    \"prot\": 8000,");

        var problem = Refusal(json).Problems.Single();

        Assert.That((problem.Line, problem.Message), Is.EqualTo(((int?)LineOf(json, "\"prot\""), "$.defaults.prot: unknown setting 'prot'")));
    }

    [Test]
    public void Defaults_that_are_no_object_are_refused_at_their_line()
    {
        // The settings that were in defaults move to a comment key, so that the file is still JSON.
        var json = CheckedIn.Replace("\"defaults\": {", "\"defaults\": [], \"$was-defaults\": {");

        var problems = Refusal(json).Problems;

        Assert.That(problems.Select(p => p.Message), Does.Contain("$.defaults: must be an object of settings (got array)"));
        Assert.That(problems.First(p => p.Message.StartsWith("$.defaults:")).Line, Is.EqualTo(LineOf(json, "\"defaults\": []")));
        Assert.That(problems.First(p => p.Message.StartsWith("$.defaults:")).Fix, Is.EqualTo("write \"defaults\": { \"port\": 8000, ... } with the settings the environments share"));
    }

    // Found before any environment is read, so inherited by none of them.
    [Test]
    public void A_key_given_twice_in_defaults_is_reported_once_without_inheritors()
    {
        var json = CheckedIn.Replace("\"defaults\": {", "\"defaults\": {\n    \"port\": 8000,");

        var problem = Refusal(json).Problems.Single();

        Assert.That(problem.Message, Is.EqualTo($"$.defaults.port: duplicate key 'port' (first at line {LineOf(json, "\"port\": 8000")})"));
    }

    [Test]
    public void An_environment_named_defaults_something_is_an_environment_and_its_unknown_key_is_reported_once()
    {
        var json = CheckedIn.Replace("\"staging\": {", "\"defaults-eu\": {\n    \"prot\": 1,");

        var problem = Refusal(json).Problems.Single();

        Assert.That(problem.Message, Is.EqualTo("$.defaults-eu.prot: unknown setting 'prot'"));
    }
}
