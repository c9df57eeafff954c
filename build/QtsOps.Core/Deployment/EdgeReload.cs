using System.Globalization;

namespace QtsOps.Core.Deployment;

/// <summary>How an edge's reload ended (<see cref="EdgeReload"/>).</summary>
public enum EdgeReloadOutcome
{
    /// <summary>nginx took the configuration and its previous workers finished their requests.</summary>
    Drained,

    /// <summary>nginx refused the configuration: it forwards as before.</summary>
    Refused,

    /// <summary>nginx took the configuration, but its previous workers were still there when the wait ended.</summary>
    NotDrained,
}

/// <summary>
/// nginx's reload and the wait for its previous workers to finish their requests, as one command inside the edge (one
/// `docker exec`, where the engine was asked for the edge's processes before the reload and again until they were gone).
/// The script lists the worker processes in the container's /proc (a command line that begins "nginx: worker process",
/// "is shutting down" too: begins, as the script's own sh has those words in its command line), reloads, then looks every
/// fiftieth of a second until none of those it listed is left (idle workers are gone within a few hundredths).
/// </summary>
public static class EdgeReload
{
    /// <summary>What the script prints once nginx took the configuration, before the wait.</summary>
    public const string ReloadedLine = "reloaded";

    /// <summary>What the script prints before the workers still left when the wait ended (their pids, separated by spaces).</summary>
    public const string LeftPrefix = "left:";

    private const string Script = """
        wait=$1; shift
        workers() { for p in /proc/[0-9]*; do grep -qa '^nginx: worker process' "$p/cmdline" 2>/dev/null && echo "${p#/proc/}"; done; }
        before=$(workers)
        "$@" || exit
        echo reloaded
        steps=$((wait * 50))
        while :; do
          left=
          for pid in $before; do grep -qa '^nginx: worker process' "/proc/$pid/cmdline" 2>/dev/null && left="$left $pid"; done
          [ -z "$left" ] && exit 0
          [ "$steps" -gt 0 ] || { echo "left:$left"; exit 1; }
          steps=$((steps - 1))
          sleep 0.02
        done
        """;

    /// <summary>The command to run inside the edge: sh with the script, the seconds to wait for the previous workers (<see cref="SlotLayout.DrainWait"/>) and nginx's reload.</summary>
    public static IReadOnlyList<string> Command(TimeSpan drainWait) =>
        ["sh", "-c", Script.ReplaceLineEndings("\n"), "sh", ((int)Math.Ceiling(drainWait.TotalSeconds)).ToString(CultureInfo.InvariantCulture), .. SlotLayout.ReloadCommand];

    /// <summary>How the command ended, from its exit code and standard output.</summary>
    public static EdgeReloadOutcome Outcome(int exitCode, IReadOnlyList<string> output) =>
        exitCode == 0 ? EdgeReloadOutcome.Drained
        : output.Any(line => line.Trim() == ReloadedLine) ? EdgeReloadOutcome.NotDrained
        : EdgeReloadOutcome.Refused;
}
