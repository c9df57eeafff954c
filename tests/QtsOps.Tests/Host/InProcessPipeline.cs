using QtsOps.Build;

namespace QtsOps.Tests.Host;

/// <summary>Runs the real pipeline (context, lifetime, tasks) in-process in a scratch directory.</summary>
public static class InProcessPipeline
{
    /// <param name="extraTasks">Test tasks to register beside the pipeline's own.</param>
    public static HostRun Run(string workingDirectory, string[] args, params Type[] extraTasks) =>
        HostRun.Of(BuildHost.Create().AddAssembly(typeof(BuildContext).Assembly).UseTasks(extraTasks).UseWorkingDirectory(workingDirectory), args);
}
