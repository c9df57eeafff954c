namespace QtsOps.Host;

/// <summary>Plain text (a description, an option's help) as the cell of a Markdown table in the docs.</summary>
public static class MarkdownText
{
    /// <summary>
    /// Escapes what GitHub would read as markup rather than text: '|' ends the cell, '&lt;' opens an
    /// HTML tag (artifacts/bundle/&lt;version&gt;/ would lose &lt;version&gt;), '*' emphasis.
    /// </summary>
    public static string Cell(string text) => text.Replace("|", "\\|").Replace("<", "\\<").Replace("*", "\\*");
}
