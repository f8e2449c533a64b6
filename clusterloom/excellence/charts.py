"""Benchmarking charts drawn as SVG on the server: area scores (0–100 %) side by side.

Pure module: no Django. The same SVG fits a page and a PDF; it needs no script, and says what
it shows in its <title> and <desc> for screen readers. A missing value draws no bar and reads
"—".
"""

from html import escape

WIDTH = 640
LABEL_WIDTH = 230
BAR = 12
GAP = 10
TOP = 8
LEGEND = 22
LABEL_CHARS = 34
#: One colour per series (own scores, the previous benchmarking, peers' mean, peers' median).
COLOURS = ("#1d3f6e", "#8fa9c9", "#c26b1a", "#e6b47a")


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _number(value) -> str:
    return "—" if value is None else f"{float(value):.1f}"


def area_chart(areas, series, *, title: str, ident: str, width: int = WIDTH) -> str:
    """Horizontal grouped bars: one group per area, one bar per (name, values) series, on a
    fixed 0–100 scale; "" when no series has a value."""
    series = [(str(name), list(values)) for name, values in series]
    if not areas or not any(v is not None for _n, values in series for v in values):
        return ""
    group = BAR * len(series) + GAP
    height = TOP + LEGEND + group * len(areas) + 20
    room = width - LABEL_WIDTH - 50
    ident = escape(ident)
    summary = "; ".join(
        f"{area}: " + ", ".join(f"{name} {_number(values[n])}" for name, values in series)
        for n, area in enumerate(areas)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" class="area-chart" '
        f'id="{ident}" style="max-width:{width}px">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(summary)}</desc>',
    ]
    x = LABEL_WIDTH
    for k, (name, _values) in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        parts.append(
            f'<rect x="{x}" y="{TOP}" width="12" height="12" fill="{colour}"></rect>'
            f'<text x="{x + 16}" y="{TOP + 10}" font-family="sans-serif" font-size="12" '
            f'fill="#333">{escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
    for tick in (0, 50, 100):
        tx = LABEL_WIDTH + room * tick / 100
        parts.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{TOP + LEGEND - 4}" y2="{height - 16}" '
            f'stroke="#ccc" stroke-dasharray="3 3"></line>'
            f'<text x="{tx:.1f}" y="{height - 4}" text-anchor="middle" font-family="sans-serif" '
            f'font-size="11" fill="#555">{tick} %</text>'
        )
    for n, area in enumerate(areas):
        y0 = TOP + LEGEND + n * group
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y0 + group / 2:.1f}" text-anchor="end" '
            f'font-family="sans-serif" font-size="13" fill="#333">{escape(_label(str(area)))}'
            f"<title>{escape(str(area))}</title></text>"
        )
        for k, (name, values) in enumerate(series):
            value = values[n]
            if value is None:
                continue
            y = y0 + k * BAR
            length = max(room * float(value) / 100, 1)
            parts.append(
                f'<g class="bar" data-series="{escape(name)}" data-area="{escape(str(area))}" '
                f'data-value="{_number(value)}"><title>{escape(str(area))}, {escape(name)}: '
                f'{_number(value)} %</title><rect x="{LABEL_WIDTH}" y="{y}" '
                f'width="{length:.1f}" height="{BAR - 2}" fill="{COLOURS[k % len(COLOURS)]}">'
                f'</rect><text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + BAR - 3}" '
                f'font-family="sans-serif" font-size="10" fill="#333">{_number(value)}</text></g>'
            )
    parts.append("</svg>")
    return "".join(parts)
