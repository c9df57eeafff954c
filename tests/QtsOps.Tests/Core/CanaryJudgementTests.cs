using QtsOps.Core.Fleet;

namespace QtsOps.Tests.Core;

/// <summary>The canary's judgement (issue 24, point 5): both sides' error rate and p95 over the window, promote or withdraw.</summary>
[Category("Core")]
public class CanaryJudgementTests
{
    private static readonly CanarySettings Settings = new(10, 60, 0.01, 2.0, 50);
    private static readonly DateTimeOffset From = DateTimeOffset.FromUnixTimeSeconds(1_765_000_000);
    private static readonly DateTimeOffset To = From.AddSeconds(60);

    /// <summary>Log lines as the edge writes them (<see cref="CanaryEdge.LogFormat"/>), one per request, a millisecond apart from <see cref="From"/>.</summary>
    private static IEnumerable<string> Requests(string side, int count, Func<int, int> status, Func<int, double> seconds, int startMs = 1) =>
        Enumerable.Range(0, count).Select(i => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{From.ToUnixTimeMilliseconds() / 1000m + (startMs + i) / 1000m:0.000} {side} {status(i)} {seconds(i):0.000} {(side == "canary" ? "172.18.0.3:8000" : "172.18.0.2:8000")}"));

    private static IEnumerable<string> Stable(int count = 400) => Requests("stable", count, _ => 200, i => 0.010 + i % 10 / 1000.0);

    [Test]
    public void A_canary_that_fails_a_fifth_of_its_requests_is_withdrawn_with_both_sides_figures()
    {
        var verdict = CanaryJudgement.Judge([.. Stable(), .. Requests("canary", 60, i => i % 5 == 0 ? 500 : 200, _ => 0.012, 500)], Settings, From, To);

        Assert.That(verdict.Outcome, Is.EqualTo(CanaryOutcome.Withdraw));
        Assert.That(verdict.Reason, Is.EqualTo("the canary's error rate 20.0% exceeds the stable release's 0.0% by more than maxErrorRate 1.0%"));
        Assert.That((verdict.Canary.Requests, verdict.Canary.Errors, verdict.Stable.Requests, verdict.Stable.Errors), Is.EqualTo((60, 12, 400, 0)));
        Assert.That(verdict.Canary.ToString(), Is.EqualTo("60 requests, 12 errors (20.0%), p95 12 ms"));
    }

    [Test]
    public void A_good_canary_is_promoted()
    {
        var verdict = CanaryJudgement.Judge([.. Stable(), .. Requests("canary", 60, _ => 200, _ => 0.015, 500)], Settings, From, To);

        Assert.That((verdict.Outcome, verdict.Stable.P95Seconds, verdict.Canary.P95Seconds), Is.EqualTo((CanaryOutcome.Promote, 0.019, 0.015)));
    }

    [Test]
    public void A_slow_canary_is_withdrawn_on_the_latency_ratio()
    {
        var verdict = CanaryJudgement.Judge([.. Stable(), .. Requests("canary", 60, _ => 200, _ => 0.050, 500)], Settings, From, To);

        Assert.That((verdict.Outcome, verdict.Reason), Is.EqualTo((CanaryOutcome.Withdraw, "the canary's p95 50 ms is more than maxLatencyRatio 2 times the stable release's 19 ms")));
    }

    [Test]
    public void A_canary_with_too_few_requests_is_withdrawn_and_requests_outside_the_window_do_not_count()
    {
        var lines = Stable().Concat(Requests("canary", 40, _ => 200, _ => 0.010, 500)).Concat(Requests("canary", 40, _ => 200, _ => 0.010, 61_000)).ToList();

        var verdict = CanaryJudgement.Judge(lines, Settings, From, To);

        Assert.That((verdict.Outcome, verdict.Reason), Is.EqualTo((CanaryOutcome.Withdraw, "the canary answered 40 requests, fewer than minRequests 50: too few to judge")));
    }

    // minRequests requests, the first and last at the window's very ends, and errors exactly maxErrorRate above the stable release's: promoted.
    [Test]
    public void A_canary_at_every_limit_is_promoted()
    {
        var canary = Requests("canary", 1, _ => 500, _ => 0.010, 0).Concat(Requests("canary", 48, _ => 200, _ => 0.010, 500))
            .Concat(Requests("canary", 1, _ => 200, _ => 0.010, 60_000));
        var settings = Settings with { MaxErrorRate = 0.02 };

        var verdict = CanaryJudgement.Judge([.. Stable(), .. canary], settings, From, To);

        Assert.That((verdict.Canary.Requests, verdict.Canary.ErrorRate), Is.EqualTo((50, 0.02)));
        Assert.That((verdict.Outcome, verdict.Reason), Is.EqualTo((CanaryOutcome.Promote,
            "the canary's error rate and p95 latency are within maxErrorRate and maxLatencyRatio of the stable release's")));
    }

    [Test]
    public void The_p95_is_the_time_that_95_percent_of_requests_took_no_longer_than()
    {
        var verdict = CanaryJudgement.Judge([.. Stable(), .. Requests("canary", 100, _ => 200, i => (100 - i) / 1000.0, 500)], Settings, From, To);

        Assert.That(verdict.Canary.P95Seconds, Is.EqualTo(0.095));
    }

    [Test]
    public void A_canary_beside_a_stable_release_that_answered_nothing_is_judged_on_its_errors_alone()
    {
        var verdict = CanaryJudgement.Judge([.. Requests("canary", 60, _ => 200, _ => 0.500, 500)], Settings, From, To);

        Assert.That((verdict.Outcome, verdict.Reason), Is.EqualTo((CanaryOutcome.Promote,
            "the canary's error rate is within maxErrorRate; the stable release answered nothing in the window to compare latency with")));
        Assert.That(verdict.Stable.ToString(), Is.EqualTo("0 requests, 0 errors (0.0%), p95 -"));
    }

    [Test]
    public void Errors_the_stable_release_makes_too_are_not_held_against_the_canary()
    {
        var stable = Requests("stable", 400, i => i % 10 == 0 ? 503 : 200, _ => 0.010);
        var verdict = CanaryJudgement.Judge([.. stable, .. Requests("canary", 100, i => i % 10 == 0 ? 503 : 200, _ => 0.010, 500)], Settings, From, To);

        Assert.That((verdict.Outcome, verdict.Stable.ErrorRate, verdict.Canary.ErrorRate), Is.EqualTo((CanaryOutcome.Promote, 0.1, 0.1)));
    }
}
