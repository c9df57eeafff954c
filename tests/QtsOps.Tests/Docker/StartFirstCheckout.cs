namespace QtsOps.Tests.Docker;

/// <summary>A scratch checkout whose 'local' runs start-first (the edge and two slots), with its own registry; disposing removes what its runs made.</summary>
internal sealed class StartFirstCheckout : IDisposable
{
    private readonly RegistryServer _registry = new("qtsops", Guid.NewGuid().ToString("N"));

    public ObserverRepository Repo { get; }

    public StartFirstCheckout()
    {
        Repo = new ObserverRepository(_registry.Address);
        Repo.UseStrategy("start-first");
    }

    public void Dispose()
    {
        Repo.RemoveFromEngine();
        Repo.Dispose();
        _registry.Dispose();
    }
}
