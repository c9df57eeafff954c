using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Core.Environments;
using QtsOps.Core.Images;
using QtsOps.Core.Reports;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Registry;

/// <summary>What push sent, and the digest the registry confirmed.</summary>
public sealed record PushReport(string Registry, string Image, IReadOnlyList<string> Pushed, string Digest, bool Confirmed);

/// <summary>
/// Pushes every tag of this version's image to the environment's registry, logged in with
/// QTSOPS_REGISTRY_USERNAME / QTSOPS_REGISTRY_PASSWORD through a throwaway client configuration, then
/// confirms that the registry serves the digest the push reported.
/// </summary>
public sealed class ImagePublisher(DockerEngine engine, DeploymentEnvironment target, Checkout checkout, RegistryAccess access, RunReporting reporting)
{
    private ICakeLog Log => reporting.Log;

    private string ImageReference => target.ImageOf(checkout.VersionTag);

    public PushReport Run()
    {
        var registry = access.Registry;
        access.EnsureAnswers();
        engine.EnsureReachable();
        var repository = target.ImageRepository;
        var image = engine.Image(ImageReference)
            ?? throw new PipelineException($"The image {ImageReference} is not on the engine. Fix: ./build.sh --target=image (push depends on it).");
        using (var client = access.Open(engine, "pushing to", Log))
        {
            var clientConfig = client.ConfigDirectory;
            var pushed = new List<string>();
            string? digest = null;
            foreach (var tag in ImageTags.For(checkout.VersionInfo.Version, checkout.Commit.ShortSha))
            {
                var remote = $"{registry}/{repository}:{tag}";
                engine.Call(DockerAliases.DockerTag, new DockerTagSettings { SourceImage = image.Id, TargetImage = remote });
                digest = Push(remote, clientConfig) ?? digest;
                pushed.Add(remote);
            }
            if (digest is null) throw new PipelineException($"docker push to {registry} reported no digest: cannot confirm what the registry holds.");

            var served = access.Manifests.Digest(repository, checkout.VersionTag);
            var local = engine.Image(image.Id)?.RepoDigests ?? [];
            var confirmed = served == digest && local.Contains($"{registry}/{repository}@{digest}");
            if (!confirmed)
                throw new PipelineException($"The registry {registry} serves {served ?? "nothing"} for {repository}:{checkout.VersionTag}, but the push reported {digest} (local repo digests: {string.Join(", ", local)}). Push again; if it persists, check the registry.");
            Log.Information($"Pushed {string.Join(", ", pushed)}; the registry confirms digest {digest}");
            var report = new PushReport(registry, ImageReference, pushed, digest, confirmed);
            reporting.Write("push", "pushed", report,
                $"# push\n\n`{ImageReference}` to `{registry}`: digest `{digest}`, confirmed by the registry.\n\n{string.Join("\n", pushed.Select(p => $"- `{p}`"))}\n", []);
            return report;
        }
    }

    private string? Push(string remote, string clientConfig)
    {
        try
        {
            return engine.Call(DockerAliases.DockerPush, new DockerPushSettings { Image = remote, ConfigDirectory = clientConfig });
        }
        catch (DockerCommandException exception) when (string.Join(" ", exception.Result.Error).Contains("authentication required", StringComparison.OrdinalIgnoreCase)
                                                     || string.Join(" ", exception.Result.Error).Contains("unauthorized", StringComparison.OrdinalIgnoreCase))
        {
            throw new PipelineException($"The registry refused the push of {remote}: authentication required. Fix: set {RegistryAccess.UsernameVariable} and {RegistryAccess.PasswordVariable}.");
        }
    }
}
