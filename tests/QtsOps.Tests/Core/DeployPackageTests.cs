using System.Text;
using System.Text.Json;
using QtsOps.Core.Packaging;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class DeployPackageTests
{
    private static readonly DateTimeOffset CommitTime = new(2025, 3, 1, 12, 30, 15, TimeSpan.FromHours(9));

    private TempDirectory _root = null!;

    [SetUp]
    public void CreateRoot() => _root = new TempDirectory();

    [TearDown]
    public void RemoveRoot() => _root.Dispose();

    private PackageRequest Request(string version = "1.2.3") =>
        new(_root.Combine("observer"), "src/observer", _root.Combine("out"), version, version.Replace("+", "_"), CommitTime);

    [Test]
    public void Caches_data_logs_tests_and_the_generated_files_are_left_out()
    {
        foreach (var path in new[]
        {
            "Dockerfile", ".dockerignore", "start.sh", "config/observer.json", "src/qts_observer/service.py", "src/data/kept.py",
            "src/qts_observer/__pycache__/service.cpython-311.pyc", "src/qts_observer/old.pyc", "data/observations-20250301.jsonl",
            "logs/observer.log", "tests/test_observer.py", "debug.log", "qts-observer-image.tar", "deployment_config.json", "MANIFEST.txt",
        })
            _root.Write($"observer/{path}", "x");

        Assert.That(DeployPackage.SelectFiles(_root.Combine("observer")), Is.EqualTo(new[]
        {
            ".dockerignore", "Dockerfile", "config/observer.json", "src/data/kept.py", "src/qts_observer/service.py", "start.sh",
        }));
    }

    [Test]
    public void Tool_caches_git_venv_top_logs_and_ds_store_are_left_out_wherever_only_top_ones_are()
    {
        foreach (var path in new[]
        {
            "app.py", "__pycache__/notes.txt", ".pytest_cache/v/x.py", "src/.mypy_cache/x.py", ".git/HEAD", "src/.venv/lib.py", "logs/keep.txt", ".DS_Store", "src/.DS_Store",
            "src/logs/kept.txt", "src/deployment_config.json", "src/MANIFEST.txt",
        })
            _root.Write($"observer/{path}", "x");

        Assert.That(DeployPackage.SelectFiles(_root.Combine("observer")), Is.EqualTo(new[]
        {
            "app.py", "src/MANIFEST.txt", "src/deployment_config.json", "src/logs/kept.txt",
        }));
    }

    [Test]
    public void A_git_ignored_file_is_left_out_and_asked_about_by_its_relative_path()
    {
        _root.Write("observer/app.py", "x");
        _root.Write("observer/src/local.json", "x");

        Assert.That(DeployPackage.SelectFiles(_root.Combine("observer"), path => path == "src/local.json"), Is.EqualTo(new[] { "app.py" }));
    }

    [Test]
    public void Links_are_named_sorted_whatever_the_order_they_are_found_in()
    {
        _root.Write("observer/Dockerfile", "x");
        foreach (var name in new[] { "c", "e", "a", "d", "b" }) File.CreateSymbolicLink(_root.Combine("observer", name), "/etc/passwd");

        var error = Assert.Throws<PackagingException>(() => DeployPackage.SelectFiles(_root.Combine("observer")))!;
        Assert.That(error.Message, Does.Contain(": a, b, c, d, e. Replace them with the files."));
    }

    [Test]
    public void The_inputs_hash_of_a_known_tree_does_not_change()
    {
        // Pinned: it names dirty builds, so the same tree must give the same name from one version to the next.
        _root.Write("observer/z.txt", "z");
        _root.Write("observer/deployment_config.json", "{}");
        _root.Write("observer/a.txt", "a");

        Assert.That(DeployPackage.InputsHash(_root.Combine("observer")), Is.EqualTo("0b2c7cab"), "the template is hashed in its sorted place, between a.txt and z.txt");
    }

    [Test]
    public void The_inputs_hash_needs_no_template()
    {
        // Package, not the version, says the template is missing.
        _root.Write("observer/app.py", "x");

        Assert.That(DeployPackage.InputsHash(_root.Combine("observer")), Does.Match("^[0-9a-f]{8}$"));
    }

    [Test]
    public void A_symbolic_link_is_refused()
    {
        _root.Write("observer/Dockerfile", "x");
        File.CreateSymbolicLink(_root.Combine("observer", "passwd"), "/etc/passwd");

        var error = Assert.Throws<PackagingException>(() => DeployPackage.SelectFiles(_root.Combine("observer")))!;
        Assert.That(error.Message, Does.Contain("Symbolic links are not packaged").And.Contain("passwd"));
    }

    [Test]
    public void The_inputs_hash_follows_what_ships_and_nothing_else()
    {
        _root.Write("observer/Dockerfile", "FROM x");
        _root.Write("observer/deployment_config.json", "{}");
        var hash = DeployPackage.InputsHash(_root.Combine("observer"));

        _root.Write("observer/data/observations.jsonl", "{}\n");
        _root.Write("observer/src/__pycache__/a.pyc", "x");
        Assert.That(DeployPackage.InputsHash(_root.Combine("observer")), Is.EqualTo(hash).And.Match("^[0-9a-f]{8}$"), "runtime output does not ship");

        _root.Write("observer/deployment_config.json", "{\"deployment\": {}}");
        var templateChanged = DeployPackage.InputsHash(_root.Combine("observer"));
        Assert.That(templateChanged, Is.Not.EqualTo(hash), "the template is an input");
        _root.Write("observer/Dockerfile", "FROM y");
        Assert.That(DeployPackage.InputsHash(_root.Combine("observer")), Is.Not.EqualTo(templateChanged));
        var dockerfileChanged = DeployPackage.InputsHash(_root.Combine("observer"));
        File.CreateSymbolicLink(_root.Combine("observer", "passwd"), "/etc/passwd");
        var linked = DeployPackage.InputsHash(_root.Combine("observer"));
        Assert.That(linked, Is.Not.EqualTo(dockerfileChanged).And.Match("^[0-9a-f]{8}$"), "a link is an input (package, not the version, refuses it)");
        File.Delete(_root.Combine("observer", "passwd"));
        File.CreateSymbolicLink(_root.Combine("observer", "passwd"), "/etc/group");
        Assert.That(DeployPackage.InputsHash(_root.Combine("observer")), Is.Not.EqualTo(linked), "so is where it points");
    }

    [Test]
    public void Deployment_config_gets_the_version_and_the_commit_time_in_utc()
    {
        var template = File.ReadAllText(SourceRepository.Combine("src", "observer", "deployment_config.json"));

        var bytes = DeployPackage.GenerateDeploymentConfig(template, Request("1.2.4-alpha.0.3+dirty"));
        var generated = JsonDocument.Parse(bytes).RootElement;

        Assert.That(Encoding.UTF8.GetString(bytes), Does.Contain("\"version\": \"1.2.4-alpha.0.3+dirty\""), "readable: no \\u002B");
        Assert.That(Encoding.UTF8.GetString(bytes), Does.EndWith("}\n"), "a text file ends with a newline");
        Assert.That(generated.GetProperty("deployment").GetProperty("version").GetString(), Is.EqualTo("1.2.4-alpha.0.3+dirty"));
        Assert.That(generated.GetProperty("deployment").GetProperty("created").GetString(), Is.EqualTo("2025-03-01T03:30:15Z"));
        Assert.That(generated.GetProperty("environment").GetProperty("PYTHONPATH").GetString(), Is.EqualTo("/app/src:/app"));
        Assert.That(Assert.Throws<PackagingException>(() => DeployPackage.GenerateDeploymentConfig("{\"paths\": {}}", Request()))!.Message,
            Does.Contain("no \"deployment\" object"));
        Assert.That(Assert.Throws<PackagingException>(() => DeployPackage.GenerateDeploymentConfig("{", Request()))!.Message, Does.Contain("not valid JSON"));
        Assert.That(Assert.Throws<PackagingException>(() => DeployPackage.GenerateDeploymentConfig("[]", Request()))!.Message, Does.EndWith("not valid JSON: not a JSON object"));
    }

    [Test]
    public void The_manifest_lists_path_size_and_sha256_sorted()
    {
        var text = DeployPackage.ManifestText("1.2.3", [new PackagedFile("b.txt", 2, "bb", false), new PackagedFile("a.txt", 1, "aa", false)]);

        Assert.That(text.Split('\n'), Is.EqualTo(new[]
        {
            "# qts_ops_deploy 1.2.3: every file with its size in bytes and SHA-256 (tab-separated)", "# path\tsize\tsha256", "a.txt\t1\taa", "b.txt\t2\tbb", "",
        }));
    }

    [Test]
    public void Secrets_stop_the_package_before_anything_is_written_and_every_one_is_named()
    {
        _root.Write("observer/deployment_config.json", File.ReadAllText(SourceRepository.Combine("src", "observer", "deployment_config.json")));
        _root.Write("observer/Dockerfile", "FROM python:3.11-slim\n");
        _root.Write("observer/.env", "A=1\n");
        _root.Write("observer/certs/tls.pem", "x\n");
        _root.Write("observer/config/observer.json", "{\n  \"interval_seconds\": 5,\n  \"api_token\": \"abc123\"\n}\n");

        var error = Assert.Throws<PackagingException>(() => DeployPackage.Build(Request()))!;

        Assert.That(error.Message, Does.StartWith("package refused: 3 secret(s) in src/observer/; nothing was written."));
        Assert.That(error.Message, Does.Contain("src/observer/.env: an environment file")
            .And.Contain("src/observer/certs/tls.pem: a key or certificate store (.pem)")
            .And.Contain("src/observer/config/observer.json:3: 'api_token' is assigned a literal value")
            .And.Not.Contain("abc123"));
        Assert.That(Directory.Exists(_root.Combine("out")), Is.False);
    }

    [Test]
    public void A_missing_template_is_refused_before_anything_is_written()
    {
        _root.Write("observer/Dockerfile", "FROM x\n");

        var error = Assert.Throws<PackagingException>(() => DeployPackage.Build(Request()))!;

        Assert.That(error.Message, Is.EqualTo($"{_root.Combine("observer", "deployment_config.json")} is missing: it is the template of the package's deployment_config.json. Restore it from git."));
        Assert.That(error.Findings, Is.Empty);
        Assert.That(Directory.Exists(_root.Combine("out")), Is.False);
    }

    [Test]
    public void A_secret_finding_has_the_rule_file_line_reason_and_fix_and_the_template_is_scanned()
    {
        _root.Write("observer/deployment_config.json", "{\n  \"deployment\": {},\n  \"api_token\": \"abc123\"\n}\n");
        _root.Write("observer/.env", "A=1\n");

        var error = Assert.Throws<PackagingException>(() => DeployPackage.Build(Request()))!;

        const string fix = "Remove them (secrets come from the environment at deploy time), then package again";
        Assert.That(error.Message, Does.Contain("nothing was written.\n  src/observer/.env: ").And.Contain("\n  src/observer/deployment_config.json:3: ").And.EndWith($"\n{fix}."));
        Assert.That(error.Findings.Select(f => (f.Rule, f.Severity, f.File, f.Line, f.Message, f.Fix)), Is.EqualTo(new[]
        {
            ("package-secret/secret-file", "error", "src/observer/.env", (int?)null, "an environment file (.env) holds settings and secrets", fix),
            ("package-secret/literal-secret", "error", "src/observer/deployment_config.json", 3, "'api_token' is assigned a literal value; read it from the environment or a secret store instead", fix),
        }));
    }

    [Test]
    public void The_report_gives_every_file_with_its_mode_and_paths_relative_to_the_repository()
    {
        _root.Write("observer/deployment_config.json", File.ReadAllText(SourceRepository.Combine("src", "observer", "deployment_config.json")));
        _root.Write("observer/start.sh", "#!/bin/sh\n");
        var package = DeployPackage.Build(Request());

        package.WriteReport(_root.Combine("reports"), "abc1234", _root.Path);

        var report = JsonDocument.Parse(File.ReadAllText(_root.Combine("reports", "package.json"))).RootElement;
        Assert.That(report.GetProperty("status").GetString(), Is.EqualTo("succeeded"));
        Assert.That(report.GetProperty("version").GetString(), Is.EqualTo("1.2.3"));
        Assert.That(report.GetProperty("commit").GetString(), Is.EqualTo("abc1234"));
        var archive = report.GetProperty("archive");
        Assert.That((archive.GetProperty("path").GetString(), archive.GetProperty("size").GetInt64(), archive.GetProperty("sha256").GetString(), archive.GetProperty("checksum").GetString()),
            Is.EqualTo(("out/qts_ops_deploy-1.2.3.tar.gz", package.Size, package.Sha256, "out/qts_ops_deploy-1.2.3.tar.gz.sha256")));
        Assert.That(report.GetProperty("directory").GetString(), Is.EqualTo("out/qts_ops_deploy"));
        Assert.That(report.GetProperty("files").EnumerateArray().Select(f => (f.GetProperty("path").GetString(), f.GetProperty("size").GetInt64(), f.GetProperty("sha256").GetString(), f.GetProperty("mode").GetString())),
            Is.EqualTo(package.Files.Select(f => ((string?)f.Path, f.Size, (string?)f.Sha256, (string?)(f.Path == "start.sh" ? "0755" : "0644")))));
        var markdown = File.ReadAllText(_root.Combine("reports", "package.md"));
        Assert.That(markdown, Does.StartWith($"# package\n\n`out/qts_ops_deploy-1.2.3.tar.gz`: version 1.2.3, commit abc1234, {package.Size} bytes, sha256 `{package.Sha256}`.\n\n"
            + "| file | size | sha256 | mode |\n|---|---:|---|---|\n"));
        var start = package.Files.Single(f => f.Path == "start.sh");
        var manifest = package.Files.Single(f => f.Path == "MANIFEST.txt");
        Assert.That(markdown, Does.Contain($"| `start.sh` | {start.Size} | `{start.Sha256}` | 0755 |\n")
            .And.Contain($"| `MANIFEST.txt` | {manifest.Size} | `{manifest.Sha256}` | 0644 |\n"));
    }

    [Test]
    public void Packaging_again_replaces_the_directory_the_archive_and_the_checksum()
    {
        _root.Write("observer/deployment_config.json", File.ReadAllText(SourceRepository.Combine("src", "observer", "deployment_config.json")));
        _root.Write("observer/old.txt", "old\n");
        DeployPackage.Build(Request());
        File.Delete(_root.Combine("observer", "old.txt"));
        _root.Write("observer/new.txt", "new\n");

        var package = DeployPackage.Build(Request());

        Assert.That(Directory.GetFiles(package.Directory).Select(Path.GetFileName), Is.EquivalentTo(new[] { "MANIFEST.txt", "deployment_config.json", "new.txt" }));
        Assert.That(File.ReadAllBytes(package.Archive), Has.Length.EqualTo(package.Size));
        Assert.That(File.ReadAllText(package.ChecksumFile), Is.EqualTo($"{package.Sha256}  qts_ops_deploy-1.2.3.tar.gz\n"));
    }

    [Test]
    public void A_failure_half_way_leaves_no_scratch_folder()
    {
        _root.Write("observer/deployment_config.json", File.ReadAllText(SourceRepository.Combine("src", "observer", "deployment_config.json")));
        _root.Write("out/qts_ops_deploy", "a file where the package's directory goes");

        Assert.Throws<IOException>(() => DeployPackage.Build(Request()));

        Assert.That(Directory.GetFileSystemEntries(_root.Combine("out")).Select(Path.GetFileName), Is.EqualTo(new[] { "qts_ops_deploy" }));
    }

    [Test]
    public void A_package_is_a_directory_an_archive_and_a_checksum_with_nothing_left_over()
    {
        _root.Write("observer/deployment_config.json", File.ReadAllText(SourceRepository.Combine("src", "observer", "deployment_config.json")));
        _root.Write("observer/start.sh", "#!/usr/bin/env bash\necho start\n");
        _root.Write("observer/README.md", "# readme\n");

        var package = DeployPackage.Build(Request());

        Assert.That(Directory.GetFileSystemEntries(_root.Combine("out")).Select(Path.GetFileName), Is.EquivalentTo(new[]
        {
            "qts_ops_deploy", "qts_ops_deploy-1.2.3.tar.gz", "qts_ops_deploy-1.2.3.tar.gz.sha256",
        }));
        Assert.That(package.Files.Select(f => (f.Path, f.Executable)), Is.EqualTo(new[]
        {
            ("MANIFEST.txt", false), ("README.md", false), ("deployment_config.json", false), ("start.sh", true),
        }));
        Assert.That(File.ReadAllText(package.ChecksumFile), Is.EqualTo($"{package.Sha256}  qts_ops_deploy-1.2.3.tar.gz\n"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(_root.Combine("out", "qts_ops_deploy", "start.sh")), Is.EqualTo(ReproducibleTarGz.ExecutableMode));
            Assert.That(File.GetUnixFileMode(_root.Combine("out", "qts_ops_deploy", "README.md")), Is.EqualTo(ReproducibleTarGz.FileMode));
        }
        var manifest = File.ReadAllText(_root.Combine("out", "qts_ops_deploy", "MANIFEST.txt"));
        Assert.That(manifest, Does.Contain($"start.sh\t{"#!/usr/bin/env bash\necho start\n".Length}\t{package.Files.Single(f => f.Path == "start.sh").Sha256}\n"));
        Assert.That(manifest, Does.Not.Contain("MANIFEST.txt\t"));
        Assert.That(Encoding.UTF8.GetString(File.ReadAllBytes(_root.Combine("out", "qts_ops_deploy", "deployment_config.json"))), Does.Contain("\"version\": \"1.2.3\""));
    }
}
