using System.Text.RegularExpressions;
using QtsOps.Core.Reports;
using QtsOps.Core.Secrets;

namespace QtsOps.Core.Validation.Terraform;

/// <summary>What <c>terraform fmt -check</c> said; <see cref="Skipped"/> says why it did not run.</summary>
public sealed record TerraformFormatResult(IReadOnlyList<string> UnformattedFiles, string? Error = null, string? Skipped = null);

/// <summary>The Terraform under src/infra/: formatted, consistent, and free of hard-coded IDs and secrets.</summary>
public static partial class TerraformRules
{
    public const string Directory = "src/infra";
    public const string ExampleFile = "terraform.tfvars.example";

    private static readonly string[] SecretWords = ["password", "passwd", "secret", "key", "token", "credential", "credentials"];
    private static readonly string[] ModuleMetaArguments = ["source", "version", "count", "for_each", "providers", "depends_on"];

    /// <param name="isIgnoredByGit">Whether git would leave a path (relative to the root) out of commits; null outside a git repository.</param>
    public static void Check(string repositoryRoot, TerraformFormatResult format, Func<string, bool>? isIgnoredByGit, List<Finding> findings)
    {
        CheckFormat(format, findings);
        var modules = TerraformModule.LoadAll(repositoryRoot, Directory, findings);
        var called = modules.SelectMany(m => m.Blocks("module").Select(call => LocalSource(m, call.Block))).OfType<string>().ToHashSet();
        foreach (var module in modules)
        {
            CheckVariablesDeclared(module, findings);
            CheckModuleCalls(module, modules, findings);
            CheckSensitive(module, findings);
            if (!called.Contains(module.Directory)) CheckExample(repositoryRoot, module, findings);
        }
        CheckHardCodedValues(repositoryRoot, findings);
        CheckIgnored(repositoryRoot, modules, isIgnoredByGit, findings);
    }

    private static void CheckFormat(TerraformFormatResult format, List<Finding> findings)
    {
        if (format.Skipped is { } why)
            findings.Add(Finding.Warning("terraform-fmt", Directory, $"terraform fmt -check did not run: {why}", "install Terraform 1.5+ and put it on PATH"));
        if (format.Error is { } error)
            findings.Add(Finding.Error("terraform-fmt", Directory, $"terraform fmt -check failed: {error}", "fix the file it names (terraform fmt prints the line)"));
        foreach (var file in format.UnformattedFiles)
            findings.Add(Finding.Error("terraform-fmt", file, "not in terraform fmt's canonical format", $"run: terraform fmt -recursive {Directory}"));
    }

    private static void CheckVariablesDeclared(TerraformModule module, List<Finding> findings)
    {
        var declared = module.Variables;
        foreach (var (file, reference) in module.References.Where(r => r.Reference.Root == "var" && !declared.ContainsKey(r.Reference.Parts[1])))
            findings.Add(Finding.Error("terraform-undeclared-variable", file.File, $"{reference} is used but no variable \"{reference.Parts[1]}\" is declared in {module.Directory}",
                $"declare variable \"{reference.Parts[1]}\" in {module.Directory}/variables.tf, or fix the name", line: reference.Line));
    }

