using System.Text.RegularExpressions;

namespace QtsOps.Release.Secrets;

/// <summary>A file, or a line in it, that holds or looks like a secret. The reason never quotes the secret.</summary>
public sealed record SecretHit(string File, int? Line, string Reason)
{
    public override string ToString() => $"{File}{(Line is { } line ? $":{line}" : "")}: {Reason}";
}

/// <summary>
/// Finds secrets by file name (.env, keys, certificates, *.tfvars, Terraform state) and by content
/// (cloud access keys, private key blocks, passwords/secrets/tokens assigned a literal value).
/// </summary>
public static partial class SecretScanner
{
    /// <summary>Copies with these suffixes document a secret's shape; their content is still scanned.</summary>
    private static readonly string[] ExampleSuffixes = [".example", ".sample", ".template", ".dist"];

    /// <summary>Code, where an unquoted value is an expression (a variable, a call), never a literal.</summary>
    private static readonly string[] CodeExtensions = [".py", ".tf", ".hcl", ".cs", ".js", ".ts", ".go", ".java", ".rb"];

    /// <summary>Keys that hold a collection of secrets (GitHub Actions' <c>secrets: inherit</c>, compose's <c>secrets:</c>), not one.</summary>
    private static readonly string[] Collections = ["secrets", "tokens", "passwords"];

    private static readonly string[] Placeholders = ["redacted", "placeholder", "changeme"];

    /// <summary>Why a file must not ship, judged by its name alone; null when the name is harmless.</summary>
    public static string? WhyNameIsSecret(string relativePath)
    {
        var name = Path.GetFileName(relativePath).ToLowerInvariant();
        var segments = relativePath.Replace('\\', '/').ToLowerInvariant().Split('/');
        if (segments.Contains(".terraform")) return "a Terraform working directory (.terraform/) holds provider caches and may hold state";
        if (segments.Contains("terraform.tfstate.d")) return "Terraform workspace state";
        if (ExampleSuffixes.Any(name.EndsWith)) return null;
        if (name == ".env" || name.StartsWith(".env.") || name.EndsWith(".env")) return "an environment file (.env) holds settings and secrets";
        if (name.EndsWith(".tfvars") || name.EndsWith(".tfvars.json")) return "a Terraform variables file (*.tfvars) holds real values, secrets included";
        if (name.EndsWith(".tfstate") || name.Contains(".tfstate.")) return "Terraform state holds every resource attribute, secrets included";
        if (name is "id_rsa" or "id_dsa" or "id_ecdsa" or "id_ed25519") return "an SSH private key";
        if (new[] { ".pem", ".key", ".pfx", ".p12", ".jks", ".keystore" }.Any(name.EndsWith)) return $"a key or certificate store ({Path.GetExtension(name)})";
        if (name is ".netrc" or ".pgpass" or "credentials" or ".git-credentials") return $"a credentials file ({name})";
        return null;
    }

    /// <summary>The lines of <paramref name="text"/> that look like a secret, 1-based.</summary>
    public static IEnumerable<(int Line, string Reason)> ScanContent(string relativePath, string text)
    {
        if (text.Contains('\0')) yield break; // binary
        var code = CodeExtensions.Contains(Path.GetExtension(relativePath).ToLowerInvariant());
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (WhyLineIsSecret(lines[i], code) is { } reason)
                yield return (i + 1, reason);
    }

    /// <summary>Every secret among <paramref name="relativePaths"/> under <paramref name="root"/>, by name and by content.</summary>
    /// <param name="shownAs">Prefix for the file names in the hits, e.g. "src/observer/".</param>
    public static IReadOnlyList<SecretHit> Scan(string root, IEnumerable<string> relativePaths, string shownAs = "")
    {
        var hits = new List<SecretHit>();
        foreach (var path in relativePaths.Order(StringComparer.Ordinal))
        {
            var shown = shownAs + path;
            if (WhyNameIsSecret(path) is { } byName) hits.Add(new SecretHit(shown, null, byName));
            hits.AddRange(ScanContent(path, File.ReadAllText(Path.Combine(root, path))).Select(hit => new SecretHit(shown, hit.Line, hit.Reason)));
        }
        return hits;
    }

    private static string? WhyLineIsSecret(string line, bool code)
    {
        if (PrivateKeyBlock().IsMatch(line)) return "a private key block (-----BEGIN ... PRIVATE KEY-----)";
        if (AwsAccessKey().IsMatch(line)) return "an AWS access key ID";
        if (AzureKeyInConnectionString().Match(line) is { Success: true } azure && !IsPlaceholder(azure.Groups[2].Value))
            return $"an Azure key in a connection string ({azure.Groups[1].Value}=...)";
        if (SecretAssignment().Match(line) is { Success: true } assignment && !Collections.Contains(assignment.Groups["name"].Value.ToLowerInvariant())
            && IsLiteral(assignment.Groups["value"].Value, code))
            return $"'{assignment.Groups["name"].Value}' is assigned a literal value; read it from the environment or a secret store instead";
        return null;
    }

    /// <summary>Whether an assigned value is a literal secret rather than a reference or a placeholder.</summary>
    private static bool IsLiteral(string rawValue, bool code)
    {
        var value = rawValue.Trim().TrimEnd(',', ';', '}', ']', ')').Trim();
        var quoted = value.Length >= 2 && value[0] is '"' or '\'' && value.IndexOf(value[0], 1) > 0;
        if (quoted)
        {
            value = value[1..value.IndexOf(value[0], 1)];
            if (code && value.Any(char.IsWhiteSpace)) return false; // a message about a secret, not one
        }
        else
        {
            if (code) return false; // a variable, a call or an attribute
            value = Regex.Replace(value, @"\s+#.*$", "");
            if (value.Any(char.IsWhiteSpace)) return false; // prose, not an assignment
        }
        return value.Length > 0 && !IsReference(value) && !IsPlaceholder(value);
    }

    private static bool IsReference(string value) =>
        value.StartsWith('$') || value.Contains("${") || value.Contains("{{") || value.StartsWith('%') && value.EndsWith('%')
        || value.StartsWith("var.") || value.StartsWith("env:") || value.StartsWith("secretref:")
        || EnvironmentVariableName().IsMatch(value); // the name of the variable that holds the secret

    [GeneratedRegex(@"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")]
    private static partial Regex EnvironmentVariableName();

    private static bool IsPlaceholder(string value) =>
        value.StartsWith('<') && value.EndsWith('>') || Placeholders.Contains(value.ToLowerInvariant())
        || value.ToLowerInvariant() is "null" or "none" or "nil" or "~" or "true" or "false"
        || value.All(c => c is 'x' or 'X' or '*' or '.');

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")]
    private static partial Regex PrivateKeyBlock();

    [GeneratedRegex(@"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b")]
    private static partial Regex AwsAccessKey();

    [GeneratedRegex(@"\b(AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{20,}=*)", RegexOptions.IgnoreCase)]
    private static partial Regex AzureKeyInConnectionString();

    /// <summary>NAME = value, NAME: value, "name": value, export NAME=value, where NAME ends a secret word.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9])[""']?(?<name>[A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|account[_-]?key|private[_-]?key|client[_-]?secret|connection[_-]?string)[A-Za-z0-9_.-]*)[""']?(?:\s*:\s*[A-Za-z_][\w.\[\], |]*?(?=\s*=[^=]))?\s*(?::=|=|:)(?!=)\s*(?<value>\S.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretAssignment();
}
