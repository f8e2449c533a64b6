"""A roadmap as a Gantt chart, drawn as SVG on the server.

Pure module: no Django. Actions and milestones come in as dataclasses; the SVG needs no script
and no font file, says what it shows in <title> and <desc>, labels every bar in text, and marks
late actions with a red outline and the word "late" (never by colour alone).
"""

import datetime
from dataclasses import dataclass, field
from html import escape

#: Geometry, in SVG user units.
LABEL_WIDTH = 250
MONTH_MIN = 14
WIDTH_MAX = 1000
ROW = 30
BAR = 16
TOP = 44
BOTTOM = 12
LABEL_CHARS = 34
FONT = 'font-family="sans-serif"'
#: Fill per status: planned, in progress, done, cancelled (the legend names them in text).
COLOURS = {
    "planned": "#9db4d3",
    "in_progress": "#1d3f6e",
    "done": "#2e7d32",
    "cancelled": "#b0b0b0",
}
LATE = "#c62828"
CLOSED = frozenset({"done", "cancelled"})


@dataclass(frozen=True)
class GanttMilestone:
    """A milestone: due on a date, reached or not."""

    title: str
    due_on: datetime.date
    reached_on: datetime.date | None = None


@dataclass(frozen=True)
class GanttAction:
    """One roadmap action as the chart needs it."""

    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: str = "planned"
    status_label: str = ""
    milestones: tuple[GanttMilestone, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class GanttText:
    """The chart's words, translated by the caller."""

    title: str = "Roadmap"
    late: str = "late"
    today: str = "today"
    empty: str = "No roadmap actions yet."
    milestone: str = "milestone"
    reached: str = "reached"
    statuses: dict[str, str] = field(default_factory=dict)


def is_late(action: GanttAction, today: datetime.date) -> bool:
    """Late: not done or cancelled, and its end or an unreached milestone lies before today."""
    if action.status in CLOSED:
        return False
    if action.ends_on < today:
        return True
    return any(m.reached_on is None and m.due_on < today for m in action.milestones)


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def axis_months(actions: list[GanttAction]) -> list[datetime.date]:
    """First days of the months the chart spans: from the first start to the last end."""
    days = [d for a in actions for d in (a.starts_on, a.ends_on, *(m.due_on for m in a.milestones))]
    first, last = _month_start(min(days)), max(days)
    months = [first]
    while _next_month(months[-1]) <= last:
        months.append(_next_month(months[-1]))
    return months


class _Scale:
    """Maps a date to an x position on the axis."""

    def __init__(self, months: list[datetime.date], left: float, month_width: float):
        self.first = months[0]
        self.end = _next_month(months[-1])
        self.left = left
        self.width = month_width * len(months)
        self.days = (self.end - self.first).days

    def x(self, day: datetime.date, *, end_of_day: bool = False) -> float:
        offset = (day - self.first).days + (1 if end_of_day else 0)
        offset = min(max(offset, 0), self.days)
        return self.left + self.width * offset / self.days


def _cut(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _svg_open(ident: str, width: float, height: float, words: GanttText, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc" class="gantt" '
        f'id="{ident}" style="max-width:{width:.0f}px">',
        f'<title id="{ident}-title">{escape(words.title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
    ]


def _axis(scale: _Scale, months: list[datetime.date], bottom: float) -> list[str]:
    parts = ['<g class="axis">']
    step = 1 if len(months) <= 24 else 3 if len(months) <= 60 else 12
    month_width = scale.width / len(months)
    for n, month in enumerate(months):
        x = scale.left + n * month_width
        if n % step == 0:
            parts.append(
                f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{bottom:.1f}" '
                'stroke="#e3e3e3"/>'
            )
            parts.append(
                f'<text x="{x + 2:.1f}" y="{TOP - 10}" {FONT} font-size="10" fill="#555" '
                f'class="month">{month:%b %Y}</text>'
            )
    parts.append("</g>")
    return parts


def _action_row(
    action: GanttAction, y: float, scale: _Scale, today: datetime.date, words: GanttText
) -> list[str]:
    late = is_late(action, today)
    status = words.statuses.get(action.status, action.status_label or action.status)
    x1 = scale.x(action.starts_on)
    x2 = max(scale.x(action.ends_on, end_of_day=True), x1 + 2)
    tip = f"{action.title}: {action.starts_on} – {action.ends_on}, {status}"
    if late:
        tip += f", {words.late}"
    outline = f' stroke="{LATE}" stroke-width="3"' if late else ""
    middle = y + BAR / 2 + 4
    parts = [
        f'<g class="action{" late" if late else ""}" data-status="{escape(action.status)}" '
        f'data-start="{action.starts_on}" data-end="{action.ends_on}">',
        f"<title>{escape(tip)}</title>",
        f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end" {FONT} font-size="12" '
        f'fill="#222">{escape(_cut(action.title))}</text>',
        f'<rect class="bar" x="{x1:.1f}" y="{y:.1f}" width="{x2 - x1:.1f}" height="{BAR}" rx="2" '
        f'fill="{COLOURS.get(action.status, "#777")}"{outline}/>',
    ]
    if late:
        parts.append(
            f'<text class="late-mark" x="{x2 + 5:.1f}" y="{middle:.1f}" {FONT} font-size="11" '
            f'font-weight="bold" fill="{LATE}">{escape(words.late)}</text>'
        )
    for milestone in action.milestones:
        mx, my, r = scale.x(milestone.due_on), y + BAR / 2, 6
        reached = milestone.reached_on is not None
        state = words.reached if reached else ""
        parts.append(
            f'<path class="milestone{" reached" if reached else ""}" '
            f'd="M{mx:.1f} {my - r:.1f} L{mx + r:.1f} {my:.1f} L{mx:.1f} {my + r:.1f} '
            f'L{mx - r:.1f} {my:.1f} Z" fill="{"#f9a825" if reached else "#fff"}" '
            f'stroke="#333" stroke-width="1.5"><title>'
            f"{escape(f'{words.milestone}: {milestone.title}, {milestone.due_on} {state}'.strip())}"
            "</title></path>"
        )
    parts.append("</g>")
    return parts


def _legend(y: float, words: GanttText) -> list[str]:
    parts, x = ['<g class="legend">'], 8.0
    for status, colour in COLOURS.items():
        label = words.statuses.get(status, status)
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="12" height="10" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 16:.0f}" y="{y + 9:.0f}" {FONT} font-size="10" fill="#333">'
            f"{escape(label)}</text>"
        )
        x += 26 + 6.5 * len(label)
    parts.append(
        f'<rect x="{x:.0f}" y="{y:.0f}" width="12" height="10" fill="#fff" stroke="{LATE}" '
        f'stroke-width="2"/><text x="{x + 16:.0f}" y="{y + 9:.0f}" {FONT} font-size="10" '
        f'fill="{LATE}">{escape(words.late)}</text>'
    )
    parts.append("</g>")
    return parts


