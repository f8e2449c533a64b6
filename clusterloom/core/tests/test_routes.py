"""core.routes: an object's pages written from their verbs, and the pages they give."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from clusterloom.core.routes import object_pages


def test_each_verb_gives_its_route_view_and_name_in_order():
    views = SimpleNamespace(
        offer_edit=lambda request, pk: None, offer_check_in=lambda request, pk: None
    )
    patterns = object_pages("offers/<int:pk>/", views, "offer", "edit check-in", name="hosting")
    assert [(str(p.pattern), p.callback, p.name) for p in patterns] == [
        ("offers/<int:pk>/edit/", views.offer_edit, "hosting_edit"),
        ("offers/<int:pk>/check-in/", views.offer_check_in, "hosting_check_in"),
    ]
    assert object_pages("<slug:slug>/", views, "offer", "edit")[0].name == "offer_edit"


def test_a_verb_without_its_view_fails_when_the_url_conf_loads():
    with pytest.raises(AttributeError, match="offer_sign"):
        object_pages("offers/<int:pk>/", SimpleNamespace(), "offer", "sign")


def test_the_apps_pages_written_so_keep_their_paths():
    assert reverse("hosting_offer_edit", args=[3]) == "/exchanges/offers/3/edit/"
    assert reverse("event_meeting_accept", args=["fair", 4]) == "/events/fair/meetings/4/accept/"
    assert reverse("event_check_in", args=["fair"]) == "/events/fair/check-in/"
    assert reverse("roadmap_milestone_delete", args=[5]) == "/strategies/milestones/5/delete/"
