using Cake.Core;

namespace QtsOps.Host;

/// <summary>What the host needs of a task, whatever its context type.</summary>
public interface IFrostingTask
{
    /// <summary>Why the last <c>ShouldRun</c> said no; shown in the summary table.</summary>
    string? SkipReason { get; }

    bool ShouldRun(ICakeContext context);
    Task RunAsync(ICakeContext context);
    void OnError(Exception exception, ICakeContext context);
    void Finally(ICakeContext context);

    /// <summary>Runs instead of the task under --dryrun: shows what the task would do, changing nothing.</summary>
    void DryRun(ICakeContext context);

    /// <summary>Asked instead of <see cref="ShouldRun"/> under --dryrun.</summary>
    bool ShouldRunInDryRun(ICakeContext context);
}

/// <summary>
/// Base of every task. Unlike Cake Frosting, <see cref="OnError"/> observes a failure without
/// swallowing it (mark the task <see cref="ContinueOnErrorAttribute"/> for that), and a task can
/// say why it skipped with <see cref="SkipBecause"/>.
/// </summary>
public abstract class FrostingTaskBase<TContext> : IFrostingTask where TContext : ICakeContext
{
    public string? SkipReason { get; private set; }

    public virtual bool ShouldRun(TContext context) => true;
    public virtual void OnError(Exception exception, TContext context) { }
    public virtual void Finally(TContext context) { }

    /// <summary>
    /// Under --dryrun the host calls this instead of the task: print what the task would do, write
    /// nothing, and throw when it would refuse. The default says nothing more than the host's
    /// "(dry run) would run NAME".
    /// </summary>
    public virtual void DryRun(TContext context) { }

    /// <summary>
    /// Under --dryrun the host asks this instead of <see cref="ShouldRun"/>, which may need what earlier
    /// tasks make (an image) or an engine. Override it when the decision is known from the settings
    /// alone, so that a dry run shows the skip a real run would make; the default: it would run.
    /// </summary>
    public virtual bool ShouldRunInDryRun(TContext context) => true;

    /// <summary>Use as <c>ShouldRun(...) => condition || SkipBecause("reason")</c>.</summary>
    protected bool SkipBecause(string reason)
    {
        SkipReason = reason;
        return false;
    }

    /// <summary>
    /// Says from Run that the task found its work already done (an image of the same inputs exists): the
    /// summary shows it Skipped with <paramref name="reason"/>, as a skip decided before it ran.
    /// </summary>
    protected void SkippedWhileRunning(string reason) => SkipReason = reason;

    protected abstract Task RunTaskAsync(TContext context);

    bool IFrostingTask.ShouldRun(ICakeContext context)
    {
        SkipReason = null;
        return ShouldRun((TContext)context);
    }

    Task IFrostingTask.RunAsync(ICakeContext context) => RunTaskAsync((TContext)context);
    void IFrostingTask.OnError(Exception exception, ICakeContext context) => OnError(exception, (TContext)context);
    void IFrostingTask.Finally(ICakeContext context) => Finally((TContext)context);
    void IFrostingTask.DryRun(ICakeContext context) => DryRun((TContext)context);

    bool IFrostingTask.ShouldRunInDryRun(ICakeContext context)
    {
        SkipReason = null;
        return ShouldRunInDryRun((TContext)context);
    }
}

public abstract class FrostingTask<TContext> : FrostingTaskBase<TContext> where TContext : ICakeContext
{
    public virtual void Run(TContext context) { }

    protected sealed override Task RunTaskAsync(TContext context)
    {
        Run(context);
        return Task.CompletedTask;
    }
}

public abstract class AsyncFrostingTask<TContext> : FrostingTaskBase<TContext> where TContext : ICakeContext
{
    public virtual Task RunAsync(TContext context) => Task.CompletedTask;

    protected sealed override Task RunTaskAsync(TContext context) => RunAsync(context);
}

public interface IFrostingLifetime
{
    void Setup(ICakeContext context, ISetupContext info);
    void Teardown(ICakeContext context, ITeardownContext info);
    void DryRunSetup(ICakeContext context, ISetupContext info);
}

/// <summary>Setup before the first task and teardown after the last, as in Cake Frosting.</summary>
public abstract class FrostingLifetime<TContext> : IFrostingLifetime where TContext : ICakeContext
{
    public virtual void Setup(TContext context, ISetupContext info) { }
    public virtual void Teardown(TContext context, ITeardownContext info) { }

    /// <summary>Called instead of <see cref="Setup"/> under --dryrun: show what the run is about, change nothing.</summary>
    public virtual void DryRunSetup(TContext context, ISetupContext info) { }

    void IFrostingLifetime.Setup(ICakeContext context, ISetupContext info) => Setup((TContext)context, info);
    void IFrostingLifetime.Teardown(ICakeContext context, ITeardownContext info) => Teardown((TContext)context, info);
    void IFrostingLifetime.DryRunSetup(ICakeContext context, ISetupContext info) => DryRunSetup((TContext)context, info);
}
