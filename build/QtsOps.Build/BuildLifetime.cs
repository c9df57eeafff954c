using Cake.Core;
using Cake.Core.Diagnostics;
using QtsOps.Host;

namespace QtsOps.Build;

public sealed class BuildLifetime : FrostingLifetime<BuildContext>
{
    public override void Setup(BuildContext context, ISetupContext info) =>
        context.Log.Information($"QtsOps: environment {context.EnvironmentName}, tasks {string.Join(" -> ", info.TasksToExecute.Select(t => t.Name))}");
}
