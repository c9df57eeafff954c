using Cake.Core;

namespace QtsOps.Host;

/// <summary>The setup of an --exclusive run: only the targets are to execute, not their dependencies.</summary>
internal sealed class ExclusiveSetupContext(ISetupContext setup, IReadOnlyCollection<string> targets) : FrostingContext(setup), ISetupContext
{
    public ICakeTaskInfo TargetTask => setup.TargetTask;

    public IReadOnlyCollection<ICakeTaskInfo> TasksToExecute { get; } =
        [.. setup.TasksToExecute.Where(task => targets.Contains(task.Name, StringComparer.OrdinalIgnoreCase))];
}
