"""Draws the figures of docs/BENCHMARKS.md as SVG charts beside them, in docs/charts/.

The bench scripts call it after they wrote their section, and it reads the figures from that section
(its table, and the extra figure lines the scripts write below it), so a chart always shows the figures
recorded beside it and can be drawn again from them at any time:
  upgrade     failed requests per scenario and strategy (upgrade.svg); with a recorded timeline, the
              failed requests each second of the upgrade (upgrade-timeline.svg)
  inner-loop  each run of the pipeline against the bare flow (inner-loop.svg)
  mutation    the mutation score of each folder of the core, against the goal (mutation.svg)
Usage: python3 bench/chart.py [--doc FILE] [--out DIR] SECTION...   (standard library only)
"""

import os
import re
import sys
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Colours told apart also without colour: each bar and point is labelled with its series.
PALETTE = ["#0969da", "#cf222e", "#1a7f37", "#8250df"]
FONT = 'font-family="system-ui,sans-serif"'


class ChartError(Exception):
    pass


def section(doc, text, name):
    match = re.search(rf"<!-- {re.escape(name)}:start -->(.*?)<!-- {re.escape(name)}:end -->", text, re.S)
    if not match:
        raise ChartError(f"{doc}: no section '{name}' (<!-- {name}:start --> ... <!-- {name}:end -->). Fix: run bench/{name}.sh, which writes it.")
    return match.group(1)


def first_table(doc, name, body):
    """The rows of the section's first Markdown table, without its header and separator, as lists of cells."""
    rows, started = [], False
    for line in body.splitlines():
        if line.startswith("|"):
            started = True
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            rows.append(cells)
        elif started:
            break
    if len(rows) < 3:
        raise ChartError(f"{doc}: section '{name}' has no table with figures. Fix: run bench/{name}.sh again.")
    return rows[2:]


def number(doc, name, cell):
    match = re.search(r"-?[0-9]+(?:\.[0-9]+)?", cell.replace("*", ""))
    if not match:
        raise ChartError(f"{doc}: section '{name}': '{cell}' is not a figure. Fix: run bench/{name}.sh again.")
    return float(match.group(0))


def plain(markdown):
    return markdown.replace("`", "").replace("*", "")


def fmt(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")


def svg(width, height, title, body):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-labelledby="chart-title">\n<title id="chart-title">{escape(title)}</title>\n'
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>\n'
            f'<text class="heading" x="10" y="22" {FONT} font-size="15" font-weight="600" fill="#1b1f24">{escape(title)}</text>\n'
            f"{body}</svg>\n")


def legend(series, y):
    parts, x = [], 10
    for i, (name, _) in enumerate(series):
        parts.append(f'<g class="legend"><rect x="{x}" y="{y - 10}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
                     f'<text x="{x + 16}" y="{y}" {FONT} font-size="12" fill="#1b1f24">{escape(name)}</text></g>\n')
        x += 30 + 7 * len(name)
    return "".join(parts)


