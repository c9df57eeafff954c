using Cake.Core.Diagnostics;

namespace QtsOps.Build.Deployment.Fleet;

/// <summary>
/// The run's log, each line written for a host's share of a run (<see cref="For"/>) starting with that host's name in brackets:
/// hosts deploying at once write between each other's lines, and every line must say whose it is.
/// </summary>
public sealed class HostNamingLog(ICakeLog log) : ICakeLog
{
    private static readonly AsyncLocal<string?> Host = new();

    /// <summary>The host whose share of a run this thread does (<see cref="For"/>), else null.</summary>
    public static string? Current => Host.Value;

    /// <summary>Runs <paramref name="work"/> with the lines it logs (on this thread and the tasks it starts) named for <paramref name="host"/>.</summary>
    public static T For<T>(string host, Func<T> work)
    {
        var before = Host.Value;
        Host.Value = host;
        try
        {
            return work();
        }
        finally
        {
            Host.Value = before;
        }
    }

    public Verbosity Verbosity
    {
        get => log.Verbosity;
        set => log.Verbosity = value;
    }

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args) =>
        log.Write(verbosity, level, Host.Value is { } host ? $"[{host}] {format}" : format, args);
}
