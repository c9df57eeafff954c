using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace QtsOps.Tools.Debootstrap;

/// <summary>
/// <c>debootstrap --force-check-gpg --keyring=K --variant=V --include=P SUITE TARGET MIRROR</c>: a Debian root file
/// system from packages. The Release file's signature is always checked against the keyring: a mirror that
/// serves an unsigned or wrongly signed suite fails the run instead of being trusted.
/// </summary>
public sealed class DebootstrapSettings : ToolSettings
{
    public required string Suite { get; set; }
    public required string TargetDirectory { get; set; }
    public required string Mirror { get; set; }
    /// <summary>The keyring the suite's Release file must be signed by.</summary>
    public required string Keyring { get; set; }
    public string? Variant { get; set; }
    public IList<string> Include { get; set; } = [];
    /// <summary>Called with each output line (debootstrap is quiet but slow; shown at verbose).</summary>
    public Action<string>? OutputLine { get; set; }
}

public sealed class DebootstrapRunner(ICakeContext context)
    : Tool<DebootstrapSettings>(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools)
{
    public static ProcessArgumentBuilder ArgumentsFor(DebootstrapSettings settings)
    {
        var arguments = new ProcessArgumentBuilder().Append("--force-check-gpg").Append($"--keyring={settings.Keyring}");
        if (settings.Variant is not null) arguments.Append($"--variant={settings.Variant}");
        if (settings.Include.Count > 0) arguments.Append($"--include={string.Join(",", settings.Include)}");
        return arguments.Append(settings.Suite).AppendQuoted(settings.TargetDirectory).AppendQuoted(settings.Mirror);
    }

    public void Run(DebootstrapSettings settings)
    {
        var tail = new Queue<string>();
        var processSettings = new ProcessSettings
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectedStandardOutputHandler = line => Keep(line),
            RedirectedStandardErrorHandler = line => Keep(line),
        };
        var exitCode = 0;
        Run(settings, ArgumentsFor(settings), processSettings, process => exitCode = process.GetExitCode());
        if (exitCode != 0)
            throw new InvalidOperationException($"debootstrap {settings.Suite} into {settings.TargetDirectory} failed (exit {exitCode}): {string.Join(" | ", tail)}");

        string? Keep(string? line)
        {
            if (line is null) return line;
            settings.OutputLine?.Invoke(line);
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > 8) tail.Dequeue();
            }
            return line;
        }
    }

    protected override void ProcessExitCode(int exitCode) { } // Run explains a failure with the last lines
    protected override string GetToolName() => "debootstrap";
    protected override IEnumerable<string> GetToolExecutableNames() => ["debootstrap"];
    protected override IEnumerable<FilePath> GetAlternativeToolPaths(DebootstrapSettings settings) => [new FilePath("/usr/sbin/debootstrap")];
}

[CakeAliasCategory("Debootstrap")]
public static class DebootstrapAliases
{
    [CakeMethodAlias]
    public static void Debootstrap(this ICakeContext context, DebootstrapSettings settings) => new DebootstrapRunner(context).Run(settings);

    /// <summary>Whether debootstrap is installed (on PATH or in /usr/sbin, which a non-root PATH may lack).</summary>
    [CakeMethodAlias]
    public static bool DebootstrapAvailable(this ICakeContext context) =>
        context.Tools.Resolve("debootstrap") is not null || File.Exists("/usr/sbin/debootstrap");
}
