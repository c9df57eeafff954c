namespace QtsOps.Tools.Terraform;

/// <summary>A terraform command failed; <see cref="Diagnostics"/> is what Terraform printed on stderr, secrets masked.</summary>
/// <param name="output">Its stdout, for a command whose output was not logged as it came (init's), secrets masked.</param>
public sealed class TerraformException(string command, int? exitCode, string diagnostics, string summary, string output = "")
    : Exception((diagnostics.Length == 0 ? summary + "." : $"{summary}:\n{diagnostics}") + (output.Length == 0 ? "" : $"\n\nterraform {command} printed:\n{output}"))
{
    public string Command { get; } = command;

    /// <summary>null when the command was stopped (timeout).</summary>
    public int? ExitCode { get; } = exitCode;

    public string Diagnostics { get; } = diagnostics;

    public bool TimedOut => ExitCode is null;
}
