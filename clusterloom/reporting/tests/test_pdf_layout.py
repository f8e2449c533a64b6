"""The funder PDF prints: on the demo partnership's report (and one with long words and links),
WeasyPrint's layout boxes show no table and no text running past the page's content box; wide
areas are on landscape pages; every page carries the partnership, the period and its number.
When pdftoppm is installed, the pages are also rendered to PNG at the page's size."""

import datetime
import shutil
import subprocess

import pytest
from weasyprint.formatting_structure import boxes

from clusterloom.partnerships.pdf import html_document
from clusterloom.reporting import outputs
from clusterloom.reporting.evidence import build_report

from .conftest import activity, exchange

pytestmark = pytest.mark.django_db

#: Layout rounding (CSS px) allowed at the right edge.
SLACK = 0.5


def _descendants(box):
    yield box
    for child in getattr(box, "children", []) or []:
        yield from _descendants(child)


def overflows(document) -> list[str]:
    """Every table, cell or run of text that ends right of its page's content box, as text."""
    found = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for box in _descendants(page_box):
            if not isinstance(box, boxes.TableBox | boxes.TableCellBox | boxes.TextBox):
                continue
            end = box.position_x + box.margin_width()
            if end > right + SLACK:
                text = " ".join(b.text for b in _descendants(box) if isinstance(b, boxes.TextBox))[
                    :60
                ]
                found.append(
                    f"page {number}: {type(box).__name__} to {end:.0f} > {right:.0f}: {text}"
                )
    return found


def page_texts(document) -> list[str]:
    return [
        " ".join(b.text for b in _descendants(page._page_box) if isinstance(b, boxes.TextBox))
        for page in document.pages
    ]


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch):
    """The demo partnership EXTRATEX as `clusterloom setup` builds it (without cities)."""
    from django.utils import timezone

    from clusterloom.activities.demo import demo_activities
    from clusterloom.directory.tests.factories import AdminFactory
    from clusterloom.events.demo import demo_event
    from clusterloom.excellence.demo import demo_excellence
    from clusterloom.exchanges.demo import demo_exchanges
    from clusterloom.partnerships.demo import seed_partnerships_import
    from clusterloom.partnerships.models import Partnership

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2026, 11, 22))
    AdminFactory(username="admin")
    seed_partnerships_import()
    for step in (demo_exchanges, demo_event, demo_excellence, demo_activities):
        step()
    return Partnership.objects.get(acronym="EXTRATEX")


def test_the_demo_partnerships_report_fits_its_pages(demo, tmp_path):
    first, last = demo.start_date or datetime.date(2020, 2, 3), datetime.date(2026, 11, 22)
    rep = build_report(demo, first, last)
    document = html_document(outputs.report_html(rep))
    assert overflows(document) == []
    sizes = {(round(p.width), round(p.height)) for p in document.pages}
    assert sizes == {(794, 1123), (1123, 794)}  # A4 portrait and landscape, in CSS px
    texts = page_texts(document)
    for number, text in enumerate(texts, start=1):
        assert "EXTRATEX · Report to the funder" in text, number
        assert f"{number} / {len(texts)}" in text, number
    # The widest areas are the landscape pages.
    wide = [t for p, t in zip(document.pages, texts, strict=True) if p.width > p.height]
    assert any("Exchanges" in t for t in wide) and any("Activities" in t for t in wide)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        pdf = tmp_path / "report.pdf"
        pdf.write_bytes(document.write_pdf())
        arguments = [pdftoppm, "-r", "30", "-png", str(pdf), str(tmp_path / "page")]
        subprocess.run(arguments, check=True)  # noqa: S603 - our own file, fixed arguments
        assert len(list(tmp_path.glob("page-*.png"))) == len(document.pages)


def test_long_words_and_links_wrap_inside_their_cells(world, today):
    w = world
    word = "Hyper" + "textile" * 30
    exchange(w.call, w.offer, validated="2026-03-10")
    activity(
        w.p,
        "learning_event",
        "2026-04-01",
        title=word,
        link="https://example.org/" + "very-long-path/" * 20 + "?q=" + "x" * 80,
        city_name=word[:100],
    )
    rep = build_report(w.p, datetime.date(2026, 1, 1), datetime.date(2026, 11, 22))
    document = html_document(outputs.report_html(rep))
    assert overflows(document) == []
    assert any(word[:40] in t.replace("\u00ad", "").replace(" ", "") for t in page_texts(document))
