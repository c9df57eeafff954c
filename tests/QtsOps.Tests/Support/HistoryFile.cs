using NUnit.Framework;
using QtsOps.Core.Deployment;

namespace QtsOps.Tests.Support;

/// <summary>A history file's entries as a test reads them back; a damaged line fails the test.</summary>
public static class HistoryFile
{
    public static List<HistoryEntry> Entries(string path) =>
        [.. ReleaseHistory.Parse(ReleaseHistory.LinesOf(File.Exists(path) ? File.ReadAllText(path) : null), path, warning => Assert.Fail(warning))];
}
