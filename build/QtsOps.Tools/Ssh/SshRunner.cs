using System.Diagnostics;
using System.Globalization;
using QtsOps.Tools.Docker;

namespace QtsOps.Tools.Ssh;

/// <summary>One POSIX shell script run on a host over ssh: <c>ssh [-p PORT] -- USER@HOST 'sh -c SCRIPT qtsops ARGS...'</c>.</summary>
public sealed record SshCommand(string Client, string Destination, int? Port, string Script, IReadOnlyList<string> Arguments)
{
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
/// Runs scripts on an ssh host. Not Cake's Tool&lt;T&gt;: its runner hands the process one command line that
/// is split again by quoting rules, and a script is full of quotes; ssh gets its argv exactly here
/// (ProcessStartInfo.ArgumentList). Nothing secret is on it: the key is in the client's wrapper.
/// </summary>
public static class SshRunner
{
    /// <summary>ssh's own exit code for a connection or authentication failure (scripts exit below it).</summary>
    public const int ConnectionFailed = 255;

    /// <summary>Runs the script to its end; <paramref name="input"/> is written to its standard input.</summary>
    public static DockerOutput Run(SshCommand command, string? input = null)
    {
        using var process = Start(command);
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (input is not null) process.StandardInput.Write(input);
        process.StandardInput.Close();
        process.WaitForExit();
        return new DockerOutput(command.ToString(), process.ExitCode, Lines(output.Result), Lines(error.Result));
    }

    /// <summary>Starts the script and leaves it running, its standard input and output open to the caller (a held lock).</summary>
    public static Process Start(SshCommand command)
    {
        var start = new ProcessStartInfo(command.Client)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in command.ClientArguments()) start.ArgumentList.Add(argument);
        foreach (var (name, value) in ChildEnvironment.For(ChildProgram.Ssh)) start.Environment[name] = value;
        return Process.Start(start) ?? throw new InvalidOperationException($"{command.Client} did not start.");
    }

    private static IReadOnlyList<string> Lines(string text) => text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
}
