"""Free texts bounded where users write them (core.bounds), shown wrapped where they are read:
an organisation's description on the edit page and in the API, a partnership's profile texts;
the stylesheet wraps long words in the elements that show user text."""

import re
from pathlib import Path

import pytest

from clusterloom.core.models import ApiToken
from clusterloom.directory.models import Organisation

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "clusterloom.css"


def test_a_description_beyond_5000_characters_is_refused_on_the_page_and_in_the_api(
    client, organisation, manager_user
):
    client.force_login(manager_user)
    response = client.post(
        "/organisations/clutex/edit/",
        {"name": "CLUTEX", "kind": "cluster", "country": "CZ", "description": "x" * 100_000},
    )
    assert response.context["form"].errors["description"] == ["Too long: 5,000 characters at most."]
    _token, raw = ApiToken.issue(manager_user, "ci")
    api = client.patch(
        "/api/organisations/clutex",
        {"offers": "y" * 5_001},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert api.status_code == 400 and api.json() == {
        "detail": "Too long: 5,000 characters at most.",
        "field": "offers",
    }
    organisation.refresh_from_db()
    assert (organisation.description, organisation.offers) == ("", "")


def test_a_long_description_saved_before_the_bound_still_shows_and_stays_editable(
    client, organisation, manager_user
):
    Organisation.objects.filter(pk=organisation.pk).update(description="z" * 6_000)
    client.force_login(manager_user)
    assert "z" * 6_000 in client.get("/organisations/clutex/").content.decode()
    _token, raw = ApiToken.issue(manager_user, "ci")
    api = client.patch(
        "/api/organisations/clutex",
        {"description": "z" * 6_000, "offers": "Seat fabrics."},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert api.status_code == 200
    organisation.refresh_from_db()
    assert (len(organisation.description), organisation.offers) == (6_000, "Seat fabrics.")


def test_the_stylesheet_wraps_long_words_wherever_user_text_is_shown():
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    top_level = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)
    wrapped = [
        selector
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", top_level)
        if "overflow-wrap: anywhere" in body
    ]
    assert wrapped, "no rule wraps long words at every width"
    covered = " ".join(wrapped)
    for element in ("p", "dd", "dt", "li", "blockquote", "h1", ".card-text"):
        assert re.search(rf"[(,\s]{re.escape(element)}[,)\s]", covered), element
