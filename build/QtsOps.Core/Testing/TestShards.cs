namespace QtsOps.Core.Testing;

/// <summary>One of the test processes a test run starts side by side: its name (its TRX is tests-NAME.trx) and its dotnet test filter.</summary>
public sealed record TestShard(string Name, string Filter)
{
    public string TrxFileName => $"tests-{Name}.trx";
}

/// <summary>
/// How a test run splits its tests into processes that run at once: the fixtures that make a lab of Docker hosts
/// (NUnit category <see cref="LabCategory"/>, their own dockerds in network namespaces) in one, every other test in
/// the other. Most of a Docker test's time is waiting (a deploy's settle window, health checks, a lab's engines
/// starting), so on two cores the two overlap well; each process keeps its own statics, signal handlers and
/// environment, which tests in one process would share.
/// </summary>
public static class TestShards
{
    public const string LabCategory = "Lab";

    /// <param name="filter">The run's --test-filter, or null for every test; each shard runs the part of it in its category.</param>
    public static IReadOnlyList<TestShard> For(string? filter) =>
    [
        new("main", Narrowed(filter, $"TestCategory!={LabCategory}")),
        new("lab", Narrowed(filter, $"TestCategory={LabCategory}")),
    ];

    // Parenthesised: the user's filter may be an alternative (a|b), which & would otherwise bind to its last term.
    private static string Narrowed(string? filter, string category) =>
        string.IsNullOrWhiteSpace(filter) ? category : $"({filter})&{category}";
}
