using QtsOps.Release.Deployment;
using QtsOps.Release.Verification;

namespace QtsOps.Tests.Release;

[Category("Core")]
public class VerifyChecklistTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T10:00:00Z");
    private static readonly Dictionary<string, string> Four = new()
    {
        ["QTS_OBSERVER_STANDALONE"] = "1", ["PYTHONPATH"] = "/app/src:/app", ["OBSERVER_DATA_DIR"] = "/app/data/observer", ["OBSERVER_LOG_DIR"] = "/app/logs",
    };

    /// <summary>Evidence every check passes on (CheckedBeforeTrafficTests starts from it too).</summary>
    internal static VerifyEvidence Healthy() => new()
    {
        ContainerName = "qts-observer",
        Container = new ContainerEvidence("abcdef0123456789", "running", true, "healthy", 0, Start, "sha256:img"),
        HealthEndpoint = new HttpEvidence("http://127.0.0.1:8000/health", 200, "{\"status\": \"ok\"}", null),
        SettleSeconds = 12,
        ExpectedEnvironment = Four,
        ActualEnvironment = new Dictionary<string, string>(Four) { ["HOME"] = "/nonexistent" },
        Mounts =
        [
            new MountEvidence("/app/data/observer", true, "/srv/data", true, true, "ok"),
            new MountEvidence("/app/logs", true, "/srv/logs", true, true, "ok"),
            new MountEvidence("/app/config", false, "/srv/config", false, null, null),
        ],
        LogLines = ["2026-01-01T10:00:00Z INFO qts_observer: listening on 0.0.0.0:8000"],
        Resources = new ResourceEvidence(0.5, 1.0, 1.0, 20L << 20, 512L << 20, 512L << 20),
        Records = new DataRecordEvidence(Start, [Start.AddSeconds(5), Start.AddSeconds(10)], null),
        Disk = new DiskEvidence("/app/data/observer", 23, "/dev/vda 100 23 77 23% /"),
        MaxDiskUsedPercent = 80,
    };

    private static CheckResult Check(VerifyEvidence evidence, string name) => VerifyChecklist.Evaluate(evidence).Single(c => c.Name == name);

    [Test]
    public void A_healthy_deployment_passes_every_named_check_with_evidence()
    {
        var checks = VerifyChecklist.Evaluate(Healthy());

        Assert.That(checks.Select(c => c.Name), Is.EqualTo(VerifyChecklist.CheckNames));
        Assert.That(checks.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Evidence}"), Is.Empty);
        Assert.That(checks.All(c => c.Evidence.Length > 0), Is.True);
    }

    [Test]
    public void A_missing_container_fails_running_health_and_restarts()
    {
        var checks = VerifyChecklist.Evaluate(Healthy() with { Container = null, ActualEnvironment = null, EnvironmentError = "not running", Resources = null, Disk = null });

        Assert.That(checks.Where(c => !c.Passed).Select(c => c.Name), Is.SupersetOf(new[] { "running", "health-status", "restart-count", "environment", "resources", "disk" }));
    }

    [Test]
    public void Restarts_unhealthy_status_and_a_failing_endpoint_fail_their_checks()
    {
        var evidence = Healthy() with
        {
            Container = new ContainerEvidence("abcdef0123456789", "running", true, "unhealthy", 2, Start, "sha256:img"),
            HealthEndpoint = new HttpEvidence("http://127.0.0.1:8000/health", 503, "{\"status\": \"unhealthy\"}", null),
        };

        Assert.That(Check(evidence, "restart-count"), Has.Property("Passed").False.And.Property("Evidence").Contains("2 restart(s)"));
        Assert.That(Check(evidence, "health-status").Passed, Is.False);
        Assert.That(Check(evidence, "health-endpoint"), Has.Property("Passed").False.And.Property("Evidence").Contains("-> 503"));
    }

    [Test]
    public void One_restart_fails()
    {
        var evidence = Healthy() with { Container = Healthy().Container! with { RestartCount = 1 } };

        Assert.That(Check(evidence, "restart-count"), Has.Property("Passed").False.And.Property("Evidence").Contains("1 restart(s)"));
    }

    [Test]
    public void A_variable_that_differs_from_the_configuration_is_named()
    {
        var evidence = Healthy() with { ActualEnvironment = new Dictionary<string, string>(Four) { ["OBSERVER_DATA_DIR"] = "/data" } };

        Assert.That(Check(evidence, "environment"), Has.Property("Passed").False.And.Property("Evidence").Contains("OBSERVER_DATA_DIR=/data (expected /app/data/observer)"));
    }

    [Test]
    public void A_read_only_or_unwritable_data_mount_fails()
    {
        var readOnly = Healthy() with { Mounts = [new MountEvidence("/app/data/observer", true, "/srv/data", false, null, null)] };
        var unwritable = Healthy() with { Mounts = [new MountEvidence("/app/logs", true, "/srv/logs", true, false, "Permission denied")] };
        var missing = Healthy() with { Mounts = [new MountEvidence("/app/logs", true, null, null, null, null)] };

        Assert.That(Check(readOnly, "mounts"), Has.Property("Passed").False.And.Property("Evidence").Contains("read-only"));
        Assert.That(Check(unwritable, "mounts"), Has.Property("Passed").False.And.Property("Evidence").Contains("Permission denied"));
        Assert.That(Check(missing, "mounts"), Has.Property("Passed").False.And.Property("Evidence").Contains("not mounted"));
    }

    [TestCase("2026-01-01T10:00:00Z ERROR qts_observer: cannot listen", true)]
    [TestCase("Traceback (most recent call last):", true)]
    [TestCase("2026-01-01T10:00:00Z CRITICAL qts_observer: boom", true)]
    [TestCase("2026-01-01T10:00:00Z INFO qts_observer: stopped: records_written=3 errors_seen=0", false)]
    [TestCase("2026-01-01T10:00:00Z WARNING qts_observer.http: bad request target from 10.0.0.9: 'http://[::1 ERROR Traceback (most recent call last)'", false)]
    [TestCase("2026-01-01T10:00:00Z INFO qts_observer: a record mentioning CRITICAL and FATAL", false)]
    public void Error_lines_are_levels_and_tracebacks(string line, bool isError) => Assert.That(VerifyChecklist.IsErrorLine(line), Is.EqualTo(isError));

    [Test]
    public void Limits_not_applied_or_usage_at_the_limit_fail_resources()
    {
        var noLimits = Healthy() with { Resources = new ResourceEvidence(0.5, 0, 1.0, 20L << 20, 0, 512L << 20) };
        var busy = Healthy() with { Resources = new ResourceEvidence(100.2, 1.0, 1.0, 500L << 20, 512L << 20, 512L << 20) };

        Assert.That(Check(noLimits, "resources"), Has.Property("Passed").False.And.Property("Evidence").Contains("CPU limit 0 (expected 1)").And.Property("Evidence").Contains("memory limit 0 MiB"));
        Assert.That(Check(busy, "resources"), Has.Property("Passed").False.And.Property("Evidence").Contains("at its limit").And.Property("Evidence").Contains("above 90%"));
    }

    [Test]
    public void Memory_just_below_the_alarm_line_passes_and_just_above_it_fails()
    {
        const long limit = 512L << 20;
        var alarm = (long)(limit * 0.9);
        ResourceEvidence Using(long bytes) => new(0.5, 1.0, 1.0, bytes, limit, limit);

        Assert.That(Check(Healthy() with { Resources = Using(alarm - 1) }, "resources").Passed, Is.True);
        Assert.That(Check(Healthy() with { Resources = Using(alarm + 1) }, "resources"), Has.Property("Passed").False.And.Property("Evidence").Contains("above 90% of the limit"));
    }

    [Test]
    public void No_record_in_the_window_or_a_full_disk_fail()
    {
        var stale = Healthy() with { Records = new DataRecordEvidence(Start, [Start.AddSeconds(-30)], null) };
        var full = Healthy() with { Disk = new DiskEvidence("/app/data/observer", 80, "") };

        Assert.That(Check(stale, "data-records"), Has.Property("Passed").False.And.Property("Evidence").Contains("no record written since"));
        Assert.That(Check(full, "disk").Passed, Is.False);
    }

    // Each check's evidence and fix in full: they are what the report and the error message tell the operator.
    private static string[] Said(VerifyEvidence evidence) =>
        [.. VerifyChecklist.Evaluate(evidence).Select(c => $"{c.Name} {(c.Passed ? "pass" : "FAIL")}: {c.Evidence}{(c.Fix is null ? "" : $" | fix: {c.Fix}")}")];

    [Test]
    public void A_mount_that_need_not_be_writable_shows_when_it_is_mounted_read_write() =>
        Assert.That(Check(Healthy() with { Mounts = [new MountEvidence("/app/config", false, "/srv/config", true, null, null)] }, "mounts").Evidence,
            Is.EqualTo("/app/config <- /srv/config (rw)"));

    [Test]
    public void A_healthy_deployment_is_described_check_by_check()
    {
        Assert.That(Said(Healthy()), Is.EqualTo(new[]
        {
            "running pass: qts-observer (abcdef012345) is running since 2026-01-01 10:00:00Z",
            "health-status pass: Docker reports healthy",
            "health-endpoint pass: GET http://127.0.0.1:8000/health -> 200 {\"status\": \"ok\"}",
            "restart-count pass: 0 restarts after a settle window of 12 s",
            "environment pass: QTS_OBSERVER_STANDALONE=1, PYTHONPATH=/app/src:/app, OBSERVER_DATA_DIR=/app/data/observer, OBSERVER_LOG_DIR=/app/logs",
            "mounts pass: /app/data/observer <- /srv/data (rw, probe written and deleted); /app/logs <- /srv/logs (rw, probe written and deleted); /app/config <- /srv/config (ro)",
            "logs-clean pass: 1 log line(s) since start, none at level ERROR or CRITICAL and no traceback",
            "resources pass: CPU 0.5% (limit 1 core), memory 20 MiB of 512 MiB",
            "data-records pass: 2 record(s) written since 2026-01-01 10:00:00Z, newest 2026-01-01 10:00:10Z",
            "disk pass: /app/data/observer: 23% used (limit 80%)",
        }));
    }

    [Test]
    public void A_deployment_failing_every_check_is_described_check_by_check()
    {
        var environment = new Dictionary<string, string>(Four) { ["PYTHONPATH"] = "/app" };
        environment.Remove("OBSERVER_LOG_DIR");
        var evidence = Healthy() with
        {
            Container = new ContainerEvidence("abcdef0123456789", "exited", false, null, 3, Start, "sha256:img"),
            HealthEndpoint = new HttpEvidence("http://127.0.0.1:8000/health", null, "", "connection refused"),
            ActualEnvironment = environment,
            Mounts =
            [
                new MountEvidence("/app/data/observer", true, "/srv/data", false, null, null),
                new MountEvidence("/app/logs", true, null, null, null, null),
                new MountEvidence("/app/cache", true, "/srv/cache", true, false, "Permission denied"),
                new MountEvidence("/app/config", false, "/srv/config", false, null, null),
            ],
            LogLines = ["2026-01-01T10:00:01Z INFO qts_observer: fine", "2026-01-01T10:00:02Z ERROR qts_observer: disk gone  ", "Traceback (most recent call last):"],
            Resources = new ResourceEvidence(50, 2, 0.5, 480L << 20, 256L << 20, 512L << 20),
            Records = new DataRecordEvidence(Start, [Start.AddSeconds(-30), Start.AddSeconds(-5), Start.AddSeconds(-20)], null),
            Disk = new DiskEvidence("/app/data/observer", 80, ""),
        };

        Assert.That(Said(evidence), Is.EqualTo(new[]
        {
            "running FAIL: qts-observer is exited | fix: see `docker logs qts-observer`",
            "health-status FAIL: the container has no HEALTHCHECK | fix: run the image built from the package's Dockerfile, which has one",
            "health-endpoint FAIL: GET http://127.0.0.1:8000/health failed: connection refused | fix: check the published port (environments.json bind/port) and the service's reasons in the /health body",
            "restart-count FAIL: 3 restart(s) within 12 s of settling | fix: the service crashes: see `docker logs qts-observer`",
            "environment FAIL: PYTHONPATH=/app (expected /app/src:/app); OBSERVER_LOG_DIR=(unset) (expected /app/logs) | fix: make the Dockerfile, docker-compose.yml and deployment_config.json agree",
            "mounts FAIL: /app/data/observer is mounted read-only; /app/logs is not mounted; /app/cache: the container user could not write and delete a probe file (Permission denied) | fix: the host data and log directories must exist and belong to uid 10001",
            "logs-clean FAIL: 2 error line(s), first: 2026-01-01T10:00:02Z ERROR qts_observer: disk gone | fix: read `docker logs qts-observer`",
            "resources FAIL: CPU 50% (limit 2 core), memory 480 MiB of 256 MiB: CPU limit 2 (expected 0.5); memory limit 256 MiB (expected 512 MiB); CPU at 50% of a core, at its limit; memory 480 MiB, above 90% of the limit | fix: limits come from docker-compose.yml deploy.resources (Compose v1 needs --compatibility)",
            "data-records FAIL: no record written since 2026-01-01 10:00:00Z (newest 2026-01-01 09:59:55Z) | fix: the record loop is stalled: see the /health body and the logs",
            "disk FAIL: /app/data/observer: 80% used (limit 80%) | fix: free disk space on the host (old backups, images: docker image prune)",
        }));
    }

    [Test]
    public void A_missing_container_is_described_check_by_check()
    {
        var evidence = Healthy() with
        {
            Container = null, ActualEnvironment = null, EnvironmentError = "Error: No such container: qts-observer", Resources = null, Disk = null,
            HealthEndpoint = new HttpEvidence("http://127.0.0.1:8000/health", 503, new string('x', 201), null),
            Records = new DataRecordEvidence(Start, [], "no observations-*.jsonl"),
        };

        Assert.That(Said(evidence).Where(c => !c.StartsWith("mounts") && !c.StartsWith("logs-clean")), Is.EqualTo(new[]
        {
            "running FAIL: no container named qts-observer | fix: deploy first: ./build.sh --target=deploy",
            "health-status FAIL: no container | fix: deploy first",
            $"health-endpoint FAIL: GET http://127.0.0.1:8000/health -> 503 {new string('x', 200)}... | fix: check the published port (environments.json bind/port) and the service's reasons in the /health body",
            "restart-count FAIL: no container | fix: deploy first",
            "environment FAIL: could not read the environment inside the container: Error: No such container: qts-observer | fix: the container must be running",
            "resources FAIL: no CPU and memory sample | fix: the container must be running",
            "data-records FAIL: could not read the records: no observations-*.jsonl | fix: the data mount must hold observations-*.jsonl",
            "disk FAIL: no disk figure | fix: the container must be running",
        }));
        Assert.That(Check(Healthy() with { Records = new DataRecordEvidence(Start, [], null) }, "data-records").Evidence, Is.EqualTo("no record written since 2026-01-01 10:00:00Z"));
    }

    [Test]
    public void A_health_status_other_than_healthy_says_how_to_read_the_health_log() =>
        Assert.That(Said(Healthy() with { Container = new ContainerEvidence("abc", "running", true, "starting", 0, Start, "sha256:img") })[1],
            Is.EqualTo("health-status FAIL: Docker reports starting | fix: see `docker inspect -f '{{json .State.Health}}' qts-observer`"));

    [Test]
    public void A_record_counts_however_long_ago_it_was_written_since_the_container_started()
    {
        // verify long after the deploy, with a record interval (5 s) longer than local's settle window (2 s):
        // the newest record is 4 s old, and still proves the loop writes to the data mount (/health judges its freshness).
        var records = new DataRecordEvidence(Start, [Start.AddMinutes(30).AddSeconds(-4)], null);

        Assert.That(Check(Healthy() with { SettleSeconds = 2, Records = records }, "data-records").Passed, Is.True);
    }

    [Test]
    public void The_judgements_hold_at_their_edges()
    {
        // A body of exactly 200 characters is shown whole; a record written at the window's start counts;
        // a CPU limit within 0.001 of the expected one is that limit.
        Assert.That(Check(Healthy() with { HealthEndpoint = new HttpEvidence("http://h/health", 200, new string('x', 200), null) }, "health-endpoint").Evidence,
            Is.EqualTo($"GET http://h/health -> 200 {new string('x', 200)}"));
        Assert.That(Check(Healthy() with { Records = new DataRecordEvidence(Start, [Start], null) }, "data-records").Passed, Is.True);
        Assert.That(Check(Healthy() with { Resources = new ResourceEvidence(0.5, 1.0005, 1.0, 20L << 20, 512L << 20, 512L << 20) }, "resources").Passed, Is.True);
        Assert.That(Check(Healthy() with { Resources = new ResourceEvidence(0.5, 1.001 + 1e-9, 1.0, 20L << 20, 512L << 20, 512L << 20) }, "resources").Passed, Is.False);
        // Memory use of exactly 90% of the limit (9 of 10 bytes) is at the alarm line, which fails.
        Assert.That(Check(Healthy() with { Resources = new ResourceEvidence(0.5, 1.0, 1.0, 9, 10, 10) }, "resources").Evidence, Does.EndWith("above 90% of the limit"));
    }

    [Test]
    public void Container_output_parses()
    {
        Assert.That(VerifyChecklist.ParseEnvironment(["A=1", "A=2"])["A"], Is.EqualTo("2"), "env prints a name once; the last one would win in a shell");
        Assert.That(VerifyChecklist.ParseDfUsedPercent(["Filesystem 1024-blocks Used Available Capacity Mounted on", "", "/dev/vda 1 2 3 45% /"]), Is.EqualTo(45), "a blank line is skipped");
        Assert.That(() => VerifyChecklist.ParseDfUsedPercent(["Filesystem 1024-blocks Used Available Capacity Mounted on"]), Throws.TypeOf<FormatException>().With.Message.EqualTo("df printed no data line."));
        Assert.That(() => VerifyChecklist.ParseDfUsedPercent(["Filesystem", "/dev/vda 1 2 3"]), Throws.TypeOf<FormatException>().With.Message.EqualTo("No use% in df line '/dev/vda 1 2 3'."));
        Assert.That(VerifyChecklist.ParseEnvironment(["A=1", "B=x=y", "noise"]), Is.EqualTo(new Dictionary<string, string> { ["A"] = "1", ["B"] = "x=y" }));
        Assert.That(VerifyChecklist.ParseDfUsedPercent(["Filesystem 1024-blocks Used Available Capacity Mounted on", "/dev/vda 263174148 14000000 249174148 6% /app/data/observer"]), Is.EqualTo(6));
        Assert.That(VerifyChecklist.ParseRecordTimes(["{\"ts\": \"2026-01-01T10:00:05.123Z\", \"seq\": 1}", "garbage"]),
            Is.EqualTo(new[] { DateTimeOffset.Parse("2026-01-01T10:00:05.123Z") }));
    }

    [Test]
    public void The_report_lists_checks_and_turns_failures_into_findings()
    {
        var checks = VerifyChecklist.Evaluate(Healthy() with { Disk = new DiskEvidence("/app/data/observer", 91, "") });

        var report = VerifyReport.Of("verify", "local", "1.0.0", "qts-observer", Start, checks, ".qtsops/deploy/local/releases/1.0.0/docker-compose.yml");

        Assert.That(report.Passed, Is.False);
        Assert.That(report.Findings.Single(), Has.Property("Rule").EqualTo("verify/disk").And.Property("Severity").EqualTo("error"));
        Assert.That(report.ToMarkdown(), Does.StartWith("# verify: local\n").And.Contain("| `disk` | **fail** |").And.Contain("9 of 10 checks passed"));
        Assert.That(report.FailureSummary, Does.StartWith("disk: "));
    }

    [Test]
    public void The_report_says_each_check_its_result_and_evidence_and_each_failure_its_fix()
    {
        CheckResult[] checks = [CheckResult.Pass("running", "running since 10:00"), CheckResult.Fail("disk", "91% | used", "free space"), CheckResult.Fail("restarts", "2 restarts", "read the logs")];

        var report = VerifyReport.Of("verify", "local", "1.0.0", "qts-observer", Start, checks, "docker-compose.yml");

        Assert.That(report.ToMarkdown(), Is.EqualTo(
            "# verify: local\n\nRelease `1.0.0` in container `qts-observer`, checked 2026-01-01 10:00:00Z: **FAILED** (1 of 3 checks passed).\n\n" +
            "| check | result | evidence |\n|---|---|---|\n| `running` | pass | running since 10:00 |\n| `disk` | **fail** | 91% \\| used |\n| `restarts` | **fail** | 2 restarts |\n"));
        Assert.That(report.Findings.Select(f => f.Fix), Is.EqualTo(new[] { "free space", "read the logs" }));
        Assert.That(report.FailureSummary, Is.EqualTo("disk: 91% | used; restarts: 2 restarts"));
        var passed = VerifyReport.Of("verify", "local", "1.0.0", "qts-observer", Start, [checks[0]], "docker-compose.yml");
        Assert.That(passed.ToMarkdown(), Does.Contain("**passed** (1 of 1 checks passed)"));
    }

    [Test]
    public void A_stopped_container_that_is_the_only_failure_is_given_as_it_is()
    {
        // "so 0 other check(s) could not pass" would be noise: the summary names the one failure.
        CheckResult[] checks = [CheckResult.Fail("running", "exited (1)", "read the logs"), CheckResult.Pass("disk", "6% used")];

        Assert.That(VerifyReport.Of("verify", "local", "1.0.0", "qts-observer", Start, checks, "docker-compose.yml").FailureSummary, Is.EqualTo("running: exited (1)"));
    }

    [Test]
    public void A_rollback_report_is_titled_rollback_and_a_stopped_container_is_the_one_cause_given()
    {
        var checks = VerifyChecklist.Evaluate(Healthy() with { Container = null });

        var report = VerifyReport.Of("rollback", "local", "1.0.0", "qts-observer", Start, checks, "docker-compose.yml");

        Assert.That(report.ToMarkdown(), Does.StartWith("# rollback: local\n"));
        Assert.That(checks.Count(c => !c.Passed), Is.GreaterThan(1), "the checks that look inside the container fail too");
        Assert.That(report.FailureSummary, Does.StartWith("running: no container named qts-observer (so ").And.Contain("other check(s) could not pass; deploy first"));
        Assert.That(report.FailureSummary, Does.Not.Contain("health-endpoint:"));
    }
}

