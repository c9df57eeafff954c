using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Host;
using QtsOps.Core.Reports;

namespace QtsOps.Build.Tasks;

[TaskName("status")]
[TaskDescription("Shows what runs in the environment, the last verified release, the deploy lock and the newest history (--limit); changes nothing")]
public sealed class StatusTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var (status, markdown) = new Wiring(context).Status().Report(context.Options.Get(PipelineOptions.Limit)!.Value);
        context.Reporting.Write("status", "read", status, markdown, []);
        context.Reporting.AddSummarySection($"Status ({context.EnvironmentName})", markdown);
        context.Log.Information(markdown);
    }
}
