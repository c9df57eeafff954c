using QtsOps.Core.Pages;

namespace QtsOps.Tests.Core;

/// <summary>The pages' shared parts: a status word's colour (the pages' tests check the markup around it).</summary>
[Category("Core")]
public class HtmlPageTests
{
    [Test]
    public void Each_status_word_the_pipeline_writes_reads_in_its_tone_and_any_other_word_is_neutral()
    {
        string[] bad = ["failed", "fail", "refused", "error", "interrupted", "unreachable", "not running", "unhealthy", "exited", "dead", "delete", "replace"];
        string[] warn = ["skipped", "warning", "dry run", "not run", "held", "starting", "update"];
        string[] good = ["succeeded", "passed", "pass", "applied", "built", "reused", "deployed", "pushed", "healthy", "running", "restored", "create", "free"];

        Assert.Multiple(() =>
        {
            foreach (var word in bad) Assert.That(HtmlPage.ToneOf(word), Is.EqualTo(Tone.Bad), word);
            foreach (var word in warn) Assert.That(HtmlPage.ToneOf(word), Is.EqualTo(Tone.Warn), word);
            foreach (var word in good) Assert.That(HtmlPage.ToneOf(word), Is.EqualTo(Tone.Good), word);
            Assert.That(HtmlPage.ToneOf(" Not Running "), Is.EqualTo(Tone.Bad), "as the engine or a report capitalises it");
            Assert.That(HtmlPage.ToneOf("planned"), Is.EqualTo(Tone.Neutral));
            Assert.That(HtmlPage.ToneOf(""), Is.EqualTo(Tone.Neutral), "a report that names no status");
        });
    }
}
