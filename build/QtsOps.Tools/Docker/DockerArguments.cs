using Cake.Core;
using Cake.Core.IO;

namespace QtsOps.Tools.Docker;

/// <summary>Settings declared beside the code that uses them (the swarm's commands), which build their own arguments.</summary>
public interface IDockerCommand
{
    void AppendTo(ProcessArgumentBuilder arguments);
}

/// <summary>The one place that turns docker and compose settings into command-line arguments.</summary>
public static class DockerArguments
{
    public static ProcessArgumentBuilder For(DockerSettings settings)
    {
        var arguments = new ProcessArgumentBuilder();
        switch (settings)
        {
            case DockerInfoSettings:
                arguments.Append("info").Append("--format").AppendQuoted("{{json .}}");
                break;
            case DockerComposePluginVersionSettings:
                arguments.Append("compose").Append("version");
                break;
            case DockerBuildSettings build:
                arguments.Append("build");
                foreach (var tag in build.Tags) arguments.Append("--tag").AppendQuoted(tag);
                foreach (var (name, value) in build.BuildArguments) arguments.Append("--build-arg").AppendQuoted($"{name}={value}");
                if (build.ImageIdFile is not null) arguments.Append("--iidfile").AppendQuoted(build.ImageIdFile);
                arguments.AppendQuoted(build.ContextDirectory);
                break;
            case DockerTagSettings tag:
                arguments.Append("tag").AppendQuoted(tag.SourceImage).AppendQuoted(tag.TargetImage);
                break;
            case DockerPushSettings push:
                arguments.Append("push").AppendQuoted(push.Image);
                break;
            case DockerPullSettings pull:
                arguments.Append("pull").AppendQuoted(pull.Image);
                break;
            case DockerSaveSettings save:
                arguments.Append("save").Append("--output").AppendQuoted(save.OutputFile).AppendQuoted(save.Image);
                break;
            case DockerLoadSettings load:
                arguments.Append("load").Append("--input").AppendQuoted(load.InputFile);
                break;
            case DockerLoginSettings login:
                // The password travels on standard input (see DockerRunner), never as an argument.
                arguments.Append("login").Append("--username").AppendQuoted(login.Username).Append("--password-stdin").AppendQuoted(login.Registry);
                break;
            case DockerInspectSettings inspect:
                arguments.Append(inspect.Type == DockerObjectType.Container ? "container" : "image").Append("inspect").AppendQuoted(inspect.Target);
                break;
            case DockerInspectContainersSettings inspect:
                arguments.Append("container").Append("inspect");
                foreach (var container in inspect.Containers) arguments.AppendQuoted(container);
                break;
            case DockerLogsSettings logs:
                arguments.Append("logs");
                if (logs.Since is not null) arguments.Append("--since").AppendQuoted(logs.Since);
                if (logs.Tail is { } tail) arguments.Append("--tail").Append(tail.ToString());
                arguments.AppendQuoted(logs.Container);
                break;
            case DockerExecSettings exec:
                arguments.Append("exec");
                if (exec.User is not null) arguments.Append("--user").AppendQuoted(exec.User);
                arguments.AppendQuoted(exec.Container);
                foreach (var part in exec.Command) arguments.AppendQuoted(part);
                break;
            case DockerPsSettings ps:
                arguments.Append("ps");
                if (ps.All) arguments.Append("--all");
                foreach (var filter in ps.Filters) arguments.Append("--filter").AppendQuoted(filter);
                arguments.Append("--no-trunc").Append("--format").AppendQuoted("{{json .}}");
                break;
            case DockerImageListSettings images:
                arguments.Append("image").Append("ls");
                foreach (var filter in images.Filters) arguments.Append("--filter").AppendQuoted(filter);
                arguments.Append("--no-trunc").Append("--format").AppendQuoted("{{json .}}");
                break;
            case DockerImportSettings import:
                arguments.Append("import");
                foreach (var change in import.Changes) arguments.Append("--change").AppendQuoted(change);
                arguments.AppendQuoted(import.TarballPath).AppendQuoted(import.Reference);
                break;
            case DockerRunSettings run:
                arguments.Append("run").Append("--rm");
                if (run.User is not null) arguments.Append("--user").AppendQuoted(run.User);
                if (run.Entrypoint is not null) arguments.Append("--entrypoint").AppendQuoted(run.Entrypoint);
                foreach (var volume in run.Volumes) arguments.Append("--volume").AppendQuoted(volume);
                arguments.AppendQuoted(run.Image);
                foreach (var part in run.Command) arguments.AppendQuoted(part);
                break;
            case DockerRemoveContainerSettings remove:
                arguments.Append("rm").Append("--force").AppendQuoted(remove.Container);
                break;
            case DockerStopSettings stop:
                arguments.Append("stop");
                if (stop.TimeoutSeconds is { } seconds) arguments.Append("--time").Append(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                arguments.AppendQuoted(stop.Container);
                break;
            case DockerStatsSettings stats:
                arguments.Append("stats").Append("--no-stream").Append("--no-trunc").Append("--format").AppendQuoted("{{json .}}").AppendQuoted(stats.Container);
                break;
            case IDockerCommand command:
                command.AppendTo(arguments);
                break;
            default:
                throw new ArgumentException($"No docker arguments for {settings.GetType().Name}.", nameof(settings));
        }
        return arguments;
    }

    /// <summary>
    /// Compose arguments. v1 (<c>docker-compose</c>) applies <c>deploy.resources</c> limits only with
    /// <c>--compatibility</c>; v2 (<c>docker compose</c>) always does.
    /// </summary>
    public static ProcessArgumentBuilder For(DockerComposeSettings settings, ComposeVariant variant)
    {
        var arguments = new ProcessArgumentBuilder();
        if (variant == ComposeVariant.Plugin) arguments.Append("compose");
        else arguments.Append("--compatibility");
        arguments.Append("--project-name").AppendQuoted(settings.ProjectName);
        if (settings.ProjectDirectory is not null) arguments.Append("--project-directory").AppendQuoted(settings.ProjectDirectory);
        foreach (var file in settings.Files) arguments.Append("--file").AppendQuoted(file);
        switch (settings)
        {
            case DockerComposeUpSettings up:
                // The image is built by the image target; compose only runs it.
                arguments.Append("up").Append("--detach").Append("--no-build");
                if (up.ForceRecreate) arguments.Append("--force-recreate");
                break;
            case DockerComposeDownSettings down:
                arguments.Append("down");
                if (down.RemoveOrphans) arguments.Append("--remove-orphans");
                break;
            default:
                throw new ArgumentException($"No compose arguments for {settings.GetType().Name}.", nameof(settings));
        }
        return arguments;
    }
}
