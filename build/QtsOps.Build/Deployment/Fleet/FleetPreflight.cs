using Cake.Core.Diagnostics;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>
/// The preflight of every host of the run at once (issue 24, point 2): each host's own checks (key, engine, disk, lock, a
/// foreign container...), and one error listing every host's problems; nothing is built, pushed or deployed anywhere until
/// every host passed.
/// </summary>
public sealed class FleetPreflight(FleetRun run) : IPreflight
{
    public void Run(bool pushes)
    {
        var results = FleetRun.OnEach(run.Hosts, host =>
        {
            host.Steps.Preflight().Run(pushes);
            return true;
        });
        var failed = results.Where(r => r.Failed).ToList();
        if (failed.Count > 0)
            throw new PipelineException($"Preflight of '{run.Environment}' failed on {failed.Count} of {results.Count} hosts; nothing was built, pushed, applied or deployed on any host:" +
                string.Concat(failed.Select(f => $"{Environment.NewLine}{f.Host}: {f.Error!.Message}")));
        run.Reporting.Log.Information($"Preflight of '{run.Environment}' passed on every host of the run: {string.Join(", ", results.Select(r => r.Host))}");
    }
}
