using System.Text.Json;
using System.Text.RegularExpressions;
using QtsOps.Core.Json;
using QtsOps.Core.Reports;
using QtsOps.Core.Validation.Docker;
using QtsOps.Core.Validation.Sources;
using YamlDotNet.RepresentationModel;
using static QtsOps.Core.Validation.Observer.ObserverFiles;

namespace QtsOps.Core.Validation.Observer;

/// <summary>The Dockerfile, the compose file and deployment_config.json tell the same story.</summary>
public static class ConsistencyRules
{
    /// <summary>The ops guide's four variables and their defaults (SPEC.md, "Environment").</summary>
    public static readonly IReadOnlyDictionary<string, string> Variables = new Dictionary<string, string>
    {
        ["QTS_OBSERVER_STANDALONE"] = "1",
        ["PYTHONPATH"] = "/app/src:/app",
        ["OBSERVER_DATA_DIR"] = "/app/data/observer",
        ["OBSERVER_LOG_DIR"] = "/app/logs",
    };

    /// <summary>The variables the service cannot run without their default value.</summary>
    private static readonly string[] FixedVariables = ["QTS_OBSERVER_STANDALONE", "PYTHONPATH"];

    /// <summary>What .dockerignore must keep out of the build context (SPEC.md, "Container").</summary>
    private static readonly string[] IgnoredByDocker = ["__pycache__", "*.pyc", "logs", "data", ".git", ".env", "tests"];

    public static void Check(ObserverFiles files, List<Finding> findings)
    {
        CheckVariables(files, findings);
        CheckPaths(files, findings);
        CheckPorts(files, findings);
        CheckDockerignore(files, findings);
    }

    private sealed record VariableSource(string File, IReadOnlyDictionary<string, (string Value, int Line)> Values, int? Line);

    private static void CheckVariables(ObserverFiles files, List<Finding> findings)
    {
        var sources = new List<VariableSource>();
        if (files.Dockerfile is { } dockerfile)
            sources.Add(new VariableSource(DockerfilePath, Dockerfile.EnvironmentOf(dockerfile.FinalStage), dockerfile.FinalStage.Line));
        if (files.Service is { } service)
            sources.Add(new VariableSource(ComposePath, ComposeService.Environment(service), files.ServiceLine("environment")));
        if (files.DeploymentConfig is { } config)
            sources.Add(new VariableSource(DeploymentConfigPath, JsonStrings(config, "environment"), config.LineOf("$.environment")));

        foreach (var (name, defaultValue) in Variables)
        {
            VariableSource? reference = null;
            foreach (var source in sources)
            {
                if (!source.Values.TryGetValue(name, out var here))
                {
                    findings.Add(Finding.Error("env-missing", source.File, $"{name} is not set in {Path.GetFileName(source.File)}",
                        $"set {name}={defaultValue} there: the Dockerfile ENV, the compose environment and deployment_config.json must all set the four variables", line: source.Line));
                    continue;
                }
                if (reference is null)
                {
                    reference = source;
                    if (FixedVariables.Contains(name) && here.Value != defaultValue)
                        findings.Add(Finding.Error("env-value", source.File, $"{name} is '{here.Value}' but the service needs '{defaultValue}'",
                            $"set {name}={defaultValue} (the ops guide marks it as not to be changed)", line: here.Line));
                    continue;
                }
                var first = reference.Values[name];
                if (here.Value != first.Value)
                    findings.Add(Finding.Error("env-mismatch", source.File,
                        $"{name} is '{here.Value}' in {source.File} but '{first.Value}' in {reference.File}:{first.Line}",
                        $"give {name} the same value in both files (the ops guide's default is '{defaultValue}')", line: here.Line));
            }
        }
    }

    private static void CheckPaths(ObserverFiles files, List<Finding> findings)
    {
        if (files.DeploymentConfig is not { } config) return;
        var paths = JsonStrings(config, "paths");
        var environment = JsonStrings(config, "environment");
        var service = files.Service;
        var volumes = service is null ? null : ComposeService.Volumes(service);
        var finalStage = files.Dockerfile?.FinalStage;

        foreach (var (key, variable) in new[] { ("data_dir", "OBSERVER_DATA_DIR"), ("log_dir", "OBSERVER_LOG_DIR"), ("config_dir", (string?)null) })
        {
            if (!paths.TryGetValue(key, out var path))
            {
                findings.Add(Finding.Error("config-paths", DeploymentConfigPath, $"paths.{key} is missing",
                    $"add \"{key}\" under \"paths\" (see SPEC.md, deployment_config.json)", line: config.LineOf("$.paths") ?? 1));
                continue;
            }
            if (variable is not null && environment.TryGetValue(variable, out var env) && env.Value != path.Value)
                findings.Add(Finding.Error("config-paths", DeploymentConfigPath, $"paths.{key} is '{path.Value}' but environment.{variable} is '{env.Value}'",
                    $"use one directory for both: the service writes where {variable} points", line: path.Line));
            if (variable is not null && volumes?.FirstOrDefault(v => v.Target == path.Value) is { ReadOnly: true } readOnly)
                findings.Add(Finding.Error("config-paths", ComposePath, $"{path.Value} (paths.{key}) is mounted read-only: the service cannot write there",
                    $"drop ':ro' from the volume at {path.Value}; only the config directory is read-only", line: readOnly.Line));
            if (volumes is not null && volumes.All(v => v.Target != path.Value))
                findings.Add(Finding.Error("config-paths", ComposePath,
                    $"no volume is mounted at {path.Value} (paths.{key} in deployment_config.json); mounted: {string.Join(", ", volumes.Select(v => v.Target).DefaultIfEmpty("none"))}",
                    $"add a volume with target {path.Value}, e.g. ./{key.Replace("_dir", "")}:{path.Value}", line: files.ServiceLine("volumes")));
            if (finalStage is not null && !finalStage.Instructions.Any(i => MentionsPath(i.Arguments, path.Value)))
                findings.Add(Finding.Error("config-paths", DockerfilePath, $"the final stage never mentions {path.Value} (paths.{key} in deployment_config.json)",
                    $"create {path.Value} in the image and give it to the service user (RUN mkdir -p ... && chown ...), or fix paths.{key}", line: finalStage.Line));
        }

        if (config.Get("deployment", "structure")?.GetString() is { } structure && finalStage?.Last("WORKDIR") is { } workdir && workdir.Arguments != structure)
            findings.Add(Finding.Error("config-paths", DockerfilePath, $"WORKDIR is {workdir.Arguments} but deployment.structure in deployment_config.json is {structure}",
                "make the image's working directory and deployment.structure the same", line: workdir.Line));
    }

