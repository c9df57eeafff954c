using System.Text.Json;
using QtsOps.Build.Deployment;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Docker;

/// <summary>
/// The state read of a history that has grown for years, on both hosts (<see cref="ContractHost"/>): it carries the newest lines it was asked for and the
/// few older ones the decisions find, never the whole file, and every decision answers as it would from the whole file.
/// </summary>
[TestFixture(false, TestName = "on this machine"), TestFixture(true, TestName = "on an ssh host")]
[Category("Docker"), NonParallelizable, System.Runtime.Versioning.SupportedOSPlatform("linux"), Platform("Linux")]
public class LongHistoryContractTests(bool overSsh)
{
    /// <summary>Failed verifies after the last one that passed: the last verified release is this many lines from the end.</summary>
    private const int FailedVerifies = 30_000;

    private static readonly string[] Installed = ["1.0.0", "1.0.1", "1.0.2", "1.0.3"];

    private ContractHost _contract = null!;
    private ShellDeploymentHost _host = null!;
    private HostStatePaths _paths = null!;
    /// <summary>As <see cref="_paths"/>, but 1.0.1's folder was removed by hand: the last verified release but 1.0.2 is installed no more.</summary>
    private HostStatePaths _without101 = null!;
    private string[] _file = null!;

    [OneTimeSetUp]
    public void StartHostWithALongHistory()
    {
        _contract = new ContractHost(overSsh);
        _host = _contract.Host;
        // Written here into the folder the host sees at the same path, as the deploys of years would have left it.
        var deploy = Directory.CreateDirectory(Path.Combine(_contract.SharedRoot, $"deploy-{Guid.NewGuid():N}")).FullName;
        foreach (var release in Installed) Directory.CreateDirectory(Path.Combine(deploy, "releases", release));
        File.CreateSymbolicLink(Path.Combine(deploy, "current"), "releases/1.0.2");
        var history = Path.Combine(deploy, ".qtsops", "history", "staging.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(history)!);
        _file = [.. YearsOfHistory()];
        File.WriteAllText(history, string.Join("\n", _file) + "\n");
        _paths = new HostStatePaths(Path.Combine(deploy, "releases"), Path.Combine(deploy, "current"), Path.Combine(deploy, "edge", SlotLayout.ActiveLink),
            history, Path.Combine(deploy, ".qtsops", "locks", "qts.lock"), deploy);
        foreach (var release in Installed.Except(["1.0.1"])) Directory.CreateDirectory(Path.Combine(deploy, "releases-without-1.0.1", release));
        _without101 = _paths with { ReleasesDirectory = Path.Combine(deploy, "releases-without-1.0.1") };
    }

    [OneTimeTearDown]
    public void StopHost() => _contract?.Dispose();

    /// <summary>
    /// Lines 1-11: 1.0.0 deployed and verified, 1.0.1 failed once then deployed and verified, 1.0.0 rolled back to,
    /// 1.0.3's only deploy failed, 1.0.0's deploy again failed, 1.0.2 deployed and verified (spaced out by a hand edit),
    /// its data restored; then <see cref="FailedVerifies"/> failed verifies of 1.0.2 with a torn line among them that
    /// reads like a passed verify of 1.0.1 (line 112).
    /// </summary>
    private static IEnumerable<string> YearsOfHistory()
    {
        var at = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        string Line(HistoryAction action, string release, HistoryResult result = HistoryResult.Succeeded, string? container = null)
        {
            at = at.AddMinutes(5);
            return JsonSerializer.Serialize(new HistoryEntry
            {
                Action = action, Result = result, Version = $"{release}+build.{release[^1]}", Release = release, ContainerId = container, StartedAt = at, FinishedAt = at,
                Settings = new Dictionary<string, string> { ["deployDirectory"] = "/srv/qts-observer", ["healthUrl"] = "http://127.0.0.1:8000/health" },
            }, HistoryJson);
        }
        yield return Line(HistoryAction.Deploy, "1.0.0", container: "c0");
        yield return Line(HistoryAction.Verify, "1.0.0");
        yield return Line(HistoryAction.Deploy, "1.0.1", HistoryResult.Failed);
        yield return Line(HistoryAction.Deploy, "1.0.1", container: "c1");
        yield return Line(HistoryAction.Verify, "1.0.1");
        yield return Line(HistoryAction.Rollback, "1.0.0", container: "c3");
        yield return Line(HistoryAction.Deploy, "1.0.3", HistoryResult.Failed);
        yield return Line(HistoryAction.Deploy, "1.0.0", HistoryResult.Failed);
        yield return Line(HistoryAction.Deploy, "1.0.2", container: "c2");
        yield return Line(HistoryAction.Verify, "1.0.2").Replace("\"action\":", "\"action\" : ").Replace("\"result\":", "\"result\":\t");
        yield return Line(HistoryAction.Restore, "1.0.2", container: "c5");
        for (var verify = 0; verify < FailedVerifies; verify++)
            yield return verify == 100 ? Line(HistoryAction.Verify, "1.0.1")[..^40] : Line(HistoryAction.Verify, "1.0.2", HistoryResult.Failed);
    }

    /// <summary>The history's JSON as the pipeline writes it (<see cref="ReleaseHistory"/>'s options), read back from a file it wrote.</summary>
    private static readonly JsonSerializerOptions HistoryJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private IReadOnlyList<HistoryEntry> Entries(IEnumerable<HistoryLine> lines, List<string> warnings) => ReleaseHistory.Parse(lines, _paths.HistoryFile, warnings.Add);

    /// <summary>An entry as its line says it (its settings compared by content, not as the same dictionary); null for none.</summary>
    private static string? Said(HistoryEntry? entry) => entry is null ? null : JsonSerializer.Serialize(entry, HistoryJson);

    [Test]
    public void A_step_s_read_carries_only_the_lines_its_decisions_need_and_they_find_the_last_verified_release_thirty_thousand_lines_back()
    {
        var state = _host.ReadState(_paths, 0);

        // Lines 1-11 but 1.0.1's failed deploy (line 3), which its deploy after superseded; none of the 30,000 after them.
        Assert.That(state.History.Select(line => line.Number), Is.EqualTo(new[] { 1, 2, 4, 5, 6, 7, 8, 9, 10, 11 }));
        Assert.That(state.History.Select(line => line.Text), Is.EqualTo(state.History.Select(line => _file[line.Number - 1])), "the file's lines as written");
        Assert.That(state.History.Sum(line => line.Text.Length), Is.LessThan(11 * _file.Max(line => line.Length)),
            $"a few lines' bytes of the file's {_file.Sum(line => line.Length + 1)}");

        var warnings = new List<string>();
        var entries = Entries(state.History, warnings);
        Assert.That(warnings, Is.Empty);
        Assert.That(entries.LastVerified(except: state.Current)?.Release, Is.EqualTo("1.0.1"), "what a rollback from 1.0.2 puts back");
        Assert.That(entries.LastVerified()?.Release, Is.EqualTo("1.0.2"), "what status shows as the last verified release");
        Assert.That(entries.SuccessfulStartIn("1.0.2", "c5")?.Action, Is.EqualTo(HistoryAction.Restore), "deploy's skip: 1.0.2's restore started the container that runs");
        Assert.That(entries.VerifiedSinceInstalled("1.0.2"), Is.True, "verify restarts 1.0.2 when it is down, never replaces it");
        Assert.That(entries.VersionOf("1.0.0"), Is.EqualTo("1.0.0+build.0"), "the version a rollback to 1.0.0 records, deployed 30,000 lines ago");
    }

    [TestCase(0, false)]
    [TestCase(10, false)]
    [TestCase(1000, false)]
    [TestCase(0, true)]
    public void Every_decision_answers_from_the_read_as_from_the_whole_file(int newest, bool without101)
    {
        var fileWarnings = new List<string>();
        var whole = Entries(ReleaseHistory.LinesOf(string.Join("\n", _file)), fileWarnings);
        var readWarnings = new List<string>();

        var state = _host.ReadState(without101 ? _without101 : _paths, newest);
        var read = Entries(state.History, readWarnings);

        Assert.That(state.History.Select(line => line.Number).Where(number => number > 11), Is.EqualTo(Enumerable.Range(_file.Length - newest + 1, newest)),
            "of the lines after the first eleven, the newest asked for and no other");
        Assert.That(read.Newest(newest).Select(Said), Is.EqualTo(whole.Newest(newest).Select(Said)), "status --limit: the newest entries");
        foreach (var release in new string?[] { "1.0.0", "1.0.1", "1.0.2", "9.9.9", null })
            Assert.That(Said(read.LastVerified(except: release)), Is.EqualTo(Said(whole.LastVerified(except: release))), $"last verified except {release}");
        foreach (var release in state.Installed) // what the decisions ask these of: the current release, an installed one to roll back to
        {
            Assert.That(read.VersionOf(release), Is.EqualTo(whole.VersionOf(release)), release);
            Assert.That(read.VerifiedSinceInstalled(release), Is.EqualTo(whole.VerifiedSinceInstalled(release)), release);
            foreach (var container in new[] { "c0", "c1", "c2", "c3", "c5" })
                Assert.That(Said(read.SuccessfulStartIn(release, container)), Is.EqualTo(Said(whole.SuccessfulStartIn(release, container))), $"{release} in {container}");
        }
        Assert.That(Said(read.TakenDown()), Is.EqualTo(Said(whole.TakenDown())));
        Assert.That(ReleaseListing.ReleasesOf(state.ReleaseDirectories, state.Current, read), Is.EqualTo(ReleaseListing.ReleasesOf(state.ReleaseDirectories, state.Current, whole)),
            "the releases target: each installed release's version, install and verify");
        Assert.That(fileWarnings.Single(), Does.StartWith($"{_paths.HistoryFile}:112: skipped, not a history entry"), "the torn line");
        Assert.That(readWarnings, Is.Empty, "the torn line is older than the newest lines asked for, and no decision's line: not read");
    }
}
