using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace QtsOps.Tools.Terraform;

/// <summary>Runs <c>terraform fmt</c> through Cake's tool runner.</summary>
public sealed class TerraformFmtRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : Tool<TerraformFmtSettings>(fileSystem, environment, processRunner, tools)
{
    /// <summary>fmt -check exits 3 when it lists files and 2 when a file does not parse: both are answers, not failures.</summary>
    private static readonly int[] AnswerExitCodes = [0, 2, 3];

    public TerraformFmtResult Run(TerraformFmtSettings settings)
    {
        if (GetToolPath(settings) is null) return new TerraformFmtResult(false, [], null);
        var files = new List<string>();
        var errors = new List<string>();
        Run(settings, GetArguments(settings), new ProcessSettings { RedirectStandardOutput = true, RedirectStandardError = true }, process =>
        {
            files.AddRange(process.GetStandardOutput().Where(line => line.Trim().Length > 0));
            errors.AddRange(process.GetStandardError());
        });
        return new TerraformFmtResult(true, files, _exitCode == 2 ? Diagnostic(errors) : null);
    }

    private int _exitCode;

    protected override void ProcessExitCode(int exitCode)
    {
        _exitCode = exitCode;
        if (!AnswerExitCodes.Contains(exitCode)) base.ProcessExitCode(exitCode);
    }

    /// <summary>The one place that turns settings into arguments.</summary>
    public static ProcessArgumentBuilder GetArguments(TerraformFmtSettings settings)
    {
        var arguments = new ProcessArgumentBuilder().Append("fmt").Append("-no-color").Append("-list=true");
        if (settings.Check) arguments.Append("-check");
        if (settings.Recursive) arguments.Append("-recursive");
        return arguments.AppendQuoted(settings.Target.FullPath);
    }

    /// <summary>The "Error: ..." part of stderr, without the CLI's configuration warnings before it.</summary>
    private static string Diagnostic(IEnumerable<string> stderr) =>
        string.Join(" ", stderr.SkipWhile(line => !line.StartsWith("Error:")).Select(line => line.Trim()).Where(line => line.Length > 0));

    protected override string GetToolName() => "terraform";

    protected override IEnumerable<string> GetToolExecutableNames() => ["terraform", "terraform.exe"];
}
