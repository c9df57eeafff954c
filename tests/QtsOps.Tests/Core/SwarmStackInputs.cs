using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;
using QtsOps.Core.Validation.Observer;

namespace QtsOps.Tests.Core;

/// <summary>A stack file made from the repository's own compose file for the swarm fixture's "cluster", as the deploy path will make it.</summary>
public static class SwarmStackInputs
{
    public const string ObserverImage = "127.0.0.1:5000/qts-observer@sha256:1111111111111111111111111111111111111111111111111111111111111111";
    public const string EdgeImage = "127.0.0.1:5000/qtsops/edge@sha256:2222222222222222222222222222222222222222222222222222222222222222";

    /// <summary>The checked-in environments with a swarm environment, "cluster", beside them.</summary>
    public const string FixtureFile = "tests/QtsOps.Tests/Core/Fixtures/swarm-environments.json";

    public static DeploymentEnvironment Cluster(string? replace = null, string? with = null)
    {
        var json = File.ReadAllText(SourceRepository.Combine(FixtureFile));
        return EnvironmentCatalog.Parse(replace is null ? json : json.Replace(replace, with), "environments.json")["cluster"];
    }

    public static string ComposeText => File.ReadAllText(SourceRepository.Combine(ObserverFiles.ComposePath));

    /// <summary>The variables a compose deploy of the release gives (ReleaseCompose and the edge's shared ones).</summary>
    public static Dictionary<string, string> Variables(DeploymentEnvironment target, string release = "1.4.0") => new()
    {
        ["QTS_OBSERVER_IMAGE"] = target.ImageOf(release),
        ["QTS_OBSERVER_CONTAINER"] = target.ContainerName,
        ["QTS_OBSERVER_HEALTH_INTERVAL"] = $"{target.HealthIntervalSeconds}s",
        ["QTS_OBSERVER_HOST_DATA"] = target.DataDirectory,
        ["QTS_OBSERVER_HOST_LOGS"] = target.LogDirectory,
        ["QTS_OBSERVER_HOST_CONFIG"] = target.ConfigDirectory,
        ["QTS_OBSERVER_LABEL_RELEASE"] = release,
        ["QTS_OBSERVER_LABEL_VERSION"] = release,
        ["QTS_OBSERVER_NETWORK"] = target.Network,
        ["QTS_OBSERVER_BIND"] = target.Bind,
        ["QTS_OBSERVER_PORT"] = target.Port.ToString(),
        ["QTS_OBSERVER_LABEL_ENVIRONMENT"] = target.Name,
        ["QTS_OBSERVER_LABEL_DEPLOYMENT"] = target.DeployDirectory,
    };

    public static StackFile Write(DeploymentEnvironment? target = null, string composeText = "", bool automaticRollback = true, Func<string, string?>? readFile = null, string release = "1.4.0")
    {
        target ??= Cluster();
        return SwarmStack.Write(target, new StackRelease(release, ObserverImage, EdgeImage, automaticRollback),
            composeText.Length > 0 ? composeText : ComposeText, ObserverFiles.ComposePath, Variables(target, release), readFile ?? (_ => null));
    }
}
