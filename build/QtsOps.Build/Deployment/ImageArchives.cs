using System.Collections.Concurrent;
using QtsOps.Tools.Docker;

namespace QtsOps.Build.Deployment;

/// <summary>
/// The archives (docker save) of images this run sends to engines that did not build them, one per image id: saved once and
/// loaded on every host that needs it, where the hosts of a group, deploying at once, each saved the same image. Deleted at the run's end.
/// </summary>
public sealed class ImageArchives : IDisposable
{
    private readonly Lazy<DirectoryInfo> _folder = new(() => Directory.CreateTempSubdirectory("qtsops-images-"));
    private readonly ConcurrentDictionary<string, Lazy<string>> _archives = new(StringComparer.Ordinal);
    private int _saved;

    /// <summary>
    /// The archive of <paramref name="image"/> under the name <paramref name="reference"/> (the name the archive gives it where it is loaded), written by
    /// <paramref name="save"/> to the path it is given on the run's first ask; a host asking meanwhile waits for it.
    /// </summary>
    public string Of(string reference, DockerImage image, Action<string> save) => _archives.GetOrAdd($"{reference} {image.Id}", _ => new Lazy<string>(() =>
    {
        // Numbered as saved: two names of one image saved at once each get a file of their own.
        var path = Path.Combine(_folder.Value.FullName, $"{Interlocked.Increment(ref _saved)}-{image.Id.Replace(':', '-')}.tar");
        save(path);
        return path;
    })).Value;

    public void Dispose()
    {
        if (_folder.IsValueCreated) _folder.Value.Delete(recursive: true);
    }
}
