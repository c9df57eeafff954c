using System.Diagnostics;

namespace QtsOps.Tools;

/// <summary>What a program said and how it ended.</summary>
public sealed record ProgramResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs a program from PATH with its argv exactly as given (ProcessStartInfo.ArgumentList, no shell, no
/// re-splitting), for the small CLIs that are no Cake tool (ssh-keygen, gh).
/// </summary>
public static class ProgramRunner
{
    /// <param name="inputFile">A file copied to the program's standard input, or null for none.</param>
    /// <param name="missing">What to say when the program is not on PATH (exit code 127).</param>
    /// <param name="environment">Variables to set (a null value removes an inherited one); null: the pipeline's own.</param>
    /// <param name="terminalInput">The program reads the pipeline's own standard input (sudo asks its password there); no <paramref name="inputFile"/> then.</param>
    public static ProgramResult Run(string program, IReadOnlyList<string> arguments, string missing, string? inputFile = null,
        IReadOnlyDictionary<string, string>? environment = null, bool terminalInput = false)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = !terminalInput, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        Process process;
        try
        {
            // sudo asks its password on the terminal: a program that reads it stays in the terminal's process group.
            process = terminalInput ? Process.Start(start)! : ChildSessions.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new ProgramResult(127, "", missing);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (inputFile is not null)
            {
                using var file = File.OpenRead(inputFile);
                file.CopyTo(process.StandardInput.BaseStream);
            }
            if (!terminalInput) process.StandardInput.Close();
            process.WaitForExit();
            return new ProgramResult(process.ExitCode, output.Result.Trim(), error.Result.Trim());
        }
    }
}