def gantt_svg(
    actions: list[GanttAction],
    *,
    today: datetime.date,
    words: GanttText | None = None,
    ident: str = "gantt",
) -> str:
    """The roadmap as an SVG Gantt chart (a short message in SVG when it has no action)."""
    words = words or GanttText()
    ident = escape(ident)
    if not actions:
        parts = _svg_open(ident, 480, 40, words, words.empty)
        parts.append(
            f'<text x="8" y="24" {FONT} font-size="13" fill="#555">{escape(words.empty)}</text>'
        )
        return "".join([*parts, "</svg>"])
    months = axis_months(actions)
    month_width = max(MONTH_MIN, (WIDTH_MAX - LABEL_WIDTH - 40) / len(months))
    scale = _Scale(months, LABEL_WIDTH, month_width)
    width = LABEL_WIDTH + scale.width + 40
    rows_bottom = TOP + ROW * len(actions)
    height = rows_bottom + 24 + BOTTOM
    late = [a.title for a in actions if is_late(a, today)]
    desc = f"{len(actions)} actions, {months[0]:%b %Y} – {months[-1]:%b %Y}"
    if late:
        desc += f"; {words.late}: " + ", ".join(late)
    parts = _svg_open(ident, width, height, words, desc)
    parts += _axis(scale, months, rows_bottom)
    for n, action in enumerate(actions):
        parts += _action_row(action, TOP + n * ROW + (ROW - BAR) / 2, scale, today, words)
    if months[0] <= today < scale.end:
        tx = scale.x(today)
        parts.append(
            f'<g class="today"><line x1="{tx:.1f}" y1="{TOP - 6}" x2="{tx:.1f}" '
            f'y2="{rows_bottom:.1f}" stroke="{LATE}" stroke-dasharray="4 3"/>'
            f'<text x="{tx + 3:.1f}" y="{TOP - 26}" {FONT} font-size="10" '
            f'fill="{LATE}">{escape(words.today)}</text></g>'
        )
    parts += _legend(rows_bottom + 18, words)
    parts.append("</svg>")
    return "".join(parts)
