namespace QtsOps.Core.Verification;

/// <summary>
/// How verify judges the health endpoint: on more than one request before it calls a release bad. One
/// request that fails can be the network's moment (a switch of the edge under load once gave one 504
/// to a good release, which was then rolled back); a release is bad when <see cref="FailuresToFail"/>
/// requests in a row, <see cref="Spacing"/> apart, get no 200. The first 200 ends the asking.
/// </summary>
public static class EndpointJudgement
{
    public const int FailuresToFail = 3;

    /// <summary>The wait between two requests: the failures span a couple of seconds, not one moment.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(1);

    /// <summary>Asks until the endpoint answers 200 or has failed <see cref="FailuresToFail"/> times in a row.</summary>
    /// <param name="ask">One request.</param>
    /// <param name="wait">Waits between two requests.</param>
    /// <returns>The last answer, with the failed ones before it (<see cref="HttpEvidence.EarlierFailures"/>).</returns>
    public static HttpEvidence Ask(Func<HttpEvidence> ask, Action<TimeSpan> wait)
    {
        var failures = new List<string>();
        while (true)
        {
            var answer = ask();
            if (answer.StatusCode == 200 || failures.Count == FailuresToFail - 1) return answer with { EarlierFailures = failures };
            failures.Add(Summary(answer));
            wait(Spacing);
        }
    }

    /// <summary>A failed answer in a few words: its status, else the error.</summary>
    public static string Summary(HttpEvidence answer) => answer.StatusCode is { } code ? $"{code}" : answer.Error ?? "no answer";
}
