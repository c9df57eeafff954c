using System.Net.Sockets;
using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;

namespace QtsOps.Build.Registry;

/// <summary>
/// The registry a run pushes to and pulls from (--registry, else the environment's) and the run's login
/// to it (QTSOPS_REGISTRY_USERNAME / QTSOPS_REGISTRY_PASSWORD), read once for push, the host's pull and the preflight.
/// </summary>
public sealed record RegistryAccess(string Registry, bool Tls, string? Username, string? Password)
{
    /// <summary>The variables of the run's login, named in every error about it.</summary>
    public static string UsernameVariable => PipelineOptions.RegistryUsername.Variable!;
    public static string PasswordVariable => PipelineOptions.RegistryPassword.Variable!;

    /// <summary>--registry, else the environment's; null when it has none (registry null in environments.json).</summary>
    public static string? RegistryOf(BuildContext context) => context.Options.Get(PipelineOptions.Registry) ?? context.Target.Registry;

    /// <summary>Why a run that needs a registry cannot have one.</summary>
    public static string NoRegistry(string environment, string environmentsFile) =>
        $"'{environment}' has no registry (registry is null in {environmentsFile}): there is nothing to push to. " +
        "Fix: give one with --registry=HOST:PORT or in environments.json; without one, a deploy to an ssh:// host copies the image over its ssh connection.";

    /// <summary>The run's registry and login; a user name without its password is refused before any docker call (docker login would ask on a terminal there is none of).</summary>
    public static RegistryAccess Of(BuildContext context)
    {
        var registry = RegistryOf(context) ?? throw new PipelineException(NoRegistry(context.EnvironmentName, context.EnvironmentsFile));
        var access = new RegistryAccess(registry, context.Target.RegistryTls,
            context.Options.Get(PipelineOptions.RegistryUsername), context.Options.Get(PipelineOptions.RegistryPassword));
        if (access is { Username: not null, Password: null })
        {
            var asked = context.Options.OriginOf(PipelineOptions.RegistryUsername);
            throw new PipelineException($"{PasswordVariable} is not set, but {asked} asks for a login to {access.Registry} as '{access.Username}'. " +
                $"Fix: export {PasswordVariable} (the password or token of '{access.Username}'), or drop {asked} to use the registry without logging in.");
        }
        return access;
    }

    /// <summary>The registry's URL: https:// unless the environment says registryTls false.</summary>
    public Uri Address => AddressOf(Registry, Tls);

    /// <summary>The URL of <paramref name="registry"/> (HOST[:PORT]); HOST alone means the scheme's port, as docker reads it.</summary>
    public static Uri AddressOf(string registry, bool tls) => new($"{(tls ? "https" : "http")}://{registry}/");

    public RegistryManifests Manifests => new(Registry, Tls, Username, Password);

    /// <param name="what">What the client is for, in the warning when there is no login ("pushing to", "pulling from").</param>
    public RegistryClient Open(DockerEngine engine, string what, ICakeLog log) => RegistryClient.Open(engine, this, what, log);

    /// <summary>Says so when nothing listens at HOST:PORT, rather than leaving it to docker's "connection refused".</summary>
    public void EnsureAnswers()
    {
        var (host, port) = (Address.DnsSafeHost, Address.Port);
        using var client = new TcpClient();
        try
        {
            if (client.ConnectAsync(host, port).Wait(TimeSpan.FromSeconds(5))) return;
        }
        catch (AggregateException) { }
        throw new PipelineException($"The registry at {host}:{port} does not answer, so nothing can be pushed to or pulled from it. " +
            $"Fix: start a registry there (docs/OPERATIONS.md, Troubleshooting: 'No registry for push' shows a local one), or use another with --registry=HOST:PORT.");
    }

    /// <summary>
    /// Why this login will not do, found without pushing or pulling: the registry refuses it (docker login
    /// through <paramref name="engine"/>, the one that will use it), or there is none and the registry
    /// asks for one to push; null when it will do.
    /// </summary>
    public string? LoginProblem(DockerEngine engine, bool pushes, ICakeLog log)
    {
        if (Username is not null)
        {
            using (Open(engine, "checking", log)) return null;
        }
        return pushes && Manifests.RequiresLogin()
            ? $"the registry {Registry} asks for a login and {UsernameVariable} is not set. Fix: export {UsernameVariable} and {PasswordVariable} (a user that may push to it)."
            : null;
    }
}
