using System.Security.Cryptography;
using System.Text;
using QtsOps.Release.Deployment;

namespace QtsOps.Release.Images;

/// <summary>
/// How an image is built offline from Debian's packages: debootstrap a minimal bookworm with the
/// packages, import it as an image with a few Dockerfile settings. Its name carries a hash of this
/// recipe, so a changed recipe gives a new image and an unchanged one is built once per engine.
/// </summary>
/// <param name="ImportChanges">Image settings a Dockerfile would give: a PATH, a UTF-8 locale, the command.</param>
public sealed record BaseImageRecipe(string Repository, string Suite, string Variant, IReadOnlyList<string> Packages, IReadOnlyList<string> ImportChanges, string Mirror)
{
    private static readonly string[] Environment = ["ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "ENV LANG=C.UTF-8"];

    /// <summary>The base the observer's Dockerfile builds FROM when python:3.11-slim cannot be had: Python 3.11 (bookworm's).</summary>
    public static BaseImageRecipe PythonBookworm(string mirror) =>
        new("qtsops/python-base", "bookworm", "minbase", ["python3"], [.. Environment, "CMD [\"python3\"]"], mirror);

    /// <summary>
    /// The edge of a start-first environment: nginx (bookworm's nginx-light), reading the configuration
    /// the deploy writes (<see cref="SlotLayout"/>), logging to stderr (its root file system is read-only).
    /// </summary>
    public static BaseImageRecipe EdgeBookworm(string mirror) =>
        new("qtsops/edge", "bookworm", "minbase", ["nginx-light"],
            [.. Environment, $"CMD [\"nginx\", \"-e\", \"stderr\", \"-c\", \"{SlotLayout.ConfigMount}/{SlotLayout.MainConfig}\", \"-g\", \"daemon off;\"]"], mirror);

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
