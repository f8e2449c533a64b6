"""Progress over time of one target, drawn as an SVG step chart on the server.

Pure module: no Django. The same SVG appears on the dashboard and in the PDF report; it needs
no script or font file and says what it shows in its <title> and <desc> for screen readers.
"""

from __future__ import annotations

import datetime
from html import escape

WIDTH = 640
HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 12, 28
COLOUR = "#1d3f6e"
TARGET_COLOUR = "#b35c00"
PLAN_COLOUR = "#8a8a8a"


def progress_chart(
    points: list[tuple[datetime.date, int]],
    *,
    title: str,
    ident: str,
    target: int | None = None,
    plan: tuple[datetime.date, datetime.date] | None = None,
) -> str:
    """A step line of (day, value) points, the target as a dashed line and, when the timeline
    is known, the plan (0 at its start to the target at its end) dotted; "" without points."""
    points = sorted((day, int(value)) for day, value in points)
    if not points:
        return ""
    first = min([points[0][0]] + ([plan[0]] if plan else []))
    last = max([points[-1][0]] + ([plan[1]] if plan else []))
    span = max((last - first).days, 1)
    top_value = max([v for _d, v in points] + [target or 0, 1])
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day):
        return LEFT + inner_w * (day - first).days / span

    def y(value):
        return TOP + inner_h * (1 - value / top_value)

    ident = escape(ident)
    summary = "; ".join(f"{day.isoformat()}: {value}" for day, value in points)
    if target is not None:
        summary += f"; target {target}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" class="progress-chart" '
        f'id="{ident}" style="max-width:{WIDTH}px">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(summary)}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + inner_h}" x2="{LEFT + inner_w}" y2="{TOP + inner_h}" '
        'stroke="#999" stroke-width="1"></line>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + inner_h}" stroke="#999" '
        'stroke-width="1"></line>',
    ]
    for value in sorted({0, top_value}):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
            f'font-family="sans-serif" font-size="11" fill="#333">{value}</text>'
        )
    # One month only (no snapshot yet): one date under the axis, not two on top of each other.
    ends = (
        ((first, "start"), (last, "end"))
        if f"{first:%Y-%m}" != f"{last:%Y-%m}"
        else ((first, "start"),)
    )
    for day, anchor in ends:
        parts.append(
            f'<text x="{x(day):.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}" '
            f'font-family="sans-serif" font-size="11" fill="#333">{day:%Y-%m}</text>'
        )
    if target is not None:
        parts.append(
            f'<line class="target" x1="{LEFT}" y1="{y(target):.1f}" x2="{LEFT + inner_w}" '
            f'y2="{y(target):.1f}" stroke="{TARGET_COLOUR}" stroke-width="1.5" '
            'stroke-dasharray="6 4"></line>'
        )
        if plan:
            parts.append(
                f'<line class="plan" x1="{x(plan[0]):.1f}" y1="{y(0):.1f}" '
                f'x2="{x(plan[1]):.1f}" y2="{y(target):.1f}" stroke="{PLAN_COLOUR}" '
                'stroke-width="1" stroke-dasharray="2 3"></line>'
            )
    path = [f"M{x(points[0][0]):.1f},{y(points[0][1]):.1f}"]
    for day, value in points[1:]:
        path.append(f"H{x(day):.1f}V{y(value):.1f}")
    parts.append(
        f'<path class="actual" d="{"".join(path)}" fill="none" stroke="{COLOUR}" '
        'stroke-width="2"></path>'
    )
    for day, value in points:
        parts.append(
            f'<circle cx="{x(day):.1f}" cy="{y(value):.1f}" r="2.5" fill="{COLOUR}">'
            f"<title>{day.isoformat()}: {value}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
