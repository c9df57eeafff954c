using Cake.Core;
using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Build.Tasks;
using QtsOps.Host;
using QtsOps.Core.Environments;

namespace QtsOps.Build;

public sealed class BuildLifetime : FrostingLifetime<BuildContext>
{
    /// <summary>Tasks that change an environment, and so take only the versions it allows.</summary>
    private static readonly string[] DeployingTasks = ["apply", "deploy"];

    public override void Setup(BuildContext context, ISetupContext info)
    {
        var deploys = info.TasksToExecute.Any(task => task.Name.Equals("deploy", StringComparison.OrdinalIgnoreCase));
        // The preflight's ssh handshakes with remote engines (each host's, on several) are begun first, and made while the run reads its checkout and sets up this machine;
        // a protected environment's host is contacted only after the preflight's approval and release-branch checks.
        if (deploys && !context.Protection.IsProtected(context.EnvironmentName)) new Wiring(context).ConnectAhead();
        var tasks = info.TasksToExecute.Select(t => t.Name).ToList();
        if (tasks.Contains("image", StringComparer.OrdinalIgnoreCase)) new Wiring(context).BaseImages().ReadAhead();
        MachineSetup.Start(context, tasks).Alongside(() =>
        {
            Begin(context, tasks, "");
            RequireVerifiedRelease(context, tasks);
        });
        // A run that cannot deploy stops here, in seconds, before it builds, pushes or applies anything.
        if (!deploys) return;
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
    /// An environment with requireVerifiedRelease takes a deploy or rollback only of a release whose bundle
    /// verify-release passes, checked here, before any task (clean included) runs or the host is touched.
    /// </summary>
    private static void RequireVerifiedRelease(BuildContext context, List<string> tasks)
    {
        var task = new[] { "deploy", "rollback" }.FirstOrDefault(t => tasks.Contains(t, StringComparer.OrdinalIgnoreCase));
        if (task is null || !context.Target.RequireVerifiedRelease) return;
        try
        {
            // Approval is the first thing a protected environment asks for: without it, the bundle is not even looked at.
            context.Protection.Require(context.EnvironmentName, task == "deploy" ? ProtectedChange.Deploy : ProtectedChange.Rollback);
            context.Log.Information($"'{context.EnvironmentName}' requires a verified release (requireVerifiedRelease): checking the bundle before the {task}");
            var gate = new Wiring(context).ReleaseGate();
            if (task == "deploy") gate.RequireForDeploy(context.ReleaseBundle, context.Checkout.Version);
            else context.VerifiedRollbackVersion = gate.RequireForRollback(
                context.Options.Get(PipelineOptions.BundleDirectory) is null ? null : context.ReleaseBundle, context.Options.Get(PipelineOptions.RollbackTo));
        }
        catch (Exception exception)
        {
            context.Reporting.ReportFailure(task, exception);
            throw;
        }
    }

    /// <summary>
    /// A slot that served before a switch is stopped at the run's end at the latest (<see cref="SlotStops"/>).
    /// A run that succeeded but lost its reports fails (one that failed already says why).
    /// </summary>
    public override void Teardown(BuildContext context, ITeardownContext info)
    {
        context.SlotStops.RunAll(context.Log);
        if (info.Successful) context.Reporting.EnsureReportsKept();
    }

    // A dry run shows the same version and environment, and finds the same refusal.
    public override void DryRunSetup(BuildContext context, ISetupContext info) => Begin(context, [.. info.TasksToExecute.Select(t => t.Name)], " (dry run)");

    /// <param name="tasks">The names of the tasks the run executes.</param>
    private static void Begin(BuildContext context, List<string> tasks, string mode)
    {
        context.Log.Information($"QtsOps {context.Checkout.VersionDescription}: environment {context.EnvironmentName}, tasks {string.Join(" -> ", tasks)}{mode}");
        if (tasks.Intersect(DeployingTasks, StringComparer.OrdinalIgnoreCase).Any()) context.Protection.RequireDeployable(context.EnvironmentName, context.Checkout.VersionInfo);
    }
}
