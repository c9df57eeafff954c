using QtsOps.Core.Bundling;

namespace QtsOps.Tests.Core;

/// <summary>A bundle's image.json: written camelCase, read back, and refused with the file named when it is not what a verifier can pull.</summary>
[Category("Core")]
public class BundleImageTests
{
    private static readonly string Digest = "sha256:" + new string('a', 64);

    private const string Fix = "Fix: rebuild the bundle (./build.sh --target=bundle).";

    [Test]
    public void Image_json_holds_the_four_fields_and_reads_back_the_same()
    {
        using var directory = new TempDirectory();
        var image = new BundleImage("registry.local:5000", "qts/observer", Digest, "image.oci.tar");

        var json = image.ToJson();
        var read = BundleImage.Read(directory.Write(BundleImage.FileName, json));

        Assert.That(json, Is.EqualTo($$"""
            {
              "registry": "registry.local:5000",
              "repository": "qts/observer",
              "digest": "{{Digest}}",
              "archive": "image.oci.tar"
            }

            """), "no Name or Reference: they follow from the rest");
        Assert.That(read, Is.EqualTo(image));
        Assert.That(read.Reference, Is.EqualTo($"registry.local:5000/qts/observer@{Digest}"));
        Assert.That(read.Name, Is.EqualTo("registry.local:5000/qts/observer"));
    }

    [Test]
    public void Image_json_that_is_not_json_is_refused_at_its_line()
    {
        using var directory = new TempDirectory();
        var path = directory.Write(BundleImage.FileName, "{\n  \"registry\": \"r\",\n  oops\n}\n");

        var error = Assert.Throws<BundleException>(() => BundleImage.Read(path))!;

        Assert.That(error.Message, Does.StartWith($"{path}:3: not valid JSON (").And.EndWith($"). {Fix}"));
    }

    [TestCase("""{"registry": "r", "repository": "q", "digest": "DIGEST"}""", TestName = "Image_json_without_an_archive_is_refused")]
    [TestCase("""{"registry": "", "repository": "q", "digest": "DIGEST", "archive": "a.tar"}""", TestName = "Image_json_with_an_empty_registry_is_refused")]
    [TestCase("""{"registry": "r", "digest": "DIGEST", "archive": "a.tar"}""", TestName = "Image_json_without_a_repository_is_refused")]
    [TestCase("""{"registry": "r", "repository": "q", "archive": "a.tar"}""", TestName = "Image_json_without_a_digest_is_refused")]
    [TestCase("""{"registry": "r", "repository": "q", "digest": "sha256:ABC", "archive": "a.tar"}""", TestName = "Image_json_with_a_digest_not_sha256_hex_is_refused")]
    [TestCase("""{"registry": "r", "repository": "q", "digest": "xsha256:DIGESTHEX", "archive": "a.tar"}""", TestName = "Image_json_with_a_digest_with_a_prefix_is_refused")]
    [TestCase("""{"registry": "r", "repository": "q", "digest": "DIGESTx", "archive": "a.tar"}""", TestName = "Image_json_with_a_digest_with_a_suffix_is_refused")]
    [TestCase("null", TestName = "Image_json_of_null_is_refused")]
    public void Image_json_missing_a_field_or_with_a_digest_not_sha256_hex_is_refused(string json)
    {
        using var directory = new TempDirectory();
        var path = directory.Write(BundleImage.FileName, json.Replace("DIGESTHEX", new string('a', 64)).Replace("DIGEST", Digest));

        var error = Assert.Throws<BundleException>(() => BundleImage.Read(path))!;

        Assert.That(error.Message, Is.EqualTo($"{path}: needs registry, repository, archive and a digest sha256:<64 hex>. {Fix}"));
    }
}
