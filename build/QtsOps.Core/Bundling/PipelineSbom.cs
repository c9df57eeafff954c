using System.Text.Json;
using System.Text.Json.Nodes;
using CycloneDX.Models;

namespace QtsOps.Core.Bundling;

/// <summary>A NuGet package the pipeline restored; <paramref name="Sha512"/> is hex, null for a package only downloaded (its assemblies referenced from it).</summary>
public sealed record NuGetPackage(string Name, string Version, string? Sha512, IReadOnlyList<string> Dependencies)
{
    public string Purl => $"pkg:nuget/{Uri.EscapeDataString(Name)}@{Uri.EscapeDataString(Version)}";
}

/// <summary>
/// The pipeline's SBOM: the NuGet packages its projects restored, read from their project.assets.json
/// (NuGet's record of what restore resolved: packages with their SHA-512, what each depends on, and
/// the packages downloaded only, whose assemblies the projects reference: Cake.Tool, CycloneDX).
/// </summary>
public static class PipelineSbom
{
    /// <summary>The packages of one project.assets.json; a file that is no assets file is an error naming it.</summary>
    public static IReadOnlyList<NuGetPackage> Packages(string json, string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new BundleException($"{path}:{(exception.LineNumber ?? 0) + 1}: not valid JSON ({exception.Message}). Fix: restore the pipeline again (dotnet restore build/QtsOps.Build).");
        }
        if (root?["targets"] is not JsonObject targets || root["libraries"] is not JsonObject libraries)
            throw new BundleException($"{path}: has no targets or libraries: it is no project.assets.json. Fix: restore the pipeline again (dotnet restore build/QtsOps.Build).");
        var packages = new List<NuGetPackage>();
        foreach (var (key, library) in libraries)
        {
            if (library?["type"]?.GetValue<string>() != "package") continue;
            var (name, version) = Split(key);
            var dependencies = targets.Select(t => t.Value?[key]?["dependencies"] as JsonObject).OfType<JsonObject>().SelectMany(d => d.Select(p => p.Key));
            packages.Add(new NuGetPackage(name, version, Hex(library["sha512"]?.GetValue<string>()), [.. dependencies.Distinct().Order(StringComparer.OrdinalIgnoreCase)]));
        }
        var frameworks = root["project"]?["frameworks"] as JsonObject ?? [];
        foreach (var download in frameworks.Select(f => f.Value?["downloadDependencies"] as JsonArray).OfType<JsonArray>().SelectMany(a => a))
            packages.Add(new NuGetPackage(download!["name"]!.GetValue<string>(), download["version"]!.GetValue<string>().Trim('[', ']').Split(',')[0].Trim(), null, []));
        return packages;
    }

    /// <param name="packages">The packages of every project of the pipeline; the same package named by two projects is listed once.</param>
    public static Bom Build(string name, string version, string commit, DateTimeOffset timestamp, IEnumerable<NuGetPackage> packages)
    {
        var distinct = packages.GroupBy(p => (Name: p.Name.ToLowerInvariant(), p.Version)).Select(g => g.First())
            .OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Version, StringComparer.Ordinal).ToList();
        var byName = distinct.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Purl, StringComparer.OrdinalIgnoreCase);
        var components = distinct.Select(p => new Component
        {
            Type = Component.Classification.Library, BomRef = p.Purl, Name = p.Name, Version = p.Version, Purl = p.Purl,
            Hashes = p.Sha512 is null ? null : [new Hash { Alg = Hash.HashAlgorithm.SHA_512, Content = p.Sha512 }],
        }).ToList();
        var subject = new Component { Type = Component.Classification.Application, BomRef = $"pipeline:{name}", Name = name, Version = version };
        var dependencies = distinct.Select(p => new Dependency
        {
            Ref = p.Purl, Dependencies = [.. p.Dependencies.Where(byName.ContainsKey).Select(d => new Dependency { Ref = byName[d] })],
        }).ToList();
        var depended = distinct.SelectMany(p => p.Dependencies).ToHashSet(StringComparer.OrdinalIgnoreCase);
        dependencies.Insert(0, new Dependency { Ref = subject.BomRef, Dependencies = [.. distinct.Where(p => !depended.Contains(p.Name)).Select(p => new Dependency { Ref = p.Purl })] });
        return Sbom.Document($"pipeline {name} {commit}", timestamp, subject, components, dependencies);
    }

    private static (string Name, string Version) Split(string key) => key.IndexOf('/') is var slash and > 0 ? (key[..slash], key[(slash + 1)..]) : (key, "");

    /// <summary>NuGet's "sha512" (base64) as CycloneDX's hash content (hex).</summary>
    private static string? Hex(string? base64) => string.IsNullOrEmpty(base64) ? null : Convert.ToHexStringLower(Convert.FromBase64String(base64));
}
