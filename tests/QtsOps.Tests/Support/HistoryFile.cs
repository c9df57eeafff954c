using NUnit.Framework;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Support;

/// <summary>A history file's entries as a test reads them back; a damaged line fails the test.</summary>
public static class HistoryFile
{
    public static List<HistoryEntry> Entries(string path) =>
        [.. ReleaseHistory.Parse(ReleaseHistory.LinesOf(File.Exists(path) ? File.ReadAllText(path) : null), path, warning => Assert.Fail(warning))];

    /// <summary>The entries of <paramref name="history"/>, read through the host it is on, as the pipeline's state read parses them; each skipped line said to <paramref name="warn"/>.</summary>
    public static List<HistoryEntry> Entries(ReleaseHistory history, IHostFileSystem files, Action<string> warn) =>
        [.. ReleaseHistory.Parse(ReleaseHistory.LinesOf(files.ReadAllText(history.Path)), history.Path, warn)];
}
