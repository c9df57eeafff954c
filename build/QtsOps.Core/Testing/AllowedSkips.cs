namespace QtsOps.Core.Testing;

/// <summary>
/// The tests allowed to skip, each with why (tests/allowed-skips.txt): a skipped test passes silently, so any
/// other test that skips fails the test run. One a line, "&lt;Namespace.Class.Test&gt;: why it may skip"; # starts a comment.
/// </summary>
public sealed class AllowedSkips
{
    public const string RelativePath = "tests/allowed-skips.txt";

    private readonly IReadOnlyDictionary<string, string> _reasons;

    private AllowedSkips(IReadOnlyDictionary<string, string> reasons) => _reasons = reasons;

    public static AllowedSkips Parse(string path, string text)
    {
        var reasons = new Dictionary<string, string>();
        var lines = text.Split('\n');
        for (var number = 1; number <= lines.Length; number++)
        {
            var line = lines[number - 1].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            var test = colon < 0 ? line : line[..colon];
            var reason = colon < 0 ? "" : line[(colon + 2)..].Trim();
            if (reason.Length == 0 || test.Any(char.IsWhiteSpace))
                throw new InvalidDataException($"{path} line {number}: '{line}' is not '<Namespace.Class.Test>: why it may skip'; name the test as the test run does and say why it may skip.");
            if (!reasons.TryAdd(test, reason))
                throw new InvalidDataException($"{path} line {number}: {test} is listed twice; keep one line.");
        }
        return new AllowedSkips(reasons);
    }

    public IReadOnlyCollection<string> Tests => [.. _reasons.Keys];

    /// <summary>Why the test may skip, or null when it may not.</summary>
    public string? ReasonFor(string test) => _reasons.GetValueOrDefault(test);

    /// <summary>The skipped tests the list does not allow, in the order given.</summary>
    public IReadOnlyList<string> Unexpected(IEnumerable<string> skippedTests) => [.. skippedTests.Where(test => !_reasons.ContainsKey(test))];
}
