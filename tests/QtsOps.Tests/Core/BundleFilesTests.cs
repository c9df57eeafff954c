using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using QtsOps.Core.Bundling;
using QtsOps.Core.Releasing;

namespace QtsOps.Tests.Core;

/// <summary>The bundle's formats: SHA256SUMS, DSSE, the in-toto statement, the OCI layout, the notes.</summary>
[Category("Core")]
public class BundleFilesTests
{
    [Test]
    public void Sha256sums_are_written_sorted_as_sha256sum_writes_them_and_read_back()
    {
        var entries = new[] { new ChecksumEntry(new string('b', 64), "b.txt"), new ChecksumEntry(new string('a', 64), "a.tar.gz") };

        var text = Sha256Sums.Format(entries);

        Assert.That(text, Is.EqualTo($"{new string('a', 64)}  a.tar.gz\n{new string('b', 64)}  b.txt\n"));
        Assert.That(Sha256Sums.Parse(text, "SHA256SUMS"), Is.EqualTo(entries.OrderBy(e => e.File)));
    }

    [TestCase("deadbeef  short.txt")]
    [TestCase("{0}  ../escape.txt")]
    [TestCase("{0}  sub/dir.txt")]
    public void A_line_that_is_not_a_checksum_of_a_bundle_file_is_refused_with_its_line(string line)
    {
        var text = $"{new string('a', 64)}  ok.txt\n" + string.Format(line, new string('c', 64)) + "\n";

        var error = Assert.Throws<BundleException>(() => Sha256Sums.Parse(text, "/b/SHA256SUMS"))!;

        Assert.That(error.Message, Does.StartWith("/b/SHA256SUMS:2: ").And.Contain("Fix:"));
    }

    [TestCase(80, false)]
    [TestCase(81, true)]
    public void A_refused_line_is_quoted_whole_up_to_80_characters_and_cut_there_beyond(int length, bool cut)
    {
        var line = string.Concat(Enumerable.Range(0, length).Select(i => (char)('a' + i % 26)));
        var expected = cut ? line[..80] + "..." : line;

        var error = Assert.Throws<BundleException>(() => Sha256Sums.Parse(line + "\n", "SHA256SUMS"))!;

        Assert.That(error.Message, Does.StartWith($"SHA256SUMS:1: '{expected}' is not a checksum line."));
    }

    [Test]
    public void Checking_finds_a_changed_and_a_missing_file()
    {
        using var directory = new TempDirectory();
        const string goodSha256 = "770e607624d689265ca6c44884d0807d9b054d23c473c106c72be9de08b7376c";
        const string changedSha256 = "d67e2e944994496c8d8ec76eed0cf9f09679448d584b532bebf941852a37f5ed";
        directory.Write("good.txt", "good");
        directory.Write("changed.txt", "changed");
        var entries = new[]
        {
            new ChecksumEntry(goodSha256, "good.txt"), new ChecksumEntry(new string('0', 64), "changed.txt"), new ChecksumEntry(new string('0', 64), "gone.txt"),
        };

        var results = Sha256Sums.Check(directory.Path, entries);

        Assert.That(results, Is.EqualTo(new[]
        {
            new ChecksumResult("good.txt", true, "matches"),
            new ChecksumResult("changed.txt", false, $"sha256 {changedSha256}, SHA256SUMS says {new string('0', 64)}"),
            new ChecksumResult("gone.txt", false, "missing"),
        }));
        Assert.That(Sha256Sums.Of(directory.Combine("good.txt")), Is.EqualTo(goodSha256));
    }

