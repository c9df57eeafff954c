using QtsOps.Host;
using QtsOps.Core.GitHubActions;

namespace QtsOps.Build;

/// <summary>The pipeline's host as Program.cs runs it; tests run the same one.</summary>
public static class BuildHost
{
    public static CakeHost Create() => new CakeHost()
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