[Category("Core")]
public class PreDeployChecksTests
{
    private static QtsOps.Release.Deployment.PreDeployEvidence Fine() =>
        new("/srv/deploy", 10L << 30, 1024, 8L << 30, 512, "127.0.0.1", 8000, [], false, ["qts-observer", "qts-observer-edge"]);

    [Test]
    public void Enough_disk_and_memory_and_a_free_port_pass() =>
        Assert.That(QtsOps.Release.Deployment.PreDeployChecks.Problems(Fine()), Is.Empty);

    [Test]
    public void The_port_held_by_this_same_deployment_is_fine()
    {
        Assert.That(QtsOps.Release.Deployment.PreDeployChecks.Problems(Fine() with { PortHolders = ["qts-observer"], PortAnswers = true }), Is.Empty);
        Assert.That(QtsOps.Release.Deployment.PreDeployChecks.Problems(Fine() with { PortHolders = ["qts-observer-edge"], PortAnswers = true }), Is.Empty);
    }

    [Test]
    public void Exactly_the_minimum_disk_and_memory_pass_and_a_megabyte_less_fails()
    {
        var atMinimum = Fine() with { FreeDiskBytes = 1024L << 20, EngineMemoryBytes = 512L << 20 };

        Assert.That(QtsOps.Release.Deployment.PreDeployChecks.Problems(atMinimum), Is.Empty);
        Assert.That(QtsOps.Release.Deployment.PreDeployChecks.Problems(atMinimum with { FreeDiskBytes = 1023L << 20 }).Single(), Does.StartWith("only 1023 MB free"));
        Assert.That(QtsOps.Release.Deployment.PreDeployChecks.Problems(atMinimum with { EngineMemoryBytes = 511L << 20 }).Single(), Does.StartWith("the Docker host has 511 MB"));
    }

