using System.Text;
using Cake.Core.Diagnostics;
using QtsOps.Build.Registry;
using QtsOps.Core.Bundling;
using QtsOps.Core.Reports;
using QtsOps.Tools.Ssh;

namespace QtsOps.Build.Releasing;

/// <summary>A bundle's checks and whether it passed them all.</summary>
public sealed record ReleaseVerdict(string Bundle, string? Version, IReadOnlyList<ReleaseCheck> Checks, bool Unsigned)
{
    public bool Passed => Checks.All(c => c.Passed);
}

/// <summary>
/// verify-release: gathers what a bundle holds (checksums, the SBOMs checked against the CycloneDX schema, SSH signatures checked with ssh-keygen
/// against allowed_signers, the provenance, what the registry serves for its image digest) and has
/// <see cref="ReleaseJudgement"/> judge it. Deploy and rollback to an environment with
/// requireVerifiedRelease call it before anything changes on the host.
/// </summary>
/// <param name="allowedSigners">The allowed_signers file (QTSOPS_ALLOWED_SIGNERS, else the repository's).</param>
/// <param name="commitOfVersion">The commit of the tag v&lt;version&gt;, or null when this repository has no such tag.</param>
/// <param name="manifests">How to ask a registry (registry → its API client with this run's login).</param>
public sealed class ReleaseVerifier(string allowedSigners, string repository, Func<string, string?> commitOfVersion, string headCommit,
    Func<string, RegistryManifests> manifests, RunReporting reporting)
{
    private ICakeLog Log => reporting.Log;

    /// <summary>Checks the bundle, prints each check, writes artifacts/reports/verify-release.*; throws naming the failed checks.</summary>
    public ReleaseVerdict Run(string bundle)
    {
        var verdict = Verify(bundle);
        // One stream, in order: the failures are read among the checks that passed; the error names them again.
        foreach (var check in verdict.Checks) Log.Information($"  {(check.Passed ? "PASS" : "FAIL")} {check.Name}: {check.Detail}");
        var failed = verdict.Checks.Where(c => !c.Passed).ToList();
        reporting.Write("verify-release", verdict.Passed ? "verified" : verdict.Unsigned ? "unsigned" : "refused", verdict,
            $"# verify-release\n\n`{bundle}`\n\n| check | result | detail |\n|---|---|---|\n" +
            string.Concat(verdict.Checks.Select(c => $"| {c.Name} | {(c.Passed ? "pass" : "FAIL")} | {c.Detail.Replace("|", "\\|")} |\n")),
            [.. failed.Select(c => Finding.Error("verify-release", bundle, $"{c.Name}: {c.Detail}", "rebuild the bundle from the release tag with the release key (./build.sh --target=bundle), or check who altered it"))]);
        if (verdict.Passed)
        {
            Log.Information($"The release bundle {bundle} ({verdict.Version}) is verified: {verdict.Checks.Count} checks passed.");
            return verdict;
        }
        throw new PipelineException((verdict.Unsigned ? $"The release bundle {bundle} is unsigned: nothing vouches for it. " : $"The release bundle {bundle} failed verification: ") +
            string.Join("; ", failed.Select(c => $"{c.Name}: {c.Detail}")) +
            $". Fix: use the bundle the release manager signed (./build.sh --target=bundle with {PipelineOptions.SigningKey.Variable}), with its signer in {Path.GetFileName(allowedSigners)}.");
    }

    public ReleaseVerdict Verify(string bundle)
    {
        if (!Directory.Exists(bundle))
            throw new PipelineException($"No release bundle at {bundle}. Fix: ./build.sh --target=bundle writes it for this checkout's version, or give --bundle=DIR (the GitHub release's assets, downloaded).");
        var sumsFile = Path.Combine(bundle, Sha256Sums.FileName);
        if (!File.Exists(sumsFile)) throw new PipelineException($"{sumsFile} is missing: this is no release bundle. Fix: ./build.sh --target=bundle.");
        var entries = Sha256Sums.Parse(File.ReadAllText(sumsFile), sumsFile);
        var listed = entries.Select(e => e.File).ToHashSet(StringComparer.Ordinal);
        var unlisted = Directory.GetFiles(bundle).Select(Path.GetFileName).OfType<string>()
            .Where(f => f != Sha256Sums.FileName && f != Sha256Sums.FileName + ".sig" && !listed.Contains(f)).Order(StringComparer.Ordinal).ToList();

        var envelopeFile = Path.Combine(bundle, Provenance.FileName);
        if (!File.Exists(envelopeFile)) throw new PipelineException($"{envelopeFile} is missing: the bundle has no provenance. Fix: ./build.sh --target=bundle.");
        var envelope = DsseEnvelope.Read(envelopeFile);
        var stated = Provenance.Read(envelope.PayloadBytes, envelopeFile);
        var image = BundleImage.Read(Path.Combine(bundle, BundleImage.FileName));
        var package = entries.FirstOrDefault(e => e.File.StartsWith("qts_ops_deploy-", StringComparison.Ordinal) && e.File.EndsWith(".tar.gz", StringComparison.Ordinal))
            ?? throw new PipelineException($"{sumsFile} lists no deploy package (qts_ops_deploy-<version>.tar.gz). Fix: ./build.sh --target=bundle.");

        var evidence = new BundleEvidence(Sha256Sums.Check(bundle, entries), unlisted,
            FileSignature(sumsFile), EnvelopeSignature(envelope), stated, image, package, Served(image), [.. Sbom.FileNames.Select(file => SbomOf(bundle, file))]);
        var expected = new ReleaseExpectation(repository, (stated.Version is { } version ? commitOfVersion(version) : null) ?? headCommit);
        return new ReleaseVerdict(bundle, stated.Version, ReleaseJudgement.Judge(evidence, expected), ReleaseJudgement.IsUnsigned(evidence));
    }

    private static SbomEvidence SbomOf(string bundle, string file)
    {
        var path = Path.Combine(bundle, file);
        return File.Exists(path) ? new SbomEvidence(file, true, Sbom.SchemaErrors(File.ReadAllText(path))) : new SbomEvidence(file, false, []);
    }

    private string? Served(BundleImage image)
    {
        try
        {
            return manifests(image.Registry).Digest(image.Repository, image.Digest);
        }
        catch (Exception exception) when (exception is PipelineException or HttpRequestException)
        {
            Log.Warning($"Asking {image.Registry} for {image.Reference}: {exception.Message}");
            return null;
        }
    }

    private SignatureOutcome FileSignature(string file) =>
        File.Exists(file + ".sig") ? Check(file + ".sig", file) : new SignatureOutcome.Unsigned();

    private SignatureOutcome EnvelopeSignature(DsseEnvelope envelope)
    {
        if (envelope.Signatures.Count == 0) return new SignatureOutcome.Unsigned();
        var work = Directory.CreateTempSubdirectory("qtsops-dsse-").FullName;
        try
        {
            var pae = Path.Combine(work, "pae");
            File.WriteAllBytes(pae, envelope.Pae());
            SignatureOutcome outcome = new SignatureOutcome.Refused("no signature");
            foreach (var (signature, index) in envelope.Signatures.Select((s, i) => (s, i)))
            {
                var sig = Path.Combine(work, $"sig{index}");
                File.WriteAllText(sig, Encoding.UTF8.GetString(Convert.FromBase64String(signature.Sig)));
                outcome = Check(sig, pae);
                if (outcome is SignatureOutcome.Verified) return outcome;
            }
            return outcome;
        }
        catch (FormatException)
        {
            return new SignatureOutcome.Refused("a signature is not base64");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Whose key of allowed_signers made the signature, then ssh-keygen -Y verify of the file as that principal.</summary>
    private SignatureOutcome Check(string signature, string file)
    {
        if (!File.Exists(allowedSigners))
            return new SignatureOutcome.Refused($"no allowed_signers at {allowedSigners} (set {PipelineOptions.AllowedSigners.Variable} or add the repository's allowed_signers)");
        var principals = SshKeygenRunner.Run(SshKeygenCommand.FindPrincipals(allowedSigners, signature));
        if (!principals.Succeeded || principals.Output.Length == 0)
            return new SignatureOutcome.Refused($"made by a key that is not in {Path.GetFileName(allowedSigners)}");
        var principal = principals.Output.Split('\n')[0].Trim();
        var verified = SshKeygenRunner.Run(SshKeygenCommand.Verify(allowedSigners, principal, signature, file));
        return verified.Succeeded ? new SignatureOutcome.Verified(principal)
            : new SignatureOutcome.Refused($"bad signature for {principal}: {(verified.Error.Length > 0 ? verified.Error : verified.Output)}");
    }
}
