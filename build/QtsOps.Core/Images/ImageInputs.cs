using System.Security.Cryptography;
using System.Text;

namespace QtsOps.Core.Images;

/// <summary>
/// A hash of everything an image is built from: the build context's files, the base image's id and
/// the build arguments. Stored as a label, it lets the image target skip a build whose result exists.
/// </summary>
public static class ImageInputs
{
    public const string Label = "io.qtsops.inputs";

    /// <summary>The build argument the Dockerfile makes the <see cref="Label"/>.</summary>
    public const string BuildArgument = "INPUTS";

    /// <summary>
    /// Files of the package the Dockerfile never copies and that carry the packaging time: hashing
    /// them would rebuild an identical image on every run.
    /// </summary>
    public static readonly IReadOnlySet<string> PackageMetadataFiles = new HashSet<string>(StringComparer.Ordinal) { "deployment_config.json", "MANIFEST.txt" };

    public static string Hash(string contextDirectory, string baseImageId, IReadOnlyDictionary<string, string> buildArguments)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\0"));

        Add($"base={baseImageId}");
        foreach (var (name, value) in buildArguments.OrderBy(p => p.Key, StringComparer.Ordinal)) Add($"arg {name}={value}");
        foreach (var file in ContextFiles(contextDirectory))
        {
            Add($"file {file.Relative}");
            hash.AppendData(File.ReadAllBytes(file.Full));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static IEnumerable<(string Relative, string Full)> ContextFiles(string contextDirectory) =>
        Directory.EnumerateFiles(contextDirectory, "*", SearchOption.AllDirectories)
            .Select(full => (Relative: Path.GetRelativePath(contextDirectory, full).Replace('\\', '/'), Full: full))
            .Where(file => !PackageMetadataFiles.Contains(file.Relative) && !file.Relative.Contains("__pycache__/") && !file.Relative.EndsWith(".pyc"))
            .OrderBy(file => file.Relative, StringComparer.Ordinal);
}
