using System.Diagnostics;
using Cake.Core.Diagnostics;
using QtsOps.Core.Environments;
using QtsOps.Core.Verification;
using QtsOps.Tools;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>Waits until a started release is healthy, as its /health and the engine's health check say, or says why it is not.</summary>
public sealed class HealthWait(DeploySession session)
{
    private DockerEngine Engine => session.Engine;

    private DeploymentEnvironment Target => session.Target;

    private ICakeLog Log => session.Log;

    /// <summary>
    /// Waits until the release answers /health (asked every <see cref="Poll"/>: it is up as soon as it
    /// answers) and the engine's health check agrees (it runs every healthIntervalSeconds, so it follows
    /// within that). Fails at once when the container crashes or the engine calls it unhealthy, and at
    /// healthTimeoutSeconds.
    /// </summary>
    /// <param name="publishes">Whether the container publishes the port (alone); a slot's /health is asked inside it.</param>
    public DockerContainer WaitHealthy(string release, string name, bool publishes, CancellationToken cancellation)
    {
        var timeout = TimeSpan.FromSeconds(Target.HealthTimeoutSeconds);
        var clock = Stopwatch.StartNew();
        TimeSpan? answered = null;
        var inspected = -InspectEvery;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            // docker inspect is a process: until /health answers, the engine's view is read every half second.
            if (answered is not null || clock.Elapsed - inspected >= InspectEvery)
            {
                inspected = clock.Elapsed;
                var container = Engine.Container(name) ?? throw new ReleaseStartException($"compose up reported success but there is no container {name}.");
                if (container.State.Health?.Status == "healthy" && container.RestartCount == 0)
                {
                    Log.Information($"{name} is healthy after {clock.Elapsed.TotalSeconds:0.0} s" +
                        (answered is { } at ? $" (it answered /health after {at.TotalSeconds:0.0} s)" : ""));
                    return container;
                }
                if (Failure(release, name, container, clock.Elapsed > timeout ? timeout : null, publishes) is { } failure) throw failure;
            }
            if (answered is null && session.Health.Answers(name, inside: !publishes))
            {
                answered = clock.Elapsed;
                Log.Information($"{name} answers /health after {answered.Value.TotalSeconds:0.0} s; waiting for the engine's health check (every {Target.HealthIntervalSeconds} s)");
            }
            cancellation.WaitHandle.WaitOne(Poll);
        }
    }

    /// <summary>Why the start failed, with the container's last words; null while it may still become healthy.</summary>
    /// <param name="timedOut">The health timeout, once it has passed; else null.</param>
    private ReleaseStartException? Failure(string release, string name, DockerContainer container, TimeSpan? timedOut, bool publishes)
    {
        var health = container.State.Health?.Status;
        var crashed = container.RestartCount > 0 || container.State.Restarting || container.State.Status is "exited" or "dead";
        if (!crashed && health != "unhealthy" && timedOut is null) return null;
        var state = crashed ? Crash(container)
            : health == "unhealthy" ? "unhealthy" : $"not healthy within {timedOut!.Value.TotalSeconds:0} s (health: {health ?? "none"})";
        // A service that runs but calls itself unhealthy says why in /health (a data directory it cannot write): that is the cause to show.
        var reasons = crashed ? [] : HealthReasons.Of(session.Health.Ask(name, running: true, inside: !publishes).Body);
        var logs = Engine.Logs(name, tail: 15).NonBlank().TakeLast(8);
        return new ReleaseStartException($"{name} from {Target.ImageOf(release)} {state}" +
            (reasons.Count > 0 ? $": its /health says {string.Join("; ", reasons)}" : "") + $". Last log lines: {(logs.Any() ? string.Join(" | ", logs) : "none (it wrote nothing)")}");
    }

    /// <summary>
    /// How the container crashed, as the engine shows it now: a container the engine restarted runs again and its exit code is the
    /// running one's (0), so only an ended or restarting one has an exit code to show.
    /// </summary>
    private static string Crash(DockerContainer container) => container.State.Status switch
    {
        "exited" or "dead" => $"crashed: it exited with code {container.State.ExitCode}" + (container.RestartCount > 0 ? $" after {container.RestartCount} restart(s)" : ""),
        "restarting" => $"crashed: it exited with code {container.State.ExitCode} and the engine is restarting it ({container.RestartCount} restart(s) so far)",
        _ => $"crashed: it exited and the engine restarted it {container.RestartCount} time(s)",
    };

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan InspectEvery = TimeSpan.FromMilliseconds(500);
}
