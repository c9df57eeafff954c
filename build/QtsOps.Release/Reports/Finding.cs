using System.Text.Json.Serialization;

namespace QtsOps.Release.Reports;

[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    [JsonStringEnumMemberName("error")] Error,
    [JsonStringEnumMemberName("warning")] Warning,
}

/// <summary>One finding in the contract's format: what is wrong where, and how to fix it.</summary>
/// <param name="File">Relative to the repository root, with forward slashes.</param>
/// <param name="Line">1-based; null when the finding is about the whole file.</param>
public sealed record Finding(string Rule, Severity Severity, string File, int? Line, string Message, string Fix)
{
    public static Finding Error(string rule, string file, int? line, string message, string fix) => new(rule, Severity.Error, file, line, message, fix);
    public static Finding Warning(string rule, string file, int? line, string message, string fix) => new(rule, Severity.Warning, file, line, message, fix);

    /// <summary><c>file:line: message (fix: ...)</c>, the form editors and CI annotate.</summary>
    public override string ToString() => $"{File}{(Line is { } line ? $":{line}" : "")}: {Message} (fix: {Fix})";
}
