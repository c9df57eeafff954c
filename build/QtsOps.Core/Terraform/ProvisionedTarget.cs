using System.Text.Json;
using QtsOps.Core.Json;
using QtsOps.Core.Environments;

namespace QtsOps.Core.Terraform;

/// <summary>
/// The output <c>deployment_target</c> that apply writes to outputs.json (<c>terraform output -json</c>):
/// where Terraform says the release goes. Its non-empty values take the place of environments.json's.
/// </summary>
public sealed record ProvisionedTarget(string? DockerHost, string? ComposeProject, string? HealthUrl)
{
    public const string OutputName = "deployment_target";

    /// <returns>null when the file has no deployment_target output.</returns>
    /// <exception cref="InvalidDataException">The file is not terraform output -json.</exception>
    public static ProvisionedTarget? Read(string outputsFile)
    {
        try
        {
            var source = JsonSource.Parse(File.ReadAllText(outputsFile));
            // Every level is an object in what terraform output -json writes: anything else is a damaged file, named with its line.
            foreach (var path in new[] { "$", $"$.{OutputName}", $"$.{OutputName}.value" })
                if (source.Get([.. path.Split('.').Skip(1)]) is { ValueKind: not JsonValueKind.Object } wrong)
                    throw new InvalidDataException($"{outputsFile}:{source.LineOf(path) ?? 1}: {path} is {wrong.ValueKind.ToString().ToLowerInvariant()}, not an object as 'terraform output -json' writes it. {Rewrite}");
            if (source.Get(OutputName, "value") is not { } value) return null;
            string? Text(string name) => value.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
            return new ProvisionedTarget(Text("docker_host"), Text("compose_project"), Text("health_url"));
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{outputsFile}:{(exception.LineNumber ?? 0) + 1}: not the JSON of 'terraform output -json' ({exception.Message}). {Rewrite}", exception);
        }
    }

    private const string Rewrite = "Run ./build.sh --target=apply again to rewrite it.";

    /// <summary>
    /// The environment with Terraform's values. An environment on this machine's engine (no
    /// dockerHost) is fully described by environments.json, so there a difference can only be a stale
    /// outputs file, and acting on it could stop another deployment: that is an error.
    /// </summary>
    /// <exception cref="InvalidDataException">outputs.json disagrees with an environment on this machine.</exception>
    public DeploymentEnvironment ApplyTo(DeploymentEnvironment environment, string outputsFile)
    {
        if (environment.DockerHost is null)
        {
            (string Output, string? Terraform, string? Configured)[] pairs =
            [
                ("docker_host", DockerHost, null),
                ("compose_project", ComposeProject, environment.ComposeProject),
                ("health_url", HealthUrl, environment.HealthUrl),
            ];
            var differences = pairs.Where(d => d.Terraform is not null && d.Terraform != d.Configured).ToList();
            if (differences.Count > 0)
                throw new InvalidDataException(
                    $"{outputsFile}: Terraform's {OutputName} disagrees with environments.json for '{environment.Name}' " +
                    $"({string.Join("; ", differences.Select(d => $"{d.Output} is '{d.Terraform}', environments.json says '{d.Configured ?? "this machine's engine"}'"))}). " +
                    $"Fix: ./build.sh --target=terraform-plan --target=apply --env={environment.Name} to provision what environments.json says.");
            return environment;
        }
        return environment with
        {
            DockerHost = DockerHost ?? environment.DockerHost,
            ComposeProject = ComposeProject ?? environment.ComposeProject,
            HealthUrl = HealthUrl ?? environment.HealthUrl,
        };
    }
}
