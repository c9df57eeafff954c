using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Registry;

/// <summary>
/// A docker client configuration that lives for one push or pull: logged in to the registry when a
/// username is set, deleted when disposed, so no login stays in the user's ~/.docker/config.json. The
/// docker CLI sends the login to the engine with each call, so an ssh:// host pulls with it too.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private RegistryClient(string configDirectory) => ConfigDirectory = configDirectory;

    public string ConfigDirectory { get; }

    /// <param name="what">What the login is for, in the warning when there is none ("pushing to", "pulling from").</param>
    public static RegistryClient Open(DockerEngine engine, RegistryAccess access, string what, ICakeLog log)
    {
        var configDirectory = Directory.CreateTempSubdirectory("qtsops-docker-config-").FullName;
        try
        {
            if (access.Username is not null && !CredentialScope.IsPrivateChannel(access.Address))
                throw new PipelineException($"The registry {access.Registry} is reached over plain HTTP: its login ({RegistryAccess.UsernameVariable}) would cross the network in clear. " +
                    "Fix: serve the registry over HTTPS (registryTls in environments.json), or unset the login variables to use it anonymously.");
            if (access.Username is not null) Login(engine, access.Registry, access.Username, access.Password!, configDirectory);
            else log.Warning($"{RegistryAccess.UsernameVariable} is not set: {what} {access.Registry} without logging in.");
            return new RegistryClient(configDirectory);
        }
        catch
        {
            Directory.Delete(configDirectory, recursive: true);
            throw;
        }
    }

    private static void Login(DockerEngine engine, string registry, string username, string password, string clientConfig)
    {
        var login = engine.Call(DockerAliases.DockerLogin, new DockerLoginSettings { Registry = registry, Username = username, Password = password, ConfigDirectory = clientConfig });
        if (login.Succeeded) return;
        var said = string.Join(" ", login.Error.NonBlank());
        if (password.Length > 0) said = said.Replace(password, "***");
        throw new PipelineException($"Login to the registry {registry} as '{username}' was refused: {said}. Fix: check {RegistryAccess.UsernameVariable} and {RegistryAccess.PasswordVariable}.");
    }

    public void Dispose() => Directory.Delete(ConfigDirectory, recursive: true);
}
