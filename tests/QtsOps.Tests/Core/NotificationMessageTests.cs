using System.Text.Json;
using QtsOps.Host;
using QtsOps.Core.Notifications;
using QtsOps.Tools.Http;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class NotificationMessageTests
{
    [TestCase(NotificationEvent.DeploySucceeded, "✅ QTS Observer 1.3.0 deployed to prod. In 40 s.")]
    [TestCase(NotificationEvent.DeployFailed, "❌ QTS Observer 1.3.0 failed to deploy to prod. In 40 s.")]
    [TestCase(NotificationEvent.VerifyFailed, "❌ QTS Observer 1.3.0 failed verification on prod. In 40 s.")]
    [TestCase(NotificationEvent.RolledBack, "↩️ QTS Observer on prod rolled back from 1.3.0. In 40 s.")]
    public void Each_event_has_its_headline(NotificationEvent kind, string expected) =>
        Assert.That(NotificationMessage.Text(kind, "prod", "1.3.0", " In 40 s. "), Is.EqualTo(expected));

    [Test]
    public void The_json_is_a_single_text_field_with_quotes_escaped() =>
        Assert.That(JsonDocument.Parse(NotificationMessage.Json("say \"hi\"\n")).RootElement.GetProperty("text").GetString(), Is.EqualTo("say \"hi\"\n"));

    [Test]
    public void Redaction_keeps_scheme_and_host_only() =>
        Assert.That(WebhookUrl.Redact("https://hooks.slack.com/services/T0/B0/XyZ?x=1"), Is.EqualTo("https://hooks.slack.com/***"));
    [TestCase("")]
    [TestCase("  \n ")]
    public void Without_a_detail_the_headline_stands_alone(string detail) =>
        Assert.That(NotificationMessage.Text(NotificationEvent.DeploySucceeded, "staging", "1.3.0", detail), Is.EqualTo("✅ QTS Observer 1.3.0 deployed to staging."));

    [Test]
    public void Redaction_keeps_a_port_and_says_when_the_url_is_malformed()
    {
        Assert.That(WebhookUrl.Redact("http://chat.internal:8065/hooks/abc"), Is.EqualTo("http://chat.internal:8065/***"));
        Assert.That(WebhookUrl.Redact("hooks.slack.com/services/T0"), Is.EqualTo("(a malformed webhook URL)"));
    }
}
