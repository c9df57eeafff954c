using QtsOps.Core.Fleet;

namespace QtsOps.Tests.Core;

/// <summary>The canary's access log lines (issue 24, point 5), as nginx writes <see cref="CanaryEdge.LogFormat"/>.</summary>
[Category("Core")]
public class CanaryLogLineTests
{
    [Test]
    public void Reads_the_time_side_status_response_time_and_upstreams()
    {
        var line = CanaryLogLine.Parse("1765000000.123 canary 502 0.004 172.18.0.3:8000, 172.18.0.4:8000\n")!;

        Assert.That(line, Is.EqualTo(new CanaryLogLine(DateTimeOffset.FromUnixTimeMilliseconds(1_765_000_000_123), true, 502, 0.004, "172.18.0.3:8000, 172.18.0.4:8000")));
        Assert.That(line.Failed, Is.True);
        Assert.That(CanaryLogLine.Parse("1765000000.123 stable 200 0.010 172.18.0.2:8000")!.Failed, Is.False);
    }

    [TestCase("")]
    [TestCase("1765000000.123 canary 200")]
    [TestCase("1765000000.123 other 200 0.010 172.18.0.2:8000")]
    [TestCase("1765000000.123 stable - 0.010 172.18.0.2:8000")]
    [TestCase("17650000")]
    public void A_line_that_is_no_request_is_none(string text) => Assert.That(CanaryLogLine.Parse(text), Is.Null);
}
