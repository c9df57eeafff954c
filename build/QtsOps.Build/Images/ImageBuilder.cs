using System.Globalization;
using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Images;
using QtsOps.Core.Reports;
using QtsOps.Tools.Docker;
using QtsOps.Tools.Git;

namespace QtsOps.Build.Images;

/// <summary>What the image target produced: the image, its id, tags and size (the base's beside it), and whether it was built now.</summary>
public sealed record ImageResult(string Reference, string Id, IReadOnlyList<string> Tags, string BaseImage, string InputsHash, bool Built, long Size, long BaseSize);

/// <summary>Builds the image from the package's files (what ships is what is built), unless an image of the same inputs exists.</summary>
/// <param name="packageDirectory">The deploy package: the image is built from exactly its files.</param>
/// <param name="artifactsDirectory">Where the build writes the new image's id.</param>
/// <param name="sourceUrl">The image's source label, read (from git) when the image is built.</param>
public sealed class ImageBuilder(DockerEngine engine, BaseImageResolver baseImages, DeploymentEnvironment target, Checkout checkout,
    string packageDirectory, string artifactsDirectory, Func<string> sourceUrl, RunReporting reporting)
{
    private ICakeLog Log => reporting.Log;

    private string ImageReference => target.ImageOf(checkout.VersionTag);

    public ImageResult Run()
    {
        engine.EnsureReachable();
        var package = packageDirectory;
        if (!File.Exists(Path.Combine(package, "Dockerfile")))
            throw new PipelineException($"No deploy package with a Dockerfile at {package}. Fix: run ./build.sh --target=package first (the image is built from the package's files).");

        var (baseName, baseImage) = baseImages.Resolve();
        var buildArguments = new Dictionary<string, string>
        {
            ["BASE_IMAGE"] = baseName,
            ["VERSION"] = checkout.Version,
            ["REVISION"] = checkout.Commit.Sha,
            // The commit's time, not the clock's: the same commit gives the same labels, so a rebuild can be skipped.
            ["CREATED"] = checkout.Commit.CommitTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["SOURCE"] = sourceUrl(),
        };
        var inputs = ImageInputs.Hash(package, baseImage.Id, buildArguments);
        var tags = ImageTags.For(checkout.VersionInfo.Version, checkout.Commit.ShortSha).Select(tag => $"{target.ImageRepository}:{tag}").ToList();

        // The inputs hold the version, so an image built from them carries its version tag: one inspect, where listing the
        // engine's images by label takes a quarter of a second once it holds hundreds. The label tells a tag of other inputs.
        if (engine.Image(tags[0]) is { } existing && existing.Config.Labels?.GetValueOrDefault(ImageInputs.Label) == inputs)
        {
            foreach (var tag in tags.Skip(1)) engine.Call(DockerAliases.DockerTag, new DockerTagSettings { SourceImage = existing.Id, TargetImage = tag });
            Log.Information($"Skipping the build: image {Short(existing.Id)} was built from these inputs ({Short(inputs)}: package files, base {baseName}, version {checkout.Version}); tags {string.Join(", ", tags)}");
            return Reported(new ImageResult(ImageReference, existing.Id, tags, baseName, inputs, Built: false, existing.Size, baseImage.Size));
        }

        var idFile = Path.Combine(artifactsDirectory, "image", "image-id.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(idFile)!);
        Log.Information($"Building {string.Join(", ", tags)} from {package} on {baseName}");
        engine.Call(DockerAliases.DockerBuild, new DockerBuildSettings
        {
            ContextDirectory = package,
            Tags = tags,
            // The hash, added after hashing (it cannot cover itself): the Dockerfile's LABEL makes it ImageInputs.Label, which the lookup above reads.
            BuildArguments = new Dictionary<string, string>(buildArguments) { [ImageInputs.BuildArgument] = inputs },
            ImageIdFile = idFile,
            OutputLine = line => Log.Verbose(line),
        });
        var id = File.ReadAllText(idFile).Trim();
        Log.Information($"Built {ImageReference} ({Short(id)})");
        return Reported(new ImageResult(ImageReference, id, tags, baseName, inputs, Built: true, SizeOf(id), baseImage.Size));
    }

    private long SizeOf(string id) => engine.Image(id)?.Size ?? 0;

    private ImageResult Reported(ImageResult result)
    {
        Log.Information($"Image size: {Megabytes(result.Size)} (base image {result.BaseImage}: {Megabytes(result.BaseSize)})");
        reporting.Write("image", result.Built ? "built" : "reused", result,
            $"# image\n\n`{result.Reference}` ({Short(result.Id)}) {(result.Built ? "built" : "reused: an image of the same inputs exists")}, base `{result.BaseImage}`, inputs `{Short(result.InputsHash)}`.\n\n{string.Join("\n", result.Tags.Select(t => $"- `{t}`"))}\n", []);
        return result;
    }

    /// <summary>Docker's own unit: SIZE in `docker image ls` is in 10^6 bytes.</summary>
    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB");

    private static string Short(string id) => id.Replace("sha256:", "")[..12];
}
