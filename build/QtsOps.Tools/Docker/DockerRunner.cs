using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace QtsOps.Tools.Docker;

/// <summary>What a docker or compose call printed, and how it ended.</summary>
public sealed record DockerOutput(string Command, int ExitCode, IReadOnlyList<string> Output, IReadOnlyList<string> Error)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws with the command and its error output unless it exited 0.</summary>
    public DockerOutput EnsureSuccess()
    {
        if (!Succeeded) throw new DockerCommandException(this);
        return this;
    }
}

/// <summary>A docker call that failed; the message carries the command and the engine's words.</summary>
public sealed class DockerCommandException(DockerOutput output) : Exception(Describe(output))
{
    public DockerOutput Result { get; } = output;

    private static string Describe(DockerOutput output)
    {
        var said = output.Error.NonBlank().TakeLast(5).ToList();
        if (said.Count == 0) said = output.Output.NonBlank().TakeLast(5).ToList();
        return $"'{output.Command}' failed (exit {output.ExitCode}): {string.Join(" | ", said)}";
    }
}

/// <summary>Runs docker or docker-compose through Cake's Tool&lt;T&gt;, capturing output, never throwing on exit codes.</summary>
public abstract class DockerProcessRunner<TSettings>(ICakeContext context)
    : Tool<TSettings>(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools) where TSettings : DockerSettings
{
    protected DockerOutput Execute(TSettings settings, ProcessArgumentBuilder arguments, string program, IDictionary<string, string>? variables = null)
    {
        var output = new List<string>();
        var error = new List<string>();
        var exitCode = -1;
        var processSettings = new ProcessSettings
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Silent = true,
            RedirectedStandardOutputHandler = line =>
            {
                if (line is null) return line;
                output.Add(line);
                settings.OutputLine?.Invoke(line);
                return line;
            },
            RedirectedStandardErrorHandler = line =>
            {
                if (line is not null) error.Add(line);
                return line;
            },
        };
        if (settings.StandardInput is not null) processSettings.StandardInput = settings.StandardInput + "\n";
        processSettings.EnvironmentVariables = ChildEnvironment.For(Child, settings.EnvironmentVariables.Concat(EnvironmentFor(settings, variables)));
        Run(settings, arguments, processSettings, process => exitCode = process.GetExitCode());
        return new DockerOutput($"{program} {arguments.RenderSafe()}", exitCode, output, error);
    }

    private static IEnumerable<KeyValuePair<string, string>> EnvironmentFor(TSettings settings, IDictionary<string, string>? variables)
    {
        if (settings.Host is not null) yield return new("DOCKER_HOST", settings.Host);
        if (settings.ConfigDirectory is not null) yield return new("DOCKER_CONFIG", settings.ConfigDirectory);
        foreach (var variable in variables ?? new Dictionary<string, string>()) yield return variable;
    }

    /// <summary>Whose variables the process keeps (<see cref="ChildEnvironment"/>).</summary>
    protected abstract ChildProgram Child { get; }

    // Callers read DockerOutput.ExitCode; failures carry the engine's own message.
    protected override void ProcessExitCode(int exitCode) { }
}

/// <summary>The docker CLI.</summary>
public sealed class DockerRunner(ICakeContext context) : DockerProcessRunner<DockerSettings>(context)
{
    public DockerOutput Run(DockerSettings settings) => Execute(settings, DockerArguments.For(settings), "docker");

    protected override ChildProgram Child => ChildProgram.Docker;

    protected override string GetToolName() => "docker";
    protected override IEnumerable<string> GetToolExecutableNames() => ["docker", "docker.exe"];
}

/// <summary>Compose: the <c>docker compose</c> plugin where installed, else the <c>docker-compose</c> program.</summary>
public sealed class DockerComposeRunner(ICakeContext context, ComposeVariant variant) : DockerProcessRunner<DockerComposeSettings>(context)
{
    public ComposeVariant Variant { get; } = variant;

    public DockerOutput Run(DockerComposeSettings settings) =>
        Execute(settings, DockerArguments.For(settings, Variant), Variant == ComposeVariant.Plugin ? "docker" : "docker-compose", settings.Variables);

    protected override ChildProgram Child => ChildProgram.Compose;

    protected override string GetToolName() => "docker compose";
    protected override IEnumerable<string> GetToolExecutableNames() =>
        Variant == ComposeVariant.Plugin ? ["docker", "docker.exe"] : ["docker-compose", "docker-compose.exe"];
}
