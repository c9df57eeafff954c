using System.Formats.Tar;
using System.Security.Cryptography;

namespace QtsOps.Core.Bundling;

/// <summary>A regular file of an image: its path from the root (no leading slash) and its SHA-256.</summary>
public sealed record ImageFile(string Path, string Sha256);

/// <summary>
/// The files an image's layers leave in its root file system, read from the layer tars as the engine
/// stacks them: an upper layer's file replaces a lower one's, a whiteout (.wh.NAME) removes NAME and what
/// is under it, an opaque whiteout (.wh..wh..opq) empties its folder of the lower layers' files. Only
/// regular files are kept (a hard link is the file it links to); the contents of the few files asked
/// for are kept too (the dpkg status), everything else is hashed while read.
/// </summary>
public sealed class ImageFileSystem
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueWhiteout = ".wh..wh..opq";

    private readonly SortedDictionary<string, ImageFile> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _contents = new(StringComparer.Ordinal);

    public IEnumerable<ImageFile> Files => _files.Values;

    /// <summary>The content of a file that was asked to be kept when read; null when the image has no such file.</summary>
    public byte[]? ContentOf(string path) => _contents.GetValueOrDefault(Normal(path));

    /// <param name="layers">The layer tars, lowest first.</param>
    /// <param name="keep">Whether to keep a file's content (paths without leading slash).</param>
    public static ImageFileSystem Read(IEnumerable<string> layers, Func<string, bool> keep)
    {
        var image = new ImageFileSystem();
        foreach (var layer in layers)
        {
            using var stream = File.OpenRead(layer);
            image.Apply(stream, keep, layer);
        }
        return image;
    }

    private void Apply(Stream layer, Func<string, bool> keep, string layerName)
    {
        using var reader = new TarReader(layer);
        // What this layer writes shadows the lower layers only: its own whiteouts do not remove its own files.
        var written = new HashSet<string>(StringComparer.Ordinal);
        while (reader.GetNextEntry() is { } entry)
        {
            var path = Normal(entry.Name);
            var name = path[(path.LastIndexOf('/') + 1)..];
            var folder = path.Contains('/') ? path[..path.LastIndexOf('/')] : "";
            if (name == OpaqueWhiteout)
                Remove(folder, except: written, underOnly: true);
            else if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
                Remove(Join(folder, name[WhiteoutPrefix.Length..]), except: written);
            else if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)
            {
                Add(path, entry.DataStream ?? Stream.Null, keep(path));
                written.Add(path);
            }
            else if (entry.EntryType == TarEntryType.HardLink)
            {
                var target = Normal(entry.LinkName);
                if (!_files.TryGetValue(target, out var linked))
                    throw new BundleException($"{layerName}: {path} is a hard link to {target}, which the layers hold no file at. Fix: rebuild the image.");
                _files[path] = linked with { Path = path };
                if (_contents.TryGetValue(target, out var content)) _contents[path] = content;
                written.Add(path);
            }
            else if (entry.EntryType == TarEntryType.Directory)
            {
                // A folder replaces a file at its path, and merges with a lower folder's files.
                if (!written.Contains(path)) Forget(path);
            }
            else
            {
                // A link or device replaces the file or folder at its path.
                Remove(path, except: written);
            }
        }
    }

    private void Add(string path, Stream data, bool keepContent)
    {
        _contents.Remove(path);
        if (keepContent)
        {
            using var copy = new MemoryStream();
            data.CopyTo(copy);
            _contents[path] = copy.ToArray();
            _files[path] = new ImageFile(path, Convert.ToHexStringLower(SHA256.HashData(_contents[path])));
        }
        else
            _files[path] = new ImageFile(path, Convert.ToHexStringLower(SHA256.HashData(data)));
    }

    /// <summary>Removes the file at path and what is under it (path "" with <paramref name="underOnly"/>: everything).</summary>
    private void Remove(string path, HashSet<string> except, bool underOnly = false)
    {
        var prefix = path.Length == 0 ? "" : path + "/";
        foreach (var file in _files.Keys.Where(f => ((!underOnly && f == path) || f.StartsWith(prefix, StringComparison.Ordinal)) && !except.Contains(f)).ToList())
            Forget(file);
    }

    private void Forget(string file)
    {
        _files.Remove(file);
        _contents.Remove(file);
    }

    private static string Join(string folder, string name) => folder.Length == 0 ? name : $"{folder}/{name}";

    /// <summary>A tar name as a path from the root: no "./", no leading or trailing slash.</summary>
    private static string Normal(string name)
    {
        var path = name.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal)) path = path[2..];
        return path.Trim('/');
    }
}
