using System.Reflection;
using System.Runtime.CompilerServices;
using QtsOps.Build.Deployment;

namespace QtsOps.Tests.Host;

/// <summary>The deploy classes stay steps that take a few parts each (issue 26 point 2): none takes more than five constructor parameters.</summary>
public class DeploymentConstructorTests
{
    private const int MostParameters = 5;

    [Test]
    public void No_class_of_the_deployment_namespaces_takes_more_than_five_constructor_parameters()
    {
        var types = typeof(DeploySession).Assembly.GetTypes()
            .Where(type => type.Namespace is { } name && (name == typeof(DeploySession).Namespace || name.StartsWith(typeof(DeploySession).Namespace + ".", StringComparison.Ordinal)) && !type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false))
            .ToList();
        var tooMany = types
            .SelectMany(type => type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).Select(constructor => (type, constructor)))
            .Where(found => found.constructor.GetParameters().Length > MostParameters)
            .Select(found => $"{found.type.Name}({string.Join(", ", found.constructor.GetParameters().Select(p => p.Name))})")
            .ToList();

        Assert.That(types.Select(type => type.Name), Does.Contain(nameof(Deployer)).And.Contain(nameof(HostImage)).And.Contain(nameof(QtsOps.Build.Deployment.Swarm.SwarmDeployer)), "the classes looked at are the deploy steps");
        Assert.That(tooMany, Is.Empty, $"more than {MostParameters} constructor parameters: group what belongs together (as ImageSource does) or give the class fewer parts");
    }
}
