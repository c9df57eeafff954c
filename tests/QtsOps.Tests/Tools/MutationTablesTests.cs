using System.Text.Json;
using QtsOps.Tests.Docker;

namespace QtsOps.Tests.Tools;

/// <summary>bench/mutation-tables.py: the mutation section's tables from a Stryker report, a whole run's afresh and a subset run's merged into the rows recorded.</summary>
[TestFixture]
public class MutationTablesTests
{
    private const string Core = "/repo/build/QtsOps.Core/";

    private const string Recorded = """
        # Benchmarks

        <!-- mutation:start -->
        ## Mutation

        Runs that measured the rows below:

        - `bench/mutation.sh` (every file): commit aaaaaaa, the whole run.

        | file | mutants | killed | timeout | survived | no coverage | score | commit |
        |---|---|---|---|---|---|---|---|
        | Json/JsonSource.cs | 4 | 2 | 0 | 1 | 1 | 50.0% | aaaaaaa |
        | Deployment/DataBackup.cs | 10 | 9 | 0 | 1 | 0 | 90.0% | aaaaaaa |
        | **total** | 14 | 11 | 0 | 2 | 1 | **78.6%** | aaaaaaa |

        | where | mutator | original | mutant | status |
        |---|---|---|---|---|
        | Deployment/DataBackup.cs:7 | Equality mutation | `a < b` | `a <= b` | survived |
        | Json/JsonSource.cs:3 | String mutation | `"$"` | `""` | survived |
        | Json/JsonSource.cs:4 | Statement mutation | `x();` | `;` | nocoverage |
        <!-- mutation:end -->
        """;

    [Test]
    public void A_subset_run_replaces_the_rows_of_the_files_it_mutated_and_keeps_the_others_with_their_commit_and_survivors()
    {
        using var directory = new TempDirectory();
        var doc = directory.Write("BENCHMARKS.md", Recorded);
        var report = directory.Write("report.json", Report(
            ("Json/JsonSource.cs", ["Killed", "Killed", "Timeout", "Survived"]),
            ("Deployment/DataBackup.cs", ["Ignored", "CompileError"])));

        var lines = Tables(report, doc, "bbbbbbb", "- `bench/mutation.sh '**/Json/*.cs'` (the files matching these globs): commit bbbbbbb.", "--subset");

        Assert.That(lines[0], Is.EqualTo("85.7"), "(9 + 2 + 1) detected of 14");
        Assert.That(lines, Does.Contain("- `bench/mutation.sh` (every file): commit aaaaaaa, the whole run."));
        Assert.That(lines, Does.Contain("- `bench/mutation.sh '**/Json/*.cs'` (the files matching these globs): commit bbbbbbb."));
        Assert.That(lines, Does.Contain("Score: (killed + timeout) / (killed + timeout + survived + no coverage), Stryker's definition. Goal: at least 96% (issue 26)."));
        Assert.That(Rows(lines), Is.EqualTo(new[]
        {
            "| Json/JsonSource.cs | 4 | 2 | 1 | 1 | 0 | 75.0% | bbbbbbb |",
            "| Deployment/DataBackup.cs | 10 | 9 | 0 | 1 | 0 | 90.0% | aaaaaaa |",
            "| **total** | 14 | 11 | 1 | 2 | 0 | **85.7%** | aaaaaaa, bbbbbbb |",
        }));
        Assert.That(Survivors(lines), Is.EqualTo(new[]
        {
            "| Deployment/DataBackup.cs:7 | Equality mutation | `a < b` | `a <= b` | survived |",
            "| Json/JsonSource.cs:6 | String mutation | `\"x\"` | `\"\"` | survived |",
        }));
    }

    [Test]
    public void A_whole_run_writes_the_tables_afresh_from_its_report_alone()
    {
        using var directory = new TempDirectory();
        var doc = directory.Write("BENCHMARKS.md", Recorded);
        var report = directory.Write("report.json", Report(("Json/JsonSource.cs", ["Killed", "NoCoverage"])));

        var lines = Tables(report, doc, "ccccccc", "- `bench/mutation.sh` (every file): commit ccccccc.");

        Assert.That(lines[0], Is.EqualTo("50.0"));
        Assert.That(lines.Where(line => line.StartsWith("- `bench")), Is.EqualTo(new[] { "- `bench/mutation.sh` (every file): commit ccccccc." }));
        Assert.That(Rows(lines), Is.EqualTo(new[]
        {
            "| Json/JsonSource.cs | 2 | 1 | 0 | 0 | 1 | 50.0% | ccccccc |",
            "| **total** | 2 | 1 | 0 | 0 | 1 | **50.0%** | ccccccc |",
        }));
        Assert.That(Survivors(lines), Is.EqualTo(new[] { "| Json/JsonSource.cs:4 | String mutation | `\"x\"` | `\"\"` | nocoverage |" }));
    }

    [Test]
    public void A_subset_run_without_recorded_rows_to_merge_into_says_to_run_every_file_first()
    {
        using var directory = new TempDirectory();
        var doc = directory.Write("BENCHMARKS.md", "# Benchmarks\n");
        var report = directory.Write("report.json", Report(("Json/JsonSource.cs", ["Killed"])));

        var run = Command.Run("python3", [Script, report, Core, doc, "bbbbbbb", "- run", "--subset"]);

        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.Error, Does.Contain("no mutation section to add a subset run to. Fix: run bench/mutation.sh with no argument first."));
    }

    private static string Script => SourceRepository.Combine("bench", "mutation-tables.py");

    private static string[] Tables(string report, string doc, string commit, string runLine, params string[] flags)
    {
        var run = Command.Run("python3", [Script, report, Core, doc, commit, runLine, .. flags]);
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        return [.. run.Output];
    }

    private static string[] Rows(string[] lines) => [.. lines.Where(line => line.Contains(".cs |") || line.StartsWith("| **total**"))];

    private static string[] Survivors(string[] lines) => [.. lines.Where(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\| [\w/.]+\.cs:\d+ \|"))];

    /// <summary>A Stryker JSON report: each file's mutants, the Nth on line N + 2 of a source whose every line is <c>"x"</c>, each a string mutation to <c>""</c>.</summary>
    private static string Report(params (string File, string[] Statuses)[] files) => JsonSerializer.Serialize(new
    {
        files = files.ToDictionary(f => Core + f.File, f => new
        {
            source = string.Join("\n", Enumerable.Repeat("\"x\"", f.Statuses.Length + 2)),
            mutants = f.Statuses.Select((status, i) => new
            {
                status,
                mutatorName = "String mutation",
                replacement = "\"\"",
                location = new { start = new { line = i + 3, column = 1 }, end = new { line = i + 3, column = 4 } },
            }),
        }),
    });
}