    [Test]
    public void Every_problem_is_listed_with_its_fix()
    {
        var problems = QtsOps.Release.Deployment.PreDeployChecks.Problems(Fine() with { FreeDiskBytes = 100L << 20, EngineMemoryBytes = 256L << 20, PortHolders = ["someone-else"] });

        Assert.That(problems, Has.Count.EqualTo(3));
        Assert.That(problems, Has.Some.Contains("only 100 MB free").And.Some.Contains("256 MB of memory").And.Some.Contains("published by container someone-else"));
        Assert.That(problems.All(p => p.Contains("Fix:")), Is.True);
    }

    [Test]
    public void A_container_whose_name_only_resembles_this_one_is_named_as_the_holder_of_the_port() =>
        Assert.That(QtsOps.Release.Deployment.PreDeployChecks.Problems(Fine() with { PortHolders = ["qts-observer-old"], PortAnswers = true }).Single(),
            Does.Contain("port 127.0.0.1:8000 is published by container qts-observer-old"));

    [Test]
    public void Several_containers_on_the_port_are_all_named() =>
        Assert.That(QtsOps.Release.Deployment.PreDeployChecks.Problems(Fine() with { PortHolders = ["old-a", "old-b"] }).Single(),
            Does.Contain("port 127.0.0.1:8000 is published by container old-a, old-b."));

