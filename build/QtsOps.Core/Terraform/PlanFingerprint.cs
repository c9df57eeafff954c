using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using QtsOps.Core.Json;

namespace QtsOps.Core.Terraform;

/// <summary>
/// Everything a saved plan depends on: environment, commit, the Terraform sources and var files
/// (SHA-256 each), the state it was made against, and the plan file itself. A saved plan may be
/// applied only while all of them are unchanged.
/// </summary>
public sealed record PlanFingerprint(
    string Environment,
    string Commit,
    IReadOnlyDictionary<string, string> Sources,
    string StateLineage,
    long StateSerial,
    string PlanSha256)
{
    /// <summary>What changed since <paramref name="atPlanTime"/>, one reason a line; empty when the plan is current.</summary>
    public IReadOnlyList<string> ChangesSince(PlanFingerprint atPlanTime)
    {
        var reasons = new List<string>();
        if (Environment != atPlanTime.Environment)
            reasons.Add($"the plan is for environment '{atPlanTime.Environment}', not '{Environment}'");
        if (Commit != atPlanTime.Commit)
            reasons.Add($"it was made at commit {Short(atPlanTime.Commit)}; the checkout is now at {Short(Commit)}");
        var files = atPlanTime.Sources.Keys.Union(Sources.Keys).Order(StringComparer.Ordinal)
            .Select(path => (path, before: atPlanTime.Sources.GetValueOrDefault(path), now: Sources.GetValueOrDefault(path)))
            .Where(f => f.before != f.now)
            .Select(f => f.before is null ? $"{f.path} (added)" : f.now is null ? $"{f.path} (removed)" : $"{f.path} (modified)")
            .ToList();
        if (files.Count > 0) reasons.Add($"Terraform sources or var files changed: {string.Join(", ", files)}");
        if (StateLineage != atPlanTime.StateLineage)
            reasons.Add(atPlanTime.StateLineage.Length == 0
                ? "the state was created since the plan (something was applied after it was made)"
                : "the state is a different one than the plan was made against (its lineage differs)");
        else if (StateSerial != atPlanTime.StateSerial)
            reasons.Add($"the state changed since the plan (serial {atPlanTime.StateSerial} -> {StateSerial}): someone applied or changed it");
        if (PlanSha256 != atPlanTime.PlanSha256)
            reasons.Add("the plan file was changed after it was saved (its SHA-256 differs)");
        return reasons;
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// SHA-256 of every Terraform source under <paramref name="directories"/> (*.tf, *.tf.json,
    /// *.tfvars, *.tfvars.json, *.hcl; not .terraform/ or the provider lock file) and of each var
    /// file, keyed by path relative to <paramref name="repositoryRoot"/>.
    /// </summary>
    public static SortedDictionary<string, string> HashSources(string repositoryRoot, IEnumerable<string> directories, IEnumerable<string> varFiles)
    {
        var files = directories.Where(Directory.Exists)
            .SelectMany(directory => Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            .Where(IsTerraformSource)
            .Concat(varFiles.Select(Path.GetFullPath));
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(repositoryRoot, file);
            var key = relative.StartsWith("..", StringComparison.Ordinal) ? file : relative.Replace('\\', '/');
            hashes[key] = File.Exists(file) ? Sha256Of(file) : "missing";
        }
        return hashes;
    }

    private static bool IsTerraformSource(string path)
    {
        var name = Path.GetFileName(path);
        if (name == ".terraform.lock.hcl") return false;
        if (path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Contains(".terraform")) return false;
        return SourceSuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.Ordinal));
    }

    private static readonly string[] SourceSuffixes = [".tf", ".tf.json", ".tfvars", ".tfvars.json", ".hcl"];

    private static string Short(string sha) => sha.Length > 7 ? sha[..7] : sha;
}

/// <summary>The file saved next to a plan: its fingerprint, the var files it read (full paths) and whether it changes anything.</summary>
public sealed record PlanMetadata(PlanFingerprint Fingerprint, IReadOnlyList<string> VarFiles, bool HasChanges, DateTimeOffset CreatedAt)
{
    public const string FileName = "plan.meta.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <exception cref="InvalidDataException">The file is not plan metadata; the message names it, the line and what is wrong.</exception>
    public static PlanMetadata Load(string path)
    {
        try
        {
            return JsonSource.ReadFile<PlanMetadata>(path, Json);
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"{exception.Message}: not plan metadata as terraform-plan writes it.", exception);
        }
    }
}
