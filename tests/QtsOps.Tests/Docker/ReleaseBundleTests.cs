using System.Text;
using System.Text.Json.Nodes;
using LibGit2Sharp;
using QtsOps.Build;
using QtsOps.Build.Registry;
using QtsOps.Core.Bundling;
using QtsOps.Tests.Host;
using QtsOps.Tools.Ssh;

namespace QtsOps.Tests.Docker;

/// <summary>
/// bundle, verify-release and requireVerifiedRelease against a real registry, the real Docker engine
/// and the real ssh-keygen and sha256sum, on a scratch repository whose HEAD is tagged as a release.
/// The tests run in order: the signed bundle first, then altered copies of it, then an unsigned one.
/// </summary>
[TestFixture, Category("Docker"), NonParallelizable]
public class ReleaseBundleTests
{
    private const string RegistryUser = "qtsops";
    private const string Signer = "release-manager@qtsops.test";
    private const string Version = "9.9.9";
    private static readonly string RegistryPassword = Guid.NewGuid().ToString("N");
    private readonly TempDirectory _keys = new();
    private RegistryServer _registry = null!;
    private ObserverRepository _repo = null!;
    private string _releaseKey = "";
    private string _otherKey = "";

    private string Bundle => Path.Combine(_repo.Root, "artifacts", "bundle", Version);

    [OneTimeSetUp]
    public void ReleaseInAScratchRepository()
    {
        _registry = new RegistryServer(RegistryUser, RegistryPassword);
        _repo = new ObserverRepository(_registry.Address);
        _releaseKey = NewKey("release");
        _otherKey = NewKey("other");
        File.WriteAllText(Path.Combine(_repo.Root, "allowed_signers"), $"{Signer} namespaces=\"{SshKeygenCommand.Namespace}\" {File.ReadAllText(_releaseKey + ".pub").Trim()}\n");
        var environments = Path.Combine(_repo.Root, "environments.json");
        var settings = JsonNode.Parse(File.ReadAllText(environments))!;
        settings["local"]!["requireVerifiedRelease"] = true;
        File.WriteAllText(environments, settings.ToJsonString());
        _repo.Commit("the release key and a local environment that requires verified releases");
        using var repository = new Repository(_repo.Root);
        repository.ApplyTag($"v{Version}", new Signature("QtsOps tests", "tests@example.invalid", DateTimeOffset.UtcNow), $"v{Version}");
    }

    [OneTimeTearDown]
    public void RemoveImagesAndFolders()
    {
        _repo?.RemoveFromEngine();
        _repo?.Dispose();
        _registry?.Dispose();
        _keys.Dispose();
    }

    [Test, Order(1)]
    public void A_signed_bundle_verifies_with_sha256sum_and_ssh_keygen_by_hand_and_with_verify_release()
    {
        var keyDirectoriesBefore = SigningDirectories();

        var run = Run(File.ReadAllText(_releaseKey), "--target=bundle");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(run.Output + run.Error, Does.Not.Contain("PRIVATE KEY"));
        Assert.That(Directory.GetFiles(Bundle).Select(Path.GetFileName), Is.EquivalentTo(new[]
        {
            $"qts_ops_deploy-{Version}.tar.gz", $"{_repo.ImageRepository.Replace('/', '-')}-{Version}.oci.tar", "image.json", "notes.md",
            "provenance.intoto.json", "image.cdx.json", "pipeline.cdx.json", "SHA256SUMS", "SHA256SUMS.sig",
        }));
        Assert.That(SigningDirectories(), Is.EquivalentTo(keyDirectoriesBefore), "the key written for the run is removed after it");
        Shell($"cd '{Bundle}' && sha256sum -c SHA256SUMS").EnsureSuccess("sha256sum -c");
        Shell($"cd '{Bundle}' && ssh-keygen -Y verify -f '{_repo.Root}/allowed_signers' -I {Signer} -n qtsops-release -s SHA256SUMS.sig < SHA256SUMS").EnsureSuccess("ssh-keygen -Y verify");
        var image = BundleImage.Read(Path.Combine(Bundle, "image.json"));
        Assert.That(image.Digest, Is.EqualTo(new RegistryManifests(_registry.Address, false, RegistryUser, RegistryPassword).Digest(_repo.ImageRepository, Version)));

        var verify = Run(null, "--target=verify-release");

        Assert.That(verify.ExitCode, Is.Zero, verify.Output + verify.Error);
        foreach (var check in new[] { "checksums", "SHA256SUMS signature", "provenance signature", "provenance source", "provenance subjects", "image in registry", "SBOMs" })
            Assert.That(verify.Output, Does.Contain($"PASS {check}:"));
        Assert.That(verify.Output, Does.Contain($"good signature by {Signer}"));
    }

