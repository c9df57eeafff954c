using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace QtsOps.Core.Bundling;

/// <summary>One line of SHA256SUMS: a file of the bundle and its SHA-256.</summary>
public sealed record ChecksumEntry(string Sha256, string File);

/// <summary>What a line of SHA256SUMS said about its file: matched, differs, or the file is missing.</summary>
public sealed record ChecksumResult(string File, bool Matches, string Detail);

/// <summary>
/// SHA256SUMS in the format <c>sha256sum</c> writes and <c>sha256sum -c</c> reads: "HEX  NAME", one
/// file a line, in binary-safe text mode (two spaces), names sorted so the same bundle gives the same bytes.
/// </summary>
public static partial class Sha256Sums
{
    public const string FileName = "SHA256SUMS";

    public static string Format(IEnumerable<ChecksumEntry> entries) =>
        string.Concat(entries.OrderBy(e => e.File, StringComparer.Ordinal).Select(e => $"{e.Sha256}  {e.File}\n"));

    /// <summary>The entries of a SHA256SUMS text; a line that is not "HEX  NAME" (a plain name, no folders) is an error naming it.</summary>
    public static IReadOnlyList<ChecksumEntry> Parse(string text, string path)
    {
        var entries = new List<ChecksumEntry>();
        var lines = text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var match = Line().Match(lines[index]);
            if (!match.Success)
                throw new BundleException($"{path}:{index + 1}: '{Shorten(lines[index])}' is not a checksum line. Fix: each line is 64 hex digits, two spaces and a file name of the bundle (as sha256sum writes it); rebuild the bundle.");
            entries.Add(new ChecksumEntry(match.Groups[1].Value.ToLowerInvariant(), match.Groups[2].Value));
        }
        return entries;
    }

    /// <summary>Each entry checked against the file beside SHA256SUMS in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<ChecksumResult> Check(string directory, IEnumerable<ChecksumEntry> entries) => entries.Select(entry =>
    {
        var path = Path.Combine(directory, entry.File);
        if (!File.Exists(path)) return new ChecksumResult(entry.File, false, "missing");
        var actual = Of(path);
        return actual == entry.Sha256 ? new ChecksumResult(entry.File, true, "matches")
            : new ChecksumResult(entry.File, false, $"sha256 {actual}, SHA256SUMS says {entry.Sha256}");
    }).ToList();

    public static string Of(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string Of(string text, Encoding encoding) => Of(encoding.GetBytes(text));

    private static string Shorten(string line) => line.Length > 80 ? line[..80] + "..." : line;

    [GeneratedRegex(@"^([0-9a-fA-F]{64}) [ *]([A-Za-z0-9._+-]+)$")]
    private static partial Regex Line();
}
