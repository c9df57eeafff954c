using System.Formats.Tar;
using System.Text.Json.Nodes;

namespace QtsOps.Core.Bundling;

/// <summary>
/// A <c>docker save</c> archive of one image, unpacked to a temporary folder (removed on dispose):
/// its config and its layers (tars of the file system, lowest first), as manifest.json names them.
/// </summary>
public sealed class SavedImage : IDisposable
{
    private readonly string _unpacked;

    private SavedImage(string unpacked, string config, IReadOnlyList<string> layers)
    {
        _unpacked = unpacked;
        Config = config;
        Layers = layers;
    }

    /// <summary>The config's file.</summary>
    public string Config { get; }

    /// <summary>The layers' files, lowest first.</summary>
    public IReadOnlyList<string> Layers { get; }

    public static SavedImage Unpack(string dockerArchive)
    {
        var unpacked = Directory.CreateTempSubdirectory("qtsops-saved-").FullName;
        try
        {
            TarFile.ExtractToDirectory(dockerArchive, unpacked, overwriteFiles: false);
            var saved = JsonNode.Parse(File.ReadAllText(Path.Combine(unpacked, "manifest.json")))?.AsArray().SingleOrDefault()
                ?? throw new BundleException($"{dockerArchive}: manifest.json does not describe one image. Fix: save one image (docker save IMAGE).");
            return new SavedImage(unpacked, Path.Combine(unpacked, saved["Config"]!.GetValue<string>()),
                [.. saved["Layers"]!.AsArray().Select(layer => Path.Combine(unpacked, layer!.GetValue<string>()))]);
        }
        catch
        {
            Directory.Delete(unpacked, recursive: true);
            throw;
        }
    }

    public void Dispose() => Directory.Delete(_unpacked, recursive: true);
}
