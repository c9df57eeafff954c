using System.Diagnostics;
using System.Globalization;
using QtsOps.Tools.Docker;

namespace QtsOps.Tools.Ssh;

/// <summary>A POSIX shell script with its arguments, as the program that runs it and that program's argv.</summary>
public interface IScriptCommand
{
    string Program { get; }

    IReadOnlyList<string> ProgramArguments();

    /// <summary>Whose variables of the pipeline's environment the program keeps (<see cref="ChildEnvironment"/>).</summary>
    ChildProgram Child { get; }

    /// <summary>What the program needs on this machine, said when it cannot be started.</summary>
    string Requirement { get; }

    /// <summary>The command as errors name it.</summary>
    string ToString();
}

/// <summary>One POSIX shell script run on this machine: <c>sh -c SCRIPT qtsops ARGS...</c>.</summary>
public sealed record LocalScriptCommand(string Script, IReadOnlyList<string> Arguments) : IScriptCommand
{
    public string Program => "sh";

    public IReadOnlyList<string> ProgramArguments() => ["-c", Script, "qtsops", .. Arguments];

    public ChildProgram Child => ChildProgram.HostShell;

    public string Requirement =>
        "this machine's deployments need a POSIX sh with coreutils, find, tar, gzip and flock (util-linux) on PATH, as every Linux has; on Windows run ./build.sh in WSL.";

    public override string ToString() => $"sh ({Script.Trim().Split('\n')[0]}...)";
}

/// <summary>One POSIX shell script run on a host over ssh: <c>ssh [-p PORT] -- USER@HOST 'sh -c SCRIPT qtsops ARGS...'</c>.</summary>
public sealed record SshCommand(string Client, string Destination, int? Port, string Script, IReadOnlyList<string> Arguments) : IScriptCommand
{
    public string Program => Client;

    public IReadOnlyList<string> ProgramArguments() => ClientArguments();

    public ChildProgram Child => ChildProgram.Ssh;

    public string Requirement => "an ssh:// Docker host needs the OpenSSH client (ssh) on PATH.";

    /// <summary>ssh's argv: options, destination, then the remote command as one string, every word quoted once for the remote shell.</summary>
    public IReadOnlyList<string> ClientArguments()
    {
        var arguments = new List<string>();
        if (Port is { } port) arguments.AddRange(["-p", port.ToString(CultureInfo.InvariantCulture)]);
        arguments.AddRange(["--", Destination, string.Join(" ", new[] { "sh", "-c", Script, "qtsops" }.Concat(Arguments).Select(Quote))]);
        return arguments;
    }

    /// <summary>A word for a POSIX shell: single-quoted, with each ' written as '\''.</summary>
    public static string Quote(string word) => $"'{word.Replace("'", "'\\''")}'";

    public override string ToString() => $"ssh {Destination} ({Script.Trim().Split('\n')[0]}...)";
}

/// <summary>
/// Runs host scripts, on this machine (sh) or on an ssh host (ssh). Not Cake's Tool&lt;T&gt;: its runner hands the
/// process one command line that is split again by quoting rules, and a script is full of quotes; the program
/// gets its argv exactly here (ProcessStartInfo.ArgumentList). Nothing secret is on it: the key is in the ssh client's wrapper.
/// </summary>
public static class ScriptRunner
{
    /// <summary>ssh's own exit code for a connection or authentication failure (scripts exit below it).</summary>
    public const int ConnectionFailed = 255;

    /// <summary>
    /// Runs the script to its end; <paramref name="input"/> is written to its standard input. A script
    /// still running after <paramref name="limit"/> is stopped (its ssh client killed, which ends its
    /// session on the host) and <see cref="TimeoutException"/> thrown.
    /// </summary>
    public static DockerOutput Run(IScriptCommand command, TimeSpan limit, string? input = null)
    {
        using var process = Start(command);
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        var written = Task.Run(() =>
        {
            try
            {
                if (input is not null) process.StandardInput.Write(input);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The session ended before it read everything: its exit code says why.
            }
        });
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{command} was stopped after {limit.TotalSeconds:0} s without finishing.");
        }
        written.Wait();
        return new DockerOutput(command.ToString(), process.ExitCode, Lines(output.Result), Lines(error.Result));
    }

    /// <summary>
    /// Starts the script and leaves it running, its standard input and output open to the caller (a held
    /// lock). With <paramref name="ownSession"/>, the client runs in a session of its own (setsid, where
    /// there is one) even when the pipeline does not handle Ctrl-C (<see cref="ChildSessions"/>): a Ctrl-C in the
    /// terminal reaches the pipeline's process group, not it, so it lives until the caller ends it or the caller's
    /// process ends (its standard input closes then).
    /// </summary>
    public static Process Start(IScriptCommand command, bool ownSession = false)
    {
        var start = new ProcessStartInfo(command.Program)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in command.ProgramArguments()) start.ArgumentList.Add(argument);
        foreach (var (name, value) in ChildEnvironment.For(command.Child)) start.Environment[name] = value;
        try
        {
            return ChildSessions.Start(start, ownSession);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"{command.Program} could not be started ({exception.Message}). Fix: {command.Requirement}");
        }
    }

    private static IReadOnlyList<string> Lines(string text) => text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
}
