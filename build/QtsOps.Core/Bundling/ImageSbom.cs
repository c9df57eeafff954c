using System.Text;
using System.Text.RegularExpressions;
using CycloneDX.Models;

namespace QtsOps.Core.Bundling;

/// <summary>The image an SBOM describes: as the registry holds it, its version tag, and the service's folder in it.</summary>
public sealed record ImageSubject(BundleImage Image, string Tag, string ServiceName, string ServiceRoot, DateTimeOffset Timestamp);

/// <summary>
/// The image's SBOM: the Debian packages its dpkg status lists (the image keeps the status entries of
/// the packages whose files it carries), its Python's standard-library modules with their files, and
/// the service's own files, each with its SHA-256.
/// </summary>
public static partial class ImageSbom
{
    /// <summary>What the image file system must keep the contents of for <see cref="Build"/>.</summary>
    public static bool Needs(string path) => path == DpkgStatus.Path;

    public static Bom Build(ImageSubject subject, ImageFileSystem files)
    {
        var image = subject.Image;
        var status = files.ContentOf(DpkgStatus.Path)
            ?? throw new BundleException($"The image {image.Reference} has no /{DpkgStatus.Path}: nothing says which Debian packages it carries. Fix: build the image with src/observer/image/runtime_root.py, which writes it.");
        var packages = DpkgStatus.Parse(Encoding.UTF8.GetString(status), $"{image.Reference}:/{DpkgStatus.Path}");
        var components = packages.Select(DebianComponent).ToList();
        components.AddRange(StandardLibrary(files.Files, packages));
        var service = files.Files.Where(f => f.Path.StartsWith(subject.ServiceRoot.Trim('/') + "/", StringComparison.Ordinal)).Select(Sbom.File).ToList();
        components.Add(new Component
        {
            Type = Component.Classification.Application, BomRef = $"service:{subject.ServiceName}", Name = subject.ServiceName, Version = subject.Tag,
            Description = $"the service's own files, under /{subject.ServiceRoot.Trim('/')}", Components = service,
        });
        var digest = image.Digest["sha256:".Length..];
        var container = new Component
        {
            Type = Component.Classification.Container, BomRef = image.Reference, Name = image.Name, Version = subject.Tag,
            Purl = $"pkg:oci/{Uri.EscapeDataString(image.Repository[(image.Repository.LastIndexOf('/') + 1)..])}@{Uri.EscapeDataString(image.Digest)}?repository_url={Uri.EscapeDataString(image.Name)}&tag={Uri.EscapeDataString(subject.Tag)}",
            Hashes = [Sbom.Sha256(digest)],
        };
        return Sbom.Document($"image {image.Reference}", subject.Timestamp, container, components);
    }

    private static Component DebianComponent(DebianPackage package) => new()
    {
        Type = Component.Classification.Library, BomRef = package.Purl, Name = package.Name, Version = package.Version, Purl = package.Purl,
        Properties = [new Property { Name = "qtsops:deb:source", Value = package.Source }],
    };

    /// <summary>One component a module of the standard library (pythonX.Y's folder, not its site- or dist-packages), its files within.</summary>
    private static IEnumerable<Component> StandardLibrary(IEnumerable<ImageFile> files, IReadOnlyList<DebianPackage> packages) =>
        files.Select(file => (file, match: StandardLibraryFile().Match(file.Path)))
            .Where(f => f.match.Success && f.match.Groups["module"].Value is not ("site-packages" or "dist-packages"))
            .GroupBy(f => (python: f.match.Groups["python"].Value, module: ModuleName(f.match.Groups["module"].Value, f.match.Groups["file"].Success ? f.match.Groups["file"].Value : null)))
            .OrderBy(g => g.Key.python, StringComparer.Ordinal).ThenBy(g => g.Key.module, StringComparer.Ordinal)
            .Select(module => new Component
            {
                Type = Component.Classification.Library, BomRef = $"python{module.Key.python}-stdlib:{module.Key.module}",
                Group = $"python{module.Key.python}-stdlib", Name = module.Key.module, Version = PythonVersion(module.Key.python, packages),
                Components = [.. module.Select(f => Sbom.File(f.file))],
            });

    /// <summary>The module a file of the standard library's folder belongs to: abc.py and __pycache__/abc.cpython-311.pyc to abc, lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so to _ssl, encodings/utf_8.py to encodings.</summary>
    private static string ModuleName(string top, string? below) =>
        below is not null && top is "__pycache__" or "lib-dynload" ? below.Split('.')[0]
        : below is not null ? top
        : top.Split('.')[0];

    /// <summary>Python's upstream version from the Debian package that ships the interpreter's library (libpythonX.Y-minimal); else X.Y.</summary>
    private static string PythonVersion(string python, IReadOnlyList<DebianPackage> packages) =>
        packages.FirstOrDefault(p => p.Name == $"libpython{python}-minimal" || p.Name == $"python{python}-minimal")?.UpstreamVersion ?? python;

    [GeneratedRegex(@"^usr/(?:local/)?lib/python(?<python>\d+\.\d+)/(?<module>[^/]+)(?:/(?<file>.+))?$")]
    private static partial Regex StandardLibraryFile();
}
