namespace QtsOps.Core.Bundling;

/// <summary>An installed Debian package as dpkg's status records it.</summary>
/// <param name="Source">The source package's name (the Source field without its version; the package's own name when absent).</param>
public sealed record DebianPackage(string Name, string Version, string Architecture, string Source)
{
    /// <summary>The version without epoch and Debian revision: 1:1.2.13.dfsg-1 → 1.2.13.dfsg.</summary>
    public string UpstreamVersion
    {
        get
        {
            var version = Version.Contains(':') ? Version[(Version.IndexOf(':') + 1)..] : Version;
            return version.Contains('-') ? version[..version.LastIndexOf('-')] : version;
        }
    }

    /// <summary>The package URL (purl spec, type deb): how scanners match it to advisories.</summary>
    public string Purl => $"pkg:deb/debian/{Uri.EscapeDataString(Name)}@{Uri.EscapeDataString(Version)}?arch={Uri.EscapeDataString(Architecture)}";
}

/// <summary>
/// /var/lib/dpkg/status: stanzas of "Field: value" lines (a line starting with a space continues the
/// field before it) separated by blank lines. Only what is installed counts ("Status: install ok
/// installed"): dpkg keeps removed packages' stanzas while their configuration files remain.
/// </summary>
public static class DpkgStatus
{
    public const string Path = "var/lib/dpkg/status";

    /// <summary>The installed packages, by name; a stanza without Package, or an installed one without Version or Architecture, is an error naming its line.</summary>
    public static IReadOnlyList<DebianPackage> Parse(string text, string file)
    {
        var packages = new List<DebianPackage>();
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var start = 0;
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var index = 0; index <= lines.Length; index++)
        {
            var line = index < lines.Length ? lines[index] : "";
            if (line.Trim().Length == 0)
            {
                if (fields.Count > 0 && Package(fields, file, start) is { } package) packages.Add(package);
                fields.Clear();
                continue;
            }
            if (fields.Count == 0) start = index + 1;
            if (line[0] is ' ' or '\t') continue;
            var colon = line.IndexOf(':');
            if (colon <= 0)
                throw new BundleException($"{file}:{index + 1}: '{line}' is neither a 'Field: value' line nor a continuation (starting with a space). Fix: the image's dpkg status is damaged; rebuild the image.");
            fields[line[..colon]] = line[(colon + 1)..].Trim();
        }
        return [.. packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Architecture, StringComparer.Ordinal)];
    }

    private static DebianPackage? Package(Dictionary<string, string> fields, string file, int line)
    {
        if (!fields.TryGetValue("Package", out var name))
            throw new BundleException($"{file}:{line}: the stanza has no Package field. Fix: the image's dpkg status is damaged; rebuild the image.");
        if (!Installed(fields)) return null;
        var missing = new[] { "Version", "Architecture" }.Where(f => !fields.ContainsKey(f)).ToList();
        if (missing.Count > 0)
            throw new BundleException($"{file}:{line}: the stanza of {name} has no {string.Join(" or ", missing)}. Fix: the image's dpkg status is damaged; rebuild the image.");
        var source = fields.TryGetValue("Source", out var value) ? value.Split(' ')[0] : name;
        return new DebianPackage(name, fields["Version"], fields["Architecture"], source);
    }

    private static bool Installed(Dictionary<string, string> fields) =>
        fields.TryGetValue("Status", out var status) && status.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() == "installed";
}
