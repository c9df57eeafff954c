using Cake.Core;
using Cake.Core.Diagnostics;
using QtsOps.Host;

namespace QtsOps.Build;

public sealed class BuildLifetime : FrostingLifetime<BuildContext>
{
    /// <summary>Tasks that change an environment, and so take only the versions it allows.</summary>
    private static readonly string[] DeployingTasks = ["apply", "deploy"];

    public override void Setup(BuildContext context, ISetupContext info)
    {
        var tasks = info.TasksToExecute.Select(t => t.Name).ToList();
        context.Log.Information($"QtsOps {context.VersionDescription}: environment {context.EnvironmentName}, tasks {string.Join(" -> ", tasks)}");
        if (tasks.Intersect(DeployingTasks, StringComparer.OrdinalIgnoreCase).Any()) context.EnsureDeployableVersion();
    }
}
