using QtsOps.Core.Testing;

namespace QtsOps.Tests.Core;

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
    public void A_test_whose_assumption_fails_counts_as_skipped_by_its_class_qualified_name_though_no_counter_counts_it()
    {
        // As the NUnit adapter writes an Assume that does not hold: the result says NotExecuted, the counters say nothing.
        using var temp = new TempDirectory();
        var path = temp.Write("r.trx", """
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Results>
                <UnitTestResult testId="1" testName="Runs" outcome="Passed" />
                <UnitTestResult testId="2" testName="Needs_root" outcome="NotExecuted" />
              </Results>
              <TestDefinitions>
                <UnitTest name="Runs" id="1"><TestMethod className="QtsOps.Tests.Docker.RestoreTests" name="Runs" /></UnitTest>
                <UnitTest name="Needs_root" id="2"><TestMethod className="QtsOps.Tests.Docker.RestoreTests" name="Needs_root" /></UnitTest>
              </TestDefinitions>
              <ResultSummary outcome="Completed">
                <Counters total="2" executed="1" passed="1" failed="0" error="0" timeout="0" aborted="0" inconclusive="0" notExecuted="0" />
              </ResultSummary>
            </TestRun>
            """);

        var summary = TestRunSummary.FromTrx(path);

        Assert.That(summary.ClosingLine, Is.EqualTo("1 passed, 0 failed, 1 skipped"));
        Assert.That(summary.SkippedTests, Is.EqualTo(new[] { "QtsOps.Tests.Docker.RestoreTests.Needs_root" }));
    }

    [Test]
    public void An_unfinished_trx_is_a_clear_error()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("r.trx", "<TestRun xmlns=\"http://microsoft.com/schemas/VisualStudio/TeamTest/2010\"/>");

        var error = Assert.Throws<InvalidDataException>(() => TestRunSummary.FromTrx(path));
        Assert.That(error!.Message, Does.Contain("no <Counters>"));
    }
    [Test]
    public void Errors_timeouts_and_aborted_tests_count_as_failed_and_a_nameless_failure_is_a_question_mark()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("r.trx", Trx
            .Replace("failed=\"1\" error=\"0\" timeout=\"0\" aborted=\"0\" notExecuted=\"1\"", "failed=\"1\" error=\"2\" timeout=\"4\" aborted=\"8\" notExecuted=\"0\"")
            .Replace("<UnitTestResult testName=\"Later\" outcome=\"NotExecuted\" />", "<UnitTestResult outcome=\"Failed\" />"));

        var summary = TestRunSummary.FromTrx(path);

        Assert.That((summary.Total, summary.Passed, summary.Failed, summary.Skipped), Is.EqualTo((3, 1, 15, 0)));
        Assert.That(summary.ClosingLine, Is.EqualTo("1 passed, 15 failed"));
        Assert.That(summary.FailedTests, Is.EqualTo(new[] { "Bad", "?" }));
    }

    [Test]
    public void A_result_that_errored_timed_out_or_was_aborted_is_named_as_failed_and_a_nameless_skip_is_a_question_mark()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("r.trx", Trx.Replace("<UnitTestResult testName=\"Later\" outcome=\"NotExecuted\" />",
            "<UnitTestResult testName=\"Crashed\" outcome=\"Error\" /><UnitTestResult testName=\"Hung\" outcome=\"Timeout\" />" +
            "<UnitTestResult testName=\"Cut\" outcome=\"Aborted\" /><UnitTestResult outcome=\"NotExecuted\" />"));

        var summary = TestRunSummary.FromTrx(path);

        Assert.That(summary.FailedTests, Is.EqualTo(new[] { "Bad", "Crashed", "Hung", "Cut" }), "the test target names each test the counters count as failed");
        Assert.That(summary.SkippedTests, Is.EqualTo(new[] { "?" }));
    }

    [Test]
    public void A_file_that_is_not_xml_is_a_clear_error()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("r.trx", "Build FAILED.");

        var error = Assert.Throws<InvalidDataException>(() => TestRunSummary.FromTrx(path))!;

        Assert.That(error.Message, Does.StartWith($"{path}: not a readable TRX file (").And.EndWith(")."));
        Assert.That(error.InnerException, Is.InstanceOf<System.Xml.XmlException>());
    }

    [Test]
    public void A_missing_file_is_a_clear_error()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("absent.trx");

        var error = Assert.Throws<InvalidDataException>(() => TestRunSummary.FromTrx(path))!;

        Assert.That(error.Message, Does.StartWith($"{path}: not a readable TRX file (Could not find file").And.EndWith(")."));
    }

    [Test]
    public void The_shards_of_a_run_add_up_to_one_closing_line_with_every_failed_and_skipped_test_named()
    {
        var main = new TestRunSummary(5, 3, 1, 1, ["Bad"], ["Docker.A.Skips"]);
        var lab = new TestRunSummary(4, 2, 2, 1, ["Worse", "Worst"], ["Docker.B.Skips"]);
        var empty = new TestRunSummary(0, 0, 0, 0, [], []);

        var sum = TestRunSummary.Sum([main, lab, empty]);

        Assert.That((sum.Total, sum.ClosingLine), Is.EqualTo((9, "5 passed, 3 failed, 2 skipped")));
        Assert.That(sum.FailedTests, Is.EqualTo(new[] { "Bad", "Worse", "Worst" }));
        Assert.That(sum.SkippedTests, Is.EqualTo(new[] { "Docker.A.Skips", "Docker.B.Skips" }));
    }

    private static readonly AllowedSkips OneAllowed = AllowedSkips.Parse("allowed-skips.txt", "Docker.A.Skips: needs a second engine\n");

    [Test]
    public void A_run_passes_when_every_test_passed_and_every_skip_is_allowed()
    {
        var summary = new TestRunSummary(3, 2, 0, 1, [], ["Docker.A.Skips"]);

        Assert.That(summary.Failure(OneAllowed, processFailure: null), Is.Null);
    }

    [Test]
    public void A_failed_test_fails_the_run_before_anything_else_is_judged()
    {
        var summary = new TestRunSummary(3, 1, 1, 1, ["Bad"], ["Docker.B.Skips"]);

        Assert.That(summary.Failure(OneAllowed, "exit code 1"), Is.EqualTo("1 test(s) failed."));
    }

    [Test]
    public void A_skip_the_list_does_not_allow_fails_the_run_and_is_named()
    {
        var summary = new TestRunSummary(4, 1, 0, 3, [], ["Docker.A.Skips", "Docker.B.Skips", "Docker.C.Skips"]);

        Assert.That(summary.Failure(OneAllowed, processFailure: null), Is.EqualTo(
            "2 test(s) skipped that tests/allowed-skips.txt does not allow: Docker.B.Skips, Docker.C.Skips. Make them run here, or list each there with why it may skip."));
    }

    [Test]
    public void A_run_of_no_test_fails_and_points_at_the_filter()
    {
        Assert.That(new TestRunSummary(0, 0, 0, 0, [], []).Failure(OneAllowed, processFailure: null), Is.EqualTo("No test ran: check --test-filter."));
    }

    [Test]
    public void A_test_process_that_failed_fails_the_run_though_every_test_passed()
    {
        var summary = new TestRunSummary(2, 2, 0, 0, [], []);

        Assert.That(summary.Failure(OneAllowed, "exit code 134"), Is.EqualTo("dotnet test failed although every test passed: exit code 134"));
    }
}
