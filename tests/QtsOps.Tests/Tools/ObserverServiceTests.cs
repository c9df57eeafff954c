using System.Text.Json;
using System.Text.RegularExpressions;

namespace QtsOps.Tests.Tools;

/// <summary>The QTS Observer as a real process over real HTTP (src/observer/).</summary>
public partial class ObserverServiceTests
{
    private TempDirectory _root = null!;

    [SetUp]
    public void CreateRoot() => _root = new TempDirectory();

    [TearDown]
    public void RemoveRoot() => _root.Dispose();

    [Test]
    public void Healthy_service_answers_health_and_keeps_every_record_over_a_clean_stop()
    {
        // The environment wins over the settings file: records come every 0.2 s, not every 60 s.
        _root.Write("config/observer.json", """{"interval_seconds": 60}""");
        using var observer = new ObserverProcess(_root.Path).Start();

        var (status, body) = observer.WaitForRecords(3);

        Assert.That(status, Is.EqualTo(200));
        Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("ok"));
        Assert.That(body.GetProperty("version").GetString(), Is.EqualTo("1.2.3-test"));
        Assert.That(body.GetProperty("data_dir_writable").GetBoolean(), Is.True);
        Assert.That(body.GetProperty("uptime_seconds").GetDouble(), Is.GreaterThan(0));
        Assert.That(body.GetProperty("last_record_at").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"));
        Assert.That(observer.GetHealth("/nope").Status, Is.EqualTo(404));
        Assert.That(observer.Output, Does.Contain("interval=0.2s").And.Contain("observer.json (loaded)"));

        Assert.That(observer.Terminate(), Is.Zero, observer.Output);

        var written = int.Parse(Regex.Match(observer.Output, @"stopped: records_written=(\d+)").Groups[1].Value);
        var records = observer.Records();
        Assert.That(written, Is.GreaterThanOrEqualTo(3));
        Assert.That(records.Select(r => r.GetProperty("seq").GetInt32()), Is.EqualTo(Enumerable.Range(1, written)), "one line per record, none lost or doubled");
        Assert.That(records[0].EnumerateObject().Select(p => p.Name),
            Is.EquivalentTo(new[] { "ts", "seq", "host", "pid", "uptime_seconds", "load", "disk_free_bytes", "version", "release", "instance" }));
        Assert.That(records.Select(r => r.GetProperty("release").GetString()).Distinct(), Is.EqualTo(new[] { "1.2.3-test" }));
        Assert.That(records.Select(r => r.GetProperty("instance").GetString()).Distinct().Single(), Does.Match("^[0-9a-f]{12}$"));
        var log = File.ReadAllText(Path.Combine(observer.LogDirectory, "observer.log"));
        Assert.That(log, Does.Contain("listening on").And.Contain("stopped: records_written="));
        Assert.That(log, Does.Not.Contain("ERROR").And.Not.Contain("Traceback"));
    }

