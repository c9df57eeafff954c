using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace QtsOps.Core.Images;

/// <summary>
/// A suite's Release file (the signed text of its InRelease), read for what a base image's name needs:
/// the digest of the suite's package index. Any new package version in the suite (a security update)
/// changes it, and with it the image's name, so the image is built again.
/// </summary>
public static class DebianRelease
{
    /// <summary>The SHA-256 of <c>main/binary-ARCH/Packages.xz</c> as <paramref name="release"/> lists it.</summary>
    /// <param name="where">The file, for the error.</param>
    /// <param name="now">A Release file past its Valid-Until is refused: an old index replayed would hide every update since.</param>
    /// <exception cref="InvalidDataException">The file lists no such index, or is no longer valid.</exception>
    public static string PackagesDigest(string release, string architecture, DateTimeOffset now, string where)
    {
        var lines = release.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        if (lines.FirstOrDefault(line => line.StartsWith("Valid-Until:", StringComparison.Ordinal)) is { } validUntil)
        {
            if (!DateTimeOffset.TryParseExact(validUntil["Valid-Until:".Length..].Trim(), "ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out var until))
                throw new InvalidDataException($"{where}: '{validUntil}' is not a date as Debian writes it (Fri, 11 Dec 2026 03:54:28 UTC).");
            if (until < now)
                throw new InvalidDataException($"{where}: the Release file expired ({validUntil}): the mirror serves an old copy of the suite. " +
                    "Fix: use an up-to-date mirror (--debian-mirror, --debian-security-mirror).");
        }
        var index = $"{BaseImageRecipe.Component}/binary-{architecture}/Packages.xz";
        var section = lines.SkipWhile(line => line != "SHA256:").Skip(1).TakeWhile(line => line.StartsWith(' '));
        var entry = section.Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).FirstOrDefault(parts => parts.Length == 3 && parts[2] == index);
        return entry?[0] ?? throw new InvalidDataException($"{where} lists no SHA256 of {index}: it is not the Release file of a Debian suite with {architecture} packages.");
    }

    /// <summary>The state of a recipe's suites, short enough for a tag: a hash of their package indexes' digests, in the recipe's order.</summary>
    public static string State(IEnumerable<string> packagesDigests) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", packagesDigests))))[..12];

    /// <summary>Debian's name of the machine's architecture (dpkg's).</summary>
    public static string Architecture(System.Runtime.InteropServices.Architecture architecture) => architecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.X86 => "i386",
        System.Runtime.InteropServices.Architecture.Arm => "armhf",
        var other => throw new PlatformNotSupportedException($"No Debian architecture for {other}."),
    };
}
