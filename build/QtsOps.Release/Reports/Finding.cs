namespace QtsOps.Release.Reports;

/// <summary>One finding of a report, in the shape every report shares.</summary>
public sealed record Finding(string Rule, string Severity, string? File, int? Line, string Message, string Fix)
{
    public static Finding Error(string rule, string? file, string message, string fix, int? line = null) => new(rule, "error", file, line, message, fix);

    public static Finding Warning(string rule, string? file, string message, string fix, int? line = null) => new(rule, "warning", file, line, message, fix);
}
