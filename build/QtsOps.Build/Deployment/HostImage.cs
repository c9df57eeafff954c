using System.Runtime.CompilerServices;
using Cake.Core.Diagnostics;
using QtsOps.Build.Registry;
using QtsOps.Core.Environments;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>Where this run's image comes from, for <see cref="HostImage"/>.</summary>
/// <param name="Images">This machine's engine, which built the image.</param>
/// <param name="Checkout">The version built: the image's tag.</param>
/// <param name="RegistryAccess">The run's registry login, read when it is used; null when the environment has no registry.</param>
/// <param name="PushedDigest">The digest this run's push confirmed; empty when push did not run.</param>
/// <param name="Archives">The run's saved images, each saved once for every host it goes to.</param>
public sealed record ImageSource(DockerEngine Images, Checkout Checkout, Func<RegistryAccess>? RegistryAccess, StrongBox<string?> PushedDigest, ImageArchives Archives);

/// <summary>
/// Puts this run's image on an engine that did not build it (an ssh:// host's, which never builds; a host of several's): pulled by the digest push had
/// the registry confirm when push ran in this run, else by the one the registry serves for this version
/// now (what an earlier push published; a tag can move, a digest cannot), then
/// named there as compose runs it (imageRepository:release); a run that did not push pulls nothing when the image of that name there is
/// that digest already (a deploy again of the same release). The pull carries this run's registry
/// login, so the host needs none of its own. Without a registry, the image built goes
/// there (docker save from the engine that built it, once a run, docker load there; over the run's ssh connection to an ssh:// host).
/// </summary>
public sealed class HostImage(DockerEngine engine, DeploymentEnvironment target, ImageSource source, ICakeLog log)
{
    /// <summary>The image this run built, as compose runs it.</summary>
    private string ImageReference => target.ImageOf(source.Checkout.VersionTag);

    /// <summary>Whether the host's engine is not the one that built the image (an ssh:// host, a host of several): the image is delivered there.</summary>
    public bool ComesFromElsewhere => !engine.SameAs(source.Images);

    public DockerImage Deliver() => source.RegistryAccess is null ? Copy(ImageReference) : Pull(source.RegistryAccess());

    /// <summary>An image this machine's engine has (this run's, or the edge's), sent to the host and checked there by its id.</summary>
    public DockerImage Copy(string reference)
    {
        var built = source.Images.Image(reference)
            ?? throw new PipelineException($"The image {reference} is not on this machine's engine, and '{target.Name}' (no registry) gets it from there. Fix: ./build.sh --target=image (deploy depends on it).");
        var archive = source.Archives.Of(reference, built, path =>
        {
            source.Images.Call(DockerAliases.DockerSave, new DockerSaveSettings { Image = reference, OutputFile = path }).EnsureSuccess();
            log.Information($"Saved {reference} ({built.Id[7..19]}, {new FileInfo(path).Length / 1024 / 1024} MB) once for every host this run sends it to (docker save)");
        });
        var load = engine.Call(DockerAliases.DockerLoad, new DockerLoadSettings { InputFile = archive });
        if (!load.Succeeded)
            throw new PipelineException($"{engine.Host.Name} could not load {reference}: {string.Join(" | ", load.Error.NonBlank().TakeLast(3))}. Nothing was changed. " +
                "Fix: check the host's free disk space (docker system df there), or give the environment a registry.");
        log.Information($"Copied {reference} ({built.Id[7..19]}) to {engine.Host.Name} (docker save | docker load)");
        return engine.Image(reference) is { } loaded && loaded.Id == built.Id ? loaded
            : throw new PipelineException($"{reference} on {engine.Host.Name} is not the image built here ({built.Id[7..19]}) after the copy.");
    }

    private DockerImage Pull(RegistryAccess access)
    {
        var registry = access.Registry;
        var repository = target.ImageRepository;
        var served = access.Manifests.Digest(repository, source.Checkout.VersionTag);
        if (source.PushedDigest.Value is { } pushed && served != pushed)
            log.Warning($"{repository}:{source.Checkout.VersionTag} names {served ?? "nothing"} on {registry} now, not the {pushed} this run pushed: {engine.Host.Name} pulls what was pushed.");
        var digest = source.PushedDigest.Value ?? served
            ?? throw new PipelineException($"The registry {registry} has no {repository}:{source.Checkout.VersionTag}, which '{target.Name}' pulls on {engine.Host.Name}: nothing was changed. " +
                $"Fix: push it first (./build.sh --target=push --env={target.Name}; the workflows push before they deploy).");
        var pinned = $"{registry}/{repository}@{digest}";
        // A deploy again of a release an earlier deploy pulled and named as compose runs it: neither pulled nor named again. A run that pushed
        // brings a release the host is new to, as a rule, and pulls it.
        if (source.PushedDigest.Value is null && engine.Image(ImageReference) is { } named && named.RepoDigests.Contains(pinned, StringComparer.Ordinal))
        {
            log.Information($"{engine.Host.Name} has {pinned} already, as {ImageReference}: not pulled again");
            return named;
        }
        using (var client = access.Open(engine, "pulling from", log))
        {
            var pull = engine.Call(DockerAliases.DockerPull, new DockerPullSettings { Image = pinned, ConfigDirectory = client.ConfigDirectory });
            if (!pull.Succeeded)
                throw new PipelineException($"{engine.Host.Name} could not pull {pinned}: {string.Join(" | ", pull.Error.NonBlank().TakeLast(3))}. Nothing was changed. " +
                    $"Fix: check that the host reaches {registry} and that {PipelineOptions.RegistryUsername.Variable} may read {repository}.");
        }
        engine.Call(DockerAliases.DockerTag, new DockerTagSettings { SourceImage = pinned, TargetImage = ImageReference });
        log.Information($"{engine.Host.Name} pulled {pinned} and runs it as {ImageReference}");
        return engine.Image(ImageReference) ?? throw new PipelineException($"{ImageReference} is not on {engine.Host.Name} after the pull of {pinned}.");
    }
}
