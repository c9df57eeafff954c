using System.Text;
using System.Text.Json;
using QtsOps.Release.Packaging;

namespace QtsOps.Tests.Packaging;

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
        Assert.That(generated.GetProperty("deployment").GetProperty("version").GetString(), Is.EqualTo("1.2.4-alpha.0.3+dirty"));
        Assert.That(generated.GetProperty("deployment").GetProperty("created").GetString(), Is.EqualTo("2025-03-01T03:30:15Z"));
        Assert.That(generated.GetProperty("environment").GetProperty("PYTHONPATH").GetString(), Is.EqualTo("/app/src:/app"));
        Assert.That(Assert.Throws<PackagingException>(() => DeployPackage.GenerateDeploymentConfig("{\"paths\": {}}", Request()))!.Message,
            Does.Contain("no \"deployment\" object"));
        Assert.That(Assert.Throws<PackagingException>(() => DeployPackage.GenerateDeploymentConfig("{", Request()))!.Message, Does.Contain("not valid JSON"));
    }

    [Test]
    public void The_manifest_lists_path_size_and_sha256_sorted()
    {
        var text = DeployPackage.ManifestText("1.2.3", [new PackagedFile("b.txt", 2, "bb", false), new PackagedFile("a.txt", 1, "aa", false)]);

        Assert.That(text.Split('\n')[2..], Is.EqualTo(new[] { "a.txt\t1\taa", "b.txt\t2\tbb", "" }));
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
        if (!OperatingSystem.IsWindows()) Assert.That(File.GetUnixFileMode(_root.Combine("out", "qts_ops_deploy", "start.sh")), Is.EqualTo(ReproducibleTarGz.ExecutableMode));
        var manifest = File.ReadAllText(_root.Combine("out", "qts_ops_deploy", "MANIFEST.txt"));
        Assert.That(manifest, Does.Contain($"start.sh\t{"#!/usr/bin/env bash\necho start\n".Length}\t{package.Files.Single(f => f.Path == "start.sh").Sha256}\n"));
        Assert.That(manifest, Does.Not.Contain("MANIFEST.txt\t"));
        Assert.That(Encoding.UTF8.GetString(File.ReadAllBytes(_root.Combine("out", "qts_ops_deploy", "deployment_config.json"))), Does.Contain("\"version\": \"1.2.3\""));
    }
}
