using System.Globalization;
using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Release.Images;
using QtsOps.Release.Reports;
using QtsOps.Tools.Docker;
using QtsOps.Tools.Git;

namespace QtsOps.Build.Images;

/// <summary>What the image target produced: the image, its id, tags and size (the base's beside it), and whether it was built now.</summary>
public sealed record ImageResult(string Reference, string Id, IReadOnlyList<string> Tags, string BaseImage, string InputsHash, bool Built, long Size, long BaseSize);

/// <summary>Builds the image from the package's files (what ships is what is built), unless an image of the same inputs exists.</summary>
public sealed class ImageBuilder(DockerEngine engine)
{
    private BuildContext Context => engine.Context;

    public ImageResult Run()
    {
        engine.EnsureReachable();
        var package = Context.PackageDirectory;
        if (!File.Exists(Path.Combine(package, "Dockerfile")))
            throw new PipelineException($"No deploy package with a Dockerfile at {package}. Fix: run ./build.sh --target=package first (the image is built from the package's files).");

        var (baseName, baseImage) = new BaseImageResolver(engine).Resolve();
        var buildArguments = new Dictionary<string, string>
        {
            ["BASE_IMAGE"] = baseName,
            ["VERSION"] = Context.Checkout.Version,
            ["REVISION"] = Context.Checkout.Commit.Sha,
            // The commit's time, not the clock's: the same commit gives the same labels, so a rebuild can be skipped.
            ["CREATED"] = Context.Checkout.Commit.CommitTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["SOURCE"] = Context.SourceUrl,
        };
        var inputs = ImageInputs.Hash(package, baseImage.Id, buildArguments);
        var tags = ImageTags.For(Context.Checkout.VersionInfo.Version, Context.Checkout.Commit.ShortSha).Select(tag => $"{Context.Target.ImageRepository}:{tag}").ToList();

        var existing = Context.DockerImageList(engine.With(new DockerImageListSettings { Filters = [$"label={ImageInputs.Label}={inputs}"] })).FirstOrDefault();
        if (existing is not null)
        {
            foreach (var tag in tags) Context.DockerTag(engine.With(new DockerTagSettings { SourceImage = existing.ID, TargetImage = tag }));
            Context.Log.Information($"Skipping the build: image {Short(existing.ID)} was built from these inputs ({Short(inputs)}: package files, base {baseName}, version {Context.Checkout.Version}); tags {string.Join(", ", tags)}");
            return Reported(new ImageResult(Context.ImageReference, existing.ID, tags, baseName, inputs, Built: false, SizeOf(existing.ID), baseImage.Size));
        }

        var idFile = Path.Combine(Context.ArtifactsDirectory, "image", "image-id.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(idFile)!);
        Context.Log.Information($"Building {string.Join(", ", tags)} from {package} on {baseName}");
        Context.DockerBuild(engine.With(new DockerBuildSettings
        {
            ContextDirectory = package,
            Tags = tags,
            BuildArguments = buildArguments,
            Labels = { [ImageInputs.Label] = inputs },
            ImageIdFile = idFile,
            OutputLine = line => Context.Log.Verbose(line),
        }));
        var id = File.ReadAllText(idFile).Trim();
        Context.Log.Information($"Built {Context.ImageReference} ({Short(id)})");
        return Reported(new ImageResult(Context.ImageReference, id, tags, baseName, inputs, Built: true, SizeOf(id), baseImage.Size));
    }

    private long SizeOf(string id) => engine.Image(id)?.Size ?? 0;

    private ImageResult Reported(ImageResult result)
    {
        Context.Log.Information($"Image size: {Megabytes(result.Size)} (base image {result.BaseImage}: {Megabytes(result.BaseSize)})");
        ReportWriter.Write(Context.ReportsDirectory, "image", result.Built ? "built" : "reused", result,
            $"# image\n\n`{result.Reference}` ({Short(result.Id)}) {(result.Built ? "built" : "reused: an image of the same inputs exists")}, base `{result.BaseImage}`, inputs `{Short(result.InputsHash)}`.\n\n{string.Join("\n", result.Tags.Select(t => $"- `{t}`"))}\n", []);
        return result;
    }

    /// <summary>Docker's own unit: SIZE in `docker image ls` is in 10^6 bytes.</summary>
    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB");

    private static string Short(string id) => id.Replace("sha256:", "")[..12];
}
