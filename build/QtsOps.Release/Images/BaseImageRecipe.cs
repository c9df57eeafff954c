using System.Security.Cryptography;
using System.Text;

namespace QtsOps.Release.Images;

/// <summary>
/// How the Python 3.11 base image is built offline: debootstrap a minimal Debian bookworm with
/// python3 (3.11 there), import it as an image. Its name carries a hash of this recipe, so a changed
/// recipe gives a new image and an unchanged one is built once per engine.
/// </summary>
public sealed record BaseImageRecipe(string Suite, string Variant, IReadOnlyList<string> Packages, string Mirror)
{
    public const string Repository = "qtsops/python-base";

    public static BaseImageRecipe PythonBookworm(string mirror) => new("bookworm", "minbase", ["python3"], mirror);

    /// <summary>Image settings a Dockerfile would give: a PATH, a UTF-8 locale, python3 as the command.</summary>
    public IReadOnlyList<string> ImportChanges { get; } =
    [
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "ENV LANG=C.UTF-8",
        "CMD [\"python3\"]",
    ];

    /// <summary>Files removed from the root file system before import: package caches, not needed at run time.</summary>
    public IReadOnlyList<string> RemovedPaths { get; } = ["var/cache/apt/archives", "var/lib/apt/lists"];

    /// <summary>The mirror only says where packages come from, not what they are: it is not part of the name.</summary>
    public string ImageName
    {
        get
        {
            var recipe = string.Join("\n", [Suite, Variant, .. Packages, .. ImportChanges, .. RemovedPaths]);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recipe)))[..12];
            return $"{Repository}:{Suite}-{hash}";
        }
    }
}
