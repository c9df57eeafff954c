using QtsOps.Release.Testing;

namespace QtsOps.Tests.Release;

[Category("Core")]
public class TestRunSummaryTests
{
    private const string Trx = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult testName="Good" outcome="Passed" />
            <UnitTestResult testName="Bad" outcome="Failed" />
            <UnitTestResult testName="Later" outcome="NotExecuted" />
          </Results>
          <ResultSummary outcome="Failed">
            <Counters total="3" executed="2" passed="1" failed="1" error="0" timeout="0" aborted="0" notExecuted="1" />
          </ResultSummary>
        </TestRun>
        """;

    [Test]
    public void Counts_and_failed_names_come_from_the_trx()
    {
        using var temp = new TempDirectory();
        var summary = TestRunSummary.FromTrx(temp.Write("r.trx", Trx));

        Assert.That(summary.ClosingLine, Is.EqualTo("1 passed, 1 failed, 1 skipped"));
        Assert.That(summary.FailedTests, Is.EqualTo(new[] { "Bad" }));
    }

    [Test]
    public void An_unfinished_trx_is_a_clear_error()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("r.trx", "<TestRun xmlns=\"http://microsoft.com/schemas/VisualStudio/TeamTest/2010\"/>");

        var error = Assert.Throws<InvalidDataException>(() => TestRunSummary.FromTrx(path));
        Assert.That(error!.Message, Does.Contain("no <Counters>"));
    }
}
