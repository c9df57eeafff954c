using System.Formats.Tar;
using Cake.Core;
using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Release.Images;
using QtsOps.Tools;
using QtsOps.Tools.Debootstrap;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Images;

/// <summary>Which base image the run asked for.</summary>
/// <param name="Requested">--base-image (BASE_IMAGE), or null for the Dockerfile's default.</param>
/// <param name="Bootstrap">Whether a base may be built offline with debootstrap: --bootstrap-base, else the environment's bootstrapBaseImage.</param>
/// <param name="DebianMirror">Where debootstrap gets its packages.</param>
public sealed record BaseImageChoice(string? Requested, bool Bootstrap, string DebianMirror);

/// <summary>
/// Finds the base image the Dockerfile builds FROM: BASE_IMAGE (--base-image) when the engine has it
/// or can pull it, else (with --bootstrap-base, on by default for local) a Python 3.11 base built
/// offline with debootstrap and cached under a name derived from its recipe.
/// </summary>
/// <param name="tools">Runs debootstrap.</param>
/// <param name="stateDirectory">The checkout's .qtsops: the bootstrap's work folder is under it.</param>
public sealed class BaseImageResolver(DockerEngine engine, ICakeContext tools, BaseImageChoice choice, string stateDirectory)
{
    public const string DockerfileDefault = "python:3.11-slim";

    private ICakeLog Log => tools.Log;

    /// <returns>The base image's name and what the engine says of it.</returns>
    public (string Name, DockerImage Image) Resolve()
    {
        var (requested, bootstrap) = (choice.Requested, choice.Bootstrap);
        var recipe = BaseImageRecipe.PythonBookworm(choice.DebianMirror);
        var name = requested ?? DockerfileDefault;

        if (engine.Image(name) is { } present) return (name, present);
        // Without an explicit request, a base bootstrapped earlier beats a pull that would change it.
        if (requested is null && bootstrap && engine.Image(recipe.ImageName) is { } cached)
        {
            Log.Information($"Base image: {recipe.ImageName} (bootstrapped earlier; {DockerfileDefault} is not on the engine)");
            return (recipe.ImageName, cached);
        }
        var pull = engine.Call(DockerAliases.DockerPull, new DockerPullSettings { Image = name });
        if (pull.Succeeded && engine.Image(name) is { } pulled) return (name, pulled);

        var why = string.Join(" ", pull.Error.NonBlank().Take(1));
        if (!bootstrap)
            throw new PipelineException(
                $"Base image {name} is not on the Docker engine and cannot be pulled ({why}). " +
                "Fix: load it (docker load -i FILE), pass --base-image=NAME (or BASE_IMAGE) of an image the engine has, " +
                "or add --bootstrap-base to build a Python 3.11 base offline with debootstrap.");
        Log.Warning($"Base image {name} is not on the engine and cannot be pulled ({why}); using the offline Python 3.11 base {recipe.ImageName}.");
        return (recipe.ImageName, engine.Image(recipe.ImageName) ?? Bootstrap(recipe, "provide a Python 3.11 image with --base-image=NAME"));
    }

    /// <summary>The edge's nginx image (start-first environments), bootstrapped offline the first time: about two minutes, once per engine.</summary>
    public (string Name, DockerImage Image) Edge()
    {
        var recipe = BaseImageRecipe.EdgeBookworm(choice.DebianMirror);
        return (recipe.ImageName, engine.Image(recipe.ImageName) ?? Bootstrap(recipe, "deploy with --strategy=recreate, which needs no edge"));
    }

    /// <summary>debootstrap a minimal bookworm with the recipe's packages, then docker import it. A minute or two; once per engine.</summary>
    /// <param name="otherwise">What the user can do instead, for the error when this machine cannot bootstrap.</param>
    private DockerImage Bootstrap(BaseImageRecipe recipe, string otherwise)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            throw new PipelineException($"Building the image {recipe.ImageName} with debootstrap needs Linux and root (running as {Environment.UserName}). " +
                $"Fix: run once as root (sudo ./build.sh), or {otherwise}.");
        if (!tools.DebootstrapAvailable())
            throw new PipelineException($"debootstrap is not installed, and it is needed to build the image {recipe.ImageName} offline. Fix: apt-get install debootstrap, or {otherwise}.");

        var work = Path.Combine(stateDirectory, "tmp", $"base-{recipe.ImageName.Split(':')[1]}");
        var root = Path.Combine(work, "rootfs");
        var tarball = Path.Combine(work, "rootfs.tar");
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(root);
        try
        {
            Log.Information($"Bootstrapping the image {recipe.ImageName}: debootstrap {recipe.Variant} {recipe.Suite} with {string.Join(",", recipe.Packages)} from {recipe.Mirror} (a minute or two, once)");
            tools.Debootstrap(new DebootstrapSettings
            {
                Suite = recipe.Suite, Variant = recipe.Variant, Include = [.. recipe.Packages], TargetDirectory = root, Mirror = recipe.Mirror,
                OutputLine = line => Log.Verbose(line),
            });
            foreach (var removed in recipe.RemovedPaths)
                foreach (var entry in new DirectoryInfo(Path.Combine(root, removed)).EnumerateFileSystemInfos())
                    if (entry is DirectoryInfo directory) directory.Delete(recursive: true); else entry.Delete();
            TarFile.CreateFromDirectory(root, tarball, includeBaseDirectory: false);
            engine.Call(DockerAliases.DockerImport, new DockerImportSettings { TarballPath = tarball, Reference = recipe.ImageName, Changes = [.. recipe.ImportChanges] });
            return engine.Image(recipe.ImageName) ?? throw new PipelineException($"docker import reported success but {recipe.ImageName} is not on the engine.");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
