using Cake.Common.Tools.DotNet;
using Cake.Common.Tools.DotNet.Build;
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
        if (Directory.Exists(resultsDirectory)) Directory.Delete(resultsDirectory, recursive: true);
        var project = Path.Combine(context.RepositoryRoot, "tests", "QtsOps.Tests", "QtsOps.Tests.csproj");
        // Built once: the shards' processes run what it built, side by side.
        context.DotNetBuild(project, new DotNetBuildSettings { Configuration = "Debug" });

        var shards = TestShards.For(context.Options.Get(PipelineOptions.TestFilter));
        var runFailures = new Exception?[shards.Count];
        Parallel.For(0, shards.Count, new ParallelOptions { MaxDegreeOfParallelism = shards.Count }, index =>
        {
            try
            {
                context.DotNetTest(project, new DotNetTestSettings
                {
                    Configuration = "Debug",
                    NoBuild = true,
                    Loggers = [$"trx;LogFileName={shards[index].TrxFileName}", "console;verbosity=normal"],
                    ResultsDirectory = resultsDirectory,
                    Filter = shards[index].Filter,
                });
            }
            catch (Exception exception)
            {
                runFailures[index] = exception; // failing tests make dotnet test exit non-zero: count them first
            }
        });

        var summary = TestRunSummary.Sum([.. shards.Select((shard, index) =>
        {
            var trx = Path.Combine(resultsDirectory, shard.TrxFileName);
            if (!File.Exists(trx))
                throw new PipelineException($"The test run's {shard.Name} process ({shard.Filter}) wrote no results ({runFailures[index]?.Message ?? "no TRX file"}); see the build output above.");
            context.Log.Information($"Results of the {shard.Name} tests: {trx}");
            return TestRunSummary.FromTrx(trx);
        })]);
        foreach (var name in summary.FailedTests) context.Log.Error($"failed: {name}");
        var allowedSkips = Path.Combine(context.RepositoryRoot, AllowedSkips.RelativePath);
        var allowed = AllowedSkips.Parse(AllowedSkips.RelativePath, File.Exists(allowedSkips) ? File.ReadAllText(allowedSkips) : "");
        foreach (var name in summary.SkippedTests)
            context.Log.Warning($"skipped: {name} ({(allowed.ReasonFor(name) is { } reason ? $"allowed: {reason}" : $"not allowed by {AllowedSkips.RelativePath}")})");
        Console.WriteLine(summary.ClosingLine);
        File.WriteAllText(Path.Combine(resultsDirectory, "summary.txt"), summary.ClosingLine + "\n");
        if (summary.Failed > 0) throw new PipelineException($"{summary.Failed} test(s) failed.");
        if (allowed.Unexpected(summary.SkippedTests) is { Count: > 0 } unexpected)
            throw new PipelineException($"{unexpected.Count} test(s) skipped that {AllowedSkips.RelativePath} does not allow: {string.Join(", ", unexpected)}. " +
                "Make them run here, or list each there with why it may skip.");
        if (summary.Total == 0) throw new PipelineException("No test ran: check --test-filter.");
        if (runFailures.FirstOrDefault(f => f is not null) is { } runFailure)
            throw new PipelineException($"dotnet test failed although every test passed: {runFailure.Message}");
    }
}
