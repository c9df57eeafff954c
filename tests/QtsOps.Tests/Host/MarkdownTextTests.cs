using QtsOps.Host;

namespace QtsOps.Tests.Host;

public class MarkdownTextTests
{
    [TestCase("--bump=major|minor|patch", @"--bump=major\|minor\|patch")]
    [TestCase("Writes artifacts/bundle/<version>/", @"Writes artifacts/bundle/\<version>/")]
    [TestCase("report in reports/verify.*", @"report in reports/verify.\*")]
    [TestCase("plain text", "plain text")]
    public void A_cell_keeps_its_text_as_text(string text, string cell) =>
        Assert.That(MarkdownText.Cell(text), Is.EqualTo(cell));
}
