using Cake.Core.IO;
using Cake.Core.Tooling;

namespace QtsOps.Tools.Terraform;

/// <summary>Settings of <c>terraform fmt</c>.</summary>
public sealed class TerraformFmtSettings : ToolSettings
{
    /// <summary>The directory (or file) to format; relative paths are resolved against <see cref="ToolSettings.WorkingDirectory"/>.</summary>
    public required FilePath Target { get; set; }

    /// <summary>-check: change nothing, exit 3 when a file is not formatted.</summary>
    public bool Check { get; set; }

    /// <summary>-recursive: subdirectories too.</summary>
    public bool Recursive { get; set; }
}

/// <summary>What terraform fmt reported.</summary>
/// <param name="Installed">False when no terraform executable was found; nothing ran.</param>
/// <param name="Files">The files fmt listed (not formatted, or reformatted without -check), as it printed them.</param>
/// <param name="Error">fmt's error when it could not parse a file (exit 2).</param>
public sealed record TerraformFmtResult(bool Installed, IReadOnlyList<string> Files, string? Error);
