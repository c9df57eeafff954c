using Cake.Core;
using Cake.Core.Diagnostics;
using QtsOps.Host;

namespace QtsOps.Build;

public sealed class BuildLifetime : FrostingLifetime<BuildContext>
{
    /// <summary>Tasks that change an environment, and so take only the versions it allows.</summary>
    private static readonly string[] DeployingTasks = ["apply", "deploy"];

    public override void Setup(BuildContext context, ISetupContext info) => Begin(context, info, "");

    // A dry run shows the same version and environment, and finds the same refusal.
    public override void DryRunSetup(BuildContext context, ISetupContext info) => Begin(context, info, " (dry run)");

    private static void Begin(BuildContext context, ISetupContext info, string mode)
    {
        var tasks = info.TasksToExecute.Select(t => t.Name).ToList();
        context.Log.Information($"QtsOps {context.VersionDescription}: environment {context.EnvironmentName}, tasks {string.Join(" -> ", tasks)}{mode}");
        if (tasks.Intersect(DeployingTasks, StringComparer.OrdinalIgnoreCase).Any()) context.EnsureDeployableVersion();
    }
}
