using QtsOps.Core.Reports;
using QtsOps.Core.Validation.Sources;
using YamlDotNet.RepresentationModel;
using static QtsOps.Core.Validation.Observer.ObserverFiles;

namespace QtsOps.Core.Validation.Observer;

/// <summary>The container stays within its resources, keeps its logs bounded and comes back after a crash.</summary>
public static class OperationsRules
{
    // "any" is deploy.restart_policy's name for always.
    private static readonly string[] RestartPolicies = ["always", "unless-stopped", "on-failure", "any"];

    public static void Check(ObserverFiles files, List<Finding> findings)
    {
        if (files.Dockerfile is { Stages.Count: < 2 } dockerfile)
            findings.Add(Finding.Error("multi-stage", DockerfilePath, "the Dockerfile has one stage: whatever the build needs ships in the runtime image",
                "build in a first stage (FROM ${BASE_IMAGE} AS build) and copy only the result into the final stage", line: dockerfile.Stages[0].Line));

        if (files.Compose?.Key("version") is { } version)
            findings.Add(Finding.Warning("compose-version-obsolete", ComposePath, "the top-level 'version' key is obsolete: Compose ignores it and warns",
                "remove the version: line", line: version.Line()));

        if (files.Service is not { } service) return;
        CheckResources(files, service, findings);
        CheckLogging(files, service, findings);

        // Compose v2 (and v1 with --compatibility, which start.sh uses) lets deploy.restart_policy override restart.
        var restart = service.Child("deploy").Child("restart_policy").Child("condition").Scalar() ?? service.Child("restart").Scalar();
        if (restart is null || !RestartPolicies.Contains(restart))
            findings.Add(Finding.Error("compose-restart", ComposePath,
                restart is null ? "no restart policy: a crashed service stays down" : $"restart: {restart} leaves a crashed service down",
                "set restart: unless-stopped", line: files.ServiceLine("restart")));
    }

    private static void CheckResources(ObserverFiles files, YamlMappingNode service, List<Finding> findings)
    {
        var resources = service.Child("deploy").Child("resources");
        var line = service.Child("deploy").Key("resources")?.Line() ?? files.ServiceLine("deploy");
        var missing = new[] { "limits", "reservations" }
            .SelectMany(kind => new[] { "cpus", "memory" }.Where(setting => resources.Child(kind).Child(setting) is null).Select(setting => $"{kind}.{setting}"))
            .ToList();
        if (missing.Count > 0)
            findings.Add(Finding.Error("compose-resources", ComposePath, $"deploy.resources lacks {string.Join(", ", missing)}: the service can starve the host, or be starved",
                "set deploy.resources limits (cpus: \"1.0\", memory: 512M) and reservations (cpus: \"0.5\", memory: 256M)", line: line));
    }

    private static void CheckLogging(ObserverFiles files, YamlMappingNode service, List<Finding> findings)
    {
        var logging = service.Child("logging");
        var driver = logging.Child("driver").Scalar() ?? "json-file";
        if (driver is not ("json-file" or "local")) return; // other drivers ship logs off the host
        var options = logging.Child("options");
        var missing = new[] { "max-size", "max-file" }.Where(option => options.Child(option) is null).ToList();
        if (missing.Count > 0)
            findings.Add(Finding.Error("compose-log-rotation", ComposePath,
                logging is null ? "no logging settings: container logs grow until the disk is full" : $"the {driver} log driver has no {string.Join(" or ", missing)}: logs are not rotated",
                "set logging: { driver: json-file, options: { max-size: \"10m\", max-file: \"3\" } }", line: files.ServiceLine("logging")));
    }
}
