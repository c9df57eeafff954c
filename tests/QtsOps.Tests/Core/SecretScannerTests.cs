using QtsOps.Core.Secrets;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class SecretScannerTests
{
    // Built at run time so that this file does not itself look like it holds secrets.
    private static readonly string AwsKeyId = "AKIA" + "IOSFODNN7EXAMPLE";
    private static readonly string AzureKey = new string('Q', 86) + "==";
    private static readonly string KeyBlock = "-----BEGIN " + "RSA PRIVATE KEY-----";

    [TestCase(".env")]
    [TestCase("config/.env.production")]
    [TestCase("prod.tfvars")]
    [TestCase("terraform.tfvars.json")]
    [TestCase("terraform.tfstate")]
    [TestCase("terraform.tfstate.backup")]
    [TestCase("certs/server.pem")]
    [TestCase("tls.key")]
    [TestCase("client.pfx")]
    [TestCase("client.p12")]
    [TestCase("id_ed25519")]
    [TestCase(".terraform/providers/x")]
    public void Secret_files_are_recognised_by_name(string path)
    {
        Assert.That(SecretScanner.WhyNameIsSecret(path), Is.Not.Null);
    }

    [TestCase("terraform.tfvars.example")]
    [TestCase(".env.example")]
    [TestCase("start.sh")]
    [TestCase("src/qts_observer/config.py")]
    [TestCase("keys.md")]
    public void Ordinary_files_pass_by_name(string path)
    {
        Assert.That(SecretScanner.WhyNameIsSecret(path), Is.Null);
    }

    [Test]
    public void Secret_content_is_found_with_its_line_and_without_the_value()
    {
        var text = string.Join("\n",
            "# settings",
            $"aws_access_key_id = {AwsKeyId}",
            $"STORAGE=DefaultEndpointsProtocol=https;AccountName=observerstorage;AccountKey={AzureKey};EndpointSuffix=core.windows.net",
            KeyBlock,
            "DB_PASSWORD=hunter2",
            "api_token: \"s3cr3t-value\"",
            "\"client_secret\": \"abc123\",");

        var hits = SecretScanner.ScanContent("settings.env.example", text).ToList();

        Assert.That(hits.Select(h => h.Line), Is.EqualTo(new[] { 2, 3, 4, 5, 6, 7 }));
        Assert.That(hits[0].Reason, Does.Contain("AWS access key"));
        Assert.That(hits[1].Reason, Does.Contain("Azure key"));
        Assert.That(hits[2].Reason, Does.Contain("private key block"));
        Assert.That(hits[3].Reason, Does.Contain("'DB_PASSWORD' is assigned a literal value"));
        Assert.That(hits.Select(h => h.Reason), Has.None.Contains("hunter2").And.None.Contains(AwsKeyId).And.None.Contains("abc123"));
    }

    [TestCase("settings.env.example", "DB_PASSWORD=")]
    [TestCase("settings.env.example", "DB_PASSWORD=${DB_PASSWORD}")]
    [TestCase("settings.env.example", "DB_PASSWORD=$DB_PASSWORD")]
    [TestCase("settings.env.example", "DB_PASSWORD=<set in the environment>")]
    [TestCase("settings.env.example", "DB_PASSWORD=...")]
    [TestCase("README.md", "The password: ask the release manager for it")]
    [TestCase("README.md", "export ARM_CLIENT_SECRET=... TF_VAR_admin_password=...")]
    [TestCase("terraform.tfvars.example", "admin_password = \"<set via TF_VAR_admin_password>\"")]
    [TestCase("variables.tf", "  sensitive   = true")]
    [TestCase("main.tf", "  admin_password = var.admin_password")]
    [TestCase("service.py", "    token = os.environ[\"OBSERVER_TOKEN\"]")]
    [TestCase("service.py", "    if password == expected:")]
    [TestCase("compose.yml", "      - no-new-privileges:true")]
    [TestCase("secret.json", "{\"secret_name\": null}")]
    [TestCase("release.yml", "    secrets: inherit")]
    [TestCase("Package.cs", "    private const string SecretFix = \"Remove them, then package again\";")]
    public void References_placeholders_and_prose_are_not_secrets(string file, string line)
    {
        Assert.That(SecretScanner.ScanContent(file, line), Is.Empty);
    }

    // The same line outside code is a literal: the unquoted value could be the secret itself.
    [TestCase("terragrunt.hcl")]
    [TestCase("app.js")]
    [TestCase("app.ts")]
    public void In_code_a_call_assigned_to_a_secret_name_is_an_expression_not_a_secret(string file)
    {
        const string line = "api_token = read_token()";

        Assert.That(SecretScanner.ScanContent(file, line), Is.Empty);
        Assert.That(SecretScanner.ScanContent("settings.conf", line).Select(hit => hit.Rule), Is.EqualTo(new[] { "literal-secret" }));
    }

    // Split so that this file itself holds no such line.
    [TestCase("settings.py", "ADMIN_PASSWORD: str = " + "\"hunter22\"")]
    [TestCase("settings.py", "token: Optional[str] = " + "'abc.def.ghi'")]
    public void A_type_annotation_does_not_hide_a_literal(string file, string line)
    {
        Assert.That(SecretScanner.ScanContent(file, line).Single().Reason, Does.Contain("is assigned a literal value"));
    }

    // One sample per family, each assembled from pieces so that no literal secret sits in this file.
    private static readonly string Alnum36 = string.Concat(Enumerable.Repeat("a1B2c3", 6));
    private static readonly string Payload = "eyJ" + "zdWIiOiIxMjM0NTY3ODkwIn0";

    private static IEnumerable<TestCaseData> VendorTokens()
    {
        yield return new TestCaseData("aws-access-key", "temporary " + "AS" + "IA" + Alnum36[..16].ToUpperInvariant(), "an AWS access key ID");
        yield return new TestCaseData("private-key", "-----BEGIN " + "OPENSSH PRIVATE KEY-----", "a private key block (-----BEGIN" + " ... PRIVATE KEY-----)");
        yield return new TestCaseData("private-key", "-----BEGIN " + "EC PRIVATE KEY-----", "a private key block (-----BEGIN" + " ... PRIVATE KEY-----)");
        yield return new TestCaseData("private-key", "-----BEGIN " + "PRIVATE KEY-----", "a private key block (-----BEGIN" + " ... PRIVATE KEY-----)"); // PKCS#8
        yield return new TestCaseData("private-key", "-----BEGIN " + "ENCRYPTED PRIVATE KEY-----", "a private key block (-----BEGIN" + " ... PRIVATE KEY-----)");
        yield return new TestCaseData("github-token", "GITHUB = " + "ghp" + "_" + Alnum36, "a GitHub token");
        yield return new TestCaseData("github-token", "pat: " + "github" + "_pat_" + Alnum36 + "_" + Alnum36, "a GitHub token");
        yield return new TestCaseData("gitlab-token", "CI_TOKEN_VALUE " + "gl" + "pat-" + "xYz12" + Alnum36[..20], "a GitLab token");
        yield return new TestCaseData("slack-token", "bot " + "xo" + "xb-" + "123456789012-" + Alnum36[..24], "a Slack token");
        yield return new TestCaseData("stripe-key", "stripe " + "sk" + "_live_" + Alnum36[..24], "a Stripe key");
        yield return new TestCaseData("npm-token", "//registry.npmjs.org/:_authValue " + "npm" + "_" + Alnum36, "an npm access token");
        yield return new TestCaseData("pypi-token", "upload with " + "pypi" + "-AgEIcHlwaS5vcmc" + Alnum36 + Alnum36, "a PyPI API token");
        yield return new TestCaseData("google-api-key", "maps " + "AI" + "za" + "Sy" + Alnum36[..33], "a Google API key");
        yield return new TestCaseData("azure-sas", "https://acct.blob.core.windows.net/c?sv=2022-11-02&se=2030-01-01&" + "si" + "g=" + Alnum36 + "%3D", "an Azure shared access signature (sig=...)");
        yield return new TestCaseData("azure-connection-string", "DefaultEndpointsProtocol=https;AccountName=a;Account" + "Key=" + Alnum36 + Alnum36 + "==", "an Azure key in a connection string (AccountKey=...)");
        yield return new TestCaseData("webhook-url", "notify https://" + "hooks.slack" + ".com/services/T0000/B0000/" + Alnum36[..24], "a webhook URL, whose path or query is its secret");
        yield return new TestCaseData("webhook-url", "notify https://" + "discord" + ".com/api/webhooks/1234567890/" + Alnum36, "a webhook URL, whose path or query is its secret");
        yield return new TestCaseData("webhook-url", "notify https://" + "contoso.webhook.office" + ".com/webhookb2/" + Alnum36, "a webhook URL, whose path or query is its secret");
        yield return new TestCaseData("url-credentials", "DATABASE = postgres://" + "app:" + "Tr0ub4dor" + "@db.internal:5432/app", "a URL with a password in it (scheme://user:password@host)");
        yield return new TestCaseData("url-credentials", "origin https://" + "ci-bot:" + Alnum36[..20] + "@github.com/o/r.git", "a URL with a password in it (scheme://user:password@host)");
        yield return new TestCaseData("jwt", "session " + Payload + "." + Payload + "." + Alnum36, "a JSON Web Token");
        yield return new TestCaseData("bearer-token", "curl -H 'Authorization: " + "Bea" + "rer " + Alnum36 + "'", "a bearer token");
        yield return new TestCaseData("docker-auth", "{ \"" + "au" + "th\": \"" + Convert.ToBase64String("user:pw-1234"u8.ToArray()) + "\" }", "a Docker registry login (auth or identity token)");
    }

    [TestCaseSource(nameof(VendorTokens))]
    public void Each_secret_family_is_found_by_its_rule_and_reason_without_printing_it(string rule, string line, string reason)
    {
        var hit = SecretScanner.ScanContent("notes.txt", "first line\n" + line).Single();

        Assert.That(hit, Is.EqualTo((2, rule, reason)));
        Assert.That(hit.Reason, Does.Not.Contain(Alnum36[..12]).And.Not.Contain("Tr0ub4dor"));
    }

    [Test]
    public void A_docker_client_configuration_with_logins_is_refused_and_one_without_passes()
    {
        var logins = SecretScanner.ScanContent("docker/config.json", "{\n  \"auths\": {\n    \"registry.example\": {}\n  }\n}").Single();
        Assert.That((logins.Line, logins.Rule), Is.EqualTo((2, "docker-config-auths")));
        Assert.That(SecretScanner.ScanContent("docker/config.json", "{ \"auths\": {} }"), Is.Empty);
        Assert.That(SecretScanner.WhyNameIsSecret(".dockercfg"), Is.Not.Null);
    }

    [TestCase("README.md", "git clone https://user:password@host/repo.git")]
    [TestCase("README.md", "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app")]
    [TestCase("service.py", "    headers = {\"Authorization\": f\"Bearer {token}\"}")]
    [TestCase("service.py", "    url = f\"{scheme}://{host}:{port}/health\"")]
    [TestCase("notes.md", "see https://example.com/docs?signature=none")]
    public void Secret_shapes_do_not_match_references_and_documentation(string file, string line)
    {
        Assert.That(SecretScanner.ScanContent(file, line), Is.Empty);
    }

    [Test]
    public void The_observer_packages_as_it_is_with_every_rule()
    {
        using var output = new TempDirectory();
        var observer = SourceRepository.Combine("src", "observer");
        var result = QtsOps.Core.Packaging.DeployPackage.Build(new QtsOps.Core.Packaging.PackageRequest(
            observer, "src/observer", output.Path, "1.0.0", "1.0.0", DateTimeOffset.UnixEpoch));

        Assert.That(result, Is.Not.Null);
    }

    [Test]
    public void Scan_names_every_file_and_line()
    {
        using var directory = new TempDirectory();
        directory.Write(".env", "A=1\n");
        directory.Write("config/settings.json", "{\n  \"password\": \"hunter2\"\n}\n");
        directory.Write("README.md", "nothing here\n");

        var hits = SecretScanner.Scan(directory.Path, [".env", "config/settings.json", "README.md"], "src/observer/");

        Assert.That(hits.Select(h => h.ToString()), Is.EqualTo(new[]
        {
            "src/observer/.env: an environment file (.env) holds settings and secrets [secret-file]",
            "src/observer/config/settings.json:2: 'password' is assigned a literal value; read it from the environment or a secret store instead [literal-secret]",
        }));
    }

    private static readonly string[] NotInTheRepository = [".git", "bin", "obj", "artifacts", ".qtsops", ".dotnet", "node_modules"];

    /// <summary>The files of a working tree that belong to the repository: no build output, run data or developers' own Terraform variables.</summary>
    private static List<string> RepositoryFiles(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Select(f => Path.GetRelativePath(root, f))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(NotInTheRepository.Contains))
            // Developers' own, git-ignored Terraform variables are not part of the repository.
            .Where(f => !f.EndsWith(".tfvars") && !f.Contains(".terraform"))
            .ToList();

    [Test]
    public void The_repository_holds_no_secret()
    {
        var files = RepositoryFiles(SourceRepository.Root);

        Assert.That(files, Has.Count.GreaterThan(50));
        Assert.That(SecretScanner.Scan(SourceRepository.Root, files), Is.Empty);
    }

    // The test above also passes when the scan finds nothing at all: a tree with and without a planted secret shows it can fail.
    [Test]
    public void The_repository_scan_finds_a_secret_planted_in_a_checked_in_file_and_nothing_in_what_is_not_checked_in()
    {
        using var tree = new TempDirectory();
        tree.Write("src/observer/config/observer.json", "{\n  \"interval_seconds\": 5\n}\n");
        tree.Write("artifacts/deploy/.env", "A=1\n");
        tree.Write("src/infra/environments/local/terraform.tfvars", "location = \"Korea South\"\n");
        tree.Write("src/infra/environments/local/.terraform/terraform.tfstate", "{}\n");

        Assert.That(SecretScanner.Scan(tree.Path, RepositoryFiles(tree.Path)), Is.Empty);

        tree.Write("src/observer/config/observer.json", "{\n  \"interval_seconds\": 5,\n  \"api_token\": \"abc123\"\n}\n");

        Assert.That(SecretScanner.Scan(tree.Path, RepositoryFiles(tree.Path)).Select(h => h.ToString()), Is.EqualTo(new[]
        {
            "src/observer/config/observer.json:3: 'api_token' is assigned a literal value; read it from the environment or a secret store instead [literal-secret]",
        }));
    }

    [TestCase(".terraform/providers/x", "a Terraform working directory (.terraform/) holds provider caches and may hold state")]
    [TestCase("terraform.tfstate.d/prod/terraform.tfstate", "Terraform workspace state")]
    [TestCase(".env", "an environment file (.env) holds settings and secrets")]
    [TestCase("deploy/app.env", "an environment file (.env) holds settings and secrets")]
    [TestCase("prod.tfvars", "a Terraform variables file (*.tfvars) holds real values, secrets included")]
    [TestCase("terraform.tfstate.backup", "Terraform state holds every resource attribute, secrets included")]
    [TestCase("id_rsa", "an SSH private key")]
    [TestCase(".ssh/id_dsa", "an SSH private key")]
    [TestCase("id_ecdsa", "an SSH private key")]
    [TestCase("certs/server.pem", "a key or certificate store (.pem)")]
    [TestCase(".netrc", "a credentials file (.netrc)")]
    [TestCase(".pgpass", "a credentials file (.pgpass)")]
    [TestCase(".aws/credentials", "a credentials file (credentials)")]
    [TestCase(".git-credentials", "a credentials file (.git-credentials)")]
    public void A_secret_file_is_named_with_what_it_holds(string path, string reason)
    {
        Assert.That(SecretScanner.WhyNameIsSecret(path), Is.EqualTo(reason));
    }

    [TestCase("id_rsa.pub")]
    [TestCase("credentials.md")]
    public void Public_keys_and_documents_named_after_credentials_pass(string path)
    {
        Assert.That(SecretScanner.WhyNameIsSecret(path), Is.Null);
    }

    [Test]
    public void A_binary_file_is_not_scanned_line_by_line()
    {
        Assert.That(SecretScanner.ScanContent("blob.bin", "DB_PASSWORD=hunter2\n\0\u0001"), Is.Empty);
    }

    [Test]
    public void A_docker_client_configuration_with_logins_is_named_at_the_auths_line()
    {
        Assert.That(SecretScanner.ScanContent("config.json", "{\n  \"auths\": { \"ghcr.io\": {} }\n}").ToList(),
            Is.EqualTo(new[] { (2, "docker-config-auths", "a Docker client configuration with registry logins (auths)") }));
    }

    // A call or attribute assigned in code is an expression; the same text in a settings file is a literal value.
    [TestCase("main.tf")]
    [TestCase("main.go")]
    [TestCase("Main.java")]
    [TestCase("main.rb")]
    [TestCase("main.py")]
    public void An_unquoted_value_in_code_is_an_expression_not_a_literal(string file)
    {
        const string line = "client_secret = lookup_secret(vault)";

        Assert.That(SecretScanner.ScanContent(file, line), Is.Empty);
        Assert.That(SecretScanner.ScanContent("settings.txt", line).Single().Rule, Is.EqualTo("literal-secret"));
    }

    [TestCase("compose.yml", "    passwords: vault")]
    [TestCase("compose.yml", "    tokens: vault")]
    [TestCase("settings.env", "DB_PASSWORD=changeme")]
    [TestCase("settings.env", "DB_PASSWORD=REDACTED")]
    [TestCase("settings.env", "DB_PASSWORD=placeholder")]
    [TestCase("settings.env", "DB_PASSWORD=none")]
    [TestCase("settings.env", "DB_PASSWORD=nil")]
    [TestCase("settings.env", "DB_PASSWORD=~")]
    [TestCase("settings.env", "DB_PASSWORD=true")]
    [TestCase("settings.env", "DB_PASSWORD=false")]
    [TestCase("settings.env", "DB_PASSWORD=xxxxxx")]
    [TestCase("settings.env", "DB_PASSWORD=XXXXXX")]
    [TestCase("settings.env", "DB_PASSWORD=******")]
    [TestCase("settings.env", "DB_PASSWORD=%DB_PASSWORD%")]
    [TestCase("settings.env", "DB_PASSWORD=\"\"")]
    [TestCase("settings.env", "DB_PASSWORD=''")]
    public void Collections_placeholders_empty_values_and_variables_are_not_secrets(string file, string line)
    {
        Assert.That(SecretScanner.ScanContent(file, line), Is.Empty);
    }

    // Values that only start or only end like a reference or placeholder are real values.
    [TestCase("DB_PASSWORD=%hunter22")]
    [TestCase("DB_PASSWORD=hunter22%")]
    [TestCase("DB_PASSWORD=<hunter22")]
    [TestCase("DB_PASSWORD=hunter22>")]
    [TestCase("DB_PASSWORD=xxxxx1")]
    [TestCase("DB_PASSWORD=hunter22 # the production one")]
    public void A_literal_value_is_found_even_when_it_looks_half_like_a_placeholder_or_has_a_comment(string line)
    {
        Assert.That(SecretScanner.ScanContent("settings.env", line).ToList(), Is.EqualTo(new[]
        {
            (1, "literal-secret", "'DB_PASSWORD' is assigned a literal value; read it from the environment or a secret store instead"),
        }));
    }

    [TestCase("password")]
    [TestCase("pass")]
    [TestCase("passwd")]
    [TestCase("pwd")]
    [TestCase("secret")]
    [TestCase("token")]
    [TestCase("pat")]
    [TestCase("{token}")]
    public void A_url_whose_password_is_a_documentation_word_or_a_template_is_not_a_secret(string password)
    {
        Assert.That(SecretScanner.ScanContent("README.md", "git clone https://user:" + password + "@host/repo.git"), Is.Empty);
    }

    [TestCase("{hunter22")]
    [TestCase("hunter22}")]
    [TestCase("passes")]
    public void A_url_with_a_real_password_is_found_with_its_reason(string password)
    {
        Assert.That(SecretScanner.ScanContent("README.md", "git clone https://user:" + password + "@host/repo.git").ToList(), Is.EqualTo(new[]
        {
            (1, "url-credentials", "a URL with a password in it (scheme://user:password@host)"),
        }));
    }
}
