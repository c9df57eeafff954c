using Cake.Core;
using Cake.Core.Diagnostics;

namespace QtsOps.Host;

/// <summary>Cake's log on the host's writers: errors and warnings to the error writer, the rest to output.</summary>
public sealed class HostLog(TextWriter output, TextWriter error) : ICakeLog
{
    public Verbosity Verbosity { get; set; } = Verbosity.Normal;

    /// <summary>Called for each task header, so a CI runner can group a task's log (GitHub Actions).</summary>
    public Action<TextWriter, string>? TaskStarted { get; set; }

    /// <summary>Ends the group that <see cref="TaskStarted"/> opened.</summary>
    public Action<TextWriter, string>? TaskEnded { get; set; }

    private string? _openTask;

    internal void StartTask(string name)
    {
        TaskStarted?.Invoke(output, name);
        _openTask = name;
    }

    /// <summary>Calls <see cref="TaskEnded"/> once for the task whose header was written, if any.</summary>
    internal void EndTask()
    {
        if (_openTask is null) return;
        TaskEnded?.Invoke(output, _openTask);
        output.Flush();
        _openTask = null;
    }

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args)
    {
        if (verbosity > Verbosity) return;
        var text = args.Length == 0 ? format : string.Format(format, args);
        var writer = level <= LogLevel.Warning ? error : output;
        writer.WriteLine(level switch
        {
            LogLevel.Fatal or LogLevel.Error => "Error: " + text,
            LogLevel.Warning => "Warning: " + text,
            _ => text,
        });
        writer.Flush();
    }

    /// <summary>Where task headers and summaries go.</summary>
    public TextWriter Output => output;
}

/// <summary>Prints task headers; the summary table is <see cref="TaskSummary"/>'s.</summary>
internal sealed class HostStepPrinter(HostLog log) : ICakeReportPrinter
{
    public void Write(CakeReport report) { }

    public void WriteStep(string name, Verbosity verbosity)
    {
        if (verbosity > log.Verbosity) return;
        log.StartTask(name);
        log.Output.WriteLine();
        log.Output.WriteLine("========================================");
        log.Output.WriteLine(name);
        log.Output.WriteLine("========================================");
    }

    public void WriteLifeCycleStep(string name, Verbosity verbosity)
    {
        if (verbosity <= log.Verbosity) log.Output.WriteLine($"--- {name} ---");
    }

    public void WriteSkippedStep(string name, Verbosity verbosity)
    {
        if (verbosity <= log.Verbosity) log.Output.WriteLine($"--- {name} (skipped) ---");
    }
}
