using QtsOps.Host;

namespace QtsOps.Tests.Host;

/// <summary>One run of a host with its exit code and what it printed.</summary>
public sealed record HostRun(int ExitCode, string Output, string Error, TaskSummary Summary)
{
    public static HostRun Of(CakeHost host, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = host.UseConsole(output, error).Run(args);
        return new HostRun(exitCode, output.ToString(), error.ToString(), host.Summary);
    }

    public TaskSummaryEntry Entry(string task) => Summary.Entries.Single(e => e.Task == task);
}
