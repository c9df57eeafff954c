using System.Reflection;
using System.Text.RegularExpressions;
using QtsOps.Build;
using QtsOps.Host;

namespace QtsOps.Tests.Host;

/// <summary>
/// Several --targets run in the order given, each after its own dependencies: every multi-target
/// ./build.sh line of the workflows and of the docs (README.md, docs/OPERATIONS.md), run under --dryrun by the real pipeline.
/// </summary>
public partial class TargetOrderTests
{
    public static IEnumerable<TestCaseData> WorkflowCommands() =>
        WorkflowFilesTests.RunSteps()
            .Where(step => WorkflowFilesTests.Targets(step.Command).Count() > 1)
            .Select(step => new TestCaseData(step.Command.Trim()).SetName($"Workflow {step.File}:{step.Line}"));

    [GeneratedRegex(@"^\./build\.sh(?: --[a-z][a-z0-9-]*(?:=[A-Za-z0-9._/-]+)?)+")]
    private static partial Regex DocsCommand();

    public static IEnumerable<TestCaseData> DocsCommands() =>
        new[] { "README.md", "docs/OPERATIONS.md" }.SelectMany(document => File.ReadAllLines(SourceRepository.Combine(document))
            .Select((line, index) => (Command: DocsCommand().Match(line.Trim()).Value, Line: index + 1))
            .Where(c => WorkflowFilesTests.Targets(c.Command).Count() > 1)
            .Select(c => new TestCaseData(c.Command).SetName($"{document}:{c.Line}")));

    [TestCaseSource(nameof(WorkflowCommands))]
    [TestCaseSource(nameof(DocsCommands))]
    public void Targets_run_in_the_order_given_each_after_its_dependencies(string command)
    {
        var arguments = command.Split(' ')[1..];
        // The workflows name the environment through QTSOPS_ENV; a dry run of staging needs no host.
        if (!arguments.Any(a => a.StartsWith("--env=", StringComparison.Ordinal))) arguments = [.. arguments, "--env=staging"];

        var run = InProcessPipeline.Run(SourceRepository.Root, [.. arguments, "--dryrun"]);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var ran = run.Summary.Entries.Select(e => e.Task).ToList();
        var targets = WorkflowFilesTests.Targets(command).ToList();
        Assert.That(targets.Select(t => ran.IndexOf(t)), Is.Ordered.And.All.GreaterThanOrEqualTo(0), $"{command} ran {string.Join(" -> ", ran)}");
        foreach (var task in ran)
        foreach (var dependency in DependenciesOf(task).Where(ran.Contains))
            Assert.That(ran.IndexOf(dependency), Is.LessThan(ran.IndexOf(task)), $"{dependency} before {task}: {string.Join(" -> ", ran)}");
    }

    [Test]
    public void Terraform_plan_then_apply_plans_first()
    {
        var run = InProcessPipeline.Run(SourceRepository.Root, ["--target=terraform-plan", "--target=apply", "--env=local", "--dryrun"]);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Summary.Entries.Select(e => e.Task), Is.EqualTo(new[] { "terraform-plan", "apply" }));
    }

    private static readonly Dictionary<string, Type> PipelineTasks = typeof(BuildContext).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<TaskNameAttribute>() is not null)
        .ToDictionary(t => t.GetCustomAttribute<TaskNameAttribute>()!.Name);

    private static IEnumerable<string> DependenciesOf(string task) =>
        PipelineTasks[task].GetCustomAttributes<IsDependentOnAttribute>().Select(a => a.Task.GetCustomAttribute<TaskNameAttribute>()!.Name);
}
