using Cake.Common.Tools.DotNet;
using Cake.Common.Tools.DotNet.Test;
using Cake.Core.Diagnostics;
using QtsOps.Host;
using QtsOps.Core.Testing;

namespace QtsOps.Build.Tasks;

[TaskName("test")]
[TaskDescription("Runs the NUnit suites (--test-filter=EXPR to narrow); TRX under artifacts/tests/")]
public sealed class TestTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var resultsDirectory = Path.Combine(context.ArtifactsDirectory, "tests");
        var trx = Path.Combine(resultsDirectory, "tests.trx");
        if (Directory.Exists(resultsDirectory)) Directory.Delete(resultsDirectory, recursive: true);

        Exception? runFailure = null;
        try
        {
            context.DotNetTest(Path.Combine(context.RepositoryRoot, "tests", "QtsOps.Tests", "QtsOps.Tests.csproj"), new DotNetTestSettings
            {
                Configuration = "Debug",
                Loggers = ["trx;LogFileName=tests.trx", "console;verbosity=normal"],
                ResultsDirectory = resultsDirectory,
                Filter = context.Options.Get(PipelineOptions.TestFilter),
            });
        }
        catch (Exception exception)
        {
            runFailure = exception; // failing tests make dotnet test exit non-zero: count them first
        }

        if (!File.Exists(trx))
            throw new PipelineException($"The test run wrote no results ({runFailure?.Message ?? "no TRX file"}); see the build output above.");
        var summary = TestRunSummary.FromTrx(trx);
        foreach (var name in summary.FailedTests) context.Log.Error($"failed: {name}");
        var allowedSkips = Path.Combine(context.RepositoryRoot, AllowedSkips.RelativePath);
        var allowed = AllowedSkips.Parse(AllowedSkips.RelativePath, File.Exists(allowedSkips) ? File.ReadAllText(allowedSkips) : "");
        foreach (var name in summary.SkippedTests)
            context.Log.Warning($"skipped: {name} ({(allowed.ReasonFor(name) is { } reason ? $"allowed: {reason}" : $"not allowed by {AllowedSkips.RelativePath}")})");
        context.Log.Information($"Results: {trx}");
        Console.WriteLine(summary.ClosingLine);
        File.WriteAllText(Path.Combine(resultsDirectory, "summary.txt"), summary.ClosingLine + "\n");
        if (summary.Failed > 0) throw new PipelineException($"{summary.Failed} test(s) failed.");
        if (allowed.Unexpected(summary.SkippedTests) is { Count: > 0 } unexpected)
            throw new PipelineException($"{unexpected.Count} test(s) skipped that {AllowedSkips.RelativePath} does not allow: {string.Join(", ", unexpected)}. " +
                "Make them run here, or list each there with why it may skip.");
        if (summary.Total == 0) throw new PipelineException("No test ran: check --test-filter.");
        if (runFailure is not null) throw new PipelineException($"dotnet test failed although every test passed: {runFailure.Message}");
    }
}
