using System.Formats.Tar;
using Cake.Core;
using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Core.Images;
using QtsOps.Tools;
using QtsOps.Tools.Debootstrap;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Images;

/// <summary>Which base image the run asked for.</summary>
/// <param name="Requested">--base-image (BASE_IMAGE), or null for the Dockerfile's default.</param>
/// <param name="Bootstrap">Whether a base may be built offline with debootstrap: --bootstrap-base, else the environment's bootstrapBaseImage.</param>
/// <param name="DebianMirror">Where debootstrap gets its packages.</param>
/// <param name="DebianSecurityMirror">Where the bootstrapped image's security updates come from.</param>
public sealed record BaseImageChoice(string? Requested, bool Bootstrap, string DebianMirror, string DebianSecurityMirror);

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

    /// <summary>
    /// Begins reading the Debian suites that name a bootstrapped base (<see cref="DebianArchive.ReadAhead"/>) when <see cref="Resolve"/>
    /// may need them (no base asked for, bootstrap on), so the run's setup, validate and package hide the round trips.
    /// </summary>
    public void ReadAhead()
    {
        if (choice.Requested is null && choice.Bootstrap) DebianArchive.ReadAhead(BaseImageRecipe.PythonBookworm(choice.DebianMirror, choice.DebianSecurityMirror));
    }

    /// <returns>The base image's name and what the engine says of it.</returns>
    public (string Name, DockerImage Image) Resolve()
    {
        var (requested, bootstrap) = (choice.Requested, choice.Bootstrap);
        var recipe = BaseImageRecipe.PythonBookworm(choice.DebianMirror, choice.DebianSecurityMirror);
        var name = requested ?? DockerfileDefault;

        if (engine.Image(name) is { } present) return (name, present);
        // Without an explicit request, a base bootstrapped earlier (of the suites as they are now) beats a pull that would change it.
        var bootstrapped = new Lazy<string>(() => ImageNameOf(recipe));
        if (requested is null && bootstrap && engine.Image(bootstrapped.Value) is { } cached)
        {
            Log.Information($"Base image: {bootstrapped.Value} (bootstrapped earlier; {DockerfileDefault} is not on the engine)");
            return (bootstrapped.Value, cached);
        }
        var pull = engine.Call(DockerAliases.DockerPull, new DockerPullSettings { Image = name });
        if (pull.Succeeded && engine.Image(name) is { } pulled) return (name, pulled);

        var why = string.Join(" ", pull.Error.NonBlank().Take(1));
        if (!bootstrap)
            throw new PipelineException(
                $"Base image {name} is not on the Docker engine and cannot be pulled ({why}). " +
                "Fix: load it (docker load -i FILE), pass --base-image=NAME (or BASE_IMAGE) of an image the engine has, " +
                "or add --bootstrap-base to build a Python 3.11 base offline with debootstrap.");
        var image = bootstrapped.Value;
        Log.Warning($"Base image {name} is not on the engine and cannot be pulled ({why}); using the offline Python 3.11 base {image}.");
        return (image, engine.Image(image) ?? Bootstrap(recipe, image, "provide a Python 3.11 image with --base-image=NAME"));
    }

    /// <summary>
    /// The edge's nginx image (start-first environments), bootstrapped offline the first time and again
    /// whenever Debian publishes updates of its suites: about two minutes each time.
    /// </summary>
    public (string Name, DockerImage Image) Edge()
    {
        var recipe = BaseImageRecipe.EdgeBookworm(choice.DebianMirror, choice.DebianSecurityMirror);
        var image = ImageNameOf(recipe);
        return (image, engine.Image(image) ?? Bootstrap(recipe, image, "deploy with --strategy=recreate, which needs no edge"));
    }

    /// <summary>
    /// The name of <paramref name="recipe"/>'s image of the suites as they are now. When the mirrors cannot be
    /// read, the newest image of the recipe on the engine stands in, with a warning: it lacks any update
    /// published since it was built.
    /// </summary>
    private string ImageNameOf(BaseImageRecipe recipe)
    {
        try
        {
            return recipe.ImageName(DebianArchive.State(recipe));
        }
        catch (PipelineException unread)
        {
            var newest = engine.Call(DockerAliases.DockerImageList, new DockerImageListSettings { Filters = [$"reference={recipe.RecipeName}-*"] }).FirstOrDefault()
                ?? throw new PipelineException($"{unread.Message} It is needed to name the image of {recipe.RecipeName} (Debian's packages with their security updates), and the engine has none to fall back on. " +
                    "Fix: let this machine reach the mirrors, or give mirrors it reaches with --debian-mirror and --debian-security-mirror.");
            var image = $"{newest.Repository}:{newest.Tag}";
            Log.Warning($"{unread.Message} Using {image}, bootstrapped {newest.CreatedSince}: it lacks any security update Debian published since.");
            return image;
        }
    }

    /// <summary>
    /// debootstrap a minimal bookworm with the recipe's packages (signatures checked), upgrade it from the
    /// -updates and -security suites (apt checks their signatures), then docker import it. A minute or two.
    /// </summary>
    /// <param name="image">The name to import it as (<see cref="ImageNameOf"/>).</param>
    /// <param name="otherwise">What the user can do instead, for the error when this machine cannot bootstrap.</param>
    private DockerImage Bootstrap(BaseImageRecipe recipe, string image, string otherwise)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            throw new PipelineException($"Building the image {image} with debootstrap needs Linux and root (running as {Environment.UserName}). " +
                $"Fix: run once as root (sudo ./build.sh), or {otherwise}.");
        if (!tools.DebootstrapAvailable())
            throw new PipelineException($"debootstrap is not installed, and it is needed to build the image {image} offline. Fix: apt-get install debootstrap, or {otherwise}.");

        var work = Path.Combine(stateDirectory, "tmp", $"base-{image.Split(':')[1]}");
        var root = Path.Combine(work, "rootfs");
        var tarball = Path.Combine(work, "rootfs.tar");
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(root);
        try
        {
            Log.Information($"Bootstrapping the image {image}: debootstrap {recipe.Variant} {recipe.Suite} with {string.Join(",", recipe.Packages)} from {recipe.Mirror}, " +
                $"upgraded from {string.Join(", ", recipe.Sources.Skip(1).Select(source => source.Suite))} (a minute or two)");
            tools.Debootstrap(new DebootstrapSettings
            {
                Suite = recipe.Suite, Variant = recipe.Variant, Include = [.. recipe.Packages], TargetDirectory = root, Mirror = recipe.Mirror,
                Keyring = BaseImageRecipe.ArchiveKeyring, OutputLine = line => Log.Verbose(line),
            });
            Upgrade(recipe, root);
            foreach (var removed in recipe.RemovedPaths)
                foreach (var entry in new DirectoryInfo(Path.Combine(root, removed)).EnumerateFileSystemInfos())
                    if (entry is DirectoryInfo directory) directory.Delete(recursive: true); else entry.Delete();
            TarFile.CreateFromDirectory(root, tarball, includeBaseDirectory: false);
            engine.Call(DockerAliases.DockerImport, new DockerImportSettings { TarballPath = tarball, Reference = image, Changes = [.. recipe.ImportChanges] });
            return engine.Image(image) ?? throw new PipelineException($"docker import reported success but {image} is not on the engine.");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// apt inside the new root file system, from the recipe's sources (the suite, -updates, -security):
    /// update, then upgrade every package. apt refuses a suite whose signature is not Debian's.
    /// </summary>
    private void Upgrade(BaseImageRecipe recipe, string root)
    {
        File.WriteAllText(Path.Combine(root, "etc", "apt", "sources.list"), recipe.SourcesList);
        // Only what apt needs: none of this run's variables (its secrets among them) reach it.
        string[] apt = ["/usr/bin/env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-q"];
        foreach (var step in new[] { new[] { "update" }, ["-y", "upgrade"] })
        {
            var run = ProgramRunner.Run("chroot", [root, .. apt, .. step], "chroot is not installed (package coreutils)");
            foreach (var line in run.Output.Split('\n')) Log.Verbose(line);
            if (!run.Succeeded)
                throw new PipelineException($"apt-get {string.Join(" ", step)} in the new image failed (exit {run.ExitCode}): {string.Join(" | ", run.Error.Split('\n').TakeLast(4))}. " +
                    $"Nothing was imported. Fix: check that this machine reaches {string.Join(" and ", recipe.Sources.Select(source => source.Archive).Distinct())}.");
        }
    }
}
