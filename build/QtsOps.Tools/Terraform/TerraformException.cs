namespace QtsOps.Tools.Terraform;

/// <summary>A terraform command failed; <see cref="Diagnostics"/> is what Terraform printed on stderr, secrets masked.</summary>
public sealed class TerraformException(string command, int? exitCode, string diagnostics, string summary)
    : Exception(diagnostics.Length == 0 ? summary + "." : $"{summary}:\n{diagnostics}")
{
    public string Command { get; } = command;

    /// <summary>null when the command was stopped (timeout).</summary>
    public int? ExitCode { get; } = exitCode;

    public string Diagnostics { get; } = diagnostics;

    public bool TimedOut => ExitCode is null;
}
