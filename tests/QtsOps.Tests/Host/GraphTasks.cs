using Cake.Common;
using Cake.Core;
using QtsOps.Host;
using QtsOps.Host.Options;

namespace QtsOps.Tests.Host;

/// <summary>A small task graph whose tasks record what ran, for the host tests.</summary>
public sealed class GraphContext(ICakeContext context) : FrostingContext(context)
{
    public static List<string> Calls { get; } = [];
}

public abstract class RecordingTask : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => GraphContext.Calls.Add(GetType().Name);
}

[TaskName("restore")] public sealed class RestoreTask : RecordingTask;

[TaskName("compile"), IsDependentOn(typeof(RestoreTask)), TaskDescription("Compiles it")]
public sealed class CompileTask : RecordingTask;

[TaskName("pack"), IsDependentOn(typeof(CompileTask))]
public sealed class PackTask : RecordingTask;

[TaskName("lint"), IsDependentOn(typeof(RestoreTask))]
public sealed class LintTask : RecordingTask;

/// <summary>Runs before compile without compile naming it.</summary>
[TaskName("generate"), IsDependeeOf(typeof(CompileTask))]
public sealed class GenerateTask : RecordingTask;

[TaskName("optional"), IsDependentOn(typeof(RestoreTask))]
public sealed class OptionalTask : RecordingTask
{
    public override bool ShouldRun(GraphContext context) =>
        context.Argument("with-optional", false) || SkipBecause("--with-optional was not given");

    public override bool ShouldRunInDryRun(GraphContext context) => ShouldRun(context);
}

/// <summary>Finds its work done while it runs, as the image task does when an image of the same inputs exists.</summary>
[TaskName("already-done"), IsDependentOn(typeof(RestoreTask))]
public sealed class AlreadyDoneTask : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context)
    {
        GraphContext.Calls.Add("already-done");
        SkippedWhileRunning("the output of these inputs exists");
    }
}

[TaskName("echo")]
public sealed class EchoTask : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => GraphContext.Calls.Add("echo:" + context.Argument<string>("message"));
}

[TaskName("broken"), IsDependentOn(typeof(RestoreTask))]
public sealed class BrokenTask : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => throw new InvalidOperationException("the disk is on fire");
    public override void OnError(Exception exception, GraphContext context) => GraphContext.Calls.Add("broken:onerror:" + exception.Message);
    public override void Finally(GraphContext context) => GraphContext.Calls.Add("broken:finally");
}

[TaskName("after-broken"), IsDependentOn(typeof(BrokenTask))]
public sealed class AfterBrokenTask : RecordingTask;

[TaskName("flaky"), ContinueOnError]
public sealed class FlakyTask : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => throw new InvalidOperationException("flaky failed");
}

[TaskName("after-flaky"), IsDependentOn(typeof(FlakyTask))]
public sealed class AfterFlakyTask : RecordingTask;

[TaskName("async-step")]
public sealed class AsyncStepTask : AsyncFrostingTask<GraphContext>
{
    public override async Task RunAsync(GraphContext context)
    {
        await Task.Yield();
        GraphContext.Calls.Add("async-step");
    }
}

/// <summary>Shows its plan under --dryrun instead of running.</summary>
[TaskName("preview"), IsDependentOn(typeof(RestoreTask))]
public sealed class PreviewTask : RecordingTask
{
    public override void DryRun(GraphContext context) => GraphContext.Calls.Add("preview:would " + context.Argument("plan", "nothing"));
}

/// <summary>Its dry run finds that the real run would be refused.</summary>
[TaskName("refused-preview")]
public sealed class RefusedPreviewTask : RecordingTask
{
    public override void DryRun(GraphContext context) => throw new InvalidOperationException("the tree is dirty");
    public override void OnError(Exception exception, GraphContext context) => GraphContext.Calls.Add("refused-preview:onerror");
}

public sealed class GraphLifetime : FrostingLifetime<GraphContext>
{
    public override void Setup(GraphContext context, ISetupContext info) => GraphContext.Calls.Add("setup");
    public override void Teardown(GraphContext context, ITeardownContext info) => GraphContext.Calls.Add("teardown");
    public override void DryRunSetup(GraphContext context, ISetupContext info) => GraphContext.Calls.Add("dry-run setup");
}

/// <summary>Declared options of the test graph, for the host's option tests.</summary>
public static class GraphOptions
{
    public static readonly IntegerOption Count = new("count", "How many", 1, 10) { Variable = "QTSOPS_TEST_COUNT", Targets = ["show-options"], Default = 3 };
    public static readonly SwitchOption Loud = new("loud", "Shouts") { Targets = ["show-options"] };
    public static readonly ChoiceOption Colour = new("colour", "Which colour", "red", "green") { Targets = ["show-options"] };
    public static readonly ListOption Tags = new("tag", "Tags to add") { Targets = ["show-options"], Syntax = "TAG", CommaSeparated = true, Allowed = ["a", "b", "c"] };
    public static readonly TextOption Token = new("token", "A secret token") { Variable = "QTSOPS_TEST_TOKEN", Secret = true };
    public static readonly TextOption Message = new("message", "What echo says") { Targets = ["echo"] };
    public static readonly TextOption Plan = new("plan", "What preview shows") { Targets = ["preview"] };

    public static IReadOnlyList<Option> All { get; } = [Count, Loud, Colour, Tags, Token, Message, Plan];
}

/// <summary>Records the typed values the host read for it.</summary>
[TaskName("show-options")]
public sealed class ShowOptionsTask : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context)
    {
        var options = context.Data.Get<OptionValues>();
        GraphContext.Calls.Add($"count={options.Get(GraphOptions.Count)} from {options.OriginOf(GraphOptions.Count) ?? "default"}");
        GraphContext.Calls.Add($"loud={options.Get(GraphOptions.Loud)} colour={options.Get(GraphOptions.Colour) ?? "none"} tags={string.Join("+", options.Get(GraphOptions.Tags))}");
    }
}
