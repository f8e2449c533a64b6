"""Matchmaking events in the partnership's public activity feed (Atom and page)."""

import xml.etree.ElementTree as ET

import pytest

from clusterloom.partnerships.feed import feed_entries

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _titles(client, slug):
    response = client.get(f"/activities/partnerships/{slug}/feed.atom")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - the app's own output
    return [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]


def test_an_open_event_is_in_the_feed_and_on_the_activity_page(eworld, client):
    w = eworld
    w.partnership.is_published = True
    w.partnership.save()
    assert "Matchmaking event: Textiles meet automotive" in _titles(client, "xtex")
    (entry,) = [e for e in feed_entries(w.partnership) if e.source == "events"]
    assert entry.link == f"/events/{w.event.slug}/"
    page = client.get("/activities/partnerships/xtex/")
    assert page.status_code == 200
    assert "Textiles meet automotive" in page.content.decode()


def test_a_draft_event_or_an_unpublished_partnership_stays_out_of_the_feed(eworld, client):
    w = eworld
    w.partnership.is_published = True
    w.partnership.save()
    w.event.status = "draft"
    w.event.save()
    assert not [e for e in feed_entries(w.partnership) if e.source == "events"]
    assert "Matchmaking event: Textiles meet automotive" not in _titles(client, "xtex")
    w.event.status = "open"
    w.event.save()
    w.partnership.is_published = False
    w.partnership.save()
    assert feed_entries(w.partnership) == []
    assert client.get("/activities/partnerships/xtex/feed.atom").status_code == 404