    private static void CheckPorts(ObserverFiles files, List<Finding> findings)
    {
        if (files.Dockerfile is not { } dockerfile) return;
        var expose = dockerfile.FinalStage.Last("EXPOSE");
        if (expose is null)
        {
            findings.Add(Finding.Error("port-consistency", DockerfilePath, "the final stage has no EXPOSE",
                "add EXPOSE 8000 (the port the service listens on and the health check probes)", line: dockerfile.FinalStage.Line));
            return;
        }
        var exposed = expose.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0].Split('/')[0];
        var where = $"EXPOSE {exposed} ({DockerfilePath}:{expose.Line})";

        if (files.PublishedService is { } published)
        {
            var ports = ComposeService.ContainerPorts(published);
            if (ports.Count == 0)
                findings.Add(Finding.Error("port-consistency", PublishPath, "the service publishes no port",
                    $"publish the container port: ports: [\"127.0.0.1:8000:{exposed}\"]", line: files.PublishedServiceLine));
            foreach (var (port, line) in ports.Where(p => p.ContainerPort != exposed))
                findings.Add(Finding.Error("port-consistency", PublishPath, $"the published container port {port} is not the image's {where}",
                    $"publish container port {exposed} (change the host side to move the service)", line: line));
        }

        if (files.Service is { } service)
        {
            // Two releases of one environment run side by side during a start-first deploy: one published port would stop the second.
            foreach (var (port, line) in ComposeService.ContainerPorts(service))
                findings.Add(Finding.Error("port-consistency", ComposePath, $"the service publishes container port {port} in docker-compose.yml, so a start-first deploy cannot start a release beside the one that serves",
                    $"move ports: to {PublishPath} (start.sh and --strategy=recreate add it; with start-first the edge publishes the port)", line: line));
            if (ComposeService.Healthcheck(service) is { Disabled: false } composeCheck && HealthProbe.Port(composeCheck.Command) is { } probed && probed.ToString() != exposed)
                findings.Add(Finding.Error("port-consistency", ComposePath, $"the compose healthcheck probes port {probed} but the image has {where}",
                    $"probe http://127.0.0.1:{exposed}/health", line: composeCheck.Line));
        }

        if (dockerfile.FinalStage.Last("HEALTHCHECK") is { } instruction && Dockerfile.TryParseHealthcheck(instruction.Arguments) is { IsNone: false } healthcheck
            && HealthProbe.Port(healthcheck.CommandText) is { } imageProbe && imageProbe.ToString() != exposed)
            findings.Add(Finding.Error("port-consistency", DockerfilePath, $"the HEALTHCHECK probes port {imageProbe} but the image has {where}",
                $"probe http://127.0.0.1:{exposed}/health", line: instruction.Line));
    }

    private static void CheckDockerignore(ObserverFiles files, List<Finding> findings)
    {
        if (files.Dockerignore is not { } text) return;
        var patterns = text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.TrimStart('/').Replace("**/", "").TrimEnd('/')).ToHashSet();
        foreach (var missing in IgnoredByDocker.Where(p => !patterns.Contains(p)))
            findings.Add(Finding.Error("dockerignore", DockerignorePath, $".dockerignore does not exclude {missing}",
                $"add a line '{missing}': caches, logs, data, .git, .env and tests must stay out of the image"));
    }

    private static Dictionary<string, (string Value, int Line)> JsonStrings(JsonSource json, string section)
    {
        var values = new Dictionary<string, (string, int)>();
        if (json.Get(section) is { ValueKind: JsonValueKind.Object } element)
            foreach (var property in element.EnumerateObject())
                values[property.Name] = (property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText(), json.LineOf($"$.{section}.{property.Name}") ?? 1);
        return values;
    }

    /// <summary>Whether the text names the path itself, not only a longer path below it.</summary>
    private static bool MentionsPath(string text, string path) =>
        Regex.IsMatch(text, $@"(^|[\s=:""'\[,]){Regex.Escape(path)}/?($|[\s:;""',\]])");
}
