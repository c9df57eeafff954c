using System.Net;
using System.Text.Json;
using QtsOps.Build;
using QtsOps.Host;
using QtsOps.Core.Notifications;
using QtsOps.Tests.Host;
using QtsOps.Tools.Http;

namespace QtsOps.Tests.Tools;

/// <summary>Stands in for deploy: notifies, then goes on.</summary>
[TaskName("notify-probe")]
public sealed class NotifyProbeTask : FrostingTask<BuildContext>
{
    public static bool Finished { get; set; }

    public override void Run(BuildContext context)
    {
        context.Reporting.Notify(NotificationEvent.DeploySucceeded, "Health 200 after 3 s.");
        Finished = true;
    }
}

public class NotifyTests
{
    private TempGitRepository _repo = null!;

    [SetUp]
    public void CreateRepository()
    {
        _repo = new TempGitRepository();
        _repo.Commit("feat: first");
        _repo.Tag("v1.2.3");
        NotifyProbeTask.Finished = false;
    }

    [TearDown]
    public void RemoveRepository() => _repo.Dispose();

    private HostRun Run(params string[] args) => InProcessPipeline.Run(_repo.Path, ["--target=notify-probe", "--env=staging", .. args], typeof(NotifyProbeTask));

    [Test]
    public void A_deploy_notification_posts_slack_and_teams_json_and_logs_no_secret()
    {
        using var webhook = new WebhookListener();

        var run = Run($"--notify-webhook={webhook.Url}");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(webhook.Requests, Has.Count.EqualTo(1));
        var (contentType, body) = webhook.Requests.Single();
        Assert.That(contentType, Does.StartWith("application/json"));
        using var json = JsonDocument.Parse(body);
        Assert.That(json.RootElement.GetProperty("text").GetString(), Is.EqualTo("✅ QTS Observer 1.2.3 deployed to staging. Health 200 after 3 s."));
        Assert.That(run.Output, Does.Contain("Notified http://127.0.0.1:"));
        Assert.That(run.Output + run.Error, Does.Not.Contain("secret-key"));
    }

    [Test]
    public void A_failure_notification_masks_the_secrets_the_run_was_given_as_the_reports_do()
    {
        using var webhook = new WebhookListener();
        var password = $"registry-pass-{Guid.NewGuid():N}";
        using var environment = new EnvironmentVariableScope().Set("QTSOPS_REGISTRY_PASSWORD", password);

        var run = InProcessPipeline.Run(_repo.Path, ["--target=failing-notify-probe", "--env=staging", $"--notify-webhook={webhook.Url}"], typeof(FailingNotifyProbeTask));

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var text = JsonDocument.Parse(webhook.Requests.Single().Body).RootElement.GetProperty("text").GetString();
        Assert.That(text, Does.StartWith("❌ QTS Observer 1.2.3 failed to deploy to staging. host said: login with [REDACTED] refused; url "));
        Assert.That(text, Does.Not.Contain(password).And.Not.Contain("secret-key"));
        Assert.That(run.Output + run.Error, Does.Not.Contain(password));
    }

    [Test]
    public void The_webhook_can_come_from_the_environment()
    {
        using var webhook = new WebhookListener();
        using var environment = new EnvironmentVariableScope().Set("QTSOPS_NOTIFY_WEBHOOK", webhook.Url);

        Assert.That(Run().ExitCode, Is.Zero);
        Assert.That(webhook.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_webhook_that_answers_500_is_a_warning_and_the_run_succeeds()
    {
        using var webhook = new WebhookListener(HttpStatusCode.InternalServerError);

        var run = Run($"--notify-webhook={webhook.Url}");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(NotifyProbeTask.Finished, Is.True);
        Assert.That(run.Error, Does.Contain("Warning: The DeploySucceeded notification to http://127.0.0.1:").And.Contain("/*** failed").And.Contain("500"));
        Assert.That(run.Output + run.Error, Does.Not.Contain("secret-key"));
    }

    [Test]
    public void An_unreachable_webhook_is_a_warning_and_the_run_succeeds()
    {
        string url;
        using (var closed = new WebhookListener()) url = closed.Url; // nothing listens there any more

        var run = Run($"--notify-webhook={url}");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(NotifyProbeTask.Finished, Is.True);
        Assert.That(run.Error, Does.Contain("notification to http://127.0.0.1:").And.Contain("failed, and the run goes on"));
        Assert.That(run.Output + run.Error, Does.Not.Contain("secret-key"));
    }

    [Test]
    public void A_malformed_webhook_is_a_warning_too()
    {
        var run = Run("--notify-webhook=not a url");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Error, Does.Contain("(a malformed webhook URL) failed"));
    }

    [Test]
    public void Without_a_webhook_nothing_is_sent_and_nothing_warned()
    {
        using var environment = new EnvironmentVariableScope().Set("QTSOPS_NOTIFY_WEBHOOK", null);

        var run = Run();

        Assert.That(run.ExitCode, Is.Zero);
        Assert.That(run.Error, Is.Empty);
    }

    [Test]
    public void A_webhook_slower_than_the_timeout_is_given_up()
    {
        using var webhook = new WebhookListener(delay: TimeSpan.FromSeconds(3));
        SlowWebhookProbeTask.Url = webhook.Url;

        var run = InProcessPipeline.Run(_repo.Path, ["--target=slow-webhook-probe"], typeof(SlowWebhookProbeTask));

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("Timeout of 0.2 seconds"));
    }
}

/// <summary>Stands in for a deploy whose error carries what a host printed: a secret and the webhook's own URL.</summary>
[TaskName("failing-notify-probe")]
public sealed class FailingNotifyProbeTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var webhook = context.Options.Get(PipelineOptions.NotifyWebhook);
        var error = new InvalidOperationException($"host said: login with {System.Environment.GetEnvironmentVariable("QTSOPS_REGISTRY_PASSWORD")} refused; url {webhook}");
        context.Reporting.Notify(NotificationEvent.DeployFailed, error.Message);
    }
}

/// <summary>Posts with a short timeout to a webhook that answers late.</summary>
[TaskName("slow-webhook-probe")]
public sealed class SlowWebhookProbeTask : FrostingTask<BuildContext>
{
    public static string Url { get; set; } = "";

    public override void Run(BuildContext context) =>
        context.WebhookPost(Url, "{}", new WebhookSettings { Timeout = TimeSpan.FromMilliseconds(200) });
}
