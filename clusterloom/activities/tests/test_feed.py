"""The public activity list and its Atom feed: published, planned and held activities of a
published partnership, newest first; nothing else, ever."""

import xml.etree.ElementTree as ET

import pytest

from clusterloom.activities import services

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = "/activities/partnerships/xtex/feed.atom"


def _entries(client, url=FEED):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - the app's own output
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


def test_the_feed_lists_published_planned_and_held_activities_newest_first(world, client):
    root, entries = _entries(client)
    assert root.findtext(f"{ATOM}title") == "XTEX: joint activities"
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == [
        "Learning event: Learning event on circular textiles",
        "Training: Cluster management basics",
    ]
    first = entries[0]
    link = first.find(f"{ATOM}link").get("href")
    assert link.endswith(f"/activities/{world.learning.pk}/")
    assert "10 February 2027" in first.findtext(f"{ATOM}summary")
    assert "Prato" in first.findtext(f"{ATOM}summary")
    self_link = [x for x in root.findall(f"{ATOM}link") if x.get("rel") == "self"][0]
    assert self_link.get("href").endswith(FEED)


def test_unpublished_and_cancelled_activities_never_appear(world, client):
    body = client.get(FEED).content.decode()
    assert "Secret study visit" not in body
    assert "Cancelled newsletter" not in body
    page = client.get("/activities/partnerships/xtex/").content.decode()
    assert "Secret study visit" not in page and "Cancelled newsletter" not in page


def test_not_even_a_coordinator_sees_unpublished_items_in_the_feed(world, client):
    client.force_login(world.coordinator)
    _root, entries = _entries(client)
    assert len(entries) == 2


def test_user_text_is_escaped_in_the_summary(world, client):
    w = world
    services.activity_update(
        actor=w.coordinator, activity=w.training, data={"description": "<script>x</script>"}
    )
    _root, entries = _entries(client)
    summary = entries[1].findtext(f"{ATOM}summary")
    assert "<script>" not in summary and "&lt;script&gt;" in summary


def test_unpublishing_an_activity_takes_it_out_of_the_feed(world, client):
    w = world
    services.activity_update(actor=w.coordinator, activity=w.training, data={"is_published": False})
    _root, entries = _entries(client)
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Learning event: Learning event on circular textiles"
    ]


def test_an_unpublished_partnership_has_no_feed_and_no_public_list(world, client):
    w = world
    w.partnership.is_published = False
    w.partnership.save()
    assert client.get(FEED).status_code == 404
    assert client.get("/activities/partnerships/xtex/").status_code == 404
    client.force_login(w.coordinator)
    assert client.get(FEED).status_code == 404
    page = client.get("/activities/partnerships/xtex/")
    assert page.status_code == 200
    assert b"application/atom+xml" not in page.content  # no feed to point to
    assert b"Cluster management basics" not in page.content  # the public list stays empty


def test_the_page_points_to_the_feed(world, client):
    page = client.get("/activities/partnerships/xtex/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert f'href="{FEED}"' in page


def test_the_list_is_paginated(world, client):
    w = world
    for n in range(25):
        services.activity_create(
            actor=w.coordinator,
            partnership=w.partnership,
            data={
                "kind": "dissemination",
                "title": f"Post {n:02d}",
                "starts_on": f"2026-0{1 + n % 9}-1{n % 10}",
                "channel": "social_media",
                "status": "held",
            },
        )
    first = client.get("/activities/partnerships/xtex/").content.decode()
    second = client.get("/activities/partnerships/xtex/?page=2").content.decode()
    assert "page 1 of 2" in first and "page 2 of 2" in second
    assert "Learning event on circular textiles" in first  # the newest first
    assert "Learning event on circular textiles" not in second
