using System.Text.Json;

namespace QtsOps.Tools.Terraform;

/// <summary>
/// The -var values of one terraform command, as a <c>.tfvars.json</c> file readable by its owner
/// only and deleted after the command: values on the command line would show in <c>ps</c>. Given
/// last, it ranks as -var did: above terraform.tfvars and the other -var-file files. JSON strings are
/// taken literally (no template), as -var takes a string variable's value.
/// </summary>
public sealed class TerraformVariablesFile : IDisposable
{
    private TerraformVariablesFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>The file of <paramref name="settings"/>' variables, or null when there are none.</summary>
    public static TerraformVariablesFile? Create(TerraformVariableSettings settings, string directory)
    {
        var variables = settings.Variables.Concat(settings.SecretVariables).ToDictionary();
        if (variables.Count == 0) return null;
        var path = System.IO.Path.Combine(directory, $"qtsops-{Guid.NewGuid():N}.tfvars.json");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory, OwnerOnly.Directory);
            options.UnixCreateMode = OwnerOnly.File; // 0600 when created, never readable by others
        }
        else Directory.CreateDirectory(directory);
        using (var stream = new FileStream(path, options)) JsonSerializer.Serialize(stream, variables);
        return new TerraformVariablesFile(path);
    }

    public void Dispose() => File.Delete(Path);
}