    [Test]
    public void Two_releases_writing_one_data_directory_keep_every_record_whole_and_say_which_wrote_it()
    {
        // As during a start-first upgrade: the old and the new release append to the same files at once.
        var data = _root.Combine("shared-data");
        var releases = new[] { ("1.2.3", "old"), ("1.2.4+build.7", "new") }.Select(release =>
        {
            var observer = new ObserverProcess(_root.Combine(release.Item2)) { DataDirectory = data };
            observer.Environment["QTS_OBSERVER_VERSION"] = release.Item1;
            observer.Environment["OBSERVER_INTERVAL_SECONDS"] = "0.1";
            return observer.Start();
        }).ToList();
        try
        {
            foreach (var observer in releases) observer.WaitForRecords(25);
            foreach (var observer in releases) Assert.That(observer.Terminate(), Is.Zero, observer.Output);

            var lines = Directory.GetFiles(data, "observations-*.jsonl").SelectMany(File.ReadAllLines).ToList();
            var records = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList(); // each line one whole record
            var byRelease = records.GroupBy(r => r.GetProperty("release").GetString()!).ToDictionary(g => g.Key, g => g.ToList());
            Assert.That(byRelease.Keys, Is.EquivalentTo(new[] { "1.2.3", "1.2.4_build.7" }));
            foreach (var observer in releases)
            {
                var written = int.Parse(Regex.Match(observer.Output, @"stopped: records_written=(\d+)").Groups[1].Value);
                var version = observer.Environment["QTS_OBSERVER_VERSION"]!;
                var own = byRelease[version.Replace('+', '_')];
                Assert.That(own.Select(r => r.GetProperty("seq").GetInt32()), Is.EqualTo(Enumerable.Range(1, written)), $"{version}: none lost, doubled or torn");
                Assert.That(own.Select(r => r.GetProperty("version").GetString()).Distinct(), Is.EqualTo(new[] { version }));
                Assert.That(own.Select(r => r.GetProperty("instance").GetString()).Distinct().Count(), Is.EqualTo(1));
            }
            Assert.That(byRelease.Values.Select(r => r[0].GetProperty("instance").GetString()).Distinct().Count(), Is.EqualTo(2), "each process is its own instance");
        }
        finally
        {
            foreach (var observer in releases) observer.Dispose();
        }
    }

    [TestCase("GET http://[::1 HTTP/1.0")]
    [TestCase("GET http://[ERROR HTTP/1.0")]
    public void A_malformed_request_target_gets_400_and_no_error_line_in_the_log(string requestLine)
    {
        using var observer = new ObserverProcess(_root.Path).Start();

        using (var client = new System.Net.Sockets.TcpClient("127.0.0.1", observer.Port))
        using (var stream = client.GetStream())
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(requestLine + "\r\n\r\n"));
            using var reader = new StreamReader(stream);
            Assert.That(reader.ReadLine(), Does.StartWith("HTTP/1.0 400"));
        }
        Assert.That(observer.GetHealth().Status, Is.EqualTo(200), "the service goes on serving");
        Assert.That(observer.Terminate(), Is.Zero, observer.Output);

        var log = File.ReadAllLines(Path.Combine(observer.LogDirectory, "observer.log"));
        Assert.That(log.Where(QtsOps.Core.Verification.VerifyChecklist.IsErrorLine), Is.Empty, string.Join("\n", log));
        Assert.That(log, Has.Some.Match(@" WARNING qts_observer\.http: bad request target from 127\.0\.0\.1: "));
        Assert.That(string.Join("\n", log), Does.Not.Contain("Traceback"));
    }

    [Test]
    public void An_unusable_data_directory_turns_health_to_503_with_the_reason()
    {
        var blocker = _root.Write("a-file", ""); // a directory cannot be created below a file
        using var observer = new ObserverProcess(_root.Path) { DataDirectory = Path.Combine(blocker, "data") }.Start();

        var (status, body) = observer.GetHealth();

        Assert.That(status, Is.EqualTo(503));
        Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("unhealthy"));
        Assert.That(body.GetProperty("data_dir_writable").GetBoolean(), Is.False);
        Assert.That(body.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()), Has.Some.Contains("is not writable"));
        Assert.That(observer.Terminate(), Is.Zero);
    }

    [TestCase("""{"interval": 5}""", null, "unknown keys ['interval']")]
    [TestCase("""{"port": 8000""", null, "is not valid JSON")]
    [TestCase(null, "http", "OBSERVER_PORT must be an integer 0-65535, got 'http'")]
    public void Bad_settings_exit_2_and_say_what_is_wrong(string? settingsFile, string? port, string message)
    {
        if (settingsFile is not null) _root.Write("config/observer.json", settingsFile);
        using var observer = new ObserverProcess(_root.Path);
        if (port is not null) observer.Environment["OBSERVER_PORT"] = port;

        Assert.That(observer.RunToExit(), Is.EqualTo(2));
        Assert.That(observer.Output, Does.Contain("invalid configuration").And.Contain(message));
    }
}