    [Test]
    public void Another_program_on_the_port_is_named() =>
        Assert.That(QtsOps.Release.Deployment.PreDeployChecks.Problems(Fine() with { PortAnswers = true }).Single(), Does.Contain("in use by another program"));
}

[Category("Core")]
public class ReleaseHistoryTests
{
    /// <summary>This machine, through the host scripts every deploy writes its history with.</summary>
    private static readonly QtsOps.Release.Deployment.IHostFileSystem Files = new QtsOps.Build.Deployment.LocalDeploymentHost("/", "/");

    [Test]
    public void The_last_verified_release_other_than_the_failed_one_is_found()
    {
        using var dir = new TempDirectory();
        var history = new QtsOps.Release.Deployment.ReleaseHistory(dir.Combine("history", "local.jsonl"), warning => Assert.Fail(warning), Files);
        void Add(QtsOps.Release.Deployment.HistoryAction action, QtsOps.Release.Deployment.HistoryResult result, string release) =>
            history.Append(new QtsOps.Release.Deployment.HistoryEntry { Action = action, Result = result, Version = release, Release = release, StartedAt = DateTimeOffset.UtcNow, FinishedAt = DateTimeOffset.UtcNow });
        Add(QtsOps.Release.Deployment.HistoryAction.Verify, QtsOps.Release.Deployment.HistoryResult.Succeeded, "1.0.0");
        Add(QtsOps.Release.Deployment.HistoryAction.Verify, QtsOps.Release.Deployment.HistoryResult.Succeeded, "1.0.1");
        Add(QtsOps.Release.Deployment.HistoryAction.Verify, QtsOps.Release.Deployment.HistoryResult.Failed, "1.0.2");

        Assert.That(history.Read().LastVerified(except: "1.0.2")?.Release, Is.EqualTo("1.0.1"));
        Assert.That(history.Read().LastVerified(except: "1.0.1")?.Release, Is.EqualTo("1.0.0"));
        Assert.That(history.Read().VersionOf("1.0.0"), Is.Null, "verified, but no deploy of it is recorded");
        Assert.That(File.ReadAllLines(history.Path)[0], Does.Contain("\"action\":\"verify\",\"result\":\"succeeded\""));
    }

