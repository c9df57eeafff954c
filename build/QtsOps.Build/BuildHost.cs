using QtsOps.Host;

namespace QtsOps.Build;

/// <summary>The pipeline's host as Program.cs runs it; tests run the same one.</summary>
public static class BuildHost
{
    public static CakeHost Create() => new CakeHost()
        .UseContext<BuildContext>()
        .UseLifetime<BuildLifetime>();
}
