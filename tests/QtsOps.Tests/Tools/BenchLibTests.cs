using QtsOps.Tests.Docker;

namespace QtsOps.Tests.Tools;

/// <summary>bench/lib.sh's timing in the real bash: a timed run that fails gives its status back, so that a bench under set -e stops there, its output's end shown.</summary>
public class BenchLibTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void MakeTemp() => _temp = new TempDirectory();

    [TearDown]
    public void RemoveTemp() => _temp.Dispose();

    [Test]
    public void A_timed_run_that_fails_returns_its_status_and_shows_the_end_of_its_output_kept_in_a_file()
    {
        var run = Bash("""
            ms=$(elapsed_ms sh -c 'echo its output; echo its error >&2; exit 3') || echo "status $?"
            echo "ms $ms"
            """);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Output, Has.Some.EqualTo("status 3"), "the command's status, not 0");
        Assert.That(run.Output, Has.Some.Matches(@"^ms \d+$"), "the time is printed all the same");
        Assert.That(run.Error, Does.Contain("its output\nits error\n").And.Contain("bench: 'sh -c echo its output; echo its error >&2; exit 3' failed with status 3"));
        var kept = Directory.GetFiles(_temp.Path, "qtsops-bench-*.log");
        Assert.That(kept, Has.Length.EqualTo(1), "the failed run's whole output is kept");
        Assert.That(run.Error, Does.Contain($"(its output: {kept[0]})"));
    }

    [Test]
    public void A_bench_under_set_e_stops_at_the_first_failed_run_and_a_run_that_passes_is_timed_quietly_leaving_nothing()
    {
        var run = Bash("""
            set -e
            passed=$(elapsed_ms sh -c 'echo quiet; exit 0')
            echo "passed $passed"
            median=$(median_ms 3 sh -c 'echo run >>"$TMPDIR/runs"; [ "$(wc -l <"$TMPDIR/runs")" -lt 2 ]')
            echo "not reached $median"
            """);

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Error);
        Assert.That(run.Output, Has.Count.EqualTo(1), "stopped at the median's failed run");
        Assert.That(run.Output[0], Does.Match(@"^passed \d+$"));
        Assert.That(File.ReadAllLines(_temp.Combine("runs")), Has.Length.EqualTo(2), "median_ms ran no further than its first failed run");
        Assert.That(run.Error, Does.Not.Contain("quiet"));
        Assert.That(Directory.GetFiles(_temp.Path, "qtsops-bench-*.log"), Has.Length.EqualTo(1), "only the failed run's output is kept");
    }

    /// <summary><paramref name="script"/> in bash after sourcing bench/lib.sh, its temporary files in this test's folder.</summary>
    private Command.Result Bash(string script) =>
        Command.Run("bash", "-c", $"export ROOT=\"$1\" TMPDIR=\"$2\"\nsource \"$ROOT/bench/lib.sh\"\n{script}", "bash", SourceRepository.Root, _temp.Path);
}
