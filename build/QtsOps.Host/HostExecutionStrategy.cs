using Cake.Core;
using Cake.Core.Diagnostics;

namespace QtsOps.Host;

/// <summary>
/// Cake's default strategy, except that a dry run executes no task body and no finally: it calls
/// <paramref name="dryRun"/> (the task's own DryRun, which shows what the task would do) instead.
/// </summary>
internal sealed class HostExecutionStrategy(IExecutionStrategy inner, Action<string>? dryRun) : IExecutionStrategy
{
    public void PerformSetup(Action<ISetupContext> action, ISetupContext context) => inner.PerformSetup(action, context);
    public void PerformTeardown(Action<ITeardownContext> action, ITeardownContext teardownContext) => inner.PerformTeardown(action, teardownContext);

    public Task ExecuteAsync(CakeTask task, ICakeContext context)
    {
        if (dryRun is null) return inner.ExecuteAsync(task, context);
        dryRun(task.Name);
        return Task.CompletedTask;
    }

    public void Skip(CakeTask task, CakeTaskCriteria criteria) => inner.Skip(task, criteria);
    public Task ReportErrorsAsync(Func<Exception, Task> action, Exception exception) => inner.ReportErrorsAsync(action, exception);
    public Task HandleErrorsAsync(Func<Exception, ICakeContext, Task> action, Exception exception, ICakeContext context) => inner.HandleErrorsAsync(action, exception, context);
    public Task InvokeFinallyAsync(Func<ICakeContext, Task> action, ICakeContext context) => inner.InvokeFinallyAsync(action, context);
    public void PerformTaskSetup(Action<ITaskSetupContext> action, ITaskSetupContext taskSetupContext) => inner.PerformTaskSetup(action, taskSetupContext);
    public void PerformTaskTeardown(Action<ITaskTeardownContext> action, ITaskTeardownContext taskTeardownContext) => inner.PerformTaskTeardown(action, taskTeardownContext);
}