    [Test, Order(2)]
    public void The_image_archive_is_an_oci_layout_whose_config_is_the_image_and_whose_blobs_match_their_digests()
    {
        var archive = Path.Combine(Bundle, $"{_repo.ImageRepository.Replace('/', '-')}-{Version}.oci.tar");
        using var unpacked = new TempDirectory();
        System.Formats.Tar.TarFile.ExtractToDirectory(archive, unpacked.Path, false);
        Assert.That(File.ReadAllText(unpacked.Combine("oci-layout")), Does.Contain("\"imageLayoutVersion\":\"1.0.0\""));
        foreach (var blob in Directory.GetFiles(unpacked.Combine("blobs", "sha256")))
            Assert.That(Sha256Sums.Of(blob), Is.EqualTo(Path.GetFileName(blob)));
        var index = JsonNode.Parse(File.ReadAllText(unpacked.Combine("index.json")))!;
        var manifest = JsonNode.Parse(File.ReadAllText(unpacked.Combine("blobs", "sha256", index["manifests"]![0]!["digest"]!.GetValue<string>()[7..])))!;
        var imageId = ObserverRepository.Docker("image", "inspect", "--format", "{{.Id}}", $"{_repo.ImageRepository}:{Version}").EnsureSuccess("inspect").Output.Single();
        Assert.That(manifest["config"]!["digest"]!.GetValue<string>(), Is.EqualTo(imageId));
        Assert.That(index["manifests"]![0]!["annotations"]!["org.opencontainers.image.ref.name"]!.GetValue<string>(), Is.EqualTo(Version));
    }

    [Test, Order(2)]
    public void The_sboms_are_valid_cyclonedx_listing_the_image_s_real_debian_packages_python_modules_and_service_files_and_the_pipeline_s_packages()
    {
        foreach (var file in Sbom.FileNames)
        {
            Assert.That(Sbom.SchemaErrors(File.ReadAllText(Path.Combine(Bundle, file))), Is.Empty, $"{file} against the CycloneDX schema");
            Assert.That(File.ReadAllText(Path.Combine(Bundle, "SHA256SUMS")), Does.Contain($"{Sha256Sums.Of(Path.Combine(Bundle, file))}  {file}\n"));
        }
        var image = JsonNode.Parse(File.ReadAllText(Path.Combine(Bundle, Sbom.ImageFileName)))!;
        var components = image["components"]!.AsArray().Select(c => c!).ToList();
        var debian = components.Where(c => c["purl"]?.GetValue<string>().StartsWith("pkg:deb/debian/", StringComparison.Ordinal) == true).ToList();
        Assert.That(debian.Select(c => c["name"]!.GetValue<string>()), Is.EquivalentTo(InstalledPackagesOfTheImage()));
        Assert.That(debian.Where(c => c["properties"]![0]!["value"]!.GetValue<string>() == "python3.11").Select(c => c["name"]!.GetValue<string>()),
            Is.SupersetOf(new[] { "python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib" }), "Debian's python3.11, the interpreter and its standard library");
        Assert.That(image["metadata"]!["component"]!["hashes"]![0]!["content"]!.GetValue<string>(), Is.EqualTo(BundleImage.Read(Path.Combine(Bundle, "image.json")).Digest[7..]));

        // The health check imports urllib.request; every module carries its files' hashes.
        var modules = components.Where(c => c["group"]?.GetValue<string>() == "python3.11-stdlib").ToList();
        Assert.That(modules.Select(c => c["name"]!.GetValue<string>()), Is.SupersetOf(new[] { "encodings", "json", "urllib" }));
        Assert.That(modules.SelectMany(m => m["components"]!.AsArray()).Select(f => f!["hashes"]![0]!["content"]!.GetValue<string>()), Is.All.Match("^[0-9a-f]{64}$"));

        var service = components.Single(c => c["name"]!.GetValue<string>() == "qts-observer")["components"]!.AsArray()
            .ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!["hashes"]![0]!["content"]!.GetValue<string>());
        var sources = Path.Combine(_repo.Root, "src", "observer", "src", "qts_observer");
        foreach (var source in Directory.GetFiles(sources, "*.py"))
            Assert.That(service[$"/app/src/qts_observer/{Path.GetFileName(source)}"], Is.EqualTo(Sha256Sums.Of(source)), source);

