namespace QtsOps.Core.Bundling;

/// <summary>How a signature checked out against allowed_signers.</summary>
public abstract record SignatureOutcome
{
    public sealed record Verified(string Principal) : SignatureOutcome;
    public sealed record Unsigned : SignatureOutcome;
    public sealed record Refused(string Reason) : SignatureOutcome;
}

/// <summary>One check of verify-release: its name, whether it passed, and what it found.</summary>
public sealed record ReleaseCheck(string Name, bool Passed, string Detail);

/// <summary>An SBOM the bundle must carry: whether it is there, and what the CycloneDX schema finds wrong with it.</summary>
public sealed record SbomEvidence(string File, bool Present, IReadOnlyList<string> SchemaErrors);

/// <summary>What verify-release found out about a bundle, before judging it.</summary>
/// <param name="Checksums">Each SHA256SUMS line checked against its file.</param>
/// <param name="Unlisted">Files of the bundle that SHA256SUMS does not name (the signatures aside).</param>
/// <param name="Package">The deploy package's line of SHA256SUMS.</param>
/// <param name="ServedDigest">What the registry serves for the image digest the bundle names (null: nothing).</param>
/// <param name="Sboms">Each SBOM a bundle carries (<see cref="Sbom.FileNames"/>).</param>
public sealed record BundleEvidence(
    IReadOnlyList<ChecksumResult> Checksums,
    IReadOnlyList<string> Unlisted,
    SignatureOutcome ChecksumsSignature,
    SignatureOutcome ProvenanceSignature,
    StatedProvenance Provenance,
    BundleImage Image,
    ChecksumEntry Package,
    string? ServedDigest,
    IReadOnlyList<SbomEvidence> Sboms);

/// <summary>What the bundle must match: this repository and the commit its version's tag points at.</summary>
public sealed record ReleaseExpectation(string Repository, string Commit);

/// <summary>
/// The rules of verify-release: every checksum matches and every file is listed, the SBOMs are there,
/// listed in SHA256SUMS (so signed with it), match it and are valid CycloneDX, SHA256SUMS and the
/// provenance are signed by a key of allowed_signers, the provenance names this repository, the tag's
/// commit, the package and the image, and the registry serves that image digest. An unsigned bundle
/// fails as unsigned (not as altered): nothing vouches for it.
/// </summary>
public static class ReleaseJudgement
{
    public const string Checksums = "checksums";
    public const string Sboms = "SBOMs";
    public const string ChecksumsSignature = "SHA256SUMS signature";
    public const string ProvenanceSignature = "provenance signature";
    public const string Source = "provenance source";
    public const string Subjects = "provenance subjects";
    public const string Image = "image in registry";

    public static IReadOnlyList<ReleaseCheck> Judge(BundleEvidence evidence, ReleaseExpectation expected) =>
    [
        ChecksumCheck(evidence),
        SignatureCheck(ChecksumsSignature, evidence.ChecksumsSignature, Sha256Sums.FileName + ".sig"),
        SignatureCheck(ProvenanceSignature, evidence.ProvenanceSignature, $"{Provenance.FileName} (DSSE)"),
        SourceCheck(evidence.Provenance, expected),
        SubjectsCheck(evidence),
        ImageCheck(evidence.Image, evidence.ServedDigest),
        SbomCheck(evidence),
    ];

    /// <summary>Whether the bundle carries no signature at all: it is reported as unsigned rather than as tampered with.</summary>
    public static bool IsUnsigned(BundleEvidence evidence) =>
        evidence is { ChecksumsSignature: SignatureOutcome.Unsigned, ProvenanceSignature: SignatureOutcome.Unsigned };

    private static ReleaseCheck ChecksumCheck(BundleEvidence evidence)
    {
        var bad = evidence.Checksums.Where(c => !c.Matches).Select(c => $"{c.File}: {c.Detail}")
            .Concat(evidence.Unlisted.Select(file => $"{file}: not in {Sha256Sums.FileName}")).ToList();
        return bad.Count == 0
            ? new ReleaseCheck(Checksums, true, $"{evidence.Checksums.Count} file(s) match {Sha256Sums.FileName}")
            : new ReleaseCheck(Checksums, false, string.Join("; ", bad));
    }

