using QtsOps.Core.Verification;

namespace QtsOps.Tests.Core;

/// <summary>When verify may reuse what deploy read inside a slot before it took traffic, and how the report says so.</summary>
[Category("Core")]
public class CheckedBeforeTrafficTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T10:00:00Z");
    private static readonly DateTimeOffset CheckedAt = Start.AddSeconds(3);
    private static readonly ContainerEvidence Slot = new("abcdef0123456789", "running", true, "healthy", 0, Start, "sha256:img");
    private static VerifyEvidence Inside() => VerifyChecklistTests.Healthy() with
    {
        ContainerName = "qts-observer-b",
        Container = Slot,
        HealthEndpoint = new HttpEvidence("http://127.0.0.1:8000/health inside qts-observer-b on this machine", 200, "{\"status\": \"ok\"}", null),
        SettleSeconds = 3,
    };

    private static readonly CheckedBeforeTraffic Passed = new(Inside(), Passed: true, CheckedAt);

    [Test]
    public void The_same_container_running_since_the_check_moments_ago_reuses_it()
    {
        Assert.That(Passed.WhyNotReused("qts-observer-b", Slot, CheckedAt.AddSeconds(2)), Is.Null);
    }

    [Test]
    public void A_check_that_failed_is_never_reused()
    {
        Assert.That((Passed with { Passed = false }).WhyNotReused("qts-observer-b", Slot, CheckedAt.AddSeconds(2)), Is.EqualTo("it failed"));
    }

    [Test]
    public void Another_container_name_is_checked_afresh()
    {
        Assert.That(Passed.WhyNotReused("qts-observer-a", Slot, CheckedAt.AddSeconds(2)), Is.EqualTo("it checked qts-observer-b, not qts-observer-a"));
    }

    [Test]
    public void No_container_now_is_checked_afresh()
    {
        Assert.That(Passed.WhyNotReused("qts-observer-b", null, CheckedAt.AddSeconds(2)), Is.EqualTo("there is no container qts-observer-b"));
    }

    [Test]
    public void A_check_without_a_container_is_not_reused()
    {
        var checkedNothing = Passed with { Evidence = Inside() with { Container = null } };
        Assert.That(checkedNothing.WhyNotReused("qts-observer-b", Slot, CheckedAt.AddSeconds(2)), Is.EqualTo("there is no container qts-observer-b"));
    }

    [Test]
    public void A_container_recreated_under_the_same_name_is_checked_afresh()
    {
        Assert.That(Passed.WhyNotReused("qts-observer-b", Slot with { Id = "0123456789abcdef" }, CheckedAt.AddSeconds(2)),
            Is.EqualTo("qts-observer-b was replaced since"));
    }

    [Test]
    public void A_container_restarted_since_is_checked_afresh()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Passed.WhyNotReused("qts-observer-b", Slot with { RestartCount = 1 }, CheckedAt.AddSeconds(2)), Is.EqualTo("qts-observer-b stopped or restarted since"));
            Assert.That(Passed.WhyNotReused("qts-observer-b", Slot with { StartedAt = Start.AddSeconds(4) }, CheckedAt.AddSeconds(2)), Is.EqualTo("qts-observer-b stopped or restarted since"));
            Assert.That(Passed.WhyNotReused("qts-observer-b", Slot with { Running = false, Status = "exited" }, CheckedAt.AddSeconds(2)), Is.EqualTo("qts-observer-b stopped or restarted since"));
        });
    }

    [Test]
    public void A_check_at_most_a_minute_old_is_reused_and_an_older_one_is_not()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Passed.WhyNotReused("qts-observer-b", Slot, CheckedAt.AddSeconds(60)), Is.Null);
            Assert.That(Passed.WhyNotReused("qts-observer-b", Slot, CheckedAt.AddSeconds(61)), Is.EqualTo("it was 61 s ago (at most 60 s)"));
        });
    }

    [Test]
    public void A_check_dated_after_now_is_not_reused()
    {
        Assert.That(Passed.WhyNotReused("qts-observer-b", Slot, CheckedAt.AddSeconds(-1)), Is.EqualTo("it was -1 s ago (at most 60 s)"));
    }

    [Test]
    public void The_state_health_and_logs_are_the_new_ones_and_the_rest_is_as_read_before_traffic()
    {
        var now = Slot with { HealthStatus = "unhealthy" };
        var served = new HttpEvidence("http://127.0.0.1:8000/health", 503, "{\"status\": \"degraded\"}", null);
        var evidence = Passed.With(now, served, ["2026-01-01T10:00:05Z ERROR qts_observer: boom"]);

        Assert.Multiple(() =>
        {
            Assert.That(evidence.Container, Is.EqualTo(now));
            Assert.That(evidence.HealthEndpoint, Is.EqualTo(served));
            Assert.That(evidence.LogLines, Is.EqualTo(new[] { "2026-01-01T10:00:05Z ERROR qts_observer: boom" }));
            Assert.That(evidence.ActualEnvironment, Is.SameAs(Passed.Evidence.ActualEnvironment));
            Assert.That(evidence.Mounts, Is.SameAs(Passed.Evidence.Mounts));
            Assert.That(evidence.Resources, Is.EqualTo(Passed.Evidence.Resources));
            Assert.That(evidence.Records, Is.EqualTo(Passed.Evidence.Records));
            Assert.That(evidence.Disk, Is.EqualTo(Passed.Evidence.Disk));
        });
        var failed = VerifyChecklist.Evaluate(evidence).Where(check => !check.Passed).Select(check => check.Name);
        Assert.That(failed, Is.EqualTo(new[] { "health-status", "health-endpoint", "logs-clean" }), "what changed since the check before traffic is judged as it is now");
    }

    [Test]
    public void Each_reused_check_says_when_it_was_read_and_the_others_are_unchanged()
    {
        var checks = VerifyChecklist.Evaluate(Passed.With(Slot, Inside().HealthEndpoint, Inside().LogLines));
        var marked = Passed.Marked(checks, CheckedAt.AddSeconds(2.5));

        Assert.Multiple(() =>
        {
            Assert.That(marked.Select(check => check.Name), Is.EqualTo(VerifyChecklist.CheckNames));
            foreach (var (check, before) in marked.Zip(checks))
                Assert.That(check, CheckedBeforeTraffic.ReusedChecks.Contains(check.Name)
                    ? Is.EqualTo(before with { Evidence = $"{before.Evidence} (checked before traffic, 2.5 s earlier, same container)" })
                    : Is.EqualTo(before), check.Name);
            Assert.That(CheckedBeforeTraffic.ReusedChecks, Is.EqualTo(new[] { "environment", "mounts", "resources", "data-records", "disk" }));
        });
    }

    [Test]
    public void A_check_of_this_very_moment_is_reused_and_an_age_is_said_in_whole_seconds()
    {
        Assert.That(Passed.WhyNotReused("qts-observer-b", Slot, CheckedAt), Is.Null);
        Assert.That(Passed.WhyNotReused("qts-observer-b", Slot, CheckedAt.AddSeconds(61.4)), Is.EqualTo("it was 61 s ago (at most 60 s)"));
    }

    [Test]
    public void A_reused_check_says_its_age_with_one_decimal()
    {
        var marked = Passed.Marked([CheckResult.Pass(CheckedBeforeTraffic.ReusedChecks.First(), "as read")], CheckedAt.AddSeconds(2));

        Assert.That(marked.Single().Evidence, Is.EqualTo("as read (checked before traffic, 2.0 s earlier, same container)"));
    }
}
