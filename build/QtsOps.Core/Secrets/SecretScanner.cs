using System.Text.RegularExpressions;

namespace QtsOps.Core.Secrets;

/// <summary>A file, or a line in it, that holds or looks like a secret, and the rule that found it. The reason never quotes the secret.</summary>
public sealed record SecretHit(string File, int? Line, string Rule, string Reason)
{
    public override string ToString() => $"{File}{(Line is { } line ? $":{line}" : "")}: {Reason} [{Rule}]";
}

/// <summary>
/// Finds secrets by file name (.env, keys, certificates, *.tfvars, Terraform state) and by content
/// (cloud access keys, vendor tokens, webhook URLs, credentials in URLs, JWTs and bearer tokens,
/// Docker registry logins, private key blocks, passwords/secrets/tokens assigned a literal value).
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
        if (name is ".netrc" or ".pgpass" or "credentials" or ".git-credentials" or ".dockercfg") return $"a credentials file ({name})";
        return null;
    }

    /// <summary>The rule of a file refused by its name.</summary>
    public const string NameRule = "secret-file";

    /// <summary>The lines of <paramref name="text"/> that look like a secret, 1-based, with the rule that found each.</summary>
    public static IEnumerable<(int Line, string Rule, string Reason)> ScanContent(string relativePath, string text)
    {
        if (text.Contains('\0')) yield break; // binary
        var code = CodeExtensions.Contains(Path.GetExtension(relativePath).ToLowerInvariant());
        var dockerConfig = Path.GetFileName(relativePath).Equals("config.json", StringComparison.OrdinalIgnoreCase);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (dockerConfig && DockerAuths().IsMatch(lines[i]))
                yield return (i + 1, "docker-config-auths", "a Docker client configuration with registry logins (auths)");
            else if (WhyLineIsSecret(lines[i], code) is { } hit)
                yield return (i + 1, hit.Rule, hit.Reason);
        }
    }

    /// <summary>Every secret among <paramref name="relativePaths"/> under <paramref name="root"/>, by name and by content.</summary>
    /// <param name="shownAs">Prefix for the file names in the hits, e.g. "src/observer/".</param>
    public static IReadOnlyList<SecretHit> Scan(string root, IEnumerable<string> relativePaths, string shownAs = "")
    {
        var hits = new List<SecretHit>();
        foreach (var path in relativePaths.Order(StringComparer.Ordinal))
        {
            var shown = shownAs + path;
            if (WhyNameIsSecret(path) is { } byName) hits.Add(new SecretHit(shown, null, NameRule, byName));
            hits.AddRange(ScanContent(path, File.ReadAllText(Path.Combine(root, path))).Select(hit => new SecretHit(shown, hit.Line, hit.Rule, hit.Reason)));
        }
        return hits;
    }

    /// <summary>Secrets recognised by their shape alone, wherever they stand on a line.</summary>
    private static readonly (string Rule, Regex Pattern, string Reason)[] TokenShapes =
    [
        ("private-key", PrivateKeyBlock(), "a private key block (-----BEGIN ... PRIVATE KEY-----)"),
        ("aws-access-key", AwsAccessKey(), "an AWS access key ID"),
        ("github-token", GitHubToken(), "a GitHub token"),
        ("gitlab-token", GitLabToken(), "a GitLab token"),
        ("slack-token", SlackToken(), "a Slack token"),
        ("stripe-key", StripeKey(), "a Stripe key"),
        ("npm-token", NpmToken(), "an npm access token"),
        ("pypi-token", PyPiToken(), "a PyPI API token"),
        ("google-api-key", GoogleApiKey(), "a Google API key"),
        ("azure-sas", AzureSasSignature(), "an Azure shared access signature (sig=...)"),
        ("webhook-url", SecretWebhookUrl(), "a webhook URL, whose path or query is its secret"),
        ("jwt", JsonWebToken(), "a JSON Web Token"),
        ("bearer-token", BearerToken(), "a bearer token"),
        ("docker-auth", DockerAuth(), "a Docker registry login (auth or identity token)"),
    ];

    private static (string Rule, string Reason)? WhyLineIsSecret(string line, bool code)
    {
        foreach (var (rule, pattern, reason) in TokenShapes)
            if (pattern.IsMatch(line)) return (rule, reason);
        if (AzureKeyInConnectionString().Match(line) is { Success: true } azure && !IsPlaceholder(azure.Groups[2].Value))
            return ("azure-connection-string", $"an Azure key in a connection string ({azure.Groups[1].Value}=...)");
        if (CredentialsInUrl().Matches(line).Any(url => IsLiteralPassword(url.Groups["password"].Value)))
            return ("url-credentials", "a URL with a password in it (scheme://user:password@host)");
        if (SecretAssignment().Match(line) is { Success: true } assignment && !Collections.Contains(assignment.Groups["name"].Value.ToLowerInvariant())
            && IsLiteral(assignment.Groups["value"].Value, code))
            return ("literal-secret", $"'{assignment.Groups["name"].Value}' is assigned a literal value; read it from the environment or a secret store instead");
        return null;
    }

    /// <summary>A URL's password that is a value, not a reference (<c>${DB_PASSWORD}</c>, an interpolated <c>{token}</c>) or a documentation word (<c>user:password@</c>).</summary>
    private static bool IsLiteralPassword(string password) =>
        !IsReference(password) && !IsPlaceholder(password) && !(password.StartsWith('{') && password.EndsWith('}'))
        && !DocumentationWords.Contains(password.ToLowerInvariant());

    private static readonly string[] DocumentationWords = ["password", "pass", "passwd", "pwd", "secret", "token", "pat"];

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

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bgl(?:pat|dt|rt|ptt|soat|cbt)-[A-Za-z0-9_-]{20,}")]
    private static partial Regex GitLabToken();

    [GeneratedRegex(@"\bxox[abposre]-[A-Za-z0-9-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|\bwhsec_[A-Za-z0-9]{24,}")]
    private static partial Regex StripeKey();

    [GeneratedRegex(@"\bnpm_[A-Za-z0-9]{36}\b")]
    private static partial Regex NpmToken();

    [GeneratedRegex(@"\bpypi-AgE[A-Za-z0-9_-]{50,}")]
    private static partial Regex PyPiToken();

    [GeneratedRegex(@"\bAIza[A-Za-z0-9_-]{35}")]
    private static partial Regex GoogleApiKey();

    /// <summary>The signature of a SAS URL or token (a SAS without sig= grants nothing).</summary>
    [GeneratedRegex(@"(?:^|[?&;\s""'])sig=[A-Za-z0-9%+/]{20,}")]
    private static partial Regex AzureSasSignature();

    /// <summary>Slack, Discord, Microsoft Teams (Office 365 and Power Automate) and Google Chat webhooks.</summary>
    [GeneratedRegex(@"https://(?:hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{16,}|(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[\w-]{20,}|[\w.-]+\.webhook\.office\.com/webhookb2/\S{20,}|outlook\.office\.com/webhook/\S{20,}|[\w.-]+\.logic\.azure\.com\S*[?&]sig=\w{20,}|chat\.googleapis\.com/v1/spaces/\S*[?&](?:key|token)=[\w%-]{20,})")]
    private static partial Regex SecretWebhookUrl();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")]
    private static partial Regex JsonWebToken();

    [GeneratedRegex(@"\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*", RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();

    [GeneratedRegex(@"""(?:auth|identitytoken|registrytoken)""\s*:\s*""[A-Za-z0-9+/=._-]{8,}""", RegexOptions.IgnoreCase)]
    private static partial Regex DockerAuth();

    /// <summary>A non-empty <c>"auths"</c> object of a Docker client's config.json.</summary>
    [GeneratedRegex(@"""auths""\s*:\s*\{(?!\s*\})")]
    private static partial Regex DockerAuths();

    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:""']+:(?<password>[^\s/?#@""']+)@[^\s/?#@""']")]
    private static partial Regex CredentialsInUrl();

    [GeneratedRegex(@"\b(AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{20,}=*)", RegexOptions.IgnoreCase)]
    private static partial Regex AzureKeyInConnectionString();

    /// <summary>NAME = value, NAME: value, "name": value, export NAME=value, where NAME ends a secret word.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9])[""']?(?<name>[A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|account[_-]?key|private[_-]?key|client[_-]?secret|connection[_-]?string)[A-Za-z0-9_.-]*)[""']?(?:\s*:\s*[A-Za-z_][\w.\[\], |]*?(?=\s*=[^=]))?\s*(?::=|=|:)(?!=)\s*(?<value>\S.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretAssignment();
}