    [Test]
    public void Only_a_successful_last_deploy_or_rollback_of_that_release_in_that_container_counts_as_deployed()
    {
        using var dir = new TempDirectory();
        var history = new QtsOps.Release.Deployment.ReleaseHistory(dir.Combine("local.jsonl"), warning => Assert.Fail(warning), Files);
        void Add(QtsOps.Release.Deployment.HistoryAction action, QtsOps.Release.Deployment.HistoryResult result, string release, string? container) =>
            history.Append(new QtsOps.Release.Deployment.HistoryEntry { Action = action, Result = result, Version = release, Release = release, ContainerId = container, StartedAt = DateTimeOffset.UtcNow, FinishedAt = DateTimeOffset.UtcNow });

        Add(QtsOps.Release.Deployment.HistoryAction.Deploy, QtsOps.Release.Deployment.HistoryResult.Succeeded, "1.0.0", "c1");
        Add(QtsOps.Release.Deployment.HistoryAction.Verify, QtsOps.Release.Deployment.HistoryResult.Succeeded, "1.0.0", "c1");
        Assert.That(history.Read().SuccessfulStartIn("1.0.0", "c1"), Is.Not.Null, "a verification changes nothing that runs");
        Assert.That(history.Read().SuccessfulStartIn("1.0.0", "c2"), Is.Null, "another container");

        Add(QtsOps.Release.Deployment.HistoryAction.Deploy, QtsOps.Release.Deployment.HistoryResult.Interrupted, "1.0.1", null);
        Assert.That(history.Read().SuccessfulStartIn("1.0.1", "c3"), Is.Null, "an interrupted deploy left it");
        Assert.That(history.Read().SuccessfulStartIn("1.0.0", "c1"), Is.Null, "the interrupted deploy came after it");

        Add(QtsOps.Release.Deployment.HistoryAction.Rollback, QtsOps.Release.Deployment.HistoryResult.Succeeded, "1.0.0", "c4");
        Assert.That(history.Read().SuccessfulStartIn("1.0.0", "c4"), Is.Not.Null);
        Assert.That(history.Read().VersionOf("1.0.1"), Is.EqualTo("1.0.1"));
        Assert.That(File.ReadAllLines(history.Path)[2], Does.Contain("\"result\":\"interrupted\""));
    }

