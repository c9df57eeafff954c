using Cake.Core.IO;
using Cake.Core.Tooling;

namespace QtsOps.Tools.Terraform;

/// <summary>What every Terraform command shares: the root module and where Terraform keeps its working data.</summary>
public abstract class TerraformSettings : ToolSettings
{
    /// <summary>The root module, passed as <c>-chdir</c>: relative paths in other settings stay relative to the caller.</summary>
    public DirectoryPath? RootModule { get; set; }

    /// <summary>TF_DATA_DIR: keeps <c>.terraform/</c> out of the source tree. Use the same one for every command of a root module.</summary>
    public DirectoryPath? DataDirectory { get; set; }
}

/// <summary>Settings that feed input variables (plan, destroy).</summary>
public abstract class TerraformVariableSettings : TerraformSettings
{
    /// <summary><c>-var-file</c>, in order: later files win.</summary>
    public IList<FilePath> VarFiles { get; set; } = [];

    /// <summary>Variables as <c>-var NAME=VALUE</c> ranks them, passed in a <see cref="TerraformVariablesFile"/>.</summary>
    public IDictionary<string, string> Variables { get; set; } = new Dictionary<string, string>();

    /// <summary>Like <see cref="Variables"/>, and their values are masked in Terraform's output.</summary>
    public IDictionary<string, string> SecretVariables { get; set; } = new Dictionary<string, string>();
}

public sealed class TerraformInitSettings : TerraformSettings
{
    /// <summary>false: <c>-backend=false</c>, installs modules and providers only (enough for validate).</summary>
    public bool Backend { get; set; } = true;

    /// <summary><c>-reconfigure</c>: take the backend settings as given, ignoring the saved ones.</summary>
    public bool Reconfigure { get; set; }

    /// <summary><c>-backend-config=FILE</c> (a partial backend configuration), resolved by Terraform inside <see cref="TerraformSettings.RootModule"/>.</summary>
    public FilePath? BackendConfigFile { get; set; }

    /// <summary><c>-backend-config=KEY=VALUE</c> overrides; values of keys that name a credential are masked.</summary>
    public IDictionary<string, string> BackendConfig { get; set; } = new Dictionary<string, string>();
}

public sealed class TerraformValidateSettings : TerraformSettings;

public sealed class TerraformFormatSettings : TerraformSettings
{
    /// <summary><c>-recursive</c>: check modules below the root module too.</summary>
    public bool Recursive { get; set; }
}

public sealed class TerraformPlanSettings : TerraformVariableSettings
{
    /// <summary><c>-out</c>: the saved plan, the only thing <c>apply</c> accepts.</summary>
    public FilePath? OutFile { get; set; }
}

public sealed class TerraformShowSettings : TerraformSettings
{
    /// <summary>The saved plan to show; none shows the current state.</summary>
    public FilePath? PlanFile { get; set; }
}

public sealed class TerraformApplySettings : TerraformSettings
{
    /// <summary>The saved plan to apply: required, so what is applied is exactly what was reviewed.</summary>
    public FilePath? PlanFile { get; set; }
}

public sealed class TerraformOutputSettings : TerraformSettings;

public sealed class TerraformDestroySettings : TerraformVariableSettings;

public sealed class TerraformStatePullSettings : TerraformSettings;
