using QtsOps.Core.Reports;
using QtsOps.Core.Validation.Docker;
using QtsOps.Core.Validation.Sources;
using YamlDotNet.RepresentationModel;
using static QtsOps.Core.Validation.Observer.ObserverFiles;

namespace QtsOps.Core.Validation.Observer;

/// <summary>The container runs unprivileged, is watched by a real health check and is built from a pinned base.</summary>
public static class ContainerSecurityRules
{
    public static void Check(ObserverFiles files, List<Finding> findings)
    {
        if (files.Dockerfile is { } dockerfile)
        {
            CheckUser(dockerfile, findings);
            CheckImageHealthcheck(dockerfile, findings);
            CheckBaseImages(dockerfile, files, findings);
            CheckCommand(dockerfile, findings);
        }
        if (files.Service is { } service)
        {
            if (ComposeService.Healthcheck(service) is { } healthcheck)
                CheckProbe(ComposePath, healthcheck.Line, healthcheck.Disabled ? null : healthcheck.Command, "the compose healthcheck", findings);
            var securityOptions = service.Child("security_opt").Items().Select(i => i.Scalar()?.Replace('=', ':') ?? "").ToList();
            if (!securityOptions.Any(o => o is "no-new-privileges" or "no-new-privileges:true"))
                findings.Add(Finding.Error("compose-no-new-privileges", ComposePath, "no-new-privileges is not set: a setuid binary could raise the service user's privileges",
                    "add security_opt: [\"no-new-privileges:true\"]", line: files.ServiceLine("security_opt")));
            if (!service.Child("read_only").IsTrue())
                findings.Add(Finding.Warning("compose-read-only", ComposePath, "the root file system is writable",
                    "set read_only: true and give the service a tmpfs where it needs scratch space (/tmp)", line: files.ServiceLine("read_only")));
        }
    }

    private static void CheckUser(Dockerfile dockerfile, List<Finding> findings)
    {
        var user = dockerfile.FinalStage.Last("USER");
        if (user is null)
            findings.Add(Finding.Error("dockerfile-user", DockerfilePath, "the final stage has no USER: the service runs as root",
                "create a non-root user (qts, uid 10001) and end with USER qts", line: dockerfile.FinalStage.Line));
        else if (user.Arguments.Split(':')[0] is "root" or "0")
            findings.Add(Finding.Error("dockerfile-user", DockerfilePath, $"the last USER is {user.Arguments}: the service runs as root",
                "end the final stage with USER qts (a non-root user)", line: user.Line));
    }

    private static void CheckImageHealthcheck(Dockerfile dockerfile, List<Finding> findings)
    {
        var instruction = dockerfile.FinalStage.Last("HEALTHCHECK");
        if (instruction is null)
        {
            findings.Add(Finding.Error("healthcheck", DockerfilePath, "the image has no HEALTHCHECK: a hung service looks healthy",
                "add HEALTHCHECK CMD [\"python3\",\"-c\",\"...urlopen('http://127.0.0.1:8000/health')...\"] that exits non-zero on failure", line: dockerfile.FinalStage.Line));
            return;
        }
        var healthcheck = Dockerfile.TryParseHealthcheck(instruction.Arguments);
        if (healthcheck is null)
        {
            findings.Add(Finding.Error("healthcheck", DockerfilePath, "HEALTHCHECK needs CMD <command> or NONE", "write HEALTHCHECK [--interval=...] CMD <command>", line: instruction.Line));
            return;
        }
        CheckProbe(DockerfilePath, instruction.Line, healthcheck.IsNone ? null : healthcheck.CommandText, "the HEALTHCHECK", findings);
    }

