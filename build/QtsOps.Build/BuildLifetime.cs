using Cake.Core;
using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Build.Tasks;
using QtsOps.Host;

namespace QtsOps.Build;

public sealed class BuildLifetime : FrostingLifetime<BuildContext>
{
    /// <summary>Tasks that change an environment, and so take only the versions it allows.</summary>
    private static readonly string[] DeployingTasks = ["apply", "deploy"];

    public override void Setup(BuildContext context, ISetupContext info)
    {
        var tasks = Begin(context, info, "");
        // A run that cannot deploy stops here, in seconds, before it builds, pushes or applies anything.
        if (!tasks.Contains("deploy", StringComparer.OrdinalIgnoreCase)) return;
        try
        {
            new Wiring(context).Preflight().Run(pushes: tasks.Contains("push", StringComparer.OrdinalIgnoreCase) && PushTask.Publishes(context));
        }
        catch (Exception exception)
        {
            // The deploy's report says why it never started.
            context.Reporting.ReportFailure("deploy", exception);
            throw;
        }
    }

    /// <summary>
    /// A slot that served before a switch is stopped beside what followed: the run ends once it is.
    /// A run that succeeded but lost its reports fails (one that failed already says why).
    /// </summary>
    public override void Teardown(BuildContext context, ITeardownContext info)
    {
        context.SlotStops.WaitAll(context.Log);
        if (info.Successful) context.Reporting.EnsureReportsKept();
    }

    // A dry run shows the same version and environment, and finds the same refusal.
    public override void DryRunSetup(BuildContext context, ISetupContext info) => Begin(context, info, " (dry run)");

    /// <returns>The names of the tasks the run executes.</returns>
    private static List<string> Begin(BuildContext context, ISetupContext info, string mode)
    {
        var tasks = info.TasksToExecute.Select(t => t.Name).ToList();
        context.Log.Information($"QtsOps {context.Checkout.VersionDescription}: environment {context.EnvironmentName}, tasks {string.Join(" -> ", tasks)}{mode}");
        if (tasks.Intersect(DeployingTasks, StringComparer.OrdinalIgnoreCase).Any()) context.Protection.RequireDeployable(context.EnvironmentName, context.Checkout.VersionInfo);
        return tasks;
    }
}
