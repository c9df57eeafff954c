using System.Security.Cryptography;
using System.Text;
using QtsOps.Core.Deployment;

namespace QtsOps.Core.Images;

/// <summary>
/// How an image is built offline from Debian's packages: debootstrap a minimal bookworm with the
/// packages (signatures checked against Debian's archive keyring), bring it up to date from the suite's
/// -updates and -security suites, import it as an image with a few Dockerfile settings. Its name carries
/// a hash of this recipe and the state of those suites (<see cref="DebianRelease"/>): a changed recipe or
/// a security update gives a new image; otherwise it is built once per engine.
/// </summary>
/// <param name="ImportChanges">Image settings a Dockerfile would give: a PATH, a UTF-8 locale, the command.</param>
/// <param name="Mirror">Where the suite and its -updates come from.</param>
/// <param name="SecurityMirror">Where the -security suite comes from (Debian's security archive, or a mirror of it).</param>
public sealed record BaseImageRecipe(string Repository, string Suite, string Variant, IReadOnlyList<string> Packages, IReadOnlyList<string> ImportChanges,
    string Mirror, string SecurityMirror)
{
    /// <summary>Debian's archive keyring (package debian-archive-keyring): the suites' Release files must be signed by it.</summary>
    public const string ArchiveKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

    /// <summary>The one component the recipe's packages come from.</summary>
    public const string Component = "main";

    private static readonly string[] Environment = ["ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "ENV LANG=C.UTF-8"];

    /// <summary>The base the observer's Dockerfile builds FROM when python:3.11-slim cannot be had: Python 3.11 (bookworm's).</summary>
    public static BaseImageRecipe PythonBookworm(string mirror, string securityMirror) =>
        new("qtsops/python-base", "bookworm", "minbase", ["python3"], [.. Environment, "CMD [\"python3\"]"], mirror, securityMirror);

    /// <summary>
    /// The edge of a start-first environment: nginx (bookworm's nginx-light), reading the configuration
    /// the deploy writes (<see cref="SlotLayout"/>), logging to stderr (its root file system is read-only).
    /// </summary>
    public static BaseImageRecipe EdgeBookworm(string mirror, string securityMirror) =>
        new("qtsops/edge", "bookworm", "minbase", ["nginx-light"],
            [.. Environment, $"CMD [\"nginx\", \"-e\", \"stderr\", \"-c\", \"{SlotLayout.ConfigMount}/{SlotLayout.MainConfig}\", \"-g\", \"daemon off;\"]"], mirror, securityMirror);

    /// <summary>Folders emptied before import: apt's caches and package lists (80 MB after the upgrade), not needed at run time.</summary>
    public IReadOnlyList<string> RemovedPaths { get; } = ["var/cache/apt", "var/lib/apt/lists"];

    /// <summary>The suites the image's packages come from, each with its archive: the suite, its -updates, its -security.</summary>
    public IReadOnlyList<(string Archive, string Suite)> Sources => [(Mirror, Suite), (Mirror, $"{Suite}-updates"), (SecurityMirror, $"{Suite}-security")];

    /// <summary>The image's /etc/apt/sources.list: apt upgrades from every source, signatures checked against the archive keyring.</summary>
    public string SourcesList => string.Concat(Sources.Select(source => $"deb [signed-by={ArchiveKeyring}] {source.Archive} {source.Suite} {Component}\n"));

    /// <summary>The images of this recipe, whatever the suites' state: the repository and the start of the tag. The mirrors only say where packages come from, not what they are: they are not part of it.</summary>
    public string RecipeName
    {
        get
        {
            var recipe = string.Join("\n", [Suite, Variant, .. Packages, .. ImportChanges, .. RemovedPaths, .. Sources.Select(source => source.Suite)]);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recipe)))[..12];
            return $"{Repository}:{Suite}-{hash}";
        }
    }

    /// <summary>The image of this recipe built when the suites were in <paramref name="archiveState"/> (<see cref="DebianRelease.State"/>).</summary>
    public string ImageName(string archiveState) => $"{RecipeName}-{archiveState}";
}
