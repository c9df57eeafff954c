using System.Xml.Linq;

namespace QtsOps.Core.Testing;

/// <summary>The counts of a Visual Studio TRX test results file.</summary>
/// <param name="Skipped">Tests that neither passed nor failed. Counted from the results, not the counters: an NUnit
/// <c>Assume</c> that does not hold leaves a result "NotExecuted" that no counter counts.</param>
/// <param name="SkippedTests">Their names, class-qualified ("QtsOps.Tests.Docker.RestorePipelineTests.A_deploy_...").</param>
public sealed record TestRunSummary(int Total, int Passed, int Failed, int Skipped, IReadOnlyList<string> FailedTests, IReadOnlyList<string> SkippedTests)
{
    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    private static readonly HashSet<string> FailedOutcomes = ["Failed", "Error", "Timeout", "Aborted"];

    public static TestRunSummary FromTrx(string trxPath)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(trxPath);
        }
        catch (Exception exception) when (exception is System.Xml.XmlException or IOException)
        {
            throw new InvalidDataException($"{trxPath}: not a readable TRX file ({exception.Message}).", exception);
        }
        var counters = document.Descendants(Trx + "Counters").SingleOrDefault()
            ?? throw new InvalidDataException($"{trxPath}: no <Counters> element; the test run did not finish.");
        int Count(string name) => int.TryParse(counters.Attribute(name)?.Value, out var value) ? value : 0;

        var classOf = document.Descendants(Trx + "UnitTest")
            .Where(t => t.Attribute("id") is not null)
            .ToDictionary(t => t.Attribute("id")!.Value, t => t.Element(Trx + "TestMethod")?.Attribute("className")?.Value);
        var results = document.Descendants(Trx + "UnitTestResult").Select(r => (Outcome: r.Attribute("outcome")?.Value, Result: r)).ToList();
        // Named as the counters count them: a test that crashed, hung or was cut off failed too.
        var failedTests = results.Where(r => FailedOutcomes.Contains(r.Outcome ?? "")).Select(r => r.Result.Attribute("testName")?.Value ?? "?").ToList();
        var skippedTests = results.Where(r => r.Outcome != "Passed" && !FailedOutcomes.Contains(r.Outcome ?? "")).Select(r => QualifiedName(r.Result)).ToList();
        var failed = Count("failed") + Count("error") + Count("timeout") + Count("aborted");
        return new TestRunSummary(Count("total"), Count("passed"), failed, skippedTests.Count, failedTests, skippedTests);

        string QualifiedName(XElement result)
        {
            var name = result.Attribute("testName")?.Value ?? "?";
            return result.Attribute("testId")?.Value is { } id && classOf.GetValueOrDefault(id) is { } className ? $"{className}.{name}" : name;
        }
    }

    /// <summary>Several runs' counts as one run's: the shards of a test run (<see cref="TestShards"/>).</summary>
    public static TestRunSummary Sum(IReadOnlyList<TestRunSummary> runs) => new(
        runs.Sum(r => r.Total), runs.Sum(r => r.Passed), runs.Sum(r => r.Failed), runs.Sum(r => r.Skipped),
        [.. runs.SelectMany(r => r.FailedTests)], [.. runs.SelectMany(r => r.SkippedTests)]);

    /// <summary>
    /// Why the run fails, or null when it passes: a failed test, a skip <paramref name="allowed"/> does not allow, no test at all,
    /// or a test process that failed although every test passed (<paramref name="processFailure"/>, when one did).
    /// </summary>
    public string? Failure(AllowedSkips allowed, string? processFailure)
    {
        if (Failed > 0) return $"{Failed} test(s) failed.";
        if (allowed.Unexpected(SkippedTests) is { Count: > 0 } unexpected)
            return $"{unexpected.Count} test(s) skipped that {AllowedSkips.RelativePath} does not allow: {string.Join(", ", unexpected)}. " +
                "Make them run here, or list each there with why it may skip.";
        if (Total == 0) return "No test ran: check --test-filter.";
        return processFailure is null ? null : $"dotnet test failed although every test passed: {processFailure}";
    }

    /// <summary>The closing line CI reads.</summary>
    public string ClosingLine => $"{Passed} passed, {Failed} failed" + (Skipped > 0 ? $", {Skipped} skipped" : "");
}
