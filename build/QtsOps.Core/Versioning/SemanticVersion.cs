using System.Globalization;
using System.Text.RegularExpressions;

namespace QtsOps.Core.Versioning;

public enum VersionPart { Major, Minor, Patch }

/// <summary>A SemVer 2.0.0 version: precedence, MinVer's height rule, bumps and a Docker-tag form.</summary>
public sealed partial class SemanticVersion : IComparable<SemanticVersion>, IEquatable<SemanticVersion>
{
    public SemanticVersion(int major, int minor, int patch, IEnumerable<string>? preRelease = null, IEnumerable<string>? buildMetadata = null)
    {
        if (major < 0 || minor < 0 || patch < 0) throw new ArgumentOutOfRangeException(nameof(major), "Version numbers cannot be negative.");
        (Major, Minor, Patch) = (major, minor, patch);
        PreRelease = [.. preRelease ?? []];
        BuildMetadata = [.. buildMetadata ?? []];
    }

    public int Major { get; }
    public int Minor { get; }
    public int Patch { get; }
    public IReadOnlyList<string> PreRelease { get; }
    public IReadOnlyList<string> BuildMetadata { get; }
    public bool IsPreRelease => PreRelease.Count > 0;

    // The regular expression semver.org gives for SemVer 2.0.0.
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")]
    private static partial Regex SemVerPattern();

    public static bool TryParse(string? text, out SemanticVersion version)
    {
        version = null!;
        if (text is null) return false;
        var match = SemVerPattern().Match(text);
        if (!match.Success) return false;
        if (!int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(match.Groups[2].Value, CultureInfo.InvariantCulture, out var minor)
            || !int.TryParse(match.Groups[3].Value, CultureInfo.InvariantCulture, out var patch)) return false;
        version = new SemanticVersion(major, minor, patch, Split(match.Groups[4].Value), Split(match.Groups[5].Value));
        return true;
    }

    /// <exception cref="FormatException">Not a SemVer 2.0.0 version.</exception>
    public static SemanticVersion Parse(string text) => TryParse(text, out var version)
        ? version
        : throw new FormatException($"'{text}' is not a SemVer 2.0.0 version (MAJOR.MINOR.PATCH, e.g. 1.2.3 or 1.3.0-beta.2).");

    private static string[] Split(string identifiers) => identifiers.Length == 0 ? [] : identifiers.Split('.');

    /// <summary>
    /// MinVer's rule for a commit <paramref name="height"/> commits after the tag: a pre-release gets the
    /// height appended (1.3.0-beta.2 → 1.3.0-beta.2.5); a release gets the next patch, "alpha.0" and the
    /// height (1.2.3 → 1.2.4-alpha.0.5). The tag's build metadata only belongs to the tagged commit.
    /// </summary>
    public SemanticVersion WithHeight(int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (height == 0) return this;
        var heightIdentifier = height.ToString(CultureInfo.InvariantCulture);
        return IsPreRelease
            ? new SemanticVersion(Major, Minor, Patch, [.. PreRelease, heightIdentifier])
            : new SemanticVersion(Major, Minor, Patch + 1, ["alpha", "0", heightIdentifier]);
    }

    public SemanticVersion WithBuildMetadata(params string[] identifiers) =>
        new(Major, Minor, Patch, PreRelease, [.. BuildMetadata, .. identifiers]);

    /// <summary>
    /// The next release: a pre-release of the same part is released as is (1.3.0-beta.2 bumped minor is
    /// 1.3.0), otherwise the part goes up and the lower parts reset (1.2.3 bumped minor is 1.3.0).
    /// </summary>
    public SemanticVersion Bump(VersionPart part) => part switch
    {
        VersionPart.Major when IsPreRelease && Minor == 0 && Patch == 0 => new(Major, 0, 0),
        VersionPart.Major => new(Major + 1, 0, 0),
        VersionPart.Minor when IsPreRelease && Patch == 0 => new(Major, Minor, 0),
        VersionPart.Minor => new(Major, Minor + 1, 0),
        VersionPart.Patch when IsPreRelease => new(Major, Minor, Patch),
        _ => new(Major, Minor, Patch + 1),
    };

    public override string ToString() =>
        $"{Major}.{Minor}.{Patch}"
        + (IsPreRelease ? "-" + string.Join('.', PreRelease) : "")
        + (BuildMetadata.Count > 0 ? "+" + string.Join('.', BuildMetadata) : "");

    /// <summary>
    /// The version as a Docker tag and a file name: Docker tags cannot hold '+', so build metadata
    /// follows '_' instead (Helm's convention for OCI tags): 1.2.4-alpha.0.1+dirty → 1.2.4-alpha.0.1_dirty.
    /// </summary>
    public string ToDockerTag() => ToString().Replace('+', '_');

    /// <summary>SemVer precedence: build metadata does not count.</summary>
    public int CompareTo(SemanticVersion? other)
    {
        if (other is null) return 1;
        var result = Major.CompareTo(other.Major);
        if (result == 0) result = Minor.CompareTo(other.Minor);
        if (result == 0) result = Patch.CompareTo(other.Patch);
        if (result != 0) return result;
        if (!IsPreRelease || !other.IsPreRelease) return other.IsPreRelease.CompareTo(IsPreRelease);
        for (var i = 0; i < Math.Min(PreRelease.Count, other.PreRelease.Count); i++)
        {
            result = CompareIdentifiers(PreRelease[i], other.PreRelease[i]);
            if (result != 0) return result;
        }
        return PreRelease.Count.CompareTo(other.PreRelease.Count);
    }

    private static int CompareIdentifiers(string left, string right)
    {
        var leftIsNumber = long.TryParse(left, NumberStyles.None, CultureInfo.InvariantCulture, out var leftNumber);
        var rightIsNumber = long.TryParse(right, NumberStyles.None, CultureInfo.InvariantCulture, out var rightNumber);
        if (leftIsNumber && rightIsNumber) return leftNumber.CompareTo(rightNumber);
        if (leftIsNumber != rightIsNumber) return leftIsNumber ? -1 : 1; // numeric identifiers sort first
        return string.CompareOrdinal(left, right);
    }

    /// <summary>Equal as written, build metadata included.</summary>
    public bool Equals(SemanticVersion? other) => other is not null && ToString() == other.ToString();
    public override bool Equals(object? obj) => Equals(obj as SemanticVersion);
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
