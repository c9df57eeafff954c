using Cake.Core;
using Cake.Core.IO;
using Cake.Core.IO.Arguments;

namespace QtsOps.Tools.Terraform;

/// <summary>
/// The one place that turns Terraform settings into a command line, following HashiCorp's
/// "running Terraform in automation": never prompt (<c>-input=false</c>), no colour codes in logs,
/// apply only saved plans. Secrets go through AppendSecret, so Cake logs them as [REDACTED].
/// </summary>
public static class TerraformArguments
{
    public static ProcessArgumentBuilder For(TerraformInitSettings settings)
    {
        var arguments = Command(settings, "init").Append("-input=false").Append("-no-color");
        if (!settings.Backend) arguments.Append("-backend=false");
        if (settings.Reconfigure) arguments.Append("-reconfigure");
        if (settings.BackendConfigFile is { } file) arguments.AppendSwitchQuoted("-backend-config", "=", file.FullPath);
        foreach (var (key, value) in settings.BackendConfig)
            arguments.Append(new SwitchArgument("-backend-config", Assignment(key, value, secret: IsCredentialKey(key)), "="));
        return arguments;
    }

    public static ProcessArgumentBuilder For(TerraformValidateSettings settings) =>
        Command(settings, "validate").Append("-no-color");

    public static ProcessArgumentBuilder For(TerraformFormatSettings settings)
    {
        // -check lists the files that need formatting (one a line) and exits 3 when there are any.
        var arguments = Command(settings, "fmt").Append("-check").Append("-no-color");
        if (settings.Recursive) arguments.Append("-recursive");
        return arguments;
    }

    /// <param name="variablesFile">The settings' variables (<see cref="TerraformVariablesFile"/>): never on the command line.</param>
    public static ProcessArgumentBuilder For(TerraformPlanSettings settings, FilePath? variablesFile = null)
    {
        var outFile = settings.OutFile ?? throw new ArgumentException("A plan needs OutFile: apply takes only a saved plan.", nameof(settings));
        // -detailed-exitcode: 0 = no changes, 2 = changes, 1 = error.
        var arguments = Command(settings, "plan").Append("-input=false").Append("-no-color").Append("-detailed-exitcode")
            .AppendSwitchQuoted("-out", "=", outFile.FullPath);
        return AppendVariables(arguments, settings, variablesFile);
    }

    public static ProcessArgumentBuilder For(TerraformShowSettings settings)
    {
        var arguments = Command(settings, "show").Append("-no-color").Append("-json");
        if (settings.PlanFile is { } plan) arguments.AppendQuoted(plan.FullPath);
        return arguments;
    }

    public static ProcessArgumentBuilder For(TerraformApplySettings settings)
    {
        var plan = settings.PlanFile ?? throw new ArgumentException("apply takes only a saved plan: set PlanFile (terraform plan -out).", nameof(settings));
        // A saved plan is applied without a prompt: no -auto-approve needed, and no variables allowed.
        return Command(settings, "apply").Append("-input=false").Append("-no-color").AppendQuoted(plan.FullPath);
    }

    public static ProcessArgumentBuilder For(TerraformOutputSettings settings) =>
        Command(settings, "output").Append("-no-color").Append("-json");

    public static ProcessArgumentBuilder For(TerraformDestroySettings settings, FilePath? variablesFile = null)
    {
        // -auto-approve, never the removed -force.
        var arguments = Command(settings, "destroy").Append("-input=false").Append("-no-color").Append("-auto-approve");
        return AppendVariables(arguments, settings, variablesFile);
    }

    public static ProcessArgumentBuilder For(TerraformStatePullSettings settings) =>
        Command(settings, "state").Append("pull");

    private static ProcessArgumentBuilder Command(TerraformSettings settings, string command)
    {
        var arguments = new ProcessArgumentBuilder();
        if (settings.RootModule is { } root) arguments.AppendSwitchQuoted("-chdir", "=", root.FullPath);
        return arguments.Append(command);
    }

    private static ProcessArgumentBuilder AppendVariables(ProcessArgumentBuilder arguments, TerraformVariableSettings settings, FilePath? variablesFile)
    {
        if (variablesFile is null && settings.Variables.Count + settings.SecretVariables.Count > 0)
            throw new ArgumentException("Variables go to terraform in a TerraformVariablesFile, never on its command line (ps shows it).", nameof(variablesFile));
        // The variables' file comes last, so that it ranks as -var did: above every other var file.
        foreach (var file in settings.VarFiles.Append(variablesFile).OfType<FilePath>()) arguments.AppendSwitchQuoted("-var-file", "=", file.FullPath);
        return arguments;
    }

    /// <summary><c>name="value"</c>: one argument once unquoted, logged as <c>name="[REDACTED]"</c> when secret.</summary>
    private static SwitchArgument Assignment(string name, string value, bool secret)
    {
        IProcessArgument text = new TextArgument(value);
        return new SwitchArgument(name, new QuotedArgument(secret ? new SecretArgument(text) : text), "=");
    }

    /// <summary>Settings that hold a credential (azurerm: access_key, sas_token, client_secret, ...); azurerm's <c>key</c> is only the state's name.</summary>
    internal static bool IsCredentialKey(string name) =>
        name.Equals("access_key", StringComparison.OrdinalIgnoreCase) ||
        CredentialWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));

    private static readonly string[] CredentialWords = ["secret", "password", "token"];
}