    private static QtsOps.Release.Deployment.HistoryEntry Entry(string release) => new()
    {
        Action = QtsOps.Release.Deployment.HistoryAction.Verify, Result = QtsOps.Release.Deployment.HistoryResult.Succeeded,
        Version = release, Release = release, StartedAt = DateTimeOffset.UtcNow, FinishedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>A history of 1.0.0, then <paramref name="damage"/> written as is, then 1.0.1; warnings go to the list.</summary>
    private static QtsOps.Release.Deployment.ReleaseHistory DamagedHistory(TempDirectory dir, string damage, List<string> warnings)
    {
        var history = new QtsOps.Release.Deployment.ReleaseHistory(dir.Combine("local.jsonl"), warnings.Add, Files);
        history.Append(Entry("1.0.0"));
        File.AppendAllText(history.Path, damage);
        history.Append(Entry("1.0.1"));
        return history;
    }

    [Test]
    public void A_damaged_line_is_read_past_with_a_warning_naming_the_file_and_line()
    {
        using var dir = new TempDirectory();
        var warnings = new List<string>();
        var history = DamagedHistory(dir, "not json\nnull\n{\"action\":\"verify\"}\n", warnings);

        Assert.That(history.Read().Select(e => e.Release), Is.EqualTo(new[] { "1.0.0", "1.0.1" }));
        Assert.That(history.Read().LastVerified()?.Release, Is.EqualTo("1.0.1"));
        Assert.That(warnings, Has.Count.EqualTo(6)); // three bad lines, read twice
        Assert.That(warnings.Take(3).Select(w => w[..w.IndexOf(": skipped", StringComparison.Ordinal)]),
            Is.EqualTo(new[] { $"{history.Path}:2", $"{history.Path}:3", $"{history.Path}:4" }));
        Assert.That(warnings, Has.All.Contain("Fix: correct or remove that line"));
    }

    [Test]
    public void A_line_with_a_null_where_a_value_belongs_is_read_past_like_a_torn_one()
    {
        using var dir = new TempDirectory();
        var warnings = new List<string>();
        var damage = System.Text.Json.JsonSerializer.Serialize(Entry("1.0.5"), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))
            .Replace("\"release\":\"1.0.5\"", "\"release\":null") + "\n";
        Assume.That(damage, Does.Contain("\"release\":null"));

        var history = DamagedHistory(dir, damage, warnings);

        Assert.That(history.Read().Select(e => e.Release), Is.EqualTo(new[] { "1.0.0", "1.0.1" }), "no entry with a null release");
        Assert.That(warnings.Single(), Does.StartWith($"{history.Path}:2: skipped"));
    }

