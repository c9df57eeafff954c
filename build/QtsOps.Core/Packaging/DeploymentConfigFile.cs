using System.Text.Json;
using QtsOps.Core.Json;

namespace QtsOps.Core.Packaging;

/// <summary>What verify reads of an installed release's deployment_config.json: the variables the container must have.</summary>
public sealed record DeploymentConfigFile(IReadOnlyDictionary<string, string> Environment)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="file">Names the file in errors (host:path for a release on a Docker host).</param>
    /// <exception cref="InvalidDataException">"FILE:LINE: what is wrong": no "environment" object, or a value that is not a text.</exception>
    public static DeploymentConfigFile Read(string text, string file) => JsonSource.Read<DeploymentConfigFile>(text, file, Json);
}
