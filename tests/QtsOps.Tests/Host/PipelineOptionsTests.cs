using System.Reflection;
using System.Text.RegularExpressions;
using NUnit.Framework.Constraints;
using QtsOps.Build;
using QtsOps.Host.Options;

namespace QtsOps.Tests.Host;

/// <summary>The pipeline's command line checks itself before any task runs, and documents itself.</summary>
public partial class PipelineOptionsTests
{
    private static Host.HostRun Run(params string[] args) => InProcessPipeline.Run(SourceRepository.Root, args);

    private static void AssertRefusedBeforeAnyTask(Host.HostRun run, IResolveConstraint error)
    {
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Summary.Entries, Is.Empty, "no task ran");
        Assert.That(run.Error, error);
    }

    [Test]
    public void A_misspelt_option_fails_before_any_task_and_suggests_the_right_one()
    {
        var run = Run("--target=validate", "--aprove");

        AssertRefusedBeforeAnyTask(run, Does.Contain("Unknown option --aprove. Did you mean --approve?"));
    }

    [Test]
    public void A_misspelt_environment_option_no_longer_runs_against_local()
    {
        var run = Run("--target=validate", "--enviroment=prod");

        AssertRefusedBeforeAnyTask(run, Does.Contain("Unknown option --enviroment."));
    }

    [Test]
    public void A_bad_value_from_a_variable_names_the_variable()
    {
        using var variables = new EnvironmentVariableScope().Set("QTSOPS_DOCKER_HOST", "http://127.0.0.1:2375");

        var run = Run("--target=validate");

        AssertRefusedBeforeAnyTask(run, Does.Contain("QTSOPS_DOCKER_HOST='http://127.0.0.1:2375' (environment variable): the scheme http:// is not one of"));
    }

    [Test]
    public void A_port_out_of_range_fails_before_any_task()
    {
        var run = Run("--target=verify", "--port=70000");

        AssertRefusedBeforeAnyTask(run, Does.Contain("--port='70000' (command line): give a whole number from 1 to 65535."));
    }

    [Test]
    public void A_registry_password_on_the_command_line_is_refused_and_never_shown()
    {
        var run = Run("--target=push", "--registry-password=hunter2-secret");

        AssertRefusedBeforeAnyTask(run, Does.Contain("read from QTSOPS_REGISTRY_PASSWORD only").And.Not.Contain("hunter2-secret"));
    }

    [Test]
    public void Help_shows_the_guards_and_the_variables()
    {
        var run = Run("--help");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        foreach (var option in PipelineOptions.All)
            Assert.That(run.Output, Does.Contain(option.Secret ? $"{option.Variable}=" : $"--{option.Name}"));
        Assert.That(run.Output, Does.Contain("Options of apply, deploy, rollback, verify, restore, down:").And.Contain("--approve"));
        Assert.That(run.Output, Does.Match(@"--no-rollback +A failed release is left as it is"));
        Assert.That(run.Output, Does.Match(@"--docker-host=URL +.*\(env QTSOPS_DOCKER_HOST\)"));
        Assert.That(run.Output, Does.Match(@"QTSOPS_REGISTRY_PASSWORD=TEXT +The registry login's password or token \(a secret: from this variable only\)"));
    }

    // Issue 29, point 13: an engine address of the wrong scheme is refused as such, before anything asks the engine.
    [TestCase("http://127.0.0.1:2375", "the scheme http:// is not one of unix://, tcp://, ssh://")]
    [TestCase("127.0.0.1:2375", "it does not start with one of unix://, tcp://, ssh://")]
    public void A_docker_host_of_the_wrong_scheme_names_the_schemes_that_work(string address, string message)
    {
        var run = Run("--target=deploy", $"--docker-host={address}");

        AssertRefusedBeforeAnyTask(run, Does.Contain($"--docker-host='{address}' (command line): {message}").And.Not.Contain("does not answer"));
    }

    // Issue 29, point 12: --help lists every target with its description, read from the task's declaration.
    [Test]
    public void Help_lists_every_target_with_the_description_its_task_declares()
    {
        var run = Run("--help");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var tasks = typeof(BuildContext).Assembly.GetTypes()
            .Select(t => (Name: t.GetCustomAttribute<QtsOps.Host.TaskNameAttribute>()?.Name, Description: t.GetCustomAttribute<QtsOps.Host.TaskDescriptionAttribute>()?.Description))
            .Where(t => t.Name is not null).ToList();
        Assert.That(tasks.Select(t => t.Name), Does.Contain("validate").And.Contain("deploy").And.Contain("rollback"));
        foreach (var (name, description) in tasks)
        {
            Assert.That(description, Is.Not.Null.And.Not.Empty, $"{name} declares a description");
            Assert.That(run.Output.ReplaceLineEndings("\n"), Does.Match($@"\n{Regex.Escape(name!)} +{Regex.Escape(description!)}\n"), name);
        }
    }

    [Test]
    public void The_working_option_help_shows_is_described_in_the_operations_guide() =>
        Assert.That(File.ReadAllText(SourceRepository.Combine("docs/OPERATIONS.md")), Does.Contain("`--working=DIR`"));

    [GeneratedRegex(@"<!-- options:begin -->\n(.*?)<!-- options:end -->", RegexOptions.Singleline)]
    private static partial Regex OptionsSection();

    [Test]
    public void The_operations_guide_option_table_is_the_one_the_declarations_generate()
    {
        var guide = File.ReadAllText(SourceRepository.Combine("docs/OPERATIONS.md")).ReplaceLineEndings("\n");
        var expected = new OptionCatalog(PipelineOptions.All).ToMarkdown().ReplaceLineEndings("\n");

        var section = OptionsSection().Match(guide);
        Assert.That(section.Success, Is.True, "docs/OPERATIONS.md needs the option table between <!-- options:begin --> and <!-- options:end -->");
        Assert.That(section.Groups[1].Value, Is.EqualTo(expected), $"docs/OPERATIONS.md's option table is out of date; replace it with:\n{expected}");
    }
}
