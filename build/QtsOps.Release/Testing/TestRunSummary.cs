using System.Xml.Linq;

namespace QtsOps.Release.Testing;

/// <summary>The counts of a Visual Studio TRX test results file.</summary>
public sealed record TestRunSummary(int Total, int Passed, int Failed, int Skipped, IReadOnlyList<string> FailedTests)
{
    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

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

        var failedTests = document.Descendants(Trx + "UnitTestResult")
            .Where(r => r.Attribute("outcome")?.Value == "Failed")
            .Select(r => r.Attribute("testName")?.Value ?? "?")
            .ToList();
        var failed = Count("failed") + Count("error") + Count("timeout") + Count("aborted");
        return new TestRunSummary(Count("total"), Count("passed"), failed, Count("notExecuted"), failedTests);
    }

    /// <summary>The closing line CI reads.</summary>
    public string ClosingLine => $"{Passed} passed, {Failed} failed" + (Skipped > 0 ? $", {Skipped} skipped" : "");
}
