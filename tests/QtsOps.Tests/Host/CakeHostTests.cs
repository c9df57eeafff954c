using QtsOps.Host;

namespace QtsOps.Tests.Host;

public class CakeHostTests
{
    [SetUp]
    public void Reset() => GraphContext.Calls.Clear();

    private static HostRun Run(params string[] args) =>
        HostRun.Of(new CakeHost().UseContext<GraphContext>().UseLifetime<GraphLifetime>().AddAssembly(typeof(GraphContext).Assembly), args);

    [Test]
    public void Dependencies_run_first_in_order_between_setup_and_teardown()
    {
        var run = Run("--target=pack");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Is.EqualTo(new[] { "setup", "RestoreTask", "GenerateTask", "CompileTask", "PackTask", "teardown" }));
        Assert.That(run.Summary.Entries.Select(e => e.Outcome), Is.All.EqualTo(TaskOutcome.Succeeded));
    }

    [Test]
    public void Exclusive_runs_only_the_target()
    {
        var run = Run("--target=pack", "--exclusive");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Is.EqualTo(new[] { "setup", "PackTask", "teardown" }));
        Assert.That(run.Summary.Entries.Select(e => (e.Task, e.Outcome)), Is.EqualTo(new[] { ("pack", TaskOutcome.Succeeded) }));
    }

    [Test]
    public void Dry_run_executes_no_task_body_nor_lifetime_only_its_dry_run_setup()
    {
        var run = Run("--target=pack", "--dryrun");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Is.EqualTo(new[] { "dry-run setup" }));
        Assert.That(run.Summary.Entries.Select(e => e.Outcome), Is.All.EqualTo(TaskOutcome.DryRun));
        Assert.That(run.Output, Does.Contain("(dry run) would run compile"));
    }

    [Test]
    public void Dry_run_shows_the_skip_of_a_task_that_decides_from_its_settings()
    {
        var skipped = Run("--target=optional", "--dryrun");
        Assert.That(skipped.ExitCode, Is.Zero, skipped.Error);
        Assert.That(skipped.Entry("optional").Outcome, Is.EqualTo(TaskOutcome.Skipped));
        Assert.That(skipped.Entry("optional").Note, Is.EqualTo("--with-optional was not given"));
        Assert.That(skipped.Output, Does.Contain("(dry run) would skip optional: --with-optional was not given"));

        var runs = Run("--target=optional", "--with-optional", "--dryrun");
        Assert.That(runs.Entry("optional").Outcome, Is.EqualTo(TaskOutcome.DryRun));
    }

    [Test]
    public void A_task_that_finds_its_work_done_while_it_runs_is_Skipped_with_its_reason_not_Succeeded()
    {
        var run = Run("--target=already-done");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Does.Contain("already-done"), "its body ran");
        Assert.That((run.Entry("already-done").Outcome, run.Entry("already-done").Note), Is.EqualTo((TaskOutcome.Skipped, "the output of these inputs exists")));
        Assert.That(run.Entry("restore").Outcome, Is.EqualTo(TaskOutcome.Succeeded));
    }

    [Test]
    public void Dry_run_calls_each_task_DryRun_instead_of_its_body()
    {
        var run = Run("--target=preview", "--dryrun", "--plan=tag v1.3.0");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Is.EqualTo(new[] { "dry-run setup", "preview:would tag v1.3.0" }));
        Assert.That(run.Entry("preview").Outcome, Is.EqualTo(TaskOutcome.DryRun));
    }

    [Test]
    public void A_dry_run_that_finds_a_refusal_fails_without_calling_the_error_handler()
    {
        var run = Run("--target=refused-preview", "--dryrun");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(GraphContext.Calls, Is.EqualTo(new[] { "dry-run setup" }));
        Assert.That(run.Error, Does.Contain("the tree is dirty"));
        Assert.That(run.Entry("refused-preview").Outcome, Is.EqualTo(TaskOutcome.Failed));
    }

    [Test]
    public void Log_hooks_wrap_each_task_log_in_a_group_that_is_closed_even_when_the_task_fails()
    {
        var run = HostRun.Of(new CakeHost().UseContext<GraphContext>().AddAssembly(typeof(GraphContext).Assembly)
            .ConfigureLog(log =>
            {
                log.TaskStarted = (writer, name) => writer.WriteLine($"::group::{name}");
                log.TaskEnded = (writer, name) => writer.WriteLine($"::endgroup::{name}");
            }), "--target=broken");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        var markers = run.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("::", StringComparison.Ordinal));
        Assert.That(markers, Is.EqualTo(new[] { "::group::restore", "::endgroup::restore", "::group::broken", "::endgroup::broken" }));
    }

    [Test]
    public void The_summary_renders_as_a_markdown_table()
    {
        var run = Run("--target=optional");

        var markdown = run.Summary.ToMarkdown();

        Assert.That(markdown, Does.StartWith("| Task | Status | Duration | Note |\n|---|---|---|---|\n"));
        Assert.That(markdown, Does.Match(@"\| restore \| Succeeded \| \d\d:\d\d:\d\d\.\d{3} \|  \|"));
        Assert.That(markdown, Does.Contain("| optional | Skipped | - | --with-optional was not given |"));
    }

    [Test]
    public void A_task_that_should_not_run_is_skipped_with_its_reason_in_the_summary()
    {
        var run = Run("--target=optional");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Does.Not.Contain("OptionalTask"));
        Assert.That(run.Entry("optional").Outcome, Is.EqualTo(TaskOutcome.Skipped));
        Assert.That(run.Entry("optional").Note, Is.EqualTo("--with-optional was not given"));
        Assert.That(run.Output, Does.Match(@"optional\s+-\s+Skipped\s+--with-optional was not given"));
    }

    [Test]
    public void An_argument_makes_the_skipped_task_run()
    {
        var run = Run("--target=optional", "--with-optional");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Does.Contain("OptionalTask"));
    }

    [Test]
    public void A_failing_task_fails_the_run_after_its_error_handler_and_finally_ran()
    {
        var run = Run("--target=after-broken");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(GraphContext.Calls, Is.EqualTo(new[] { "setup", "RestoreTask", "broken:onerror:the disk is on fire", "broken:finally", "teardown" }));
        Assert.That(run.Error, Does.Contain("the disk is on fire"));
        Assert.That(run.Entry("broken").Outcome, Is.EqualTo(TaskOutcome.Failed));
        Assert.That(run.Entry("after-broken").Outcome, Is.EqualTo(TaskOutcome.NotRun));
    }

    [Test]
    public void Continue_on_error_runs_the_rest_but_still_exits_non_zero()
    {
        var run = Run("--target=after-flaky");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(GraphContext.Calls, Does.Contain("AfterFlakyTask"));
        Assert.That(run.Entry("flaky").Outcome, Is.EqualTo(TaskOutcome.Failed));
    }

    [Test]
    public void Several_targets_share_one_graph_and_run_a_common_dependency_once()
    {
        var run = Run("--target=pack", "--target=lint");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls.Count(c => c == "RestoreTask"), Is.EqualTo(1));
        Assert.That(GraphContext.Calls, Does.Contain("PackTask").And.Contain("LintTask"));
    }

    [Test]
    public void Several_targets_run_in_the_order_given_each_after_its_own_dependencies()
    {
        var run = Run("--target=pack", "--target=lint", "--target=echo", "--message=last");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Is.EqualTo(new[] { "setup", "RestoreTask", "GenerateTask", "CompileTask", "PackTask", "LintTask", "echo:last", "teardown" }));
        Assert.That(run.Summary.Entries.Select(e => e.Task), Is.EqualTo(new[] { "restore", "generate", "compile", "pack", "lint", "echo" }));
    }

    [Test]
    public void Independent_targets_run_in_the_order_given_not_by_name()
    {
        var run = Run("--target=lint", "--target=echo", "--message=after lint", "--dryrun");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Summary.Entries.Select(e => e.Task), Is.EqualTo(new[] { "restore", "lint", "echo" }));
    }

    [Test]
    public void Exclusive_runs_several_targets_in_the_order_given()
    {
        var run = Run("--target=pack", "--target=echo", "--target=lint", "--message=m", "--exclusive");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Is.EqualTo(new[] { "setup", "PackTask", "echo:m", "LintTask", "teardown" }));
    }

    [Test]
    public void An_unknown_target_fails_at_once_and_lists_the_targets()
    {
        var run = Run("--target=deploy-to-mars");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(GraphContext.Calls, Is.Empty);
        Assert.That(run.Error, Does.Contain("Unknown target 'deploy-to-mars'").And.Contain("compile, echo"));
    }

    // Issue 29, point 12: a misspelled target gets the suggestion a misspelled option gets.
    [TestCase("--target=ehco", "Unknown target 'ehco'. Did you mean 'echo'? Targets that exist: ")]
    [TestCase("--target=Compil", "Unknown target 'Compil'. Did you mean 'compile'? Targets that exist: ")]
    [TestCase("--target=deploy-to-mars", "Unknown target 'deploy-to-mars'. Targets that exist: ")]
    public void A_misspelled_target_is_told_the_closest_one(string argument, string error)
    {
        var run = Run(argument);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(GraphContext.Calls, Is.Empty);
        Assert.That(run.Error, Does.Contain(error));
    }

    [Test]
    public void Help_lists_the_targets_with_their_descriptions()
    {
        var run = Run("--help");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Is.Empty, "help runs nothing");
        var help = run.Output.ReplaceLineEndings("\n");
        Assert.That(help, Does.Contain("Targets (--target=NAME):\n"));
        Assert.That(help, Does.Match(@"\ncompile +Compiles it\n"));
        Assert.That(help, Does.Match(@"\necho\n"));
    }

    [Test]
    public void Free_arguments_reach_tasks()
    {
        var run = Run("--target=echo", "--message=hello world");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Does.Contain("echo:hello world"));
    }

    [Test]
    public void Async_tasks_are_awaited()
    {
        var run = Run("--target", "async-step");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Does.Contain("async-step"));
    }

    [Test]
    public void Tree_shows_dependencies_including_dependees_without_running_anything()
    {
        var run = Run("--tree", "--target=pack");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Is.Empty);
        Assert.That(run.Output.ReplaceLineEndings("\n"), Does.StartWith("pack\n└── compile\n    ├── restore\n    └── generate\n"));
    }

    [Test]
    public void Tasks_for_another_context_in_the_same_assembly_are_left_out()
    {
        var run = Run("--target=version-probe"); // a BuildContext task of this test assembly

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("Unknown target 'version-probe'"));
    }

    [Test]
    public void Description_lists_every_task_with_its_description()
    {
        var run = Run("--description");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Output, Does.Match(@"compile\s+Compiles it"));
        Assert.That(run.Output, Does.Contain("after-flaky"));
    }

    // Issue 26, point 7: the docs' table of targets is generated from the tasks' declarations.
    [Test]
    public void Description_as_markdown_is_a_table_of_each_task_what_it_runs_after_and_its_description()
    {
        var run = Run("--description", "--markdown");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(GraphContext.Calls, Is.Empty);
        var lines = run.Output.ReplaceLineEndings("\n").Split('\n');
        Assert.That(lines[..2], Is.EqualTo(new[] { "| target | runs after | what it does |", "|---|---|---|" }));
        Assert.That(lines, Does.Contain("| `compile` | `restore`, `generate` | Compiles it |"));
        Assert.That(lines, Does.Contain("| `restore` |  |  |"));
    }

    [Test]
    public void A_malformed_verbosity_is_a_clear_error()
    {
        var run = Run("--verbosity=loud");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("Unknown verbosity 'loud'"));
    }
}
