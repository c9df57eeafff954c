using HealthPoller = QtsOps.Tests.Docker.StartFirstDeploymentTests.HealthPoller;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The failed requests during an action, at several addresses: one client per /health URL (the start-first
/// tests' <see cref="HealthPoller"/>, 20 requests a second, a request failing without a 200 within 2 s)
/// asks from before the action starts until it returns.
/// <code>
/// var seen = RequestsDuring.Action(nodes.Select(node => $"http://{node.Address}:8000/health"), () => Deploy(next));
/// RequestsDuring.AssertNoneFailed(seen);
/// </code>
/// </summary>
internal static class RequestsDuring
{
    /// <param name="AnsweredBy">How many 200s each release answered (its version as a Docker tag).</param>
    public sealed record Seen(string Url, int Requests, int Failed, IReadOnlyList<string> Failures, IReadOnlyDictionary<string, int> AnsweredBy)
    {
        public override string ToString() =>
            $"{Url}: {Failed} failed of {Requests} ({string.Join(", ", AnsweredBy.Select(release => $"{release.Value} by {release.Key}"))})";
    }

    /// <returns>What the client of each URL saw, in the order of <paramref name="urls"/>.</returns>
    public static IReadOnlyList<Seen> Action(IEnumerable<string> urls, Action action)
    {
        var clients = urls.Select(url => (Url: url, Client: new HealthPoller(url))).ToList();
        try
        {
            action();
            return [.. clients.Select(entry => entry.Client.Stop() is var seen ? new Seen(entry.Url, seen.Requests, seen.Failed, seen.Failures, seen.AnsweredBy) : null!)];
        }
        finally
        {
            foreach (var (_, client) in clients) client.Dispose();
        }
    }

    /// <summary>No request failed at any URL, and each was asked all along (more than a second's worth).</summary>
    /// <param name="why">What a failure's message adds (the logs of what answers), read only when a request failed.</param>
    public static void AssertNoneFailed(IEnumerable<Seen> seen, Func<string>? why = null)
    {
        foreach (var url in seen)
        {
            TestContext.Progress.WriteLine(url);
            Assert.That(url.Failed, Is.Zero, () => $"{url.Url}: failed requests of {url.Requests}: {string.Join(" | ", url.Failures.Take(5))}\n{why?.Invoke()}");
            Assert.That(url.Requests, Is.GreaterThan(20), $"{url.Url} was asked all along");
        }
    }
}