        var pipeline = File.ReadAllText(Path.Combine(Bundle, Sbom.PipelineFileName));
        foreach (var package in new[] { "YamlDotNet", "LibGit2Sharp", "Cake.Tool", "CycloneDX" })
            Assert.That(pipeline, Does.Contain($"\"purl\": \"pkg:nuget/{package}@"));
    }

    [Test, Order(3)]
    public void One_changed_byte_in_the_package_fails_sha256sum_verify_release_and_a_protected_deploy()
    {
        using var copy = Copy();
        var package = copy.Combine($"qts_ops_deploy-{Version}.tar.gz");
        var bytes = File.ReadAllBytes(package);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(package, bytes);

        Assert.That(Shell($"cd '{copy.Path}' && sha256sum -c SHA256SUMS").ExitCode, Is.Not.Zero);
        AssertRefused(copy.Path, $"FAIL checksums: qts_ops_deploy-{Version}.tar.gz: sha256");
    }

    [Test, Order(4)]
    public void A_signature_by_a_key_not_in_allowed_signers_is_refused()
    {
        using var copy = Copy();
        File.Delete(copy.Combine("SHA256SUMS.sig"));
        Sign(_otherKey, copy.Combine("SHA256SUMS"));

        AssertRefused(copy.Path, "FAIL SHA256SUMS signature: SHA256SUMS.sig: made by a key that is not in allowed_signers");
    }

    [Test, Order(5)]
    public void A_provenance_naming_another_commit_is_refused_though_signed_by_the_release_key()
    {
        using var copy = Copy();
        var other = new string('a', 40);
        Resign(copy, statement => statement["predicate"]!["buildDefinition"]!["resolvedDependencies"]![0]!["digest"]!["gitCommit"] = other);

        var run = AssertRefused(copy.Path, $"FAIL provenance source: names commit {other}, the release's is {HeadSha()}");
        Assert.That(run.Output, Does.Contain("PASS SHA256SUMS signature").And.Contain("PASS provenance signature"));
    }

    [Test, Order(6)]
    public void An_image_digest_the_registry_does_not_serve_is_refused()
    {
        using var copy = Copy();
        var unknown = new string('0', 64);
        var imageFile = copy.Combine("image.json");
        var image = JsonNode.Parse(File.ReadAllText(imageFile))!;
        image["digest"] = $"sha256:{unknown}";
        File.WriteAllText(imageFile, image.ToJsonString());
        Resign(copy, statement => statement["subject"]![1]!["digest"]!["sha256"] = unknown);

        var run = AssertRefused(copy.Path, $"FAIL image in registry: {_registry.Address} does not serve {_registry.Address}/{_repo.ImageRepository}@sha256:{unknown}");
        Assert.That(run.Output, Does.Contain("PASS provenance subjects"));
    }

    [Test, Order(6)]
    public void A_bundle_without_its_sboms_is_refused_though_its_sums_are_signed_by_the_release_key()
    {
        using var copy = Copy();
        File.Delete(copy.Combine(Sbom.ImageFileName));
        Resum(copy);

        var run = AssertRefused(copy.Path, $"FAIL SBOMs: {Sbom.ImageFileName}: missing from the bundle");
        Assert.That(run.Output, Does.Contain("PASS checksums").And.Contain("PASS SHA256SUMS signature"));
    }

    [Test, Order(7)]
    public void A_rollback_to_an_environment_that_requires_verified_releases_needs_the_bundle_of_the_release_it_puts_back()
    {
        var run = Run(null, "--target=rollback");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("'local' takes verified releases only: a rollback there needs the bundle of the release it puts back").And.Contain("--bundle=DIR"));
        Assert.That(ObserverRepository.Docker("container", "inspect", _repo.Container).ExitCode, Is.Not.Zero, "nothing was started");
    }

    [Test, Order(8)]
    public void A_bundle_built_without_a_key_is_reported_as_unsigned()
    {
        var run = Run(null, "--target=bundle");

        Assert.That(run.ExitCode, Is.Zero, run.Output + run.Error);
        Assert.That(File.Exists(Path.Combine(Bundle, "SHA256SUMS.sig")), Is.False);
        var verify = Run(null, "--target=verify-release");
        Assert.That(verify.ExitCode, Is.EqualTo(1));
        Assert.That(verify.Error, Does.Contain($"The release bundle {Bundle} is unsigned"));
        Assert.That(verify.Output, Does.Contain("FAIL SHA256SUMS signature: unsigned"));
    }

    private HostRun AssertRefused(string bundle, string failure)
    {
        var verify = Run(null, "--target=verify-release", $"--bundle={bundle}");
        Assert.That(verify.ExitCode, Is.EqualTo(1), verify.Output);
        Assert.That(verify.Output, Does.Contain(failure));
        Assert.That(verify.Error, Does.Contain($"The release bundle {bundle} failed verification"));

        var deploy = Run(null, "--target=deploy", $"--bundle={bundle}");
        Assert.That(deploy.ExitCode, Is.EqualTo(1), deploy.Output);
        Assert.That(deploy.Output, Does.Contain(failure));
        Assert.That(ObserverRepository.Docker("container", "inspect", _repo.Container).ExitCode, Is.Not.Zero, "nothing was started");
        Assert.That(Directory.Exists(Path.Combine(_repo.DeployDirectory, "releases")), Is.False, "nothing was installed");

        var rollback = Run(null, "--target=rollback", $"--bundle={bundle}");
        Assert.That(rollback.ExitCode, Is.EqualTo(1), rollback.Output);
        Assert.That(rollback.Output, Does.Contain(failure));
        return verify;
    }

    private HostRun Run(string? signingKey, params string[] args)
    {
        using var variables = new EnvironmentVariableScope()
            .Set(PipelineOptions.RegistryUsername.Variable!, RegistryUser)
            .Set(PipelineOptions.RegistryPassword.Variable!, RegistryPassword)
            .Set(PipelineOptions.SigningKey.Variable!, signingKey)
            .Set(PipelineOptions.SigningKeyFile.Variable!, null)
            .Set(PipelineOptions.AllowedSigners.Variable!, null);
        return _repo.Run(args);
    }

    /// <summary>A copy of the signed bundle to alter, outside the scratch repository (deploy's clean would remove it there).</summary>
    private TempDirectory Copy()
    {
        var copy = new TempDirectory();
        foreach (var file in Directory.GetFiles(Bundle)) File.Copy(file, copy.Combine(Path.GetFileName(file)));
        return copy;
    }

    /// <summary>Edits the provenance statement, then signs it, SHA256SUMS and its signature again with the release key, as a forger holding it would.</summary>
    private void Resign(TempDirectory copy, Action<JsonNode> edit)
    {
        var envelopeFile = copy.Combine(Provenance.FileName);
        var statement = JsonNode.Parse(DsseEnvelope.Read(envelopeFile).PayloadBytes)!;
        edit(statement);
        var envelope = DsseEnvelope.Unsigned(DsseEnvelope.InTotoPayloadType, Encoding.UTF8.GetBytes(statement.ToJsonString()));
        var pae = copy.Combine("pae");
        File.WriteAllBytes(pae, envelope.Pae());
        Sign(_releaseKey, pae);
        File.WriteAllText(envelopeFile, envelope.WithSignature("test", File.ReadAllText(pae + ".sig")).ToJson());
        File.Delete(pae);
        File.Delete(pae + ".sig");
        Resum(copy);
    }

    /// <summary>Writes SHA256SUMS of the copy's files again and signs it with the release key.</summary>
    private void Resum(TempDirectory copy)
    {
        var files = Directory.GetFiles(copy.Path).Select(Path.GetFileName).OfType<string>().Where(f => !f.StartsWith("SHA256SUMS", StringComparison.Ordinal));
        File.WriteAllText(copy.Combine("SHA256SUMS"), Sha256Sums.Format(files.Select(f => new ChecksumEntry(Sha256Sums.Of(copy.Combine(f)), f))));
        File.Delete(copy.Combine("SHA256SUMS.sig"));
        Sign(_releaseKey, copy.Combine("SHA256SUMS"));
    }

    private string NewKey(string name)
    {
        var key = _keys.Combine(name);
        Command.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key).EnsureSuccess("ssh-keygen");
        return key;
    }

    private static void Sign(string key, string file) =>
        Command.Run("ssh-keygen", "-Y", "sign", "-f", key, "-n", "qtsops-release", file).EnsureSuccess("ssh-keygen -Y sign");

    private static string[] SigningDirectories() => Directory.GetDirectories(Path.GetTempPath(), "qtsops-signing-*");

    private string HeadSha()
    {
        using var repository = new Repository(_repo.Root);
        return repository.Head.Tip.Sha;
    }

    /// <summary>The packages the image's own dpkg status lists, read with docker cp and tar (the image has no shell).</summary>
    private IEnumerable<string> InstalledPackagesOfTheImage()
    {
        var container = $"qtsops-sbom-{Guid.NewGuid():N}";
        ObserverRepository.Docker("create", "--name", container, $"{_repo.ImageRepository}:{Version}").EnsureSuccess("docker create");
        try
        {
            var status = Shell($"docker cp {container}:/var/lib/dpkg/status - | tar -xO").EnsureSuccess("docker cp");
            return status.Output.Where(l => l.StartsWith("Package: ", StringComparison.Ordinal)).Select(l => l["Package: ".Length..].Trim()).ToList();
        }
        finally
        {
            ObserverRepository.Docker("rm", container);
        }
    }

    private static Command.Result Shell(string script) => Command.Run("sh", "-c", script);
}
