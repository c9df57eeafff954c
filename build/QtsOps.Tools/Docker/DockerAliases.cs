using Cake.Core;
using Cake.Core.Annotations;

namespace QtsOps.Tools.Docker;

/// <summary>Docker and compose aliases in the Cake.Docker style: typed settings in, parsed results out.</summary>
[CakeAliasCategory("Docker")]
public static class DockerAliases
{
    private static ComposeVariant? _composeVariant;
    private static readonly Lock ComposeDetection = new();

    /// <summary>Runs any docker command; the caller decides what a non-zero exit means.</summary>
    [CakeMethodAlias]
    public static DockerOutput Docker(this ICakeContext context, DockerSettings settings) => new DockerRunner(context).Run(settings);

    /// <summary>The engine's facts, or a <see cref="DockerCommandException"/> when it cannot be reached.</summary>
    [CakeMethodAlias]
    public static DockerEngineInfo DockerInfo(this ICakeContext context, DockerInfoSettings settings)
    {
        var output = context.Docker(settings).EnsureSuccess();
        return DockerJson.Parse<DockerEngineInfo>(string.Join("\n", output.Output));
    }

    [CakeMethodAlias]
    public static DockerOutput DockerBuild(this ICakeContext context, DockerBuildSettings settings) => context.Docker(settings).EnsureSuccess();

    [CakeMethodAlias]
    public static void DockerTag(this ICakeContext context, DockerTagSettings settings) => context.Docker(settings).EnsureSuccess();

    /// <summary>Pushes and returns the registry's digest for the pushed tag, as the push reported it.</summary>
    [CakeMethodAlias]
    public static string? DockerPush(this ICakeContext context, DockerPushSettings settings)
    {
        var output = context.Docker(settings).EnsureSuccess();
        // The last line reads "<tag>: digest: sha256:<hex> size: <n>".
        return output.Output.Select(line => System.Text.RegularExpressions.Regex.Match(line, @"digest: (sha256:[0-9a-f]{64})"))
            .LastOrDefault(match => match.Success)?.Groups[1].Value;
    }

    [CakeMethodAlias]
    public static DockerOutput DockerPull(this ICakeContext context, DockerPullSettings settings) => context.Docker(settings);

    [CakeMethodAlias]
    public static DockerOutput DockerSave(this ICakeContext context, DockerSaveSettings settings) => context.Docker(settings);

    [CakeMethodAlias]
    public static DockerOutput DockerLoad(this ICakeContext context, DockerLoadSettings settings) => context.Docker(settings);

    /// <summary>Logs in with the password on standard input; returns the outcome for the caller to explain.</summary>
    [CakeMethodAlias]
    public static DockerOutput DockerLogin(this ICakeContext context, DockerLoginSettings settings)
    {
        settings.StandardInput = settings.Password;
        return context.Docker(settings);
    }

    /// <summary>The container, or null when there is none of that name or id.</summary>
    [CakeMethodAlias]
    public static DockerContainer? DockerInspectContainer(this ICakeContext context, DockerInspectSettings settings)
    {
        settings.Type = DockerObjectType.Container;
        return InspectSingle<DockerContainer>(context, settings);
    }

    /// <summary>Those of the named containers that exist, in one call (docker names the missing ones on stderr and exits 1).</summary>
    [CakeMethodAlias]
    public static IReadOnlyList<DockerContainer> DockerInspectContainers(this ICakeContext context, DockerInspectContainersSettings settings)
    {
        var output = context.Docker(settings);
        if (!output.Succeeded && !output.Error.NonBlank().All(line => line.Contains("No such", StringComparison.OrdinalIgnoreCase))) output.EnsureSuccess();
        return DockerJson.Parse<List<DockerContainer>>(string.Join("\n", output.Output));
    }

    /// <summary>The image, or null when there is none of that reference or id.</summary>
    [CakeMethodAlias]
    public static DockerImage? DockerInspectImage(this ICakeContext context, DockerInspectSettings settings)
    {
        settings.Type = DockerObjectType.Image;
        return InspectSingle<DockerImage>(context, settings);
    }

