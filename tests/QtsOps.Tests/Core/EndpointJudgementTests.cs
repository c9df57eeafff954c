using QtsOps.Core.Verification;

namespace QtsOps.Tests.Core;

/// <summary>verify calls the health endpoint failed only after several requests in a row failed, not on one.</summary>
[Category("Core")]
public class EndpointJudgementTests
{
    private const string Url = "http://127.0.0.1:8000/health";

    private static HttpEvidence Answer(int? status) =>
        status is { } code ? new HttpEvidence(Url, code, code == 200 ? "{\"status\":\"ok\"}" : "<html>Gateway Time-out</html>", null)
            : new HttpEvidence(Url, null, "", "Connection refused");

    /// <returns>The judged answer, how many requests were made and the waits between them.</returns>
    private static (HttpEvidence Judged, int Asked, List<TimeSpan> Waits) Judge(params int?[] answers)
    {
        var asked = 0;
        var waits = new List<TimeSpan>();
        var judged = EndpointJudgement.Ask(() => Answer(answers[asked++]), waits.Add);
        return (judged, asked, waits);
    }

    [Test]
    public void A_first_200_is_the_answer_and_nothing_more_is_asked()
    {
        var (judged, asked, waits) = Judge(200);

        Assert.That((judged.StatusCode, asked, waits.Count, judged.EarlierFailures.Count), Is.EqualTo((200, 1, 0, 0)));
    }

    [Test]
    public void One_504_followed_by_a_200_passes_and_says_what_failed_before()
    {
        var (judged, asked, waits) = Judge(504, 200);

        Assert.That((judged.StatusCode, asked), Is.EqualTo((200, 2)));
        Assert.That(waits, Is.EqualTo(new[] { EndpointJudgement.Spacing }));
        Assert.That(judged.EarlierFailures, Is.EqualTo(new[] { "504" }));
        var check = VerifyChecklist.Evaluate(Evidence(judged)).Single(c => c.Name == "health-endpoint");
        Assert.That(check.Passed, Is.True);
        Assert.That(check.Evidence, Does.Contain($"GET {Url} -> 200").And.Contain("(after 1 failed: 504)"));
    }

    [Test]
    public void Two_failures_then_a_200_still_pass()
    {
        var (judged, asked, _) = Judge(504, null, 200);

        Assert.That((judged.StatusCode, asked), Is.EqualTo((200, 3)));
        Assert.That(judged.EarlierFailures, Is.EqualTo(new[] { "504", "Connection refused" }));
    }

    [Test]
    public void Three_failures_in_a_row_fail_and_the_fourth_request_is_never_made()
    {
        var (judged, asked, waits) = Judge(504, 503, 504, 200);

        Assert.That((judged.StatusCode, asked, waits.Count), Is.EqualTo((504, EndpointJudgement.FailuresToFail, EndpointJudgement.FailuresToFail - 1)));
        var check = VerifyChecklist.Evaluate(Evidence(judged)).Single(c => c.Name == "health-endpoint");
        Assert.That(check.Passed, Is.False);
        Assert.That(check.Evidence, Does.Contain($"GET {Url} -> 504").And.Contain("(after 2 failed: 504, 503)"));
    }

    private static VerifyEvidence Evidence(HttpEvidence health) => new()
    {
        ContainerName = "qts-observer-b",
        HealthEndpoint = health,
        SettleSeconds = 2,
        ExpectedEnvironment = new Dictionary<string, string>(),
        Mounts = [],
        LogLines = [],
        Records = new DataRecordEvidence(DateTimeOffset.UnixEpoch, [], null),
        MaxDiskUsedPercent = 90,
    };
    [Test]
    public void A_failed_answer_is_said_by_its_status_else_its_error_else_as_no_answer()
    {
        Assert.That(new[] { new HttpEvidence("u", 503, "", "refused"), new HttpEvidence("u", null, "", "connection refused"), new HttpEvidence("u", null, "", null) }
            .Select(EndpointJudgement.Summary), Is.EqualTo(new[] { "503", "connection refused", "no answer" }));
    }
}
