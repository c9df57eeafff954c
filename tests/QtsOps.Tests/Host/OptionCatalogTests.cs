using QtsOps.Host;
using QtsOps.Host.Options;

namespace QtsOps.Tests.Host;

/// <summary>Declared options: read once before any task, typed, checked, suggested and documented by the host.</summary>
public class OptionCatalogTests
{
    [SetUp]
    public void Reset() => GraphContext.Calls.Clear();

    private static HostRun Run(params string[] args) =>
        HostRun.Of(new CakeHost().UseContext<GraphContext>().UseLifetime<GraphLifetime>().AddAssembly(typeof(GraphContext).Assembly).UseOptions(GraphOptions.All), args);

    [Test]
    public void Typed_values_reach_the_tasks_the_command_line_over_the_variable_over_the_default()
    {
        using var variables = new EnvironmentVariableScope().Set("QTSOPS_TEST_COUNT", "7");

        var fromVariable = Run("--target=show-options", "--loud", "--colour=green", "--tag=a,b", "--tag=c");
        Assert.That(fromVariable.ExitCode, Is.Zero, fromVariable.Error);
        Assert.That(GraphContext.Calls, Is.EqualTo(new[] { "setup", "count=7 from QTSOPS_TEST_COUNT", "loud=True colour=green tags=a+b+c", "teardown" }));

        GraphContext.Calls.Clear();
        var fromArgument = Run("--target=show-options", "--count=9", "--loud=false");
        Assert.That(fromArgument.ExitCode, Is.Zero, fromArgument.Error);
        Assert.That(GraphContext.Calls, Does.Contain("count=9 from --count").And.Contain("loud=False colour=none tags="));

        variables.Set("QTSOPS_TEST_COUNT", null);
        GraphContext.Calls.Clear();
        Run("--target=show-options");
        Assert.That(GraphContext.Calls, Does.Contain("count=3 from default"));
    }

    [Test]
    public void An_unknown_option_stops_the_run_before_any_task_and_suggests_the_closest()
    {
        var run = Run("--target=show-options", "--cuont=4", "--colr=red");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(GraphContext.Calls, Is.Empty);
        Assert.That(run.Summary.Entries, Is.Empty);
        Assert.That(run.Error, Does.Contain("Unknown option --cuont. Did you mean --count?"));
        Assert.That(run.Error, Does.Contain("Unknown option --colr. Did you mean --colour?"));
    }

    [Test]
    public void An_unknown_option_far_from_every_name_gets_no_suggestion_but_the_help()
    {
        var run = Run("--target=show-options", "--frobnicate-everything");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("Unknown option --frobnicate-everything. ./build.sh --help lists every option."));
    }

    [Test]
    public void The_hosts_own_options_stay_accepted()
    {
        var run = Run("--target=show-options", "--verbosity=quiet", "--exclusive", "--dryrun");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
    }

    [TestCase("--count=11", "--count='11' (command line): give a whole number from 1 to 10.")]
    [TestCase("--count=three", "--count='three' (command line): give a whole number from 1 to 10.")]
    [TestCase("--loud=maybe", "--loud='maybe' (command line): a switch takes no value, or true/false")]
    [TestCase("--colour=blue", "--colour='blue' (command line): use one of red, green.")]
    [TestCase("--tag=a,d", "--tag='d' (command line): each value must be one of a, b, c.")]
    public void A_bad_value_stops_the_run_before_any_task_naming_the_option(string argument, string error)
    {
        var run = Run("--target=show-options", argument);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(GraphContext.Calls, Is.Empty);
        Assert.That(run.Error, Does.Contain(error));
    }

    [Test]
    public void A_bad_value_in_a_variable_names_the_variable()
    {
        using var variables = new EnvironmentVariableScope().Set("QTSOPS_TEST_COUNT", "0");

        var run = Run("--target=echo", "--message=hi");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("QTSOPS_TEST_COUNT='0' (environment variable): give a whole number from 1 to 10."));
    }

    [Test]
    public void A_secret_is_refused_on_the_command_line_without_showing_it()
    {
        var run = Run("--target=echo", "--message=hi", "--token=s3cr3t-value");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(GraphContext.Calls, Is.Empty);
        Assert.That(run.Error, Does.Contain("--token is a secret and is read from QTSOPS_TEST_TOKEN only").And.Not.Contain("s3cr3t-value"));
    }

    [Test]
    public void Help_lists_every_option_by_the_targets_that_read_it_with_its_variable_and_default()
    {
        var run = Run("--help");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var help = run.Output.ReplaceLineEndings("\n");
        Assert.That(help, Does.Contain("--target, -t NAME"));
        Assert.That(help, Does.Match(@"Options of show-options:\n  --count=1\.\.10 +How many \(env QTSOPS_TEST_COUNT, default 3\)\n  --loud +Shouts\n"));
        Assert.That(help, Does.Match(@"Options of every run:\n  QTSOPS_TEST_TOKEN=TEXT +A secret token \(a secret: from this variable only\)\n"));
        Assert.That(help, Does.Match(@"--tag=TAG,\.\.\. +Tags to add"));
    }

    [Test]
    public void The_markdown_table_has_a_row_per_option_and_secrets_as_variables_only()
    {
        var table = new OptionCatalog(GraphOptions.All).ToMarkdown().ReplaceLineEndings("\n").TrimEnd().Split('\n');

        Assert.That(table, Has.Length.EqualTo(2 + GraphOptions.All.Count));
        Assert.That(table, Does.Contain("| `--count=1..10` | `QTSOPS_TEST_COUNT` | 3 | show-options | How many |"));
        Assert.That(table, Does.Contain("| `--colour=red\\|green` |  |  | show-options | Which colour |"));
        Assert.That(table, Does.Contain("| (variable only) | `QTSOPS_TEST_TOKEN` |  | every run | A secret token |"));
    }

    [Test]
    public void A_name_declared_twice_is_refused() =>
        Assert.That(() => new OptionCatalog([GraphOptions.Count, new SwitchOption("count", "again")]), Throws.ArgumentException.With.Message.Contain("--count is declared twice"));

    [TestCase("aprove", "approve", 1)]
    [TestCase("apporve", "approve", 1)]
    [TestCase("approve", "approve", 0)]
    [TestCase("no-rolback", "no-rollback", 1)]
    [TestCase("env", "port", 4)]
    public void Edit_distance_counts_insertions_deletions_changes_and_swaps(string a, string b, int distance) =>
        Assert.That(OptionCatalog.EditDistance(a, b), Is.EqualTo(distance));
}
