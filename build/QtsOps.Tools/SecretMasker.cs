namespace QtsOps.Tools;

/// <summary>Replaces known secret values in text that reaches a log or an error message.</summary>
public sealed class SecretMasker(IEnumerable<string> secrets)
{
    public const string Redacted = "[REDACTED]";

    // Longest first, so a secret that contains another is masked whole. Very short values
    // (a flag such as "1") would mask innocent text and protect nothing.
    private readonly string[] _secrets = [.. secrets.Where(s => s.Length >= 4).Distinct().OrderByDescending(s => s.Length)];

    public string Mask(string text)
    {
        foreach (var secret in _secrets) text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        return text;
    }
}
