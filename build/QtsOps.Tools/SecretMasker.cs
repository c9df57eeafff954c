using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace QtsOps.Tools;

/// <summary>
/// Replaces known secret values in text that reaches a log, an error message or a report, in every
/// form a value takes in output: raw, JSON-escaped (Go's and .NET's encoders), HCL-escaped (how
/// Terraform quotes a value in diagnostics and plans) and URL-encoded.
/// </summary>
public sealed class SecretMasker
{
    public const string Redacted = "[REDACTED]";

    private readonly string[] _forms;

    public SecretMasker(IEnumerable<string> secrets)
    {
        // Longest first, so a secret that contains another is masked whole. Very short values
        // (a flag such as "1") would mask innocent text and protect nothing.
        _forms = [.. secrets.Where(s => s.Length >= 4).SelectMany(FormsOf).Where(f => f.Length > 0).Distinct().OrderByDescending(f => f.Length)];
    }

    public string Mask(string text)
    {
        foreach (var form in _forms) text = text.Replace(form, Redacted, StringComparison.Ordinal);
        return text;
    }

    /// <summary>The secret as each encoder writes it; hex digits in both cases, as encoders differ.</summary>
    public static IEnumerable<string> FormsOf(string secret)
    {
        string[] encoded =
        [
            secret,
            JsonEscaped(secret, JavaScriptEncoder.Default),
            JsonEscaped(secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping),
            GoJsonEscaped(secret),
            HclEscaped(secret),
            Uri.EscapeDataString(secret),
            System.Net.WebUtility.UrlEncode(secret),
        ];
        return encoded.SelectMany(form => new[] { form, LowerCaseEscapes(form), UpperCaseEscapes(form) });
    }

    private static string JsonEscaped(string value, JavaScriptEncoder encoder) =>
        JsonSerializer.Serialize(value, new JsonSerializerOptions { Encoder = encoder })[1..^1];

    /// <summary>Go's encoding/json (Terraform's -json output): \n \r \t, other control characters and &lt; &gt; &amp; U+2028 U+2029 as \u00xx.</summary>
    private static string GoJsonEscaped(string value) => Escape(value, c => c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        < ' ' or '<' or '>' or '&' or '\u2028' or '\u2029' => $"\\u{(int)c:x4}",
        _ => null,
    });

    /// <summary>HCL string literals (Terraform's diagnostics and plan rendering): escapes, and ${ and %{ doubled.</summary>
    private static string HclEscaped(string value) => Escape(value, c => c switch
    {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        < ' ' => $"\\u{(int)c:x4}",
        _ => null,
    }).Replace("${", "$${", StringComparison.Ordinal).Replace("%{", "%%{", StringComparison.Ordinal);

    private static string Escape(string value, Func<char, string?> escape)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value) escaped.Append(escape(c) ?? c.ToString());
        return escaped.ToString();
    }

    private static string LowerCaseEscapes(string form) => RecaseEscapes(form, upper: false);

    private static string UpperCaseEscapes(string form) => RecaseEscapes(form, upper: true);

    /// <summary>The hex digits of %XX and \uXXXX escapes in one case.</summary>
    private static string RecaseEscapes(string form, bool upper) =>
        System.Text.RegularExpressions.Regex.Replace(form, @"%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}", m =>
            m.Value[0] == '%' ? "%" + Recase(m.Value[1..], upper) : "\\u" + Recase(m.Value[2..], upper));

    private static string Recase(string hex, bool upper) => upper ? hex.ToUpper(CultureInfo.InvariantCulture) : hex.ToLower(CultureInfo.InvariantCulture);
}
