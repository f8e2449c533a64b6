"""The interface in every language: each main page, rendered in each of the 8 languages, has
no English sentence of the interface left in it, and its dates are in the language's format.

A text on the page (a text node, a placeholder, a label for screen readers) that is exactly an
English message of clusterloom's catalogue whose translation differs is English left in the
interface: a string not marked for translation, marked but missing from the catalogue, or
rendered before the language was switched. Data (names, descriptions people typed) is not in
the catalogue and is not checked here."""

import datetime
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.LOCALE_PATHS[0])
#: Elements whose text is not interface text: code, scripts, another language on purpose.
SKIPPED = {"script", "style", "code", "pre", "svg"}
#: Attributes people read (placeholders, labels for screen readers, tooltips).
READ_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")


def english_messages(language: str) -> set[str]:
    """English messages of the catalogue that `language` translates differently."""
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    found = set()
    for key, text in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if "\x04" in msgid:  # a message with a context: "context\x04message"
            msgid = msgid.split("\x04", 1)[1]
        if not msgid or text == msgid or "%(" in msgid or "{" in msgid:
            continue
        if len(msgid) >= 4 and re.search("[A-Za-z]{3}", msgid):
            found.add(msgid)
    return found


class _Texts(HTMLParser):
    """The texts a reader of the page sees, outside code and elements in another language."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in SKIPPED or "lang" in values or values.get("translate") == "no":
            if tag not in ("br", "img", "input", "meta", "link", "hr"):
                self._skip.append(tag)
            return
        if not self._skip:
            self.texts += [values[name] for name in READ_ATTRIBUTES if values.get(name)]

    def handle_endtag(self, tag):
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)


def texts_of(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return [" ".join(t.split()) for t in parser.texts]


@pytest.fixture
def site(db):
    """The seed partnerships and demo logins as `make run` leaves them, and an open event."""
    from clusterloom.events import services as events
    from clusterloom.partnerships.demo import (
        SetupReport,
        demo_logins,
        region_categories_demo,
        seed_partnerships_import,
    )
    from clusterloom.partnerships.models import Partnership

    region_categories_demo()
    seed_partnerships_import()
    demo_logins(SetupReport())
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    coordinator = users.get(username="coordinator")
    today = timezone.localdate()
    event = events.event_create(
        actor=coordinator,
        partnership=Partnership.objects.get(acronym="EXTRATEX"),
        data={
            "title": "Textiles meet automotive",
            "time_zone": "Europe/Rome",
            "registration_opens": today - datetime.timedelta(days=3),
            "registration_closes": today + datetime.timedelta(days=30),
        },
    )
    events.session_add(
        actor=coordinator,
        event=event,
        data={
            "name": "Morning",
            "starts_at": f"{today + datetime.timedelta(days=40)}T09:00",
            "ends_at": f"{today + datetime.timedelta(days=40)}T11:00",
        },
    )
    events.event_status_set(actor=coordinator, event=event, status="open")
    return {"event": event, "users": {u.username: u for u in users.all()}}


def _pages(site) -> dict[str, list[str]]:
    slug = site["event"].slug
    return {
        "": [
            "/",
            "/partnerships/",
            "/partnerships/extratex/",
            "/partnerships/network/",
            "/organisations/",
            "/partners/",
            "/partners/requests/",
            "/exchanges/",
            "/events/",
            f"/events/{slug}/",
            "/excellence/",
            "/activities/",
            "/regions/",
            "/accounts/login/",
        ],
        "coordinator": [
            "/my/",
            "/reporting/partnerships/extratex/",
            "/partnerships/extratex/targets/",
            "/strategies/partnership/extratex/",
            f"/events/{slug}/registrations/",
            f"/events/{slug}/sessions/",
            "/accounts/me/",
        ],
        "clutex": ["/my/"],
        "member": ["/my/", f"/events/{slug}/register/"],
    }


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_main_pages_have_no_english_left(client, site, language):
    english = english_messages(language) if language != "en" else set()
    left = {}
    for who, paths in _pages(site).items():
        client.logout()
        if who:
            client.force_login(site["users"][who])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (language, who, path, response.status_code)
            html = response.content.decode()
            assert f'<html lang="{language}"' in html
            found = sorted({text for text in texts_of(html) if text in english})
            if found:
                left[f"{who or 'anonymous'} {path}"] = found
    assert left == {}


def test_the_check_finds_english_left_in_a_page():
    """The test above can fail: an English message in an Italian page is found, data is not."""
    english = english_messages("it")
    assert "Needs you" in english
    page = '<p>Needs you</p><p lang="en">Needs you</p><code>Needs you</code><p>Tessitura</p>'
    assert [text for text in texts_of(page) if text in english] == ["Needs you"]
