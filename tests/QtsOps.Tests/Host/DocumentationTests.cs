using System.Text.RegularExpressions;

namespace QtsOps.Tests.Host;

/// <summary>
/// The docs a newcomer reads (issue 26, point 7): README stays short and shows the commands CI runs,
/// its table of targets is the one the tasks' own descriptions generate, and every link resolves.
/// </summary>
public partial class DocumentationTests
{
    /// <summary>README, the docs and the component READMEs: every Markdown file a reader follows links through.</summary>
    private static readonly string[] Documents =
    [
        "README.md", "docs/OPERATIONS.md", "docs/INTERFACE.md", "docs/ARCHITECTURE.md", "docs/FROSTING.md",
        "docs/BENCHMARKS.md", "docs/MUTATION.md", "src/observer/README.md", "src/edge/README.md", "src/infra/README.md",
    ];

    private static string Read(string path) => File.ReadAllText(SourceRepository.Combine(path)).ReplaceLineEndings("\n");

    [GeneratedRegex(@"<!-- targets:begin -->\n(.*?)<!-- targets:end -->", RegexOptions.Singleline)]
    private static partial Regex TargetsSection();

    [Test]
    public void The_readme_target_table_is_the_one_the_task_descriptions_generate()
    {
        var run = InProcessPipeline.Run(SourceRepository.Root, ["--description", "--markdown"]);
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var expected = run.Output.ReplaceLineEndings("\n");

        var section = TargetsSection().Match(Read("README.md"));
        Assert.That(section.Success, Is.True, "README.md needs the table of targets between <!-- targets:begin --> and <!-- targets:end -->");
        Assert.That(section.Groups[1].Value, Is.EqualTo(expected),
            $"README.md's table of targets is out of date: a target is described in its task's [TaskDescription] only. Replace the table with the output of ./build.sh --description --markdown:\n{expected}");
    }

    [Test]
    public void The_readme_shows_the_main_job_and_the_test_command_ci_runs()
    {
        var command = Read(".ci/run").Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("./build.sh", StringComparison.Ordinal));
        var lines = Read("README.md").Split('\n').Select(l => l.Trim()).ToList();

        Assert.That(lines.Any(l => Regex.IsMatch(l, $@"^{Regex.Escape(command)}(\s|$)")), Is.True, $"README.md shows the test command .ci/run runs: {command}");
        Assert.That(lines.Any(l => Regex.IsMatch(l, @"^\./build\.sh(\s+#|$)")), Is.True, "README.md shows the main job: ./build.sh");
    }

    [Test]
    public void The_readme_is_read_in_five_minutes()
    {
        var lines = Read("README.md").TrimEnd('\n').Split('\n').Length;

        Assert.That(lines, Is.LessThanOrEqualTo(150), "README.md is what a newcomer reads first: operator material belongs in docs/OPERATIONS.md");
    }

    [GeneratedRegex(@"^\|(.*)\|$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellSeparator();

    public static IEnumerable<string> DocumentNames() => Documents;

    [TestCase("README.md")]
    [TestCase("docs/OPERATIONS.md")]
    [TestCase("docs/INTERFACE.md")]
    public void No_table_cell_is_longer_than_a_short_paragraph(string document)
    {
        var longCells = TableRow().Matches(Read(document))
            .SelectMany(row => CellSeparator().Split(row.Groups[1].Value))
            .Where(cell => cell.Trim().Length > 300)
            .Select(cell => cell.Trim()[..60] + "...");

        Assert.That(longCells, Is.Empty, $"{document}: a table cell over 300 characters reads better as prose under a heading");
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} +(.+?) *$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    /// <summary>GitHub's anchor of a heading: lower case, punctuation but '-' and '_' dropped, spaces as '-'.</summary>
    public static string Anchor(string heading) =>
        new string(heading.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ').ToArray()).Replace(' ', '-');

    private static HashSet<string> AnchorsOf(string path) =>
        [.. Heading().Matches(CodeBlock().Replace(Read(path), "")).Select(m => Anchor(m.Groups[1].Value))];

    [TestCaseSource(nameof(DocumentNames))]
    public void Every_link_to_a_file_or_heading_of_the_repository_resolves(string document)
    {
        var broken = new List<string>();
        foreach (var link in Link().Matches(CodeBlock().Replace(Read(document), "")).Select(m => m.Groups[1].Value))
        {
            if (link.Contains("://", StringComparison.Ordinal) || link.StartsWith("mailto:", StringComparison.Ordinal)) continue;
            var (path, fragment) = link.IndexOf('#') is var hash and >= 0 ? (link[..hash], link[(hash + 1)..]) : (link, "");
            var target = path.Length == 0 ? document : Path.GetRelativePath(SourceRepository.Root, Path.GetFullPath(Path.Combine(SourceRepository.Root, Path.GetDirectoryName(document)!, path)));
            if (!File.Exists(SourceRepository.Combine(target)) && !Directory.Exists(SourceRepository.Combine(target))) broken.Add($"{link}: no file {target}");
            else if (fragment.Length > 0 && target.EndsWith(".md", StringComparison.Ordinal) && !AnchorsOf(target).Contains(fragment)) broken.Add($"{link}: no heading #{fragment} in {target}");
        }

        Assert.That(broken, Is.Empty, $"{document} links to what is not there");
    }

    [TestCase("Zero-downtime deploys (start-first)", "zero-downtime-deploys-start-first")]
    [TestCase("Infrastructure (`terraform-plan`, `apply`)", "infrastructure-terraform-plan-apply")]
    [TestCase("Before anything changes: the preflight", "before-anything-changes-the-preflight")]
    public void A_heading_anchor_is_the_one_github_makes(string heading, string anchor) =>
        Assert.That(Anchor(heading), Is.EqualTo(anchor));
}
