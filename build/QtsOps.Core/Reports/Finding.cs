namespace QtsOps.Core.Reports;

/// <summary>One finding of a report, in the shape every report shares.</summary>
public sealed record Finding(string Rule, string Severity, string? File, int? Line, string Message, string Fix)
{
    public static Finding Error(string rule, string? file, string message, string fix, int? line = null) => new(rule, "error", file, line, message, fix);

    /// <summary>A failed target's error as its report's finding: the message before " Fix: " is what is wrong, the rest the fix.</summary>
    public static Finding FromError(string rule, string message)
    {
        const string fixMarker = " Fix: ";
        var at = message.IndexOf(fixMarker, StringComparison.Ordinal);
        return at < 0 ? Error(rule, null, message, "See the message.") : Error(rule, null, message[..at], message[(at + fixMarker.Length)..]);
    }

    public static Finding Warning(string rule, string? file, string message, string fix, int? line = null) => new(rule, "warning", file, line, message, fix);
}
