"""Bar charts of an event's statistics, drawn as SVG on the server.

Pure module: no Django. The same SVG appears on the page and in a PDF; it needs no script and
no font files, and says what it shows in its <title> and <desc> for screen readers.
"""

from html import escape

#: Geometry, in SVG user units.
WIDTH = 640
ROW = 26
BAR = 18
LABEL_WIDTH = 230
TOP = 8
COLOUR = "#1d3f6e"
#: Longer labels are cut (the full label stays in the bar's tooltip).
LABEL_CHARS = 34


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def bar_chart(rows, *, title: str, ident: str, width: int = WIDTH) -> str:
    """A horizontal bar chart of (label, count) rows, or "" when there is nothing to draw."""
    rows = [(str(label), int(value)) for label, value in rows]
    if not rows:
        return ""
    largest = max(value for _label_text, value in rows) or 1
    room = width - LABEL_WIDTH - 60
    height = TOP * 2 + ROW * len(rows)
    summary = "; ".join(f"{label}: {value}" for label, value in rows)
    ident = escape(ident)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'class="bar-chart" id="{ident}" style="max-width:{width}px">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(summary)}</desc>',
    ]
    for n, (label, value) in enumerate(rows):
        y = TOP + n * ROW
        length = max(room * value / largest, 1 if value else 0)
        middle = y + BAR / 2 + 4
        parts += [
            f'<g class="bar" data-label="{escape(label)}" data-value="{value}">',
            f"<title>{escape(label)}: {value}</title>",
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end" '
            f'font-family="sans-serif" font-size="13" fill="#333">{escape(_label(label))}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}" '
            f'fill="{COLOUR}" rx="2"></rect>',
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{middle:.1f}" font-family="sans-serif" '
            f'font-size="13" fill="#333">{value}</text>',
            "</g>",
        ]
    parts.append("</svg>")
    return "".join(parts)
