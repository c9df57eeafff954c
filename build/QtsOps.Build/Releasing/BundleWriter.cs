using System.Diagnostics;
using System.Text;
using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Build.Registry;
using QtsOps.Core.Bundling;
using QtsOps.Core.Environments;
using QtsOps.Core.Releasing;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Releasing;

/// <summary>What bundle wrote: its folder, files, the image digest, and who signed it (null: unsigned).</summary>
public sealed record BundleReport(string Directory, IReadOnlyList<string> Files, string Image, string? SignedBy);

/// <summary>
/// Writes artifacts/bundle/&lt;version&gt;/: the deploy package, the image as the registry holds it
/// (image.json) and as an OCI archive, the release notes, the provenance (in-toto, SLSA, in a DSSE
/// envelope), the SBOMs of the image and of the pipeline (CycloneDX JSON) and SHA256SUMS, the provenance
/// and SHA256SUMS signed with the release key when one is given.
/// </summary>
/// <param name="facts">The source, builder and parameters the provenance states.</param>
/// <param name="pipelineAssets">The folder of the pipeline projects' project.assets.json (copied beside the program when it is built).</param>
public sealed class BundleWriter(DockerEngine images, DeploymentEnvironment target, Checkout checkout, RegistryAccess access,
    string repositoryRoot, string artifactsDirectory, Func<SigningKey?> signingKey, BuildFacts facts, string pipelineAssets, RunReporting reporting)
{
    // The service the image runs, and its folder (the Dockerfile's WORKDIR): its own files are those under it.
    private const string ServiceName = "qts-observer";
    private const string ServiceRoot = "app";

    private ICakeLog Log => reporting.Log;

    public static string DirectoryOf(string artifactsDirectory, string versionTag) => Path.Combine(artifactsDirectory, "bundle", versionTag);

    public BundleReport Run()
    {
        var tag = checkout.VersionTag;
        var package = Path.Combine(artifactsDirectory, "package", $"qts_ops_deploy-{tag}.tar.gz");
        if (!File.Exists(package)) throw new PipelineException($"No deploy package at {package}. Fix: ./build.sh --target=bundle builds it (bundle depends on package).");
        var digest = access.Manifests.Digest(target.ImageRepository, tag)
            ?? throw new PipelineException($"The registry {access.Registry} serves no {target.ImageRepository}:{tag}: the bundle names the image by the digest the registry holds. Fix: ./build.sh --target=push --target=bundle.");
        using var key = signingKey();
        var signedBy = key?.Fingerprint;
        if (key is null) reporting.WarnOnce($"Neither {PipelineOptions.SigningKey.Variable} nor {PipelineOptions.SigningKeyFile.Variable} is set: the bundle is unsigned, and verify-release and protected deploys refuse it.");

        var directory = DirectoryOf(artifactsDirectory, tag);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
        var packageFile = Path.GetFileName(package);
        File.Copy(package, Path.Combine(directory, packageFile));
        var image = new BundleImage(access.Registry, target.ImageRepository, digest, $"{target.ImageRepository.Replace('/', '-')}-{tag}.oci.tar");
        SaveImage(target.ImageOf(tag), Path.Combine(directory, image.Archive), image, directory);
        File.WriteAllText(Path.Combine(directory, BundleImage.FileName), image.ToJson());
        File.WriteAllText(Path.Combine(directory, "notes.md"), Notes());

        var statement = Provenance.Statement(facts, [new ProvenanceSubject(packageFile, Sha256Sums.Of(package)), new ProvenanceSubject(image.Name, digest["sha256:".Length..])]);
        var envelope = DsseEnvelope.Unsigned(DsseEnvelope.InTotoPayloadType, statement);
        if (key is not null) envelope = envelope.WithSignature(signedBy!, key.SignBytes(envelope.Pae()));
        File.WriteAllText(Path.Combine(directory, Provenance.FileName), envelope.ToJson());

        var files = Directory.GetFiles(directory).Select(Path.GetFileName).OfType<string>().ToList();
        var sums = Path.Combine(directory, Sha256Sums.FileName);
        File.WriteAllText(sums, Sha256Sums.Format(files.Select(file => new ChecksumEntry(Sha256Sums.Of(Path.Combine(directory, file)), file))));
        files.Add(Sha256Sums.FileName);
        if (key is not null) files.Add(Path.GetFileName(key.Sign(sums)));

        var relative = Path.GetRelativePath(repositoryRoot, directory);
        Log.Information($"Bundle {relative}: {string.Join(", ", files.Order(StringComparer.Ordinal))}; image {image.Reference}; {(signedBy is null ? "UNSIGNED" : $"signed by {signedBy}")}");
        var report = new BundleReport(relative, [.. files.Order(StringComparer.Ordinal)], image.Reference, signedBy);
        reporting.Write("bundle", signedBy is null ? "unsigned" : "signed", report,
            $"# bundle\n\n`{relative}`: {(signedBy is null ? "**unsigned**" : $"signed by `{signedBy}`")}, image `{image.Reference}`.\n\n{string.Join("\n", report.Files.Select(f => $"- `{f}`"))}\n", []);
        return report;
    }

    /// <summary>
    /// docker save of the image, laid out as an OCI image archive (see <see cref="OciArchive"/>), and the
    /// SBOMs: the image's read from the same saved layers, the pipeline's from its projects' assets.
    /// </summary>
    private void SaveImage(string reference, string archive, BundleImage image, string directory)
    {
        var saved = Path.Combine(Path.GetDirectoryName(archive)!, ".docker-save.tar");
        try
        {
            images.Call(DockerAliases.DockerSave, new DockerSaveSettings { Image = reference, OutputFile = saved }).EnsureSuccess();
            using var layers = SavedImage.Unpack(saved);
            OciArchive.FromSavedImage(layers, archive, checkout.VersionTag, checkout.Commit.CommitTime);
            var timer = Stopwatch.StartNew();
            WriteSboms(layers, image, directory);
            Log.Information($"SBOMs ({Sbom.ImageFileName}, {Sbom.PipelineFileName}) written in {timer.Elapsed.TotalSeconds:0.00} s");
        }
        finally
        {
            File.Delete(saved);
        }
    }

    private void WriteSboms(SavedImage layers, BundleImage image, string directory)
    {
        var files = ImageFileSystem.Read(layers.Layers, ImageSbom.Needs);
        var subject = new ImageSubject(image, checkout.VersionTag, ServiceName, ServiceRoot, checkout.Commit.CommitTime);
        File.WriteAllText(Path.Combine(directory, Sbom.ImageFileName), Sbom.ToJson(ImageSbom.Build(subject, files)));

        var assets = Directory.Exists(pipelineAssets) ? Directory.GetFiles(pipelineAssets, "project.assets.json", SearchOption.AllDirectories) : [];
        if (assets.Length == 0)
            throw new PipelineException($"No project.assets.json under {pipelineAssets}: the pipeline SBOM lists what NuGet restored for the pipeline. Fix: rebuild the pipeline (delete .qtsops/host and run ./build.sh again).");
        var packages = assets.Order(StringComparer.Ordinal).SelectMany(file => PipelineSbom.Packages(File.ReadAllText(file), file));
        File.WriteAllText(Path.Combine(directory, Sbom.PipelineFileName),
            Sbom.ToJson(PipelineSbom.Build("qtsops-pipeline", checkout.Version, checkout.Commit.Sha, checkout.Commit.CommitTime, packages)));
    }

    /// <summary>The version's CHANGELOG.md section (as the release target wrote it), else a line saying it is no release.</summary>
    private string Notes()
    {
        var changelog = Path.Combine(repositoryRoot, Changelog.FileName);
        return Changelog.SectionOf(File.Exists(changelog) ? File.ReadAllText(changelog, Encoding.UTF8) : null, checkout.Version)
            ?? $"## {checkout.Version}\n\nNot a release: no CHANGELOG.md section for {checkout.Version} (commit {checkout.Commit.Sha}).\n";
    }
}
