using QtsOps.Core.Environments;

namespace QtsOps.Core.Deployment;

/// <summary>
/// The folders every release of an environment shares, made by the first deploy where missing, on one host
/// (Deployer) and on each node of a swarm (SwarmNodeFolders) alike: the data and log folders, which the
/// service (uid 10001) writes, and the config folder, which gets the package's <see cref="ShippedConfig"/> folder,
/// subfolders included. A folder that exists is left as it is.
/// </summary>
public sealed record SharedFolders(string Data, string Logs, string Config)
{
    /// <summary>The package's folder (beside docker-compose.yml) a config folder made gets.</summary>
    public const string ShippedConfig = "config";

    /// <param name="where">A configured path as the one who makes the folders sees it (the host's path, or the node job's).</param>
    public static SharedFolders Of(DeploymentEnvironment target, Func<string, string> where) =>
        new(where(target.DataDirectory), where(target.LogDirectory), where(target.ConfigDirectory));

    public IReadOnlyList<string> All => [Data, Logs, Config];

    /// <summary>The folders the service writes: made for it.</summary>
    public IReadOnlyList<string> ForService => [Data, Logs];
}
