using QtsOps.Host;
using QtsOps.Core.GitHubActions;

namespace QtsOps.Build;

/// <summary>The pipeline's host as Program.cs runs it; tests run the same one.</summary>
public static class BuildHost
{
    /// <summary>
    /// Thread-pool threads the pipeline may block at once without waiting for the pool to grow. It blocks pool threads
    /// on child processes and ssh by design (a host per thread in a rollout, a check's reads in parallel), and the pool
    /// starts with one thread per core and adds about one a second while they block: on 2 cores a rollout to three hosts
    /// left queued work (child processes' output, a check's reads) waiting up to 2.2 s. Threads are still made only when needed.
    /// </summary>
    public const int BlockingThreads = 64;

    public static CakeHost Create()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, BlockingThreads), completionPorts);
        return Host();
    }

    private static CakeHost Host() => new CakeHost()
        .UseContext<BuildContext>()
        .UseLifetime<BuildLifetime>()
        .UseOptions(PipelineOptions.All)
        .UseHelpNote(BuildContext.EnvironmentsHelp)
        .UseProcessRunner(QtsOps.Tools.ChildSessions.Around)
        .ConfigureLog(log =>
        {
            if (!RunReporting.IsGitHubActionsEnvironment(Environment.GetEnvironmentVariable)) return;
            log.TaskStarted = (writer, task) => writer.WriteLine(WorkflowCommands.Group(task));
            log.TaskEnded = (writer, _) => writer.WriteLine(WorkflowCommands.EndGroup);
        })
        .UseTreePage((context, targets, plan) => ((BuildContext)context).Reporting.WriteTaskGraph(targets, plan))
        .OnFinished((context, summary) => ((BuildContext)context).Reporting.WriteRunReport(summary))
        .OnFinished((context, summary) => ((BuildContext)context).Reporting.ReportToGitHubActions(summary))
        .OnFinished((context, _) => ((BuildContext)context).End());
}