    private static ReleaseCheck SbomCheck(BundleEvidence evidence)
    {
        var problems = evidence.Sboms.Select(sbom => (sbom.File, Problem: SbomProblem(sbom, evidence.Checksums.FirstOrDefault(c => c.File == sbom.File))))
            .Where(p => p.Problem is not null).Select(p => $"{p.File}: {p.Problem}").ToList();
        return problems.Count == 0
            ? new ReleaseCheck(Sboms, true, $"{string.Join(" and ", evidence.Sboms.Select(s => s.File))}: listed in {Sha256Sums.FileName}, matching it, valid CycloneDX")
            : new ReleaseCheck(Sboms, false, string.Join("; ", problems));
    }

    private static string? SbomProblem(SbomEvidence sbom, ChecksumResult? listed) =>
        !sbom.Present ? "missing from the bundle"
        : listed is null ? $"not listed in {Sha256Sums.FileName}, so nothing signs it"
        : !listed.Matches ? $"does not match {Sha256Sums.FileName} ({listed.Detail})"
        : sbom.SchemaErrors.Count > 0 ? $"not valid CycloneDX: {string.Join(" ", sbom.SchemaErrors.Take(4))}"
        : null;

    private static ReleaseCheck SignatureCheck(string name, SignatureOutcome outcome, string what) => outcome switch
    {
        SignatureOutcome.Verified verified => new ReleaseCheck(name, true, $"{what}: good signature by {verified.Principal}"),
        SignatureOutcome.Unsigned => new ReleaseCheck(name, false, $"unsigned: {what} has no signature (the bundle was built without QTSOPS_SIGNING_KEY)"),
        SignatureOutcome.Refused refused => new ReleaseCheck(name, false, $"{what}: {refused.Reason}"),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    private static ReleaseCheck SourceCheck(StatedProvenance stated, ReleaseExpectation expected)
    {
        var problems = new List<string>();
        if (!SameRepository(stated.Repository, expected.Repository))
            problems.Add($"names repository {stated.Repository ?? "(none)"}, this is {expected.Repository}");
        if (!string.Equals(stated.Commit, expected.Commit, StringComparison.OrdinalIgnoreCase))
            problems.Add($"names commit {stated.Commit ?? "(none)"}, the release's is {expected.Commit}");
        return problems.Count == 0
            ? new ReleaseCheck(Source, true, $"{expected.Repository} at {expected.Commit}")
            : new ReleaseCheck(Source, false, string.Join("; ", problems));
    }

    private static ReleaseCheck SubjectsCheck(BundleEvidence evidence)
    {
        var problems = new List<string>();
        var package = evidence.Provenance.Subjects.FirstOrDefault(s => s.Name == evidence.Package.File);
        if (package?.Sha256 != evidence.Package.Sha256)
            problems.Add($"the package subject {evidence.Package.File} ({package?.Sha256 ?? "none"}) is not the {Sha256Sums.FileName} entry {evidence.Package.Sha256}");
        var image = evidence.Provenance.Subjects.FirstOrDefault(s => s.Name == evidence.Image.Name);
        if ($"sha256:{image?.Sha256}" != evidence.Image.Digest)
            problems.Add($"the image subject {evidence.Image.Name} ({image?.Sha256 ?? "none"}) is not {evidence.Image.Digest} of {BundleImage.FileName}");
        return problems.Count == 0
            ? new ReleaseCheck(Subjects, true, $"{evidence.Package.File} and {evidence.Image.Reference}")
            : new ReleaseCheck(Subjects, false, string.Join("; ", problems));
    }

    private static ReleaseCheck ImageCheck(BundleImage image, string? served) => served == image.Digest
        ? new ReleaseCheck(Image, true, $"{image.Registry} serves {image.Reference}")
        : new ReleaseCheck(Image, false, $"{image.Registry} does not serve {image.Reference}" + (served is null ? "" : $" (it answers {served})"));

    /// <summary>The same repository however the URL is written: case, a trailing slash or .git, user info.</summary>
    public static bool SameRepository(string? stated, string expected) => stated is not null && Normal(stated) == Normal(expected);

    private static string Normal(string url)
    {
        var plain = Secrets.UrlUserInfo.Remove(url).TrimEnd('/').ToLowerInvariant();
        return plain.EndsWith(".git", StringComparison.Ordinal) ? plain[..^4] : plain;
    }
}