def bars(title, categories, series, unit, goal=None, top=None):
    """Horizontal bars, a group a category and a bar a series in it, each labelled with its series and value."""
    label_width, plot_width, bar, gap = 8 + 7 * max(len(c) for c in categories), 420, 16, 12
    names = len(series) > 1
    top = top or max([v for _, values in series for v in values] + [goal or 0, 1e-9])
    scale = plot_width / top
    y0 = 58 if names else 40
    height = y0 + len(categories) * (len(series) * bar + gap) + 24
    width = label_width + plot_width + 150
    body = [legend(series, 42)] if names else []
    for c, category in enumerate(categories):
        y = y0 + c * (len(series) * bar + gap)
        body.append(f'<text class="category" x="{label_width - 6}" y="{y + len(series) * bar / 2 + 4}" text-anchor="end" {FONT} font-size="12" fill="#1b1f24">{escape(category)}</text>\n')
        for s, (name, values) in enumerate(series):
            value, top_y = values[c], y + s * bar
            text = f"{name} {fmt(value)} {unit}" if names else f"{fmt(value)} {unit}"
            body.append(f'<g class="bar" data-series="{escape(name)}" data-category="{escape(category)}" data-value="{fmt(value)}">'
                        f'<rect x="{label_width}" y="{top_y + 1}" width="{max(value * scale, 1):.1f}" height="{bar - 2}" fill="{PALETTE[s % len(PALETTE)]}"/>'
                        f'<text x="{label_width + max(value * scale, 1) + 4:.1f}" y="{top_y + bar - 4}" {FONT} font-size="11" fill="#1b1f24">{escape(text)}</text></g>\n')
    bottom = height - 20
    body.append(f'<line x1="{label_width}" y1="{y0 - 4}" x2="{label_width}" y2="{bottom}" stroke="#57606a"/>\n')
    if goal is not None:
        x = label_width + goal * scale
        body.append(f'<g class="goal" data-value="{fmt(goal)}"><line x1="{x:.1f}" y1="{y0 - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#1b1f24" stroke-dasharray="4 3"/>'
                    f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle" {FONT} font-size="11" fill="#1b1f24">goal {fmt(goal)} {escape(unit)}</text></g>\n')
    return svg(width, height, title, "".join(body))


def lines(title, series, x_label, y_label):
    """A line a series over x, each point marked and titled with its series and figures."""
    left, plot_width, plot_height, y0 = 48, 480, 200, 72
    xs = [x for _, points in series for x, _ in points] or [0]
    ys = [y for _, points in series for _, y in points] or [0]
    x_top, y_top = max(max(xs), 1), max(max(ys), 1)
    px = lambda x: left + x * plot_width / x_top
    py = lambda y: y0 + plot_height - y * plot_height / y_top
    body = [legend(series, 42),
            f'<line x1="{left}" y1="{y0}" x2="{left}" y2="{y0 + plot_height}" stroke="#57606a"/>'
            f'<line x1="{left}" y1="{y0 + plot_height}" x2="{left + plot_width}" y2="{y0 + plot_height}" stroke="#57606a"/>\n',
            f'<text x="{left - 6}" y="{y0 + 4}" text-anchor="end" {FONT} font-size="11" fill="#1b1f24">{fmt(y_top)}</text>'
            f'<text x="{left - 6}" y="{y0 + plot_height + 4}" text-anchor="end" {FONT} font-size="11" fill="#1b1f24">0</text>\n',
            f'<text x="{left + plot_width}" y="{y0 + plot_height + 16}" text-anchor="end" {FONT} font-size="11" fill="#1b1f24">{escape(x_label)} (to {fmt(x_top)})</text>'
            f'<text x="{left}" y="{y0 - 6}" {FONT} font-size="11" fill="#1b1f24">{escape(y_label)}</text>\n']
    for s, (name, points) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
        body.append(f'<g class="series" data-series="{escape(name)}"><polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in points:
            body.append(f'<circle class="point" data-x="{fmt(x)}" data-y="{fmt(y)}" cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}">'
                        f"<title>{escape(f'{name}: {fmt(y)} {y_label} at {fmt(x)} {x_label}')}</title></circle>")
        if points:  # its name at its end, so that lines are told apart also without colour
            x, y = points[-1]
            body.append(f'<text class="end" x="{px(x) + 6:.1f}" y="{py(y) + 4:.1f}" {FONT} font-size="11" fill="#1b1f24">{escape(name)}</text>')
        body.append("</g>\n")
    return svg(left + plot_width + 100, y0 + plot_height + 30, title, "".join(body))


def upgrade(doc, body):
    rows = first_table(doc, "upgrade", body)
    scenarios, failed, during = [], {}, ""
    for row in rows:
        during = plain(row[0]) or during
        label = re.split(r",| \(", during)[0] if not during.startswith("(c)") else during
        if label not in scenarios:
            scenarios.append(label)
        failed.setdefault(row[1], []).append(number(doc, "upgrade", row[3]))
    charts = {"upgrade.svg": bars("Failed requests to /health during releases, by strategy", scenarios, list(failed.items()), "failed")}
    timeline = re.search(r"Failed requests each second of \(a\): (.*?)\.\s*$", body, re.M)
    if timeline:
        series = []
        for part in timeline.group(1).split(";"):
            name, _, counts = part.strip().partition(":")
            series.append((name.strip(), [(second, float(count)) for second, count in enumerate(counts.split())]))
        charts["upgrade-timeline.svg"] = lines("Failed requests each second of an upgrade, by strategy", series, "s", "failed")
    return charts


def inner_loop(doc, body):
    match = re.search(r"Each run \(ms\): (.*?)\.\s*$", body, re.M)
    if not match:
        raise ChartError(f"{doc}: section 'inner-loop' has no 'Each run (ms): ...' line. Fix: run bench/inner-loop.sh again.")
    series = []
    for part in match.group(1).split(";"):
        name, *runs = part.split()
        series.append((name, [int(ms) / 1000 for ms in runs]))
    categories = [f"run {i + 1}" for i in range(max(len(values) for _, values in series))]
    return {"inner-loop.svg": bars("One source file changed until verified: the pipeline against the bare flow", categories, series, "s")}


def mutation(doc, body):
    folders = {}
    for row in first_table(doc, "mutation", body):
        if row[0].startswith("**"):
            continue
        counts = folders.setdefault(row[0].split("/")[0], [0, 0])
        killed, timeout, survived, uncovered = (number(doc, "mutation", cell) for cell in row[2:6])
        counts[0] += killed + timeout
        counts[1] += killed + timeout + survived + uncovered
    scores = sorted(((100 * detected / valid, folder) for folder, (detected, valid) in folders.items() if valid), reverse=True)
    return {"mutation.svg": bars("Mutation score of each folder of build/QtsOps.Core", [f for _, f in scores], [("score", [s for s, _ in scores])], "%", goal=96, top=100)}


CHARTS = {"upgrade": upgrade, "inner-loop": inner_loop, "mutation": mutation}


def main(args):
    doc, out = os.path.join(ROOT, "docs", "BENCHMARKS.md"), os.path.join(ROOT, "docs", "charts")
    while args and args[0] in ("--doc", "--out"):
        if len(args) < 2:
            raise ChartError(f"{args[0]} needs a path. {__doc__}")
        doc, out = (args[1], out) if args[0] == "--doc" else (doc, args[1])
        args = args[2:]
    unknown = [name for name in args if name not in CHARTS]
    if not args or unknown:
        raise ChartError(f"Unknown section(s) {', '.join(unknown) or '(none given)'}; the sections with charts: {', '.join(CHARTS)}.\n{__doc__}")
    with open(doc, encoding="utf-8") as file:
        text = file.read()
    charts = {}  # all drawn before any is written: a section without figures leaves no chart half done
    for name in args:
        charts.update(CHARTS[name](doc, section(doc, text, name)))
    os.makedirs(out, exist_ok=True)
    for file_name, chart in charts.items():
        with open(os.path.join(out, file_name), "w", encoding="utf-8") as file:
            file.write(chart)
        print(f"bench: chart {os.path.join(out, file_name)}")


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except (ChartError, OSError) as error:
        sys.exit(f"bench/chart.py: {error}")
