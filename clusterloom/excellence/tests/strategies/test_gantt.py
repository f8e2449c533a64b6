"""The Gantt chart as a pure module: bars on the axis, late marking, milestones, empty roadmap."""

import datetime
import re

from clusterloom.excellence.gantt import (
    LABEL_WIDTH,
    GanttAction,
    GanttMilestone,
    GanttText,
    axis_months,
    gantt_svg,
    is_late,
)

D = datetime.date
TODAY = D(2026, 11, 22)


def _actions():
    return [
        GanttAction("Benchmark", D(2026, 1, 1), D(2026, 3, 31), "done"),
        GanttAction("Overdue study", D(2026, 5, 1), D(2026, 11, 21), "in_progress"),
        GanttAction(
            "Service pilot",
            D(2026, 9, 1),
            D(2027, 6, 30),
            "in_progress",
            milestones=(GanttMilestone("Pilot", D(2026, 10, 1), D(2026, 10, 5)),),
        ),
        GanttAction("B2B <event> & co", D(2027, 1, 1), D(2027, 2, 28), "planned"),
    ]


def _bars(svg):
    return [
        (float(x), float(w))
        for x, w in re.findall(r'<rect class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    ]


def test_bars_lie_within_the_axis_in_date_order():
    svg = gantt_svg(_actions(), today=TODAY)
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    bars = _bars(svg)
    assert len(bars) == 4
    for x, w in bars:
        assert LABEL_WIDTH <= x and x + w <= width - 40 + 0.1 and w > 0
    starts = [x for x, _w in bars]
    assert starts == sorted(starts)
    # the first bar starts where the axis starts (1 Jan 2026) and the months are labelled
    assert bars[0][0] == LABEL_WIDTH
    assert ">Jan 2026<" in svg and ">Feb 2027<" in svg


def test_axis_spans_the_months_of_all_actions_and_milestones():
    months = axis_months(
        [
            GanttAction(
                "a",
                D(2026, 2, 15),
                D(2026, 4, 1),
                milestones=(GanttMilestone("m", D(2026, 6, 30)),),
            )
        ]
    )
    assert months == [D(2026, m, 1) for m in range(2, 7)]


def test_late_action_marked_by_outline_and_text_not_colour_alone():
    svg = gantt_svg(_actions(), today=TODAY)
    groups = re.findall(r'<g class="action( late)?".*?</g>', svg)
    assert groups == ["", " late", "", ""]
    late_group = re.search(r'<g class="action late".*?</g>', svg).group(0)
    assert 'stroke="#c62828"' in late_group and ">late</text>" in late_group
    assert "Overdue study" in late_group
    assert "late: Overdue study" in svg  # said in the <desc> too


def test_is_late_at_the_boundaries():
    ends_today = GanttAction("a", D(2026, 1, 1), TODAY, "in_progress")
    ended_yesterday = GanttAction("a", D(2026, 1, 1), TODAY - datetime.timedelta(1), "planned")
    assert not is_late(ends_today, TODAY)
    assert is_late(ended_yesterday, TODAY)
    assert not is_late(GanttAction("a", D(2026, 1, 1), D(2026, 2, 1), "done"), TODAY)
    assert not is_late(GanttAction("a", D(2026, 1, 1), D(2026, 2, 1), "cancelled"), TODAY)
    due_today = GanttMilestone("m", TODAY)
    due_yesterday = GanttMilestone("m", TODAY - datetime.timedelta(1))
    reached = GanttMilestone("m", TODAY - datetime.timedelta(1), TODAY)
    future = D(2027, 12, 31)
    assert not is_late(GanttAction("a", D(2026, 1, 1), future, milestones=(due_today,)), TODAY)
    assert is_late(GanttAction("a", D(2026, 1, 1), future, milestones=(due_yesterday,)), TODAY)
    assert not is_late(GanttAction("a", D(2026, 1, 1), future, milestones=(reached,)), TODAY)


def test_milestones_are_diamonds_and_today_line_is_drawn():
    svg = gantt_svg(_actions(), today=TODAY)
    assert svg.count('<path class="milestone reached"') == 1
    assert 'class="today"' in svg and ">today</text>" in svg
    outside = gantt_svg(_actions(), today=D(2030, 1, 1))
    assert 'class="today"' not in outside


def test_accessible_title_labels_and_escaping():
    svg = gantt_svg(_actions(), today=TODAY, words=GanttText(title="Roadmap of A & B"))
    assert '<title id="gantt-title">Roadmap of A &amp; B</title>' in svg
    assert 'role="img"' in svg and "aria-labelledby" in svg
    assert "B2B &lt;event&gt; &amp; co" in svg and "<event>" not in svg
    for status in ("planned", "in_progress", "done", "cancelled"):
        assert f">{status}</text>" in svg  # the legend names each colour


def test_empty_roadmap():
    svg = gantt_svg([], today=TODAY, words=GanttText(empty="Nothing planned"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "Nothing planned" in svg and "<rect" not in svg


def test_one_day_action_still_visible():
    svg = gantt_svg([GanttAction("day", TODAY, TODAY)], today=TODAY)
    ((_x, width),) = _bars(svg)
    assert width >= 2
