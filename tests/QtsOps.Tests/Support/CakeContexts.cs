using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.IO;
using Cake.Core.Tooling;
using QtsOps.Host;

namespace QtsOps.Tests.Support;

/// <summary>A real Cake context (file system, process runner, tool locator) outside a pipeline run, for the classes that run tools with it.</summary>
public static class CakeContexts
{
    /// <param name="log">Gets the context's log, normal and error output both.</param>
    public static ICakeContext Create(TextWriter log)
    {
        var hostLog = new HostLog(log, log);
        var fileSystem = new FileSystem();
        var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        var globber = new Globber(fileSystem, environment);
        var tools = new ToolLocator(environment, new ToolRepository(environment), new ToolResolutionStrategy(fileSystem, environment, globber, configuration, hostLog));
        return new CakeContext(fileSystem, environment, globber, hostLog, new CakeArguments(Array.Empty<string>().ToLookup(a => a, a => a)),
            new ProcessRunner(fileSystem, environment, hostLog, tools, configuration), new WindowsRegistry(), tools, new CakeDataService(), configuration, new NoInstaller(), new NoServices());
    }

    private sealed class NoInstaller : IToolInstaller
    {
        public IEnumerable<FilePath> Install(Cake.Core.Packaging.PackageReference tool) => throw new NotSupportedException();
    }

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
