using Cake.Core.Diagnostics;
using QtsOps.Core.Environments;
using QtsOps.Tools;

namespace QtsOps.Build;

/// <summary>
/// Before a run's first task: build/setup.sh installs what is missing and starts this machine's Docker
/// engine when a task of the run needs it (<see cref="EngineSetup"/> says which), so no task finds it absent.
/// </summary>
public static class MachineSetup
{
    public const string Script = "build/setup.sh";

    /// <param name="tasks">The tasks the run executes.</param>
    public static void Run(BuildContext context, IReadOnlyCollection<string> tasks)
    {
        // On Windows, Docker Desktop is a prerequisite: the setup is a bash script for Linux and macOS.
        if (context.Options.Get(PipelineOptions.NoSetup) || OperatingSystem.IsWindows()) return;
        var need = EngineSetup.For(tasks, () => context.DockerHost);
        if (need == SetupNeed.Nothing) return;
        var script = Path.Combine(context.RepositoryRoot, Script);
        if (!File.Exists(script))
        {
            context.Log.Verbose($"No {Script} in {context.RepositoryRoot}: this machine is taken as it is.");
            return;
        }
        // The environment's engine when it is this machine's; else this machine's own, where the image is built.
        KeyValuePair<string, string>[] engine = EngineSetup.IsThisMachine(context.DockerHost) && context.DockerHost is { } host ? [new("DOCKER_HOST", host)] : [];
        var result = ProgramRunner.Run("bash", [script, need == SetupNeed.EngineAndTestTools ? "suite" : "engine"], "bash is not on PATH",
            environment: ChildEnvironment.For(ChildProgram.Setup, engine), terminalInput: true);
        if (!result.Succeeded)
            throw new PipelineException(string.Join(Environment.NewLine, new[] { result.Output, result.Error }.Where(text => text.Length > 0)));
        foreach (var line in (result.Output + "\n" + result.Error).Split('\n', StringSplitOptions.RemoveEmptyEntries)) context.Log.Information(line);
    }
}
