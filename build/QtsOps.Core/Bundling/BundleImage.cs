using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace QtsOps.Core.Bundling;

/// <summary>
/// image.json of a bundle: the image as the registry holds it (registry, repository, manifest digest) and
/// its OCI archive's file name. A verifier pulls <see cref="Reference"/>, which no tag can move.
/// </summary>
public sealed partial record BundleImage(string Registry, string Repository, string Digest, string Archive)
{
    public const string FileName = "image.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    /// <summary>The image's name as a provenance subject: registry/repository.</summary>
    [JsonIgnore]
    public string Name => $"{Registry}/{Repository}";

    [JsonIgnore]
    public string Reference => $"{Registry}/{Repository}@{Digest}";

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <summary>image.json read back; a missing field or a digest that is not sha256:HEX is an error naming the file.</summary>
    public static BundleImage Read(string path)
    {
        BundleImage? image;
        try
        {
            image = JsonSerializer.Deserialize<BundleImage>(File.ReadAllText(path), Json);
        }
        catch (JsonException exception)
        {
            throw new BundleException($"{path}:{(exception.LineNumber ?? 0) + 1}: not valid JSON ({exception.Message}). Fix: rebuild the bundle (./build.sh --target=bundle).");
        }
        if (image is null || new[] { image.Registry, image.Repository, image.Digest, image.Archive }.Any(string.IsNullOrEmpty) || !DigestPattern().IsMatch(image.Digest))
            throw new BundleException($"{path}: needs registry, repository, archive and a digest sha256:<64 hex>. Fix: rebuild the bundle (./build.sh --target=bundle).");
        return image;
    }

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex DigestPattern();
}