    /// <param name="command">Null when the check is switched off (NONE, disable: true).</param>
    private static void CheckProbe(string file, int line, string? command, string what, List<Finding> findings)
    {
        if (command is null)
        {
            findings.Add(Finding.Error("healthcheck", file, $"{what} is switched off", "probe /health instead of disabling the check", line: line));
            return;
        }
        if (HealthProbe.WhyItCannotFail(command) is { } reason)
            findings.Add(Finding.Error("healthcheck-cannot-fail", file, $"{what} cannot fail: {reason}",
                "make it exit non-zero when /health does not answer 200, e.g. python3 -c \"import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health',timeout=2).status==200 else 1)\"", line: line));
        if (HealthProbe.WhyItDoesNotAskTheService(command) is { } missing)
            findings.Add(Finding.Error("healthcheck-no-probe", file, $"{what} {missing}",
                "probe http://127.0.0.1:8000/health", line: line));
    }

    private static void CheckBaseImages(Dockerfile dockerfile, ObserverFiles files, List<Finding> findings)
    {
        var stageNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var stage in dockerfile.Stages)
        {
            if (!stageNames.Contains(stage.Image) && stage.Image != "scratch")
            {
                var resolved = dockerfile.ResolvedImage(stage);
                var via = resolved == stage.Image ? "" : $" (FROM {stage.Image})";
                if (resolved is null)
                    findings.Add(Finding.Error("base-image-pinned", DockerfilePath, $"FROM {stage.Image} uses an ARG without a default, so the base image is whatever the build passes",
                        "give the ARG a pinned default before the first FROM, e.g. ARG BASE_IMAGE=python:3.11-slim", line: stage.Line));
                else if (WhyNotPinned(resolved) is { } reason)
                    findings.Add(Finding.Error("base-image-pinned", DockerfilePath, $"the base image {resolved}{via} {reason}",
                        "pin a version tag (python:3.11-slim) or a digest (@sha256:...)", line: stage.Line));
            }
            if (stage.Name is not null) stageNames.Add(stage.Name);
        }

        // The compose file may pass the base image as a build argument: its default must be pinned too.
        if (files.Service.Child("build").Child("args") is not YamlMappingNode arguments) return;
        foreach (var (key, value) in arguments.Children)
        {
            var name = key.Scalar() ?? "";
            if (!dockerfile.Stages.Any(s => s.Image.Contains($"${{{name}}}") || s.Image.Contains($"${name}"))) continue;
            var image = Dockerfile.Expand(value.Scalar() ?? "", new Dictionary<string, string?>());
            if (image is not null && WhyNotPinned(image) is { } reason)
                findings.Add(Finding.Error("base-image-pinned", ComposePath, $"the build argument {name} gives the base image {image}, which {reason}",
                    $"pin it: {name}: ${{QTS_OBSERVER_BASE_IMAGE:-python:3.11-slim}}", line: value.Line()));
        }
    }

    /// <summary>Why an image reference is not pinned; null when it has a version tag or a digest.</summary>
    public static string? WhyNotPinned(string image)
    {
        if (image.Contains("@sha256:")) return null;
        var name = image[(image.LastIndexOf('/') + 1)..];
        var colon = name.LastIndexOf(':');
        if (colon < 0) return "has no tag, so it is whatever 'latest' is on the day of the build";
        return name[(colon + 1)..] is "latest" or "" ? "is 'latest', which changes under the build" : null;
    }

    private static void CheckCommand(Dockerfile dockerfile, List<Finding> findings)
    {
        var stage = dockerfile.FinalStage;
        var commands = new[] { stage.Last("ENTRYPOINT"), stage.Last("CMD") }.OfType<DockerInstruction>().ToList();
        if (commands.Count == 0)
            findings.Add(Finding.Error("exec-form-cmd", DockerfilePath, "the final stage has no CMD", "end with CMD [\"python3\",\"-m\",\"qts_observer\"]", line: stage.Line));
        foreach (var command in commands.Where(c => c.ExecForm is null))
            findings.Add(Finding.Error("exec-form-cmd", DockerfilePath, $"{command.Keyword} uses the shell form: /bin/sh becomes PID 1 and SIGTERM never reaches the service",
                $"use the exec form: {command.Keyword} [\"python3\",\"-m\",\"qts_observer\"]", line: command.Line));
    }
}
