using System.Runtime.InteropServices;
using QtsOps.Core.Images;
using QtsOps.Tools;

namespace QtsOps.Build.Images;

/// <summary>
/// Reads the state of a recipe's suites from their mirrors: each suite's InRelease, its signature checked
/// with gpgv against Debian's archive keyring (an unsigned or wrongly signed file is refused), and the
/// digest of its package index (<see cref="DebianRelease"/>).
/// </summary>
public static class DebianArchive
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>Each suite read once per run: the edge and the Python base share their suites, and every switch names the edge image.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Archive, string Suite, string Architecture), Lazy<Task<string>>> Read = new();

    /// <summary>The state of <paramref name="recipe"/>'s suites now, for its image's name.</summary>
    /// <exception cref="PipelineException">A suite could not be read, or its signature or content is not right: says which and why.</exception>
    public static string State(BaseImageRecipe recipe) => DebianRelease.State(Task.WhenAll(Reads(recipe)).GetAwaiter().GetResult());

    /// <summary>Begins reading <paramref name="recipe"/>'s suites in the background, for a <see cref="State"/> later in the run; a failure is said only there.</summary>
    public static void ReadAhead(BaseImageRecipe recipe) => _ = Reads(recipe);

    // The suites are read at once: each is a round trip to its mirror and a gpgv (the first failure is the one thrown).
    private static Task<string>[] Reads(BaseImageRecipe recipe)
    {
        var architecture = DebianRelease.Architecture(RuntimeInformation.OSArchitecture);
        return [.. recipe.Sources.Select(source => Read.GetOrAdd((source.Archive, source.Suite, architecture), key => new(() => Task.Run(() => ReadOnce(key)))).Value)];
    }

    /// <summary>One suite's read, kept for the run when it succeeds; a failed one is dropped, so the next <see cref="State"/> reads the suite again.</summary>
    private static string ReadOnce((string Archive, string Suite, string Architecture) key)
    {
        try
        {
            return PackagesDigest(key.Archive, key.Suite, key.Architecture);
        }
        catch
        {
            Read.TryRemove(key, out _);
            throw;
        }
    }

    private static string PackagesDigest(string archive, string suite, string architecture)
    {
        var url = $"{archive.TrimEnd('/')}/dists/{suite}/InRelease";
        if (!File.Exists(BaseImageRecipe.ArchiveKeyring))
            throw new PipelineException($"Debian's archive keyring {BaseImageRecipe.ArchiveKeyring} is missing: the signature of {url} cannot be checked. Fix: apt-get install debian-archive-keyring.");
        var folder = Directory.CreateTempSubdirectory("qtsops-release-");
        try
        {
            var signed = Path.Combine(folder.FullName, "InRelease");
            var verified = Path.Combine(folder.FullName, "Release");
            try
            {
                File.WriteAllBytes(signed, Http.GetByteArrayAsync(url).GetAwaiter().GetResult());
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                throw new PipelineException($"Could not read {url}: {exception.Message}");
            }
            var check = ProgramRunner.Run("gpgv", ["--keyring", BaseImageRecipe.ArchiveKeyring, "--output", verified, signed], "gpgv is not installed (package gpgv)");
            if (!check.Succeeded)
                throw new PipelineException($"{url} is not signed by Debian's archive keyring ({BaseImageRecipe.ArchiveKeyring}): {check.Error.Split('\n').LastOrDefault()}. " +
                    "Its packages are not used. Fix: use a mirror that serves Debian's signed suites (--debian-mirror, --debian-security-mirror).");
            try
            {
                return DebianRelease.PackagesDigest(File.ReadAllText(verified), architecture, DateTimeOffset.UtcNow, url);
            }
            catch (InvalidDataException exception)
            {
                throw new PipelineException(exception.Message);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
