using System.Net;
using System.Text;

namespace QtsOps.Core.Pages;

/// <summary>How a status word looks: the word is always shown, the colour only adds to it.</summary>
public enum Tone { Good, Bad, Warn, Neutral }

/// <summary>
/// One self-contained HTML page (no script, no external style, font or image, so it works opened
/// from disk and as a CI artifact) written in one pass. Every text goes through <see cref="Text"/>,
/// which masks the run's secrets and then escapes: no caller writes unescaped text.
/// </summary>
/// <param name="mask">The run's secret masking (identity when there are none).</param>
public sealed class HtmlPage(string title, Func<string, string> mask)
{
    /// <summary>Each page's file name in its folder of artifacts/.</summary>
    public const string FileName = "index.html";

    private readonly StringBuilder _body = new();

    /// <summary>Plain words of status the pipeline writes, by how they read.</summary>
    public static Tone ToneOf(string status) => status.Trim().ToLowerInvariant() switch
    {
        "failed" or "fail" or "refused" or "error" or "interrupted" or "unreachable" or "not running" or "unhealthy" or "exited" or "dead" or "delete" or "replace" => Tone.Bad,
        "skipped" or "warning" or "dry run" or "not run" or "held" or "starting" or "update" => Tone.Warn,
        "succeeded" or "passed" or "pass" or "applied" or "built" or "reused" or "deployed" or "pushed" or "healthy" or "running" or "restored" or "create" or "free" => Tone.Good,
        _ => Tone.Neutral,
    };

    /// <summary>Masked, then HTML-escaped (also quotes, so it is safe in attributes).</summary>
    public string Text(string? text) => WebUtility.HtmlEncode(mask(text ?? ""));

    /// <summary>A status word in its colour; the word says it without the colour.</summary>
    public string Badge(string status, Tone? tone = null) =>
        $"<span class=\"badge {(tone ?? ToneOf(status)).ToString().ToLowerInvariant()}\">{Text(status)}</span>";

    /// <summary>Appends markup the caller built from <see cref="Text"/> and <see cref="Badge"/>.</summary>
    public HtmlPage Raw(string html)
    {
        _body.Append(html);
        return this;
    }

    public HtmlPage Heading(int level, string text, string? id = null) =>
        Raw($"<h{level}{(id is null ? "" : $" id=\"{Text(id)}\"")}>{Text(text)}</h{level}>\n");

    /// <summary>A table; each cell is markup the caller escaped; <paramref name="cssClass"/> names what it lists (the page's style and its tests find it by it).</summary>
    public HtmlPage Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string cssClass)
    {
        _body.Append($"<div class=\"scroll\"><table class=\"{cssClass}\"><thead><tr>");
        foreach (var header in headers) _body.Append($"<th scope=\"col\">{Text(header)}</th>");
        _body.Append("</tr></thead><tbody>\n");
        // data-label: on a phone each row stacks into a card whose cells name their column.
        foreach (var row in rows) _body.Append("<tr>").AppendJoin("", row.Select((cell, i) => $"<td data-label=\"{Text(headers[i])}\">{cell}</td>")).Append("</tr>\n");
        _body.Append("</tbody></table></div>\n");
        return this;
    }

    /// <summary>Name and value pairs (values are markup the caller escaped).</summary>
    public HtmlPage Facts(IEnumerable<(string Name, string Html)> facts)
    {
        _body.Append("<dl class=\"facts\">");
        foreach (var (name, html) in facts) _body.Append($"<dt>{Text(name)}</dt><dd>{html}</dd>");
        _body.Append("</dl>\n");
        return this;
    }

    public override string ToString() =>
        $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <title>{Text(title)}</title>
        <style>{Style}</style>
        </head>
        <body>
        <main>
        {_body}</main>
        </body>
        </html>

        """;

    // System fonts only; colours with enough contrast on white; tables scroll inside their box on a phone.
    private const string Style =
        "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1b1f24;background:#fff}" +
        "main{max-width:1100px;margin:0 auto;padding:12px}" +
        "h1{font-size:1.4em;margin:.3em 0}h2{font-size:1.2em;margin:1.2em 0 .4em;border-bottom:1px solid #d0d7de}h3{font-size:1.05em;margin:1em 0 .3em}" +
        "code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em;overflow-wrap:anywhere}" +
        ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;margin:.3em 0}" +
        "th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f3f5f7;white-space:nowrap}" +
        ".tasks td:nth-child(1),.tasks td:nth-child(3),.graph-tasks td:nth-child(-n+2){white-space:nowrap}" +
        ".badge{display:inline-block;padding:0 6px;border-radius:4px;font-weight:600;white-space:nowrap;border:1px solid}" +
        ".good{background:#dafbe1;color:#0f5323;border-color:#2da44e}.bad{background:#ffebe9;color:#86181d;border-color:#cf222e}" +
        ".warn{background:#fff8c5;color:#6a4a00;border-color:#bf8700}.neutral{background:#f3f5f7;color:#32383f;border-color:#8c959f}" +
        ".facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:.3em 0}.facts dt{font-weight:600}.facts dd{margin:0;overflow-wrap:anywhere}" +
        ".bar{height:12px;min-width:2px;border-radius:2px}.track{position:relative;height:12px;background:#f3f5f7;min-width:80px}" +
        ".track .bar{position:absolute;top:0}.bar.good{background:#2da44e}.bar.bad{background:#cf222e}.bar.warn{background:#bf8700}.bar.neutral{background:#8c959f}" +
        "nav a{margin-right:10px}svg{max-width:100%;height:auto}" +
        "@media (max-width:600px){main{padding:6px}body{font-size:14px}.facts{grid-template-columns:1fr}.facts dd{margin-bottom:4px}" +
        "thead{display:none}table,tbody,tr,td{display:block}tr{border:1px solid #d0d7de;margin-bottom:6px}td{border:0;padding:2px 6px}" +
        "td:empty{display:none}td[data-label]::before{content:attr(data-label) \": \";font-weight:600}.tasks td:nth-child(4){display:none}}";
}
