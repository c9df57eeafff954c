using QtsOps.Tests.Host;

namespace QtsOps.Tests.Docker;

/// <summary>
/// A scratch checkout whose 'staging' is an ssh:// Docker host (<see cref="SshTestHost"/>) that pulls the release from a registry
/// with a login (<see cref="RegistryServer"/>): what the tests of deploys over ssh run against. Disposed, it removes all of them.
/// </summary>
internal sealed class SshStagingCheckout : IDisposable
{
    public const string RegistryUser = "qtsops";

    public string RegistryPassword { get; } = Guid.NewGuid().ToString("N");

    public RegistryServer Registry { get; }

    public SshTestHost Host { get; }

    public ObserverRepository Repo { get; }

    /// <param name="strategy">'local''s strategy, which staging copies (recreate when none is given).</param>
    public SshStagingCheckout(string? strategy = null)
    {
        Registry = new RegistryServer(RegistryUser, RegistryPassword);
        try
        {
            Host = new SshTestHost();
            Repo = new ObserverRepository(Registry.Address);
            if (strategy is not null) Repo.UseStrategy(strategy);
            Repo.PointStagingAt(Host, Registry.Address);
        }
        catch (Exception)
        {
            Repo?.Dispose();
            Host?.Dispose();
            Registry.Dispose();
            throw;
        }
    }

    /// <summary>The host's key and pinned host key, and the registry login (none when <paramref name="login"/> is false).</summary>
    public Dictionary<string, string?> Variables(bool login = true, string? knownHosts = null) => new()
    {
        ["QTSOPS_SSH_KEY_FILE"] = Host.KeyFile, ["QTSOPS_SSH_KNOWN_HOSTS"] = knownHosts ?? Host.KnownHosts,
        ["QTSOPS_REGISTRY_USERNAME"] = login ? RegistryUser : null, ["QTSOPS_REGISTRY_PASSWORD"] = login ? RegistryPassword : null,
    };

    /// <summary>Runs the pipeline in the checkout with <paramref name="variables"/> set.</summary>
    public HostRun Run(Dictionary<string, string?> variables, params string[] arguments)
    {
        using var scope = new EnvironmentVariableScope();
        foreach (var (name, value) in variables) scope.Set(name, value);
        return Repo.Run(arguments);
    }

    public void Dispose()
    {
        Repo.RemoveFromEngine();
        Repo.Dispose();
        Host.Dispose();
        Registry.Dispose();
    }
}