    private static void CheckModuleCalls(TerraformModule module, IReadOnlyList<TerraformModule> modules, List<Finding> findings)
    {
        var calls = module.Blocks("module").ToDictionary(c => c.Block.Label(0) ?? "", c => c);
        foreach (var (file, reference) in module.References.Where(r => r.Reference.Root == "module"))
        {
            var name = reference.Parts[1];
            if (!calls.TryGetValue(name, out var call))
            {
                findings.Add(Finding.Error("terraform-module-output", file.File, $"{reference} refers to module \"{name}\", which {module.Directory} does not call",
                    $"add module \"{name}\" {{ source = ... }} or fix the name", line: reference.Line));
                continue;
            }
            if (reference.Parts.Count < 3 || Called(call.Block) is not { } target) continue; // a registry module: its outputs are not here
            if (!target.Outputs.Contains(reference.Parts[2]))
                findings.Add(Finding.Error("terraform-module-output", file.File,
                    $"{reference}: module \"{name}\" ({target.Directory}) has no output \"{reference.Parts[2]}\"; its outputs: {string.Join(", ", target.Outputs.Order().DefaultIfEmpty("none"))}",
                    $"use one of its outputs, or add output \"{reference.Parts[2]}\" to {target.Directory}/outputs.tf", line: reference.Line));
        }

        foreach (var (file, call) in calls.Values)
        {
            if (Called(call) is not { } target) continue;
            var variables = target.Variables;
            foreach (var argument in call.Body.Attributes.Where(a => !ModuleMetaArguments.Contains(a.Name) && !variables.ContainsKey(a.Name)))
                findings.Add(Finding.Error("terraform-module-input", file.File, $"module \"{call.Label(0)}\" passes {argument.Name}, which {target.Directory} does not declare",
                    $"remove it or declare variable \"{argument.Name}\" in {target.Directory}", line: argument.Line));
            foreach (var (name, _) in variables.Where(v => v.Value.Block.Body.Attribute("default") is null && call.Body.Attribute(v.Key) is null))
                findings.Add(Finding.Error("terraform-module-input", file.File, $"module \"{call.Label(0)}\" does not pass {name}, which {target.Directory} requires (no default)",
                    $"pass {name} = ... in the module block", line: call.Line));
        }

        TerraformModule? Called(HclBlock call) => LocalSource(module, call) is { } directory ? modules.FirstOrDefault(m => m.Directory == directory) : null;
    }

    private static void CheckSensitive(TerraformModule module, List<Finding> findings)
    {
        foreach (var (name, (file, block)) in module.Variables.Where(v => LooksSecret(v.Key)))
        {
            if (block.Body.Attribute("sensitive")?.Value.IsTrue != true)
                findings.Add(Finding.Error("terraform-sensitive", file.File, $"variable \"{name}\" looks secret but is not sensitive: plans and logs would show its value",
                    "add sensitive = true", line: block.Line));
            if (block.Body.Attribute("default") is { } defaultValue && defaultValue.Value.StringLiteral is { Length: > 0 })
                findings.Add(Finding.Error("terraform-secret", file.File, $"variable \"{name}\" has a literal default: the secret is in the repository",
                    $"use default = null and set TF_VAR_{name} in the environment", line: defaultValue.Line));
        }
    }

    private static void CheckExample(string repositoryRoot, TerraformModule module, List<Finding> findings)
    {
        var examplePath = $"{module.Directory}/{ExampleFile}";
        var fullPath = Path.Combine(repositoryRoot, examplePath);
        if (!File.Exists(fullPath))
        {
            findings.Add(Finding.Error("terraform-tfvars-example", examplePath, $"the root module {module.Directory} has no {ExampleFile}",
                $"add {ExampleFile} listing every variable with an example value (sensitive ones as \"<set via TF_VAR_name>\")"));
            return;
        }
        HclBody example;
        try
        {
            example = Hcl.Parse(File.ReadAllText(fullPath));
        }
        catch (HclSyntaxException error)
        {
            findings.Add(Finding.Error("syntax", examplePath, $"cannot be parsed: {error.Message}", "write it as name = value lines", line: error.Line));
            return;
        }

        var variables = module.Variables;
        foreach (var (name, (file, block)) in variables.Where(v => example.Attribute(v.Key) is null))
            findings.Add(Finding.Error("terraform-tfvars-example", file.File, $"variable \"{name}\" is not in {examplePath}",
                $"add a line {name} = <example value> to {ExampleFile}", line: block.Line));
        foreach (var value in example.Attributes)
        {
            if (!variables.TryGetValue(value.Name, out var declared))
            {
                findings.Add(Finding.Error("terraform-tfvars-example", examplePath, $"{value.Name} is not a variable of {module.Directory}",
                    "remove the line or fix the name", line: value.Line));
                continue;
            }
            var sensitive = declared.Block.Body.Attribute("sensitive")?.Value.IsTrue == true || LooksSecret(value.Name);
            if (sensitive && !(value.Value.IsNull || value.Value.StringLiteral is { } text && IsPlaceholder(text)))
                findings.Add(Finding.Error("terraform-tfvars-example", examplePath, $"{value.Name} is sensitive but the example gives it a value",
                    $"write {value.Name} = \"<set via TF_VAR_{value.Name}>\"", line: value.Line));
        }
    }

