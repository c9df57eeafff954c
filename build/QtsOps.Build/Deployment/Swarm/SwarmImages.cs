using Cake.Core.Diagnostics;
using QtsOps.Build.Registry;
using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment.Swarm;

/// <summary>
/// The images a swarm's nodes pull, each pinned by the digest the registry confirmed, never a tag a node
/// resolves on its own: this run's release (the digest push confirmed; pushed now when the run did not push
/// it yet) and the edge, pushed beside it, as the nodes cannot make it (it is made here, with debootstrap).
/// </summary>
/// <param name="images">This machine's engine, which built both.</param>
/// <param name="registry">The run's registry login; null when the environment has no registry.</param>
/// <param name="made">Where the release's digest and the edge image come from.</param>
public sealed class SwarmImages(DockerEngine images, DeploymentEnvironment target, Func<RegistryAccess>? registry, SwarmImageSources made, ICakeLog log)
{
    /// <summary>Where the edge's image goes in the registry: beside the release's.</summary>
    public static string EdgeRepository(DeploymentEnvironment target) => $"{target.ImageRepository}-edge";

    public RegistryAccess Registry => registry?.Invoke() ?? throw new PipelineException(
        $"'{target.Name}' runs on a swarm, whose nodes pull the release from a registry, but it has none (registry is null). Nothing was changed. " +
        "Fix: give it a registry every node reaches, in environments.json or with --registry=HOST:PORT.");

    public StackImages Pin()
    {
        var access = Registry;
        return new StackImages($"{access.Registry}/{target.ImageRepository}@{made.ReleaseDigest()}", PushEdge(access));
    }

    /// <summary>Pushes the edge image, tagged by its id (a new edge is a new tag), and returns it pinned by the digest the push reported.</summary>
    private string PushEdge(RegistryAccess access)
    {
        var (name, id) = made.EdgeImage();
        var repository = EdgeRepository(target);
        var remote = $"{access.Registry}/{repository}:{id.Replace("sha256:", "")[..12]}";
        images.Call(DockerAliases.DockerTag, new DockerTagSettings { SourceImage = id, TargetImage = remote });
        using var client = access.Open(images, "pushing the edge to", log);
        var digest = images.Call(DockerAliases.DockerPush, new DockerPushSettings { Image = remote, ConfigDirectory = client.ConfigDirectory })
            ?? throw new PipelineException($"docker push of the edge image {remote} reported no digest: the nodes could not be given it pinned. Push again; if it persists, check the registry.");
        log.Information($"Pushed the edge image {name} as {remote}: digest {digest}");
        return $"{access.Registry}/{repository}@{digest}";
    }
}

/// <param name="ReleaseDigest">The digest of this run's release as the registry confirmed it.</param>
/// <param name="EdgeImage">The edge image's name and id on this machine's engine.</param>
public sealed record SwarmImageSources(Func<string> ReleaseDigest, Func<(string Name, string Id)> EdgeImage);