    [Test]
    public void An_entry_after_a_torn_last_line_starts_a_line_of_its_own()
    {
        using var dir = new TempDirectory();
        var warnings = new List<string>();

        var history = DamagedHistory(dir, "{\"action\":\"dep", warnings); // the disk filled up in the middle of a write

        Assert.That(history.Read().Select(e => e.Release), Is.EqualTo(new[] { "1.0.0", "1.0.1" }));
        Assert.That(warnings.Single(), Does.StartWith($"{history.Path}:2: skipped"));
    }

    [Test]
    public void A_write_to_a_full_disk_is_returned_as_the_problem_never_thrown()
    {
        // /dev/full fails every write with ENOSPC, as a full disk does.
        var history = new QtsOps.Release.Deployment.ReleaseHistory("/dev/full", warning => Assert.Fail(warning), Files);

        var problem = history.TryAppend(Entry("1.0.0"));

        Assert.That(problem, Does.Contain("the verify of 1.0.0 (succeeded) could not be recorded in /dev/full").And.Contain("Fix: free disk space"));
    }

    private static QtsOps.Release.Deployment.HistoryEntry Entry(QtsOps.Release.Deployment.HistoryAction action, QtsOps.Release.Deployment.HistoryResult result, string release) =>
        Entry(release) with { Action = action, Result = result };

