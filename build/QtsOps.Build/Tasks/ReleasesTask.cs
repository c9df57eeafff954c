using Cake.Core.Diagnostics;
using QtsOps.Build.Deployment;
using QtsOps.Host;

namespace QtsOps.Build.Tasks;

[TaskName("releases")]
[TaskDescription("Lists the installed releases (version, installed, verified, current) and the data backups (size, time, SHA-256), to choose --to and --backup; changes nothing")]
public sealed class ReleasesTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var (listing, markdown) = new Wiring(context).ReleasesReport().Report();
        context.Reporting.Write("releases", "read", listing, markdown, []);
        context.Log.Information(markdown);
    }
}