    /// <summary>GUIDs (subscription, tenant, client IDs) and secrets written into any Terraform file.</summary>
    private static void CheckHardCodedValues(string repositoryRoot, List<Finding> findings)
    {
        var files = System.IO.Directory.GetFiles(Path.Combine(repositoryRoot, Directory), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".tf") || f.EndsWith(".hcl") || f.EndsWith(".tfvars.example"))
            .Where(f => !f.Replace('\\', '/').Contains("/.terraform/"))
            .Order(StringComparer.Ordinal);
        foreach (var path in files)
        {
            var relative = TerraformModule.Relative(repositoryRoot, path);
            var text = File.ReadAllText(path);
            var lines = text.ReplaceLineEndings("\n").Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (!Guid().IsMatch(lines[i])) continue;
                var kind = IdKind().Match(lines[i]) is { Success: true } m ? $"{m.Groups[1].Value.ToLowerInvariant()} ID" : "ID (GUID)";
                findings.Add(Finding.Error("terraform-hardcoded-id", relative, $"a hard-coded {kind}: it identifies the Azure account in the repository",
                    "remove it: the azurerm provider and backend read ARM_SUBSCRIPTION_ID, ARM_TENANT_ID and ARM_CLIENT_ID from the environment", line: i + 1));
            }
            foreach (var (line, _, reason) in SecretScanner.ScanContent(relative, text))
                findings.Add(Finding.Error("terraform-secret", relative, $"a secret in a Terraform file: {reason}",
                    "remove it and pass it through the environment (ARM_CLIENT_SECRET, TF_VAR_<name>)", line: line));
        }
    }

    private static void CheckIgnored(string repositoryRoot, IReadOnlyList<TerraformModule> modules, Func<string, bool>? isIgnoredByGit, List<Finding> findings)
    {
        if (isIgnoredByGit is null)
        {
            findings.Add(Finding.Warning("terraform-tfvars-ignored", ".gitignore", "not a git repository: cannot check that *.tfvars files stay out of commits",
                "run validate inside the QtsOps git repository"));
            return;
        }
        var real = System.IO.Directory.GetFiles(Path.Combine(repositoryRoot, Directory), "*.tfvars", SearchOption.AllDirectories)
            .Select(f => TerraformModule.Relative(repositoryRoot, f));
        var probes = modules.Select(m => $"{m.Directory}/terraform.tfvars");
        var exposed = real.Concat(probes).Distinct().Where(p => !isIgnoredByGit(p)).Order(StringComparer.Ordinal).ToList();
        if (exposed.Count > 0)
            findings.Add(Finding.Error("terraform-tfvars-ignored", ".gitignore", $"git would commit *.tfvars files, which hold real values and secrets: {string.Join(", ", exposed)}",
                "add the line '*.tfvars' to .gitignore (and 'git rm --cached' any that are tracked)"));
    }

    /// <summary>The module directory a module block calls when its source is a local path.</summary>
    private static string? LocalSource(TerraformModule caller, HclBlock call)
    {
        if (call.Body.Attribute("source")?.Value.StringLiteral is not { } source || !(source.StartsWith("./") || source.StartsWith("../"))) return null;
        var parts = new List<string>(caller.Directory.Split('/'));
        foreach (var part in source.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "."))
        {
            if (part != "..") parts.Add(part);
            else if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
            else return null; // outside the repository
        }
        return string.Join('/', parts);
    }

    /// <summary>Whether a variable's name has a word that marks a secret (admin_password, api_key, sas_token).</summary>
    public static bool LooksSecret(string name)
    {
        var words = name.ToLowerInvariant().Split('_', '-');
        return words.Any(SecretWords.Contains) && !words.Contains("public");
    }

    private static bool IsPlaceholder(string text) => text.Length == 0 || text.StartsWith('<') && text.EndsWith('>');

    [GeneratedRegex(@"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")]
    private static partial Regex Guid();

    [GeneratedRegex(@"\b(subscription|tenant|client|object|principal)_?id\b", RegexOptions.IgnoreCase)]
    private static partial Regex IdKind();
}
