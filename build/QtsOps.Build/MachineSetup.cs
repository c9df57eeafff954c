using Cake.Core.Diagnostics;
using QtsOps.Core.Environments;
using QtsOps.Tools;

namespace QtsOps.Build;

/// <summary>
/// Before a run's first task: build/setup.sh installs what is missing and starts this machine's Docker
/// engine when a task of the run needs it (<see cref="EngineSetup"/> says which), so no task finds it absent.
/// The script runs while the run reads its checkout (<see cref="Alongside"/>): it mostly waits on the engine.
/// </summary>
public sealed class MachineSetup
{
    public const string Script = "build/setup.sh";

    private readonly BuildContext _context;
    private readonly Task<ProgramResult>? _script;

    private MachineSetup(BuildContext context, Task<ProgramResult>? script) => (_context, _script) = (context, script);

    /// <summary>Starts the script when the run needs it; <see cref="Alongside"/> waits for it.</summary>
    /// <param name="tasks">The tasks the run executes.</param>
    public static MachineSetup Start(BuildContext context, IReadOnlyCollection<string> tasks)
    {
        // On Windows, Docker Desktop is a prerequisite: the setup is a bash script for Linux and macOS.
        if (context.Options.Get(PipelineOptions.NoSetup) || OperatingSystem.IsWindows()) return new(context, null);
        var need = EngineSetup.For(tasks, () => context.DockerHost);
        if (need == SetupNeed.Nothing) return new(context, null);
        var script = Path.Combine(context.RepositoryRoot, Script);
        if (!File.Exists(script))
        {
            context.Log.Verbose($"No {Script} in {context.RepositoryRoot}: this machine is taken as it is.");
            return new(context, null);
        }
        // The environment's engine when it is this machine's; else this machine's own, where the image is built.
        KeyValuePair<string, string>[] engine = EngineSetup.IsThisMachine(context.DockerHost) && context.DockerHost is { } host ? [new("DOCKER_HOST", host)] : [];
        var environment = ChildEnvironment.For(ChildProgram.Setup, engine);
        return new(context, Task.Run(() => ProgramRunner.Run("bash", [script, need == SetupNeed.EngineAndTestTools ? "suite" : "engine"], "bash is not on PATH",
            environment: environment, terminalInput: true)));
    }

    /// <summary>
    /// Runs <paramref name="work"/> while the script runs, then waits for the script and logs what it said; a script that failed
    /// stops the run. When <paramref name="work"/> fails, its error is the run's (the script is still waited for: nothing is left running).
    /// </summary>
    public void Alongside(Action work)
    {
        try
        {
            work();
        }
        catch
        {
            if (_script is not null) Task.WaitAny(_script); // the work's error is the one to tell: the script's own is not thrown
            throw;
        }
        if (_script is null) return;
        var run = _script.GetAwaiter().GetResult();
        if (!run.Succeeded)
            throw new PipelineException(string.Join(Environment.NewLine, new[] { run.Output, run.Error }.Where(text => text.Length > 0)));
        foreach (var line in (run.Output + "\n" + run.Error).Split('\n', StringSplitOptions.RemoveEmptyEntries)) _context.Log.Information(line);
    }
}