    [Test]
    public void The_dsse_pre_authentication_encoding_is_the_specification_s()
    {
        var envelope = DsseEnvelope.Unsigned("http://example.com/HelloWorld", Encoding.UTF8.GetBytes("hello world"));

        Assert.That(Encoding.UTF8.GetString(envelope.Pae()), Is.EqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world"));
    }

    [Test]
    public void A_dsse_envelope_is_written_and_read_back_with_its_signature()
    {
        using var directory = new TempDirectory();
        var envelope = DsseEnvelope.Unsigned(DsseEnvelope.InTotoPayloadType, Encoding.UTF8.GetBytes("{}")).WithSignature("SHA256:key", "-----BEGIN SSH SIGNATURE-----\n");
        var file = directory.Write("p.json", envelope.ToJson());

        var read = DsseEnvelope.Read(file);

        Assert.That((read.PayloadType, read.Payload, read.Signatures.Single()), Is.EqualTo((envelope.PayloadType, envelope.Payload, envelope.Signatures.Single())));
        Assert.That(File.ReadAllText(file), Does.Contain("\"payloadType\"").And.Contain("\"keyid\"").And.Contain("\"sig\""));
    }

    [Test]
    public void The_statement_is_in_toto_with_slsa_provenance_naming_the_subjects_source_builder_and_parameters()
    {
        var facts = new BuildFacts("git@github.com:qtsops/qtsops.git", "0123456789abcdef0123456789abcdef01234567", "v1.2.3",
            "https://github.com/qtsops/qtsops/actions/runs/42/attempts/1", "42", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            new Dictionary<string, string> { ["version"] = "1.2.3", ["environment"] = "prod" });
        var subjects = new[] { new ProvenanceSubject("qts_ops_deploy-1.2.3.tar.gz", new string('a', 64)), new ProvenanceSubject("r/qts-observer", new string('b', 64)) };

        var statement = Provenance.Statement(facts, subjects);

        var json = JsonNode.Parse(statement)!;
        Assert.That(json["_type"]!.GetValue<string>(), Is.EqualTo("https://in-toto.io/Statement/v1"));
        Assert.That(json["predicateType"]!.GetValue<string>(), Is.EqualTo("https://slsa.dev/provenance/v1"));
        var definition = json["predicate"]!["buildDefinition"]!;
        Assert.That(definition["resolvedDependencies"]![0]!["uri"]!.GetValue<string>(), Is.EqualTo("git+git@github.com:qtsops/qtsops.git@refs/tags/v1.2.3"));
        Assert.That(definition["externalParameters"]!["environment"]!.GetValue<string>(), Is.EqualTo("prod"));
        Assert.That(json["predicate"]!["runDetails"]!["builder"]!["id"]!.GetValue<string>(), Is.EqualTo(facts.Builder));
        Assert.That(json["predicate"]!["runDetails"]!["metadata"]!["startedOn"]!.GetValue<string>(), Is.EqualTo("2026-01-02T03:04:05Z"));
        Assert.That(Provenance.Read(statement, "p"), Is.EqualTo(new StatedProvenance("git@github.com:qtsops/qtsops.git", facts.Commit, "1.2.3", subjects))
            .Using<StatedProvenance>((a, b) => a.Repository == b.Repository && a.Commit == b.Commit && a.Version == b.Version && a.Subjects.SequenceEqual(b.Subjects)));
    }

    [Test]
    public void A_payload_that_is_not_json_is_refused_naming_the_file() =>
        Assert.That(Assert.Throws<BundleException>(() => Provenance.Read("{\"_type\":"u8.ToArray(), "/b/provenance.intoto.json"))!.Message,
            Does.StartWith("/b/provenance.intoto.json: the payload is not JSON (").And.EndWith("). Fix: rebuild the bundle (./build.sh --target=bundle)."));

    [Test]
    public void A_payload_that_is_no_slsa_statement_is_refused_naming_the_file() =>
        Assert.That(Assert.Throws<BundleException>(() => Provenance.Read("{\"_type\":\"x\"}"u8.ToArray(), "/b/provenance.intoto.json"))!.Message,
            Does.StartWith("/b/provenance.intoto.json: the payload is not an in-toto statement"));

    [Test]
    public void The_statement_of_an_untagged_build_is_one_line_of_json_its_parameters_sorted_and_its_source_the_bare_repository()
    {
        var facts = new BuildFacts("https://github.com/qtsops/qtsops", "0123456789abcdef0123456789abcdef01234567", null, "host.example", "7",
            DateTimeOffset.UnixEpoch, new Dictionary<string, string> { ["version"] = "1.2.3", ["environment"] = "prod" });

        var statement = Encoding.UTF8.GetString(Provenance.Statement(facts, [new ProvenanceSubject("p.tar.gz", "aa")]));

        Assert.That(statement, Is.EqualTo(
            "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"p.tar.gz\",\"digest\":{\"sha256\":\"aa\"}}],"
            + "\"predicateType\":\"https://slsa.dev/provenance/v1\",\"predicate\":{\"buildDefinition\":{\"buildType\":\"https://github.com/qtsops/qtsops/bundle/v1\","
            + "\"externalParameters\":{\"environment\":\"prod\",\"version\":\"1.2.3\"},"
            + "\"resolvedDependencies\":[{\"uri\":\"git\\u002Bhttps://github.com/qtsops/qtsops\",\"digest\":{\"gitCommit\":\"0123456789abcdef0123456789abcdef01234567\"}}]},"
            + "\"runDetails\":{\"builder\":{\"id\":\"host.example\"},\"metadata\":{\"invocationId\":\"7\",\"startedOn\":\"1970-01-01T00:00:00Z\"}}}}"));
        Assert.That(Provenance.Read(Encoding.UTF8.GetBytes(statement), "p").Repository, Is.EqualTo("https://github.com/qtsops/qtsops"));
    }

    [Test]
    public void A_statement_naming_the_source_without_git_plus_or_naming_nothing_reads_as_it_is()
    {
        const string types = "\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"https://slsa.dev/provenance/v1\"";
        var plain = "{" + types + ",\"predicate\":{\"buildDefinition\":{\"resolvedDependencies\":[{\"uri\":\"https://github.com/qtsops/qtsops@refs/tags/v1.2.3\"}]}},\"subject\":[{}]}";

        var read = Provenance.Read(Encoding.UTF8.GetBytes(plain), "p");
        var bare = Provenance.Read(Encoding.UTF8.GetBytes("{" + types + "}"), "p");

        Assert.That((read.Repository, read.Commit, read.Version, read.Subjects.Single()), Is.EqualTo(("https://github.com/qtsops/qtsops", (string?)null, (string?)null, new ProvenanceSubject("", ""))));
        Assert.That((bare.Repository, bare.Commit, bare.Version, bare.Subjects.Count), Is.EqualTo(((string?)null, (string?)null, (string?)null, 0)));
    }

    [Test]
    public void A_statement_with_the_in_toto_type_but_another_predicate_is_refused() =>
        Assert.That(Assert.Throws<BundleException>(() => Provenance.Read("{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicateType\":\"https://slsa.dev/provenance/v0.2\"}"u8.ToArray(), "/b/p.json"))!.Message,
            Is.EqualTo("/b/p.json: the payload is not an in-toto statement (https://in-toto.io/Statement/v1) with the SLSA provenance predicate (https://slsa.dev/provenance/v1). Fix: rebuild the bundle (./build.sh --target=bundle)."));

    [Test]
    public void A_docker_save_archive_of_no_single_image_is_refused_and_leaves_nothing_unpacked()
    {
        using var directory = new TempDirectory();
        var saved = directory.Combine("saved.tar");
        using (var output = File.Create(saved))
        using (var tar = new TarWriter(output))
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream("[]"u8.ToArray()) });
        string[] Unpacked() => Directory.GetDirectories(Path.GetTempPath(), "qtsops-saved-*");
        var before = Unpacked();

