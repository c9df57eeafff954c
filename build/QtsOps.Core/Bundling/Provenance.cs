using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QtsOps.Core.Bundling;

/// <summary>What a bundle was built from and by: the facts its provenance states.</summary>
/// <param name="Repository">The source repository's URL, without user info.</param>
/// <param name="Tag">The version tag (v1.2.3), or null for a build of an untagged commit.</param>
/// <param name="Builder">Who built it: the workflow run's URL in GitHub Actions, else this machine.</param>
/// <param name="Parameters">The run's inputs: version, environment, targets.</param>
public sealed record BuildFacts(string Repository, string Commit, string? Tag, string Builder, string InvocationId,
    DateTimeOffset StartedOn, IReadOnlyDictionary<string, string> Parameters);

/// <summary>A subject of the statement: a file or the image, by SHA-256.</summary>
public sealed record ProvenanceSubject(string Name, string Sha256);

/// <summary>The facts verify-release reads back out of a provenance statement.</summary>
public sealed record StatedProvenance(string? Repository, string? Commit, string? Version, IReadOnlyList<ProvenanceSubject> Subjects);

/// <summary>
/// The bundle's provenance: an in-toto v1 statement with the SLSA provenance v1 predicate (subjects: the
/// deploy package and the image digest; source: repository, commit, tag; builder; parameters).
/// </summary>
public static class Provenance
{
    public const string FileName = "provenance.intoto.json";
    public const string StatementType = "https://in-toto.io/Statement/v1";
    public const string PredicateType = "https://slsa.dev/provenance/v1";
    public const string BuildType = "https://github.com/qtsops/qtsops/bundle/v1";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static byte[] Statement(BuildFacts facts, IEnumerable<ProvenanceSubject> subjects)
    {
        var source = new JsonObject
        {
            ["uri"] = $"git+{facts.Repository}" + (facts.Tag is null ? "" : $"@refs/tags/{facts.Tag}"),
            ["digest"] = new JsonObject { ["gitCommit"] = facts.Commit },
        };
        var parameters = new JsonObject();
        foreach (var (name, value) in facts.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal)) parameters[name] = value;
        var statement = new JsonObject
        {
            ["_type"] = StatementType,
            ["subject"] = new JsonArray([.. subjects.Select(s => (JsonNode)new JsonObject { ["name"] = s.Name, ["digest"] = new JsonObject { ["sha256"] = s.Sha256 } })]),
            ["predicateType"] = PredicateType,
            ["predicate"] = new JsonObject
            {
                ["buildDefinition"] = new JsonObject
                {
                    ["buildType"] = BuildType,
                    ["externalParameters"] = parameters,
                    ["resolvedDependencies"] = new JsonArray(source),
                },
                ["runDetails"] = new JsonObject
                {
                    ["builder"] = new JsonObject { ["id"] = facts.Builder },
                    ["metadata"] = new JsonObject { ["invocationId"] = facts.InvocationId, ["startedOn"] = facts.StartedOn.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ") },
                },
            },
        };
        return Encoding.UTF8.GetBytes(statement.ToJsonString(Json));
    }

    /// <summary>The repository, commit and subjects a statement names; a payload that is no in-toto SLSA statement is an error naming the file.</summary>
    public static StatedProvenance Read(byte[] statement, string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(statement);
        }
        catch (JsonException exception)
        {
            throw new BundleException($"{path}: the payload is not JSON ({exception.Message}). Fix: rebuild the bundle (./build.sh --target=bundle).");
        }
        if (root?["_type"]?.GetValue<string>() != StatementType || root["predicateType"]?.GetValue<string>() != PredicateType)
            throw new BundleException($"{path}: the payload is not an in-toto statement ({StatementType}) with the SLSA provenance predicate ({PredicateType}). Fix: rebuild the bundle (./build.sh --target=bundle).");
        var source = root["predicate"]?["buildDefinition"]?["resolvedDependencies"]?[0];
        var uri = source?["uri"]?.GetValue<string>();
        var repository = uri is null ? null : WithoutRef(uri.StartsWith("git+", StringComparison.Ordinal) ? uri[4..] : uri);
        var subjects = (root["subject"] as JsonArray ?? [])
            .Select(s => new ProvenanceSubject(s?["name"]?.GetValue<string>() ?? "", s?["digest"]?["sha256"]?.GetValue<string>() ?? ""))
            .ToList();
        var version = root["predicate"]?["buildDefinition"]?["externalParameters"]?["version"]?.GetValue<string>();
        return new StatedProvenance(repository, source?["digest"]?["gitCommit"]?.GetValue<string>(), version, subjects);
    }

    // git@host:org/repo@refs/tags/v1 holds an '@' of its own: only the last "@refs/" starts the ref.
    private static string WithoutRef(string uri) => uri.LastIndexOf("@refs/", StringComparison.Ordinal) is var at and >= 0 ? uri[..at] : uri;
}
