using QtsOps.Core.Reports;

namespace QtsOps.Core.Validation.Terraform;

/// <summary>One parsed .tf file.</summary>
/// <param name="File">Relative to the repository root, forward slashes.</param>
public sealed record TerraformFile(string File, HclBody Body);

/// <summary>A Terraform module: the .tf files of one directory.</summary>
public sealed class TerraformModule
{
    private TerraformModule(string directory, IReadOnlyList<TerraformFile> files)
    {
        Directory = directory;
        Files = files;
    }

    /// <summary>Relative to the repository root, forward slashes.</summary>
    public string Directory { get; }

    public IReadOnlyList<TerraformFile> Files { get; }

    public IEnumerable<(TerraformFile File, HclBlock Block)> Blocks(string type) =>
        Files.SelectMany(f => f.Body.BlocksOf(type).Select(b => (f, b)));

    public IReadOnlyDictionary<string, (TerraformFile File, HclBlock Block)> Variables =>
        Blocks("variable").Where(v => v.Block.Label(0) is not null).GroupBy(v => v.Block.Label(0)!).ToDictionary(g => g.Key, g => g.First());

    /// <summary>The names of the output blocks; a block without a name is no output, as for <see cref="Variables"/>.</summary>
    public IReadOnlySet<string> Outputs => Blocks("output").Select(o => o.Block.Label(0)).OfType<string>().ToHashSet();

    /// <summary>Every reference in every attribute, with the file it is in.</summary>
    public IEnumerable<(TerraformFile File, HclReference Reference)> References =>
        Files.SelectMany(f => f.Body.AllAttributes().SelectMany(a => a.Value.References).Select(r => (f, r)));

    /// <summary>The modules under <paramref name="infraDirectory"/>; files that do not parse become findings.</summary>
    public static IReadOnlyList<TerraformModule> LoadAll(string repositoryRoot, string infraDirectory, List<Finding> findings)
    {
        var modules = new List<TerraformModule>();
        var root = Path.Combine(repositoryRoot, infraDirectory);
        var directories = System.IO.Directory.GetFiles(root, "*.tf", SearchOption.AllDirectories)
            .Where(f => !f.Replace('\\', '/').Contains("/.terraform/"))
            .GroupBy(Path.GetDirectoryName)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            var files = new List<TerraformFile>();
            foreach (var path in directory.Order(StringComparer.Ordinal))
            {
                var relative = Relative(repositoryRoot, path);
                try
                {
                    files.Add(new TerraformFile(relative, Hcl.Parse(File.ReadAllText(path))));
                }
                catch (HclSyntaxException error)
                {
                    findings.Add(Finding.Error("syntax", relative, $"cannot be parsed: {error.Message}", "fix the syntax (terraform validate shows the same error)", line: error.Line));
                }
            }
            modules.Add(new TerraformModule(Relative(repositoryRoot, directory.Key!), files));
        }
        return modules;
    }

    public static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