    /// <summary>The container's output lines (stdout and stderr together).</summary>
    [CakeMethodAlias]
    public static IReadOnlyList<string> DockerLogs(this ICakeContext context, DockerLogsSettings settings)
    {
        var output = context.Docker(settings).EnsureSuccess();
        return [.. output.Output, .. output.Error];
    }

    [CakeMethodAlias]
    public static DockerOutput DockerRun(this ICakeContext context, DockerRunSettings settings) => context.Docker(settings).EnsureSuccess();

    [CakeMethodAlias]
    public static DockerOutput DockerExec(this ICakeContext context, DockerExecSettings settings) => context.Docker(settings);

    [CakeMethodAlias]
    public static IReadOnlyList<DockerPsEntry> DockerPs(this ICakeContext context, DockerPsSettings settings) =>
        DockerJson.ParseLines<DockerPsEntry>(context.Docker(settings).EnsureSuccess().Output);

    [CakeMethodAlias]
    public static IReadOnlyList<DockerImageListEntry> DockerImageList(this ICakeContext context, DockerImageListSettings settings) =>
        DockerJson.ParseLines<DockerImageListEntry>(context.Docker(settings).EnsureSuccess().Output);

    [CakeMethodAlias]
    public static void DockerImport(this ICakeContext context, DockerImportSettings settings) => context.Docker(settings).EnsureSuccess();

    [CakeMethodAlias]
    public static DockerStats DockerStats(this ICakeContext context, DockerStatsSettings settings)
    {
        var output = context.Docker(settings).EnsureSuccess();
        var line = output.Output.FirstOrDefault(l => l.TrimStart().StartsWith('{'))
            ?? throw new FormatException($"docker stats printed no sample for {settings.Container}.");
        return QtsOps.Tools.Docker.DockerStats.Parse(line);
    }

    [CakeMethodAlias]
    public static void DockerRemoveContainer(this ICakeContext context, DockerRemoveContainerSettings settings) => context.Docker(settings).EnsureSuccess();

    [CakeMethodAlias]
    public static void DockerStop(this ICakeContext context, DockerStopSettings settings) => context.Docker(settings).EnsureSuccess();

    [CakeMethodAlias]
    public static DockerOutput DockerComposeUp(this ICakeContext context, DockerComposeUpSettings settings) => Compose(context, settings).EnsureSuccess();

    [CakeMethodAlias]
    public static DockerOutput DockerComposeDown(this ICakeContext context, DockerComposeDownSettings settings) => Compose(context, settings).EnsureSuccess();

    /// <summary><c>docker compose</c> when the plugin answers, else <c>docker-compose</c>; asked once per process.</summary>
    [CakeMethodAlias]
    public static ComposeVariant DockerComposeVariant(this ICakeContext context)
    {
        lock (ComposeDetection)
        {
            return _composeVariant ??= context.Docker(new DockerComposePluginVersionSettings()).Succeeded
                ? ComposeVariant.Plugin
                : context.Tools.Resolve("docker-compose") is not null
                    ? ComposeVariant.Standalone
                    : throw new InvalidOperationException("Neither 'docker compose' (the Compose v2 plugin) nor 'docker-compose' is installed: install one of them (Debian: apt-get install docker-compose).");
        }
    }

    private static DockerOutput Compose(ICakeContext context, DockerComposeSettings settings) =>
        new DockerComposeRunner(context, context.DockerComposeVariant()).Run(settings);

    private static T? InspectSingle<T>(ICakeContext context, DockerInspectSettings settings) where T : class
    {
        var output = context.Docker(settings);
        if (!output.Succeeded && output.Error.Any(line => line.Contains("No such", StringComparison.OrdinalIgnoreCase))) return null;
        output.EnsureSuccess();
        return DockerJson.Parse<List<T>>(string.Join("\n", output.Output)).SingleOrDefault();
    }
}
