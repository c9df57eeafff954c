using System.Net.Sockets;
using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Release.Images;
using QtsOps.Release.Reports;
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
public sealed class ImagePublisher(DockerEngine engine)
{
    private static string UsernameVariable => PipelineOptions.RegistryUsername.Variable!;
    private static string PasswordVariable => PipelineOptions.RegistryPassword.Variable!;

    private BuildContext Context => engine.Context;

    public PushReport Run()
    {
        var registry = Context.Options.Get(PipelineOptions.Registry) ?? Context.Target.Registry;
        var username = Context.Options.Get(PipelineOptions.RegistryUsername);
        var password = Context.Options.Get(PipelineOptions.RegistryPassword);
        // Checked before any docker call: docker login would ask for the password on a terminal there is none of.
        if (username is not null && password is null)
        {
            var asked = Context.Options.OriginOf(PipelineOptions.RegistryUsername);
            throw new PipelineException($"{PasswordVariable} is not set, but {asked} asks for a login to {registry} as '{username}'. " +
                $"Fix: export {PasswordVariable} (the password or token of '{username}'), or drop {asked} to push without logging in.");
        }
        var address = RegistryClient.AddressOf(registry, Context.Target.RegistryTls);
        EnsureRegistryAnswers(address);
        engine.EnsureReachable();
        var repository = Context.Target.ImageRepository;
        var image = engine.Image(Context.ImageReference)
            ?? throw new PipelineException($"The image {Context.ImageReference} is not on the engine. Fix: ./build.sh --target=image (push depends on it).");
        using (var client = RegistryClient.Open(engine, registry, address, username, password, "pushing to"))
        {
            var clientConfig = client.ConfigDirectory;
            var pushed = new List<string>();
            string? digest = null;
            foreach (var tag in ImageTags.For(Context.VersionInfo.Version, Context.Commit.ShortSha))
            {
                var remote = $"{registry}/{repository}:{tag}";
                Context.DockerTag(engine.With(new DockerTagSettings { SourceImage = image.Id, TargetImage = remote }));
                digest = Push(remote, clientConfig) ?? digest;
                pushed.Add(remote);
            }
            if (digest is null) throw new PipelineException($"docker push to {registry} reported no digest: cannot confirm what the registry holds.");

            var served = new RegistryManifests(registry, Context.Target.RegistryTls, username, password).Digest(repository, Context.VersionTag);
            var local = engine.Image(image.Id)?.RepoDigests ?? [];
            var confirmed = served == digest && local.Contains($"{registry}/{repository}@{digest}");
            if (!confirmed)
                throw new PipelineException($"The registry {registry} serves {served ?? "nothing"} for {repository}:{Context.VersionTag}, but the push reported {digest} (local repo digests: {string.Join(", ", local)}). Push again; if it persists, check the registry.");
            Context.Log.Information($"Pushed {string.Join(", ", pushed)}; the registry confirms digest {digest}");
            var report = new PushReport(registry, Context.ImageReference, pushed, digest, confirmed);
            ReportWriter.Write(Context.ReportsDirectory, "push", "pushed", report,
                $"# push\n\n`{Context.ImageReference}` to `{registry}`: digest `{digest}`, confirmed by the registry.\n\n{string.Join("\n", pushed.Select(p => $"- `{p}`"))}\n", []);
            return report;
        }
    }

    /// <summary>Says so when nothing listens at HOST:PORT, rather than leaving it to docker push's "connection refused".</summary>
    /// <param name="address">The registry's URL: HOST alone means the scheme's port, as docker reads it.</param>
    private static void EnsureRegistryAnswers(Uri address)
    {
        var (host, port) = (address.DnsSafeHost, address.Port);
        using var client = new TcpClient();
        try
        {
            if (client.ConnectAsync(host, port).Wait(TimeSpan.FromSeconds(5))) return;
        }
        catch (AggregateException) { }
        throw new PipelineException($"The registry at {host}:{port} does not answer, so nothing can be pushed to it. " +
            $"Fix: start a registry there (README.md, Troubleshooting: 'No registry for push' shows a local one), or push to another with --registry=HOST:PORT.");
    }

    private string? Push(string remote, string clientConfig)
    {
        try
        {
            return Context.DockerPush(engine.With(new DockerPushSettings { Image = remote, ConfigDirectory = clientConfig }));
        }
        catch (DockerCommandException exception) when (string.Join(" ", exception.Result.Error).Contains("authentication required", StringComparison.OrdinalIgnoreCase)
                                                     || string.Join(" ", exception.Result.Error).Contains("unauthorized", StringComparison.OrdinalIgnoreCase))
        {
            throw new PipelineException($"The registry refused the push of {remote}: authentication required. Fix: set {UsernameVariable} and {PasswordVariable}.");
        }
    }
}
