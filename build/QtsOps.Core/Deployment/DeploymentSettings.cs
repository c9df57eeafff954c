using System.Globalization;
using QtsOps.Core.Environments;
using QtsOps.Core.Swarm;

namespace QtsOps.Core.Deployment;

/// <summary>
/// What an environment's containers are made from (names, engine, address, folders, strategy, health
/// interval, limits), as a deploy records it in the history. A deploy of the release that runs is
/// skipped only when these are as recorded: a changed port, bind, strategy or limit is a deploy to do.
/// The pipeline's own rules (protection, rollback, retention, settle and timeouts, pre-deploy minimums)
/// shape no container and are left out.
/// </summary>
public static class DeploymentSettings
{
    public static IReadOnlyDictionary<string, string> Of(DeploymentEnvironment target)
    {
        var settings = Compose(target);
        // Only a swarm's: what a compose environment recorded stays as it was, so its next deploy is no change.
        if (target.Swarm is { } swarm)
        {
            settings["engine"] = "swarm";
            settings["replicas"] = swarm.Replicas?.ToString(CultureInfo.InvariantCulture) ?? "global";
            settings["placement"] = string.Join(",", swarm.Placement);
            settings["updateParallelism"] = swarm.UpdateParallelism.ToString(CultureInfo.InvariantCulture);
            settings["updateDelaySeconds"] = swarm.UpdateDelaySeconds.ToString(CultureInfo.InvariantCulture);
            settings["monitorSeconds"] = swarm.MonitorSeconds.ToString(CultureInfo.InvariantCulture);
            settings["updateOrder"] = SwarmSettings.Name(swarm.UpdateOrder);
        }
        return settings;
    }

    private static SortedDictionary<string, string> Compose(DeploymentEnvironment target) => new(StringComparer.Ordinal)
    {
        ["dockerHost"] = target.DockerHost ?? "",
        ["composeProject"] = target.ComposeProject,
        ["containerName"] = target.ContainerName,
        ["network"] = target.Network,
        ["imageRepository"] = target.ImageRepository,
        ["registry"] = target.Registry ?? "",
        ["bind"] = target.Bind,
        ["port"] = target.Port.ToString(CultureInfo.InvariantCulture),
        ["healthUrl"] = target.HealthUrl,
        ["deployDirectory"] = target.DeployDirectory,
        ["dataDirectory"] = target.DataDirectory,
        ["logDirectory"] = target.LogDirectory,
        ["configDirectory"] = target.ConfigDirectory,
        ["strategy"] = DeployStrategies.Name(target.Strategy),
        ["healthIntervalSeconds"] = target.HealthIntervalSeconds.ToString(CultureInfo.InvariantCulture),
        ["cpuLimit"] = target.CpuLimit.ToString(CultureInfo.InvariantCulture),
        ["memoryLimitMb"] = target.MemoryLimitMb.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>How <paramref name="wanted"/> differs from what a deploy recorded, one "key: before -> now" each; empty when they agree.</summary>
    /// <param name="recorded">The settings of the deploy that started what runs; null when it recorded none (a deploy before they were recorded).</param>
    public static IReadOnlyList<string> Changes(IReadOnlyDictionary<string, string>? recorded, IReadOnlyDictionary<string, string> wanted)
    {
        if (recorded is null) return ["the settings it was deployed with were not recorded"];
        return [.. wanted.Keys.Union(recorded.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Where(key => recorded.GetValueOrDefault(key) != wanted.GetValueOrDefault(key))
            .Select(key => $"{key}: {recorded.GetValueOrDefault(key) ?? "(none)"} -> {wanted.GetValueOrDefault(key) ?? "(none)"}")];
    }
}
