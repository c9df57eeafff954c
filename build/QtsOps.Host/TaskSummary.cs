using System.Text;

namespace QtsOps.Host;

public enum TaskOutcome { Succeeded, Skipped, Failed, DryRun, NotRun }

public sealed record TaskSummaryEntry(string Task, TaskOutcome Outcome, TimeSpan Duration, string? Note);

/// <summary>What each planned task did, in order; printed after the run.</summary>
public sealed class TaskSummary
{
    private readonly List<TaskSummaryEntry> _entries = [];
    private IReadOnlyList<string> _planned = [];

    public IReadOnlyList<TaskSummaryEntry> Entries =>
        [.. _entries, .. _planned.Where(p => _entries.All(e => !e.Task.Equals(p, StringComparison.OrdinalIgnoreCase)))
            .Select(p => new TaskSummaryEntry(p, TaskOutcome.NotRun, TimeSpan.Zero, "an earlier task failed"))];

    public bool AnyFailed => _entries.Any(e => e.Outcome == TaskOutcome.Failed);

    internal void Plan(IEnumerable<string> tasks) => _planned = [.. tasks];

    internal void Add(TaskSummaryEntry entry) => _entries.Add(entry);

    public string ToTable()
    {
        var rows = Entries;
        var nameWidth = Math.Max(4, rows.Select(r => r.Task.Length).DefaultIfEmpty(0).Max());
        var text = new StringBuilder();
        text.AppendLine($"{"Task".PadRight(nameWidth)}  {"Duration",-12}  {"Status",-9}  Note");
        text.AppendLine(new string('-', nameWidth + 40));
        foreach (var row in rows)
            text.AppendLine($"{row.Task.PadRight(nameWidth)}  {DurationText(row),-12}  {Label(row.Outcome),-9}  {row.Note}".TrimEnd());
        var total = TimeSpan.FromTicks(rows.Sum(r => r.Duration.Ticks));
        text.AppendLine(new string('-', nameWidth + 40));
        text.Append($"{"Total:".PadRight(nameWidth)}  {total.ToString(@"hh\:mm\:ss\.fff")}");
        return text.ToString();
    }

    /// <summary>The same table in GitHub-flavoured Markdown, e.g. for a CI step summary.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| Task | Status | Duration | Note |");
        text.AppendLine("|---|---|---|---|");
        foreach (var row in Entries)
            text.AppendLine($"| {Cell(row.Task)} | {Label(row.Outcome)} | {DurationText(row)} | {Cell(row.Note ?? "")} |");
        return text.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|").ReplaceLineEndings(" ");

    private static string DurationText(TaskSummaryEntry row) =>
        row.Outcome is TaskOutcome.Succeeded or TaskOutcome.Failed ? row.Duration.ToString(@"hh\:mm\:ss\.fff") : "-";

    /// <summary>The status word of the table: Succeeded, Skipped, Failed, Dry run, Not run.</summary>
    public static string Label(TaskOutcome outcome) => outcome switch
    {
        TaskOutcome.DryRun => "Dry run",
        TaskOutcome.NotRun => "Not run",
        _ => outcome.ToString(),
    };
}
