using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QtsOps.Core.Bundling;

/// <summary>
/// Lays out a <c>docker save</c> archive as an OCI image layout in one tar (oci-layout, index.json,
/// blobs/sha256/...), which podman, skopeo, crane and containerd read offline. The engine's own
/// format (before Docker 25: manifest.json beside a folder per layer) is read, not kept: the layers are
/// the uncompressed tars docker saved (media type ...layer.v1.tar, their digests the config's
/// diff_ids), the config is the same bytes (its digest the image ID), so nothing is rebuilt.
/// </summary>
public static class OciArchive
{
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";

    /// <returns>The digest of the OCI manifest written.</returns>
    /// <param name="referenceName">The index's org.opencontainers.image.ref.name (the version tag).</param>
    public static string FromSavedImage(SavedImage saved, string ociArchive, string referenceName, DateTimeOffset modified)
    {
        using var output = File.Create(ociArchive);
        using var tar = new TarWriter(output, TarEntryFormat.Ustar);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var config = Blob(tar, written, saved.Config, "application/vnd.oci.image.config.v1+json", modified);
        var layers = saved.Layers.Select(layer => (JsonNode)Blob(tar, written, layer, "application/vnd.oci.image.layer.v1.tar", modified)).ToArray();
        var manifest = Bytes(new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = ManifestType, ["config"] = config, ["layers"] = new JsonArray(layers) });
        var manifestDescriptor = Blob(tar, written, manifest, ManifestType, modified);
        manifestDescriptor["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = referenceName };
        Add(tar, "oci-layout", Bytes(new JsonObject { ["imageLayoutVersion"] = "1.0.0" }), modified);
        Add(tar, "index.json", Bytes(new JsonObject
        {
            ["schemaVersion"] = 2, ["mediaType"] = "application/vnd.oci.image.index.v1+json", ["manifests"] = new JsonArray(manifestDescriptor),
        }), modified);
        return manifestDescriptor["digest"]!.GetValue<string>();
    }

    private static JsonObject Blob(TarWriter tar, HashSet<string> written, string file, string mediaType, DateTimeOffset modified) =>
        Blob(tar, written, File.ReadAllBytes(file), mediaType, modified);

    private static JsonObject Blob(TarWriter tar, HashSet<string> written, byte[] content, string mediaType, DateTimeOffset modified)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(content));
        // An image may hold the same layer twice; the layout holds each blob once.
        if (written.Add(hex)) Add(tar, $"blobs/sha256/{hex}", content, modified);
        return new JsonObject { ["mediaType"] = mediaType, ["digest"] = $"sha256:{hex}", ["size"] = content.LongLength };
    }

    private static void Add(TarWriter tar, string name, byte[] content, DateTimeOffset modified)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(content), ModificationTime = modified, Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        };
        tar.WriteEntry(entry);
    }

    private static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());
}
