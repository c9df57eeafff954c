using System.Collections.Concurrent;
using System.Text.Json;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace QtsOps.Tools.Terraform;

/// <summary>
/// Runs the terraform CLI with Cake's <see cref="Tool{TSettings}"/>: TF_IN_AUTOMATION set, output
/// streamed to the log with secrets masked, each command's own success exit codes, and a
/// <see cref="TerraformException"/> carrying Terraform's (masked) diagnostics otherwise.
/// </summary>
public sealed class TerraformRunner(IFileSystem fileSystem, ICakeEnvironment cakeEnvironment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
    : Tool<TerraformSettings>(fileSystem, cakeEnvironment, processRunner, tools)
{
    private readonly ICakeEnvironment _environment = cakeEnvironment;

    /// <summary>Init's progress lines are logged at Verbose only (they are most of a run's log), and given in full when it fails.</summary>
    public void Init(TerraformInitSettings settings) => Execute(settings, TerraformArguments.For(settings), "init", OutputLog.Verbose);

    public void Validate(TerraformValidateSettings settings) => Execute(settings, TerraformArguments.For(settings), "validate");

    /// <summary>The files <c>terraform fmt</c> would rewrite, relative to the root module; empty when all are formatted.</summary>
    public IReadOnlyList<string> FormatCheck(TerraformFormatSettings settings) =>
        Execute(settings, TerraformArguments.For(settings), "fmt", OutputLog.None, 0, 3).Output.Where(line => line.Length > 0).ToList();

    /// <summary>Saves the plan to <see cref="TerraformPlanSettings.OutFile"/>; true when it changes anything (exit code 2).</summary>
    public bool Plan(TerraformPlanSettings settings)
    {
        using var variables = VariablesFile(settings);
        return Execute(settings, TerraformArguments.For(settings, variables?.Path), "plan", OutputLog.Information, 0, 2).ExitCode == 2;
    }

    /// <summary>Terraform's JSON representation of a saved plan (or of the state).</summary>
    public JsonDocument ShowJson(TerraformShowSettings settings) => ParseJson(Execute(settings, TerraformArguments.For(settings), "show", OutputLog.None), "show -json");

    public void Apply(TerraformApplySettings settings) => Execute(settings, TerraformArguments.For(settings), "apply");

    /// <summary>The root module's outputs: <c>{ name: { sensitive, type, value } }</c>.</summary>
    public JsonDocument OutputJson(TerraformOutputSettings settings) => ParseJson(Execute(settings, TerraformArguments.For(settings), "output", OutputLog.None), "output -json");

    /// <summary>No pipeline target destroys (there is no alias for it): the CLI tests use it to tear down what they applied.</summary>
    public void Destroy(TerraformDestroySettings settings)
    {
        using var variables = VariablesFile(settings);
        Execute(settings, TerraformArguments.For(settings, variables?.Path), "destroy");
    }

    /// <summary>Next to Terraform's working data (TF_DATA_DIR), which is private to this root module.</summary>
    private TerraformVariablesFile? VariablesFile(TerraformVariableSettings settings) =>
        TerraformVariablesFile.Create(settings, settings.DataDirectory?.MakeAbsolute(_environment).FullPath ?? System.IO.Path.GetTempPath());

    /// <summary>Lineage and serial of the current state; <see cref="TerraformStateVersion.None"/> when there is none yet.</summary>
    public TerraformStateVersion StatePull(TerraformStatePullSettings settings)
    {
        var run = Execute(settings, TerraformArguments.For(settings), "state pull", OutputLog.None);
        if (!run.Output.NonBlank().Any()) return TerraformStateVersion.None;
        using var state = ParseJson(run, "state pull");
        return new TerraformStateVersion(state.RootElement.GetProperty("lineage").GetString() ?? "", state.RootElement.GetProperty("serial").GetInt64());
    }

    protected override string GetToolName() => "Terraform";

    protected override IEnumerable<string> GetToolExecutableNames() => ["terraform", "terraform.exe"];

    // Success depends on the command (plan: 0 or 2, fmt -check: 0 or 3): Execute decides.
    protected override void ProcessExitCode(int exitCode) { }

    /// <summary>How long a stopped command's output may take to arrive.</summary>
    private static readonly TimeSpan OutputAfterStop = TimeSpan.FromSeconds(5);

    /// <summary>Where a command's stdout goes as it comes; JSON output (None) may hold secrets and is never logged.</summary>
    private enum OutputLog { Information, Verbose, None }

    private TerraformRun Execute(TerraformSettings settings, ProcessArgumentBuilder arguments, string command, OutputLog outputLog = OutputLog.Information, params int[] successCodes)
    {
        if (successCodes.Length == 0) successCodes = [0];
        var masker = new SecretMasker(TerraformSecrets.Of(settings, _environment));
        var output = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        var processSettings = new ProcessSettings
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectedStandardOutputHandler = line =>
            {
                if (line is null) return line;
                output.Enqueue(line);
                if (outputLog == OutputLog.Information) log.Information(masker.Mask(line));
                else if (outputLog == OutputLog.Verbose) log.Verbose(masker.Mask(line));
                return line;
            },
            RedirectedStandardErrorHandler = line =>
            {
                if (line is not null) errors.Enqueue(line);
                return line;
            },
            EnvironmentVariables = ChildEnvironment.For(ChildProgram.Terraform, AutomationEnvironment(settings)),
        };

        // What was only logged at Verbose is part of the error: a failure shows it at any verbosity.
        string Unlogged() => outputLog == OutputLog.Verbose ? masker.Mask(string.Join('\n', output).Trim()) : "";
        int exitCode;
        // State, its backup and plans hold secrets: terraform creates them 0600.
        using (OwnerOnly.Umask())
        {
            var process = RunProcess(settings, arguments, processSettings);
            if (settings.ToolTimeout is { } timeout && !process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                // Cake has killed it: what it wrote before comes at once, unless a child it started holds the pipes open.
                Task.Run(process.WaitForExit).Wait(OutputAfterStop);
                throw new TerraformException(command, null, masker.Mask(string.Join('\n', errors)),
                    $"terraform {command} did not finish within {timeout.TotalSeconds:0} s and was stopped", Unlogged());
            }
            // Only the wait without a time limit waits for the output readers too: after the timed one,
            // Terraform's last lines (its error) may still be on their way, and the failure would say nothing.
            process.WaitForExit();
            exitCode = process.GetExitCode();
        }

        var diagnostics = masker.Mask(string.Join('\n', errors).Trim());
        if (!successCodes.Contains(exitCode))
            throw new TerraformException(command, exitCode, diagnostics, $"terraform {command} failed (exit code {exitCode})", Unlogged());
        if (diagnostics.Length > 0) log.Warning(diagnostics);
        return new TerraformRun(exitCode, [.. output]);
    }

    /// <summary>HashiCorp's automation settings, plus a fix for a TF_CLI_CONFIG_FILE that names a missing file (Terraform warns on every call).</summary>
    private Dictionary<string, string> AutomationEnvironment(TerraformSettings settings)
    {
        var variables = new Dictionary<string, string>(settings.EnvironmentVariables ?? new Dictionary<string, string>())
        {
            ["TF_IN_AUTOMATION"] = "1",
            ["TF_INPUT"] = "0",
        };
        if (settings.DataDirectory is { } data) variables["TF_DATA_DIR"] = data.FullPath;
        if (!variables.ContainsKey("TF_CLI_CONFIG_FILE") && _environment.GetEnvironmentVariable("TF_CLI_CONFIG_FILE") is { Length: > 0 } cliConfig && !File.Exists(cliConfig))
            variables["TF_CLI_CONFIG_FILE"] = "";
        return variables;
    }

    private static JsonDocument ParseJson(TerraformRun run, string command)
    {
        try
        {
            return JsonDocument.Parse(string.Join('\n', run.Output));
        }
        catch (JsonException exception)
        {
            throw new TerraformException(command, run.ExitCode, "", $"terraform {command} printed no valid JSON ({exception.Message})");
        }
    }

    private sealed record TerraformRun(int ExitCode, IReadOnlyList<string> Output);
}

/// <summary>Which state a plan was made against: Terraform refuses a saved plan once either moved.</summary>
public sealed record TerraformStateVersion(string Lineage, long Serial)
{
    /// <summary>No state yet (a new root module): what a plan's empty prior state also says.</summary>
    public static readonly TerraformStateVersion None = new("", 0);
}
