using Cake.Common.Tools.DotNet;
using Cake.Common.Tools.DotNet.Build;
using Cake.Common.Tools.DotNet.Test;
using Cake.Core;
using Cake.Core.Diagnostics;
using QtsOps.Core.Testing;

namespace QtsOps.Build;

/// <summary>
/// The test target's run: the test project built once, its shards (<see cref="TestShards"/>) run side by side in processes of their own,
/// their TRX files summed into the closing line CI reads (artifacts/tests/summary.txt), judged by <see cref="TestRunSummary.Failure"/>.
/// </summary>
/// <param name="artifactsDirectory">The results go to its tests/ folder.</param>
public sealed class TestRun(ICakeContext tools, string repositoryRoot, string artifactsDirectory)
{
    private string ResultsDirectory => Path.Combine(artifactsDirectory, "tests");

    private string Project => Path.Combine(repositoryRoot, "tests", "QtsOps.Tests", "QtsOps.Tests.csproj");

    /// <param name="filter">--test-filter: the tests to run (all when null).</param>
    public void Run(string? filter)
    {
        if (Directory.Exists(ResultsDirectory)) Directory.Delete(ResultsDirectory, recursive: true);
        // Built once: the shards' processes run what it built, side by side.
        tools.DotNetBuild(Project, new DotNetBuildSettings { Configuration = "Debug" });
        var shards = TestShards.For(filter);
        var processFailures = RunShards(shards);

        var summary = TestRunSummary.Sum([.. shards.Select((shard, index) =>
        {
            var trx = Path.Combine(ResultsDirectory, shard.TrxFileName);
            if (!File.Exists(trx))
                throw new PipelineException($"The test run's {shard.Name} process ({shard.Filter}) wrote no results ({processFailures[index]?.Message ?? "no TRX file"}); see the build output above.");
            tools.Log.Information($"Results of the {shard.Name} tests: {trx}");
            return TestRunSummary.FromTrx(trx);
        })]);
        foreach (var name in summary.FailedTests) tools.Log.Error($"failed: {name}");
        var allowedSkips = Path.Combine(repositoryRoot, AllowedSkips.RelativePath);
        var allowed = AllowedSkips.Parse(AllowedSkips.RelativePath, File.Exists(allowedSkips) ? File.ReadAllText(allowedSkips) : "");
        foreach (var name in summary.SkippedTests)
            tools.Log.Warning($"skipped: {name} ({(allowed.ReasonFor(name) is { } why ? $"allowed: {why}" : $"not allowed by {AllowedSkips.RelativePath}")})");
        Console.WriteLine(summary.ClosingLine);
        File.WriteAllText(Path.Combine(ResultsDirectory, "summary.txt"), summary.ClosingLine + "\n");
        if (summary.Failure(allowed, processFailures.FirstOrDefault(exception => exception is not null)?.Message) is { } reason) throw new PipelineException(reason);
    }

    /// <summary>Runs each shard in a dotnet test of its own, all at once; returns how each process failed (null where it did not).</summary>
    private Exception?[] RunShards(IReadOnlyList<TestShard> shards)
    {
        var failures = new Exception?[shards.Count];
        Parallel.For(0, shards.Count, new ParallelOptions { MaxDegreeOfParallelism = shards.Count }, index =>
        {
            try
            {
                tools.DotNetTest(Project, new DotNetTestSettings
                {
                    Configuration = "Debug",
                    NoBuild = true,
                    Loggers = [$"trx;LogFileName={shards[index].TrxFileName}", "console;verbosity=normal"],
                    ResultsDirectory = ResultsDirectory,
                    Filter = shards[index].Filter,
                });
            }
            catch (Exception exception)
            {
                failures[index] = exception; // failing tests make dotnet test exit non-zero: they are counted first
            }
        });
        return failures;
    }
}
