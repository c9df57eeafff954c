using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Cake.Core;
using Cake.Core.IO;
using Path = System.IO.Path;

namespace QtsOps.Tools;

/// <summary>
/// Keeps the pipeline's child processes (docker, compose, ssh, terraform, git, host scripts) out of the terminal's
/// foreground process group while the pipeline handles Ctrl-C itself (a deploy, rollback or restore holding the lock, Interruption): a
/// Ctrl-C at a terminal signals that whole group, and would end the step in progress mid-way, where the pipeline
/// means to let it finish or undo it. Each child then runs in a session of its own through util-linux
/// <c>setsid</c>, which makes the session in place (a child of .NET leads no process group) and execs the
/// program: same pid, exit code, redirections, and a kill of its tree as before. Without setsid (macOS) children
/// stay in the group, as they always did. Sessions are also without a controlling terminal: fine for
/// ssh (BatchMode) and docker; sudo, which asks its password on the terminal, is never detached.
/// </summary>
public static class ChildSessions
{
    private static readonly Lazy<string?> SetsidOnPath = new(() => FindOnPath("setsid"));

    /// <summary>util-linux setsid on PATH; null where there is none.</summary>
    public static string? Setsid => SetsidOnPath.Value;

    private static volatile bool s_detaching;

    /// <summary>Whether children started now get a session of their own (set while the pipeline handles Ctrl-C itself).</summary>
    public static bool Detaching
    {
        get => s_detaching;
        set => s_detaching = value;
    }

    /// <summary>
    /// The program and argv that run <paramref name="program"/> (a path) with <paramref name="arguments"/> in a session
    /// of its own: <c>setsid --wait PROGRAM ARGS...</c> (--wait: should setsid ever have to fork, it still waits and
    /// passes the exit code on); unchanged without <paramref name="setsid"/>.
    /// </summary>
    public static (string Program, IReadOnlyList<string> Arguments) Wrap(string? setsid, string program, IReadOnlyList<string> arguments) =>
        setsid is null ? (program, arguments) : (setsid, ["--wait", program, .. arguments]);

    /// <summary>Starts <paramref name="start"/>, in a session of its own while <see cref="Detaching"/> (or always, with <paramref name="ownSession"/>).</summary>
    public static Process Start(ProcessStartInfo start, bool ownSession = false)
    {
        if ((ownSession || Detaching) && Setsid is { } setsid && Resolve(start.FileName) is { } program)
        {
            var (wrapper, arguments) = Wrap(setsid, program, [.. start.ArgumentList]);
            start.FileName = wrapper;
            start.ArgumentList.Clear();
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
        }
        return Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
    }

    /// <summary>Cake's process runner with each start in a session of its own while <see cref="Detaching"/>: the one runner every Cake tool (docker, compose, git, terraform) uses.</summary>
    public static IProcessRunner Around(IProcessRunner runner) => new DetachingProcessRunner(runner);

    private sealed class DetachingProcessRunner(IProcessRunner inner) : IProcessRunner
    {
        public IProcess Start(FilePath filePath, ProcessSettings settings)
        {
            if (!Detaching || Setsid is not { } setsid || Resolve(filePath.FullPath) is not { } program) return inner.Start(filePath, settings);
            // The caller's settings are its own: their arguments are put back once the process started.
            var given = settings.Arguments;
            var (wrapper, words) = Wrap(setsid, program, []);
            var wrapped = new ProcessArgumentBuilder();
            foreach (var word in words) wrapped.AppendQuoted(word);
            if (given is not null) wrapped.AppendRange(given);
            settings.Arguments = wrapped;
            try
            {
                return inner.Start(wrapper, settings);
            }
            finally
            {
                settings.Arguments = given;
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the process group of each child of this process that leads its own session: what the
    /// terminal sent them before they left its group. For a signal that ends the pipeline at once (a second Ctrl-C), so that no
    /// child outlives it unasked. Linux only (/proc), as sessions are made only where util-linux is.
    /// </summary>
    public static void PassOn(PosixSignal signal)
    {
        // Linux's numbers: PosixSignal's values are .NET's own.
        var number = signal switch { PosixSignal.SIGHUP => 1, PosixSignal.SIGINT => 2, PosixSignal.SIGQUIT => 3, PosixSignal.SIGTERM => 15, _ => 0 };
        if (!OperatingSystem.IsLinux() || number == 0) return;
        foreach (var pid in DetachedChildrenOf(Environment.ProcessId)) Kill(-pid, number);
    }

    /// <summary>The children of <paramref name="parent"/> that lead a session of their own (session id = pid), as /proc says.</summary>
    public static IReadOnlyList<int> DetachedChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                // "PID (COMMAND) STATE PPID PGRP SESSION ...": the command may hold spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent && int.Parse(fields[3], CultureInfo.InvariantCulture) == pid) children.Add(pid);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Ended meanwhile.
            }
        }
        return children;
    }

    /// <summary>The program's full path as a process start would find it (a name on PATH); null when it is not there, so that its start fails as it would unwrapped.</summary>
    private static string? Resolve(string program) =>
        program.Contains('/', StringComparison.Ordinal) ? (File.Exists(program) ? Path.GetFullPath(program) : null) : FindOnPath(program);

    /// <summary>The first <paramref name="name"/> in a folder of PATH.</summary>
    private static string? FindOnPath(string name) => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, name))
        .FirstOrDefault(File.Exists);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
