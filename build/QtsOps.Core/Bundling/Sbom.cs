using System.Security.Cryptography;
using System.Text;
using CycloneDX;
using CycloneDX.Models;

namespace QtsOps.Core.Bundling;

/// <summary>
/// The bundle's SBOMs as CycloneDX JSON, through CycloneDX's own library (document model, serialiser,
/// and the validator that holds the CycloneDX JSON schemas): image.cdx.json and pipeline.cdx.json.
/// </summary>
public static class Sbom
{
    public const string ImageFileName = "image.cdx.json";
    public const string PipelineFileName = "pipeline.cdx.json";
    public static readonly IReadOnlyList<string> FileNames = [ImageFileName, PipelineFileName];

    public const SpecificationVersion Version = SpecificationVersion.v1_6;

    /// <summary>A new document; its serial number is derived from <paramref name="identity"/>, so the same build writes the same bytes.</summary>
    public static Bom Document(string identity, DateTimeOffset timestamp, Component subject, List<Component> components, List<Dependency>? dependencies = null) => new()
    {
        SpecVersion = Version,
        Version = 1,
        SerialNumber = $"urn:uuid:{NameBasedUuid(identity)}",
        Metadata = new Metadata
        {
            Timestamp = timestamp.UtcDateTime,
            Component = subject,
            Tools = new ToolChoices { Components = [new Component { Type = Component.Classification.Application, Name = "qtsops", Description = "QtsOps bundle" }] },
        },
        Components = components,
        Dependencies = dependencies,
    };

    public static string ToJson(Bom bom) => CycloneDX.Json.Serializer.Serialize(bom) + "\n";

    /// <summary>What the CycloneDX JSON schema of the document's specVersion finds wrong with it; empty when it is valid.</summary>
    public static IReadOnlyList<string> SchemaErrors(string json)
    {
        var result = CycloneDX.Json.Validator.Validate(json);
        return result.Valid ? [] : [.. (result.Messages ?? []).Where(m => m.Trim().Length > 0)];
    }

    public static Hash Sha256(string hex) => new() { Alg = Hash.HashAlgorithm.SHA_256, Content = hex };

    /// <summary>A file as a component: its path from the root and its SHA-256.</summary>
    public static Component File(ImageFile file) => new()
    {
        Type = Component.Classification.File, BomRef = $"file:/{file.Path}", Name = $"/{file.Path}", Hashes = [Sha256(file.Sha256)],
    };

    // An RFC 4122 version-5-style UUID (from SHA-256, not SHA-1): stable for one identity, unlike a random one.
    private static Guid NameBasedUuid(string identity)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(identity))[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
