using Cake.Core.Diagnostics;
using QtsOps.Build.Registry;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// Puts this run's image on an ssh:// host's engine, which never builds: pulled by the digest the
/// registry serves for this version (what push published; a tag can move, a digest cannot), then
/// named there as compose runs it (imageRepository:release). The pull carries this run's registry
/// login, so the host needs none of its own. Without a registry, the image this machine built goes
/// over the same ssh connection (docker save here, docker load there).
/// </summary>
public sealed class HostImage(DockerEngine engine)
{
    private BuildContext Context => engine.Context;

    public DockerImage Deliver() => RegistryAccess.RegistryOf(Context) is null ? Copy() : Pull();

    /// <summary>The image this machine's engine built, sent to the host and checked there by its id.</summary>
    private DockerImage Copy()
    {
        var reference = Context.ImageReference;
        var images = DockerEngine.ForImages(Context);
        var built = images.Image(reference)
            ?? throw new PipelineException($"The image {reference} is not on this machine's engine, and '{Context.EnvironmentName}' (no registry) gets it from there. Fix: ./build.sh --target=image (deploy depends on it).");
        var folder = Directory.CreateTempSubdirectory("qtsops-image-");
        try
        {
            var archive = Path.Combine(folder.FullName, "image.tar");
            Context.DockerSave(images.With(new DockerSaveSettings { Image = reference, OutputFile = archive })).EnsureSuccess();
            var load = Context.DockerLoad(engine.With(new DockerLoadSettings { InputFile = archive }));
            if (!load.Succeeded)
                throw new PipelineException($"{engine.Host.Name} could not load {reference}: {string.Join(" | ", load.Error.NonBlank().TakeLast(3))}. Nothing was changed. " +
                    "Fix: check the host's free disk space (docker system df there), or give the environment a registry.");
            Context.Log.Information($"Copied {reference} ({built.Id[7..19]}, {new FileInfo(archive).Length / 1024 / 1024} MB) to {engine.Host.Name} over ssh (docker save | docker load)");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
        return engine.Image(reference) is { } loaded && loaded.Id == built.Id ? loaded
            : throw new PipelineException($"{reference} on {engine.Host.Name} is not the image built here ({built.Id[7..19]}) after the copy.");
    }

    private DockerImage Pull()
    {
        var access = RegistryAccess.Of(Context);
        var registry = access.Registry;
        var repository = Context.Target.ImageRepository;
        var digest = access.Manifests.Digest(repository, Context.Checkout.VersionTag)
            ?? throw new PipelineException($"The registry {registry} has no {repository}:{Context.Checkout.VersionTag}, which '{Context.EnvironmentName}' pulls on {engine.Host.Name}: nothing was changed. " +
                $"Fix: push it first (./build.sh --target=push --env={Context.EnvironmentName}; the workflows push before they deploy).");
        var pinned = $"{registry}/{repository}@{digest}";
        using (var client = access.Open(engine, "pulling from"))
        {
            var pull = Context.DockerPull(engine.With(new DockerPullSettings { Image = pinned, ConfigDirectory = client.ConfigDirectory }));
            if (!pull.Succeeded)
                throw new PipelineException($"{engine.Host.Name} could not pull {pinned}: {string.Join(" | ", pull.Error.NonBlank().TakeLast(3))}. Nothing was changed. " +
                    $"Fix: check that the host reaches {registry} and that {PipelineOptions.RegistryUsername.Variable} may read {repository}.");
        }
        Context.DockerTag(engine.With(new DockerTagSettings { SourceImage = pinned, TargetImage = Context.ImageReference }));
        Context.Log.Information($"{engine.Host.Name} pulled {pinned} and runs it as {Context.ImageReference}");
        return engine.Image(Context.ImageReference) ?? throw new PipelineException($"{Context.ImageReference} is not on {engine.Host.Name} after the pull of {pinned}.");
    }
}
