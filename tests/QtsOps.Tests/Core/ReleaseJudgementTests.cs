using QtsOps.Core.Bundling;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class ReleaseJudgementTests
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private const string Repository = "https://github.com/qtsops/qtsops";
    private static readonly string ImageHex = new('b', 64);
    private static readonly ChecksumEntry Package = new(new string('a', 64), "qts_ops_deploy-1.2.3.tar.gz");
    private static readonly BundleImage Image = new("registry.example:5000", "qts-observer", $"sha256:{ImageHex}", "qts-observer-1.2.3.oci.tar");
    private static readonly ReleaseExpectation Expected = new(Repository, Commit);

    private static BundleEvidence Good() => new(
        [new ChecksumResult(Package.File, true, "matches"), .. Sbom.FileNames.Select(file => new ChecksumResult(file, true, "matches"))], [],
        new SignatureOutcome.Verified("rm@example"), new SignatureOutcome.Verified("rm@example"),
        new StatedProvenance(Repository, Commit, "1.2.3", [new ProvenanceSubject(Package.File, Package.Sha256), new ProvenanceSubject(Image.Name, ImageHex)]),
        Image, Package, Image.Digest, [.. Sbom.FileNames.Select(file => new SbomEvidence(file, true, []))]);

    private static IEnumerable<string> Failed(BundleEvidence evidence) =>
        ReleaseJudgement.Judge(evidence, Expected).Where(c => !c.Passed).Select(c => c.Name);

    [Test]
    public void A_bundle_with_matching_sums_good_signatures_its_source_and_a_served_digest_passes_every_check()
    {
        var checks = ReleaseJudgement.Judge(Good(), Expected);

        Assert.That(checks.Select(c => c.Name), Is.EqualTo(new[]
        {
            ReleaseJudgement.Checksums, ReleaseJudgement.ChecksumsSignature, ReleaseJudgement.ProvenanceSignature,
            ReleaseJudgement.Source, ReleaseJudgement.Subjects, ReleaseJudgement.Image, ReleaseJudgement.Sboms,
        }));
        Assert.That(checks, Is.All.Matches<ReleaseCheck>(c => c.Passed));
    }

    [Test]
    public void Each_passed_check_says_what_it_found()
    {
        var checks = ReleaseJudgement.Judge(Good(), Expected);

        Assert.That(checks.Select(c => c.Detail), Is.EqualTo(new[]
        {
            "3 file(s) match SHA256SUMS",
            "SHA256SUMS.sig: good signature by rm@example",
            "provenance.intoto.json (DSSE): good signature by rm@example",
            $"{Repository} at {Commit}",
            $"{Package.File} and {Image.Reference}",
            $"registry.example:5000 serves {Image.Reference}",
            "image.cdx.json and pipeline.cdx.json: listed in SHA256SUMS, matching it, valid CycloneDX",
        }));
    }

    [Test]
    public void A_bundle_wrong_in_every_way_fails_each_check_naming_every_problem()
    {
        var otherImage = new string('e', 64);
        var evidence = Good() with
        {
            ProvenanceSignature = new SignatureOutcome.Refused("no signature of allowed_signers"),
            Provenance = new StatedProvenance("https://github.com/other/qtsops", null, "1.2.3", [new ProvenanceSubject(Image.Name, otherImage)]),
            ServedDigest = null,
            Sboms = [new SbomEvidence(Sbom.ImageFileName, true, ["first error", "second error"]), new SbomEvidence(Sbom.PipelineFileName, true, [])],
        };

        var checks = ReleaseJudgement.Judge(evidence, Expected).Where(c => !c.Passed).ToDictionary(c => c.Name, c => c.Detail);

        Assert.That(checks, Is.EqualTo(new Dictionary<string, string>
        {
            [ReleaseJudgement.ProvenanceSignature] = "provenance.intoto.json (DSSE): no signature of allowed_signers",
            [ReleaseJudgement.Source] = $"names repository https://github.com/other/qtsops, this is {Repository}; names commit (none), the release's is {Commit}",
            [ReleaseJudgement.Subjects] = $"the package subject {Package.File} (none) is not the SHA256SUMS entry {Package.Sha256}; "
                + $"the image subject {Image.Name} ({otherImage}) is not {Image.Digest} of image.json",
            [ReleaseJudgement.Image] = $"registry.example:5000 does not serve {Image.Reference}",
            [ReleaseJudgement.Sboms] = "image.cdx.json: not valid CycloneDX: first error second error",
        }));
    }

    [Test]
    public void A_mismatching_sum_and_a_file_sha256sums_does_not_list_fail_the_checksums_naming_both()
    {
        var evidence = Good() with { Checksums = [new ChecksumResult(Package.File, false, "sha256 x, SHA256SUMS says y")], Unlisted = ["extra.sh"] };

        var check = ReleaseJudgement.Judge(evidence, Expected).Single(c => c.Name == ReleaseJudgement.Checksums);

        Assert.That(check.Passed, Is.False);
        Assert.That(check.Detail, Is.EqualTo($"{Package.File}: sha256 x, SHA256SUMS says y; extra.sh: not in SHA256SUMS"));
    }

    [Test]
    public void A_bundle_without_signatures_is_unsigned_and_fails_both_signature_checks()
    {
        var evidence = Good() with { ChecksumsSignature = new SignatureOutcome.Unsigned(), ProvenanceSignature = new SignatureOutcome.Unsigned() };

        Assert.That(ReleaseJudgement.IsUnsigned(evidence), Is.True);
        Assert.That(Failed(evidence), Is.EqualTo(new[] { ReleaseJudgement.ChecksumsSignature, ReleaseJudgement.ProvenanceSignature }));
        Assert.That(ReleaseJudgement.Judge(evidence, Expected)[1].Detail, Does.StartWith("unsigned:"));
    }

    [Test]
    public void One_refused_signature_is_not_unsigned_but_refused_with_its_reason()
    {
        var evidence = Good() with { ChecksumsSignature = new SignatureOutcome.Refused("made by a key that is not in allowed_signers") };

        Assert.That(ReleaseJudgement.IsUnsigned(evidence), Is.False);
        Assert.That(ReleaseJudgement.Judge(evidence, Expected)[1], Is.EqualTo(new ReleaseCheck(ReleaseJudgement.ChecksumsSignature, false,
            "SHA256SUMS.sig: made by a key that is not in allowed_signers")));
    }

    [TestCase("https://github.com/other/qtsops", Commit, "names repository https://github.com/other/qtsops, this is https://github.com/qtsops/qtsops")]
    [TestCase(Repository, "ffffffffffffffffffffffffffffffffffffffff", "names commit ffffffffffffffffffffffffffffffffffffffff, the release's is " + Commit)]
    [TestCase(null, Commit, "names repository (none), this is https://github.com/qtsops/qtsops")]
    public void A_provenance_of_another_repository_or_commit_fails_the_source_check(string? repository, string commit, string detail)
    {
        var evidence = Good() with { Provenance = Good().Provenance with { Repository = repository, Commit = commit } };

        var check = ReleaseJudgement.Judge(evidence, Expected).Single(c => c.Name == ReleaseJudgement.Source);

        Assert.That((check.Passed, check.Detail), Is.EqualTo((false, detail)));
    }

    [TestCase("https://github.com/QtsOps/qtsops.git")]
    [TestCase("https://github.com/qtsops/qtsops/")]
    [TestCase("https://user:token@github.com/qtsops/qtsops")]
    public void The_same_repository_written_another_way_is_the_same(string written) =>
        Assert.That(ReleaseJudgement.SameRepository(written, Repository), Is.True);

    [Test]
    public void Subjects_other_than_the_package_s_sum_and_the_image_digest_fail()
    {
        var evidence = Good() with { Provenance = Good().Provenance with { Subjects = [new ProvenanceSubject(Package.File, new string('c', 64))] } };

        var check = ReleaseJudgement.Judge(evidence, Expected).Single(c => c.Name == ReleaseJudgement.Subjects);

        Assert.That(check.Passed, Is.False);
        Assert.That(check.Detail, Does.Contain($"the package subject {Package.File} ({new string('c', 64)}) is not the SHA256SUMS entry {Package.Sha256}")
            .And.Contain($"the image subject {Image.Name} (none) is not {Image.Digest}"));
    }

    [TestCase(null, "registry.example:5000 does not serve registry.example:5000/qts-observer@sha256:")]
    [TestCase("sha256:1111111111111111111111111111111111111111111111111111111111111111", "(it answers sha256:1111")]
    public void An_image_digest_the_registry_does_not_serve_fails(string? served, string detail)
    {
        var check = ReleaseJudgement.Judge(Good() with { ServedDigest = served }, Expected).Single(c => c.Name == ReleaseJudgement.Image);

        Assert.That(check.Passed, Is.False);
        Assert.That(check.Detail, Does.Contain(detail));
    }

    [Test]
    public void An_sbom_missing_unlisted_altered_or_not_cyclonedx_fails_the_sbom_check_naming_each()
    {
        var evidence = Good() with
        {
            Checksums = [new ChecksumResult(Package.File, true, "matches"), new ChecksumResult(Sbom.PipelineFileName, false, "sha256 x, SHA256SUMS says y")],
            Sboms = [new SbomEvidence(Sbom.ImageFileName, true, []), new SbomEvidence(Sbom.PipelineFileName, true, ["Value should match one of the values specified by the enum"])],
        };
        var listedButInvalid = Good() with { Sboms = [new SbomEvidence(Sbom.ImageFileName, false, []), new SbomEvidence(Sbom.PipelineFileName, true, ["bad type"])] };

        var check = ReleaseJudgement.Judge(evidence, Expected).Single(c => c.Name == ReleaseJudgement.Sboms);
        var other = ReleaseJudgement.Judge(listedButInvalid, Expected).Single(c => c.Name == ReleaseJudgement.Sboms);

        Assert.That((check.Passed, check.Detail), Is.EqualTo((false,
            $"{Sbom.ImageFileName}: not listed in SHA256SUMS, so nothing signs it; {Sbom.PipelineFileName}: does not match SHA256SUMS (sha256 x, SHA256SUMS says y)")));
        Assert.That((other.Passed, other.Detail), Is.EqualTo((false,
            $"{Sbom.ImageFileName}: missing from the bundle; {Sbom.PipelineFileName}: not valid CycloneDX: bad type")));
    }
}