    private const QtsOps.Release.Deployment.HistoryAction Deploy = QtsOps.Release.Deployment.HistoryAction.Deploy;
    private const QtsOps.Release.Deployment.HistoryAction Verify = QtsOps.Release.Deployment.HistoryAction.Verify;
    private const QtsOps.Release.Deployment.HistoryAction Rollback = QtsOps.Release.Deployment.HistoryAction.Rollback;
    private const QtsOps.Release.Deployment.HistoryAction Restore = QtsOps.Release.Deployment.HistoryAction.Restore;
    private const QtsOps.Release.Deployment.HistoryResult Succeeded = QtsOps.Release.Deployment.HistoryResult.Succeeded;
    private const QtsOps.Release.Deployment.HistoryResult Failed = QtsOps.Release.Deployment.HistoryResult.Failed;

    /// <summary>Whether 1.0.0 passed verification since it was last put in place, after <paramref name="entries"/> (action, result, release).</summary>
    private static bool VerifiedSinceInstalled(params (QtsOps.Release.Deployment.HistoryAction Action, QtsOps.Release.Deployment.HistoryResult Result, string Release)[] entries)
    {
        using var dir = new TempDirectory();
        var history = new QtsOps.Release.Deployment.ReleaseHistory(dir.Combine("local.jsonl"), warning => Assert.Fail(warning), Files);
        foreach (var (action, result, release) in entries) history.Append(Entry(action, result, release));
        return history.Read().VerifiedSinceInstalled("1.0.0");
    }

    [Test]
    public void A_release_deployed_then_verified_counts_as_verified_since_installed() =>
        Assert.That(VerifiedSinceInstalled((Deploy, Succeeded, "1.0.0"), (Verify, Succeeded, "1.0.0")), Is.True);

    [Test]
    public void A_release_rolled_back_to_then_verified_counts_as_verified_even_after_a_later_release_was_deployed_and_verified() =>
        Assert.That(VerifiedSinceInstalled((Deploy, Succeeded, "0.9.0"), (Rollback, Succeeded, "1.0.0"), (Verify, Failed, "1.0.0"), (Verify, Succeeded, "1.0.0"), (Deploy, Succeeded, "1.1.0"), (Verify, Succeeded, "1.1.0")), Is.True);

    [Test]
    public void A_release_deployed_and_not_yet_verified_is_not_verified() =>
        Assert.That(VerifiedSinceInstalled((Deploy, Succeeded, "1.0.0")), Is.False);

    [Test]
    public void A_verification_from_before_the_release_was_put_in_place_again_does_not_count()
    {
        Assert.That(VerifiedSinceInstalled((Deploy, Succeeded, "1.0.0"), (Verify, Succeeded, "1.0.0"), (Deploy, Succeeded, "1.0.0")), Is.False, "deployed again");
        Assert.That(VerifiedSinceInstalled((Deploy, Succeeded, "1.0.0"), (Verify, Succeeded, "1.0.0"), (Deploy, Succeeded, "1.1.0"), (Rollback, Succeeded, "1.0.0")), Is.False, "rolled back to");
    }

    [Test]
    public void A_failed_verification_or_one_of_another_release_does_not_count() =>
        Assert.That(VerifiedSinceInstalled((Deploy, Succeeded, "1.0.0"), (Verify, Failed, "1.0.0"), (Verify, Succeeded, "1.1.0"), (Restore, Succeeded, "1.0.0")), Is.False);

    [Test]
    public void A_verification_without_a_recorded_install_does_not_count() =>
        Assert.That(VerifiedSinceInstalled((Verify, Succeeded, "1.0.0"), (Deploy, Failed, "1.0.0"), (Verify, Succeeded, "1.0.0")), Is.False);

    [Test]
    public void The_newest_entries_are_the_last_ones_written_oldest_first()
    {
        using var dir = new TempDirectory();
        var history = new QtsOps.Release.Deployment.ReleaseHistory(dir.Combine("local.jsonl"), warning => Assert.Fail(warning), Files);
        foreach (var release in new[] { "1.0.0", "1.0.1", "1.0.2" }) history.Append(Entry(release));

        Assert.That(history.Read().Newest(2).Select(e => e.Release), Is.EqualTo(new[] { "1.0.1", "1.0.2" }));
        Assert.That(history.Read().Newest(5).Select(e => e.Release), Is.EqualTo(new[] { "1.0.0", "1.0.1", "1.0.2" }));
        Assert.That(new QtsOps.Release.Deployment.ReleaseHistory(dir.Combine("none.jsonl"), warning => Assert.Fail(warning), Files).Read().Newest(2), Is.Empty, "no history yet");
    }

    [Test]
    public void A_null_line_is_skipped_with_a_warning_that_says_it_is_no_entry()
    {
        using var dir = new TempDirectory();
        var warnings = new List<string>();

        var history = DamagedHistory(dir, "null\n", warnings);

        Assert.That(history.Read().Select(e => e.Release), Is.EqualTo(new[] { "1.0.0", "1.0.1" }));
        Assert.That(warnings.Single(), Is.EqualTo($"{history.Path}:2: skipped, not a history entry (null is no entry). The history is read without it. Fix: correct or remove that line."));
    }
}
