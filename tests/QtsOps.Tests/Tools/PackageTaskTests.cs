using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace QtsOps.Tests.Tools;

/// <summary>The package target of the real pipeline (clean, validate, package) in a scratch git repository.</summary>
public class PackageTaskTests
{
    private static readonly DateTimeOffset CommitTime = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, TarEntry> ArchiveEntries(string archive)
    {
        using var reader = new TarReader(new GZipStream(File.OpenRead(archive), CompressionMode.Decompress));
        var entries = new Dictionary<string, TarEntry>();
        while (reader.GetNextEntry(copyData: true) is { } entry) entries.Add(entry.Name, entry);
        return entries;
    }

    [Test]
    public void Two_runs_on_one_commit_give_the_same_archive_holding_the_service_and_its_version()
    {
        using var repo = new ScratchRepository("src/observer");
        repo.Commit(CommitTime);
        repo.Tag("v1.4.2");
        const string version = "1.4.2";
        var archive = repo.Combine($"artifacts/package/qts_ops_deploy-{version}.tar.gz");

        var first = repo.RunPipeline("--target=package");
        Assert.That(first.ExitCode, Is.Zero, first.Output + first.Error);
        var firstSha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(archive)));
        repo.Write("src/observer/src/qts_observer/__pycache__/service.cpython-311.pyc", "cache"); // ignored by git, removed by clean
        repo.Write("src/observer/config/results.trx", "<TestRun/>"); // ignored by git, kept by clean: not part of the commit, so not shipped
        var second = repo.RunPipeline("--target=package");

        Assert.That(second.ExitCode, Is.Zero, second.Error);
        Assert.That(second.Summary.Entries.Select(e => e.Task), Is.EqualTo(new[] { "clean", "validate", "package" }));
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(archive))), Is.EqualTo(firstSha));
        Assert.That(repo.Read($"artifacts/package/qts_ops_deploy-{version}.tar.gz.sha256"), Is.EqualTo($"{firstSha}  qts_ops_deploy-{version}.tar.gz\n"));

        var entries = ArchiveEntries(archive);
        Assert.That(entries.Keys.Where(name => !name.EndsWith('/')), Is.EquivalentTo(new[]
        {
            ".dockerignore", "Dockerfile", "MANIFEST.txt", "README.md", "config/observer.json", "deployment_config.json", "docker-compose.publish.yml", "docker-compose.yml",
            "image/runtime_root.py", "requirements.txt", "start.sh", "src/qts_observer/__init__.py", "src/qts_observer/__main__.py", "src/qts_observer/config.py",
            "src/qts_observer/health.py", "src/qts_observer/recorder.py", "src/qts_observer/service.py",
        }.Select(f => $"qts_ops_deploy/{f}")));
        Assert.That(entries.Values.Select(e => e.ModificationTime), Has.All.EqualTo(CommitTime));
        Assert.That(entries["qts_ops_deploy/start.sh"].Mode, Is.EqualTo(QtsOps.Core.Packaging.ReproducibleTarGz.ExecutableMode));
        var config = JsonDocument.Parse(entries["qts_ops_deploy/deployment_config.json"].DataStream!).RootElement.GetProperty("deployment");
        Assert.That(config.GetProperty("version").GetString(), Is.EqualTo(version));
        Assert.That(config.GetProperty("created").GetString(), Is.EqualTo("2025-03-01T12:00:00Z"));

        var report = JsonDocument.Parse(repo.Read("artifacts/reports/package.json")).RootElement;
        Assert.That(report.GetProperty("version").GetString(), Is.EqualTo(version));
        Assert.That(report.GetProperty("archive").GetProperty("sha256").GetString(), Is.EqualTo(firstSha));
        Assert.That(report.GetProperty("files").GetArrayLength(), Is.EqualTo(17));
        Assert.That(repo.Read("artifacts/reports/package.md"), Does.Contain(firstSha));
    }

    [Test]
    public void A_secret_file_under_src_observer_stops_package_by_name_and_writes_no_archive()
    {
        using var repo = new ScratchRepository("src/observer");
        repo.Commit(CommitTime);
        repo.Write("src/observer/config/prod.env", "OBSERVER_DB_PASSWORD=hunter2\n");

        // validate runs package's scan first (issue 29, point 9) and stops the run there.
        var run = repo.RunPipeline("--target=package");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Entry("validate").Outcome, Is.EqualTo(QtsOps.Host.TaskOutcome.Failed));
        Assert.That(run.Error, Does.Contain("validate found 2 error(s)")
            .And.Contain("src/observer/config/prod.env: an environment file (.env)")
            .And.Contain("src/observer/config/prod.env:1: 'OBSERVER_DB_PASSWORD' is assigned a literal value")
            .And.Not.Contain("hunter2"));
        Assert.That(Directory.Exists(repo.Combine("artifacts/package")), Is.False);

        // package alone refuses them as well.
        run = repo.RunPipeline("--target=package", "--exclusive");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("package refused: 2 secret(s) in src/observer/; nothing was written.")
            .And.Contain("src/observer/config/prod.env: an environment file (.env)")
            .And.Contain("src/observer/config/prod.env:1: 'OBSERVER_DB_PASSWORD' is assigned a literal value")
            .And.Not.Contain("hunter2"));
        Assert.That(Directory.Exists(repo.Combine("artifacts/package")), Is.False);
    }
}