        var error = Assert.Throws<BundleException>(() => SavedImage.Unpack(saved))!;

        Assert.That(error.Message, Is.EqualTo($"{saved}: manifest.json does not describe one image. Fix: save one image (docker save IMAGE)."));
        Assert.That(Unpacked(), Is.EquivalentTo(before), "the folder it unpacked to is removed");
    }

    [Test]
    public void A_docker_save_archive_becomes_an_oci_layout_with_the_same_config_and_layers_each_blob_once()
    {
        using var directory = new TempDirectory();
        var config = "{\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\"}}"u8.ToArray();
        var layer = "layer bytes"u8.ToArray();
        var saved = directory.Combine("saved.tar");
        using (var output = File.Create(saved))
        using (var tar = new TarWriter(output))
        {
            void Add(string name, byte[] content) => tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
            Add("cfg.json", config);
            Add("l1/layer.tar", layer);
            Add("l2/layer.tar", layer);
            Add("manifest.json", Encoding.UTF8.GetBytes("[{\"Config\":\"cfg.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"l1/layer.tar\",\"l2/layer.tar\"]}]"));
        }

        string digest;
        string unpackedTo;
        using (var image = SavedImage.Unpack(saved))
        {
            unpackedTo = Path.GetDirectoryName(image.Config)!;
            digest = OciArchive.FromSavedImage(image, directory.Combine("oci.tar"), "1.2.3", DateTimeOffset.UnixEpoch);
        }
        Assert.That(Path.GetFileName(unpackedTo), Does.StartWith("qtsops-saved-"), "the temporary folder says whose it is");
        Assert.That(Directory.Exists(unpackedTo), Is.False, "the saved image's folder is removed once done");

        using var unpacked = new TempDirectory();
        TarFile.ExtractToDirectory(directory.Combine("oci.tar"), unpacked.Path, false);
        var hex = (byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.That(Directory.GetFiles(unpacked.Combine("blobs", "sha256")).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { hex(config), hex(layer), digest[7..] }));
        var manifestBytes = File.ReadAllBytes(unpacked.Combine("blobs", "sha256", digest[7..]));
        JsonObject Layer() => new() { ["mediaType"] = "application/vnd.oci.image.layer.v1.tar", ["digest"] = $"sha256:{hex(layer)}", ["size"] = layer.Length };
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(manifestBytes), new JsonObject
        {
            ["schemaVersion"] = 2, ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = $"sha256:{hex(config)}", ["size"] = config.Length },
            ["layers"] = new JsonArray(Layer(), Layer()),
        }), Is.True, Encoding.UTF8.GetString(manifestBytes));
        var index = File.ReadAllText(unpacked.Combine("index.json"));
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(index), new JsonObject
        {
            ["schemaVersion"] = 2, ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json", ["digest"] = digest, ["size"] = manifestBytes.Length,
                ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = "1.2.3" },
            }),
        }), Is.True, index);
        Assert.That(File.ReadAllText(unpacked.Combine("oci-layout")), Is.EqualTo("{\"imageLayoutVersion\":\"1.0.0\"}"));
        using var archive = new TarReader(File.OpenRead(directory.Combine("oci.tar")));
        var modes = new List<(UnixFileMode, DateTimeOffset)>();
        while (archive.GetNextEntry() is { } entry) modes.Add((entry.Mode, entry.ModificationTime));
        Assert.That(modes, Has.Count.EqualTo(5).And.All.EqualTo((UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, DateTimeOffset.UnixEpoch)),
            "every entry rw-r--r-- at the time given, so the same image gives the same archive");
    }

    [Test]
    public void The_notes_are_the_version_s_changelog_section_only()
    {
        var changelog = Changelog.Prepend(Changelog.Prepend(null, "## 1.0.0 (2026-01-01)\n\n- first\n"), "## 1.1.0 (2026-02-01)\n\n- second\n");

        Assert.That(Changelog.SectionOf(changelog, "1.0.0"), Is.EqualTo("## 1.0.0 (2026-01-01)\n\n- first\n"));
        Assert.That(Changelog.SectionOf(changelog, "1.1.0"), Is.EqualTo("## 1.1.0 (2026-02-01)\n\n- second\n"));
        Assert.That(Changelog.SectionOf(changelog, "1.1"), Is.Null);
    }

    [TestCase("1.2.4+dirty.1a2b3c4d", "1.2.4_dirty.1a2b3c4d", true)]
    [TestCase("1.2.3", "1.2.4", false)]
    public void A_verified_bundle_must_be_of_the_version_deployed(string bundle, string deployed, bool same) =>
        Assert.That(VerifiedRelease.DeployMismatch("prod", "/b", bundle, deployed), same ? Is.Null : Is.EqualTo(
            $"'prod' takes verified releases only, and the bundle /b is of {bundle}, not of {deployed} that this run deploys. Fix: give the bundle of {deployed} with --bundle=DIR, or check out the tag of {bundle}."));

    [Test]
    public void A_rollback_needs_the_bundle_of_the_release_it_puts_back_and_to_must_agree()
    {
        Assert.That(VerifiedRelease.RollbackWithoutBundle("prod", null), Is.EqualTo("'prod' takes verified releases only: a rollback there needs the bundle of the release it puts back. "
            + "Fix: --bundle=DIR (that release's GitHub release assets, downloaded), optionally with --to=VERSION."));
        Assert.That(VerifiedRelease.RollbackWithoutBundle("prod", "/b"), Is.Null);
        Assert.That(VerifiedRelease.RollbackMismatch("/b", "1.2.3", "1.2.2"), Does.StartWith("--to=1.2.2, but the bundle /b is of 1.2.3"));
        Assert.That(VerifiedRelease.RollbackMismatch("/b", "1.2.3", null), Is.Null);
    }

    [Test]
    public void A_digest_is_sha256_in_lower_case_hex_of_the_bytes_or_of_the_text_in_its_encoding()
    {
        Assert.That(Sha256Sums.Of("abc"u8.ToArray()), Is.EqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        Assert.That(Sha256Sums.Of("abc", System.Text.Encoding.UTF8), Is.EqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        Assert.That(Sha256Sums.Of("abc", System.Text.Encoding.Unicode), Is.EqualTo(Sha256Sums.Of(System.Text.Encoding.Unicode.GetBytes("abc"))));
        Assert.That(Sha256Sums.Of("abc", System.Text.Encoding.Unicode), Is.Not.EqualTo(Sha256Sums.Of("abc", System.Text.Encoding.UTF8)));
    }
}
