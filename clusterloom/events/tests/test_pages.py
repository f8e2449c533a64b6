"""The matchmaking-event pages: who may see and do what (anonymous, stranger, participant,
other participant, organiser, other coordinator, admin)."""

import pytest
from django.test import Client
from django.urls import reverse

from clusterloom.events.meetings import meeting_request
from clusterloom.events.models import Meeting

from .conftest import clock_after_the_event

pytestmark = pytest.mark.django_db


def _as(client, w, who):
    if who != "anonymous":
        client.force_login(getattr(w, who))
    return client


@pytest.fixture
def meeting(eworld):
    """The Spanish buyer asks the Italian supplier for a meeting."""
    w = eworld
    return meeting_request(
        actor=w.buyer_es, requester=w.p_es, invitee=w.p_it, message="Seat fabrics for 2028?"
    )


@pytest.mark.parametrize(
    "who, register, organise, agenda",
    [
        ("anonymous", "Log in to register", False, False),
        ("stranger", 'id="register"', False, False),
        ("supplier_it", 'id="my-registration"', False, True),
        ("organiser", None, True, False),
        ("other_coordinator", None, False, False),
        ("admin", 'id="register"', True, False),
    ],
)
def test_the_event_page_shows_each_role_its_next_steps(
    client, eworld, who, register, organise, agenda
):
    w = eworld
    _as(client, w, who)
    response = client.get(reverse("event_detail", args=[w.event.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Textiles meet automotive" in body and "Prato, Museo del Tessuto" in body
    assert "Europe/Rome" in body and "Morning" in body and "09:00–09:20" in body
    if register:
        assert register in body
    assert ('id="organise"' in body) is organise
    assert ('id="my-agenda"' in body) is agenda
    listing = client.get(reverse("event_list")).content.decode()
    assert "Textiles meet automotive" in listing
    assert ('id="new-event"' in listing) is (who in ("organiser", "other_coordinator", "admin"))


def test_the_public_event_page_counts_approved_participants(client, eworld):
    from clusterloom.events.services import registration_review

    w = eworld
    url = reverse("event_detail", args=[w.event.slug])
    assert "4 participants registered" in client.get(url).content.decode()
    registration_review(actor=w.organiser, participant=w.p_sk, decision="reject")
    assert "3 participants registered" in client.get(url).content.decode()


def test_a_draft_is_seen_by_its_organisers_only(client, eworld):
    w = eworld
    client.force_login(w.organiser)
    response = client.post(
        reverse("event_create") + "?partnership=xtex",
        {
            "title": "Smart textiles C2C",
            "kind": "c2c",
            "format": "virtual",
            "time_zone": "Europe/Rome",
            "registration_opens": "2027-01-10",
            "registration_closes": "2027-02-10",
            "max_meetings": 8,
            "request_mode": "approval",
            "request_expiry_hours": 48,
        },
    )
    assert response.status_code == 302
    slug = response.url.rstrip("/").rsplit("/", 1)[-1]
    assert client.get(reverse("event_detail", args=[slug])).status_code == 200
    for who in ("anonymous", "stranger", "supplier_it", "other_coordinator"):
        viewer = _as(Client(), w, who)
        assert viewer.get(reverse("event_detail", args=[slug])).status_code == 404, who
        assert "Smart textiles" not in viewer.get(reverse("event_list")).content.decode()
    assert _as(Client(), w, "admin").get(reverse("event_detail", args=[slug])).status_code == 200


ORGANISER_PAGES = [
    "event_edit",
    "event_sessions",
    "event_tables",
    "event_groups",
    "event_registrations",
    "event_import",
    "event_check_in",
    "event_statistics",
    "event_schedule",
    "event_schedule_progress",
    "event_table_plan",
]


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("stranger", 403),
        ("supplier_it", 403),
        ("other_coordinator", 403),
        ("organiser", 200),
        ("admin", 200),
    ],
)
def test_organiser_pages(client, eworld, who, status):
    w = eworld
    _as(client, w, who)
    for name in ORGANISER_PAGES:
        response = client.get(reverse(name, args=[w.event.slug]))
        assert response.status_code == status, name
        if status == 302:
            assert response.url.startswith(reverse("login"))
    create = client.get(reverse("event_create") + "?partnership=xtex")
    assert create.status_code == status


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("stranger", 403),
        ("supplier_it", 200),
        ("organiser", 200),
        ("other_coordinator", 403),
        ("admin", 200),
    ],
)
def test_the_participant_list(client, eworld, who, status):
    w = eworld
    _as(client, w, who)
    response = client.get(reverse("event_participants", args=[w.event.slug]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Lucía García" in body and "Interiores Zaragoza" in body
        # Suppliers may meet buyers only: no request form for the other supplier.
        forms = body.count('class="request-form"')
        assert forms == (2 if who == "supplier_it" else 0)


def test_participants_appear_with_their_photo_or_initials(client, eworld, media):
    from clusterloom.directory.pictures import person_photo_set
    from clusterloom.directory.tests.test_pictures import jpeg

    w = eworld
    person = w.p_es.person
    person_photo_set(actor=w.buyer_es, person=person, file_name="me.jpg", content=jpeg())
    name = person.photo.name.rsplit("/", 1)[1]
    photo = f'src="{reverse("picture_file", args=["people", person.pk, name])}"'
    client.force_login(w.supplier_it)
    listing = client.get(reverse("event_participants", args=[w.event.slug])).content.decode()
    assert listing.count(photo) == 1
    # The others have no photo: their initials stand in its place.
    shown = listing.count('class="list-group-item py-3 participant"')
    assert shown >= 3 and listing.count("picture-initials") == shown - 1
    detail = reverse("event_participant_detail", args=[w.event.slug, w.p_es.pk])
    assert photo in client.get(detail).content.decode()


def test_a_participant_without_consent_or_approval_stays_hidden(client, eworld):
    w = eworld
    w.p_sk.consent_public = False
    w.p_sk.save()
    client.force_login(w.supplier_it)
    body = client.get(reverse("event_participants", args=[w.event.slug])).content.decode()
    assert "Ján Kováč" not in body
    url = reverse("event_participant_detail", args=[w.event.slug, w.p_sk.pk])
    assert client.get(url).status_code == 404
    client.force_login(w.organiser)
    assert "Ján Kováč" in client.get(url).content.decode()
    assert Client().get(url).status_code == 302
    client.force_login(w.stranger)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("stranger", 404),
        ("buyer_es", 200),
        ("supplier_it", 200),
        ("supplier_cz", 404),
        ("organiser", 200),
        ("other_coordinator", 404),
        ("admin", 200),
    ],
)
def test_the_meeting_page(client, eworld, meeting, who, status):
    w = eworld
    _as(client, w, who)
    response = client.get(reverse("event_meeting_detail", args=[w.event.slug, meeting.pk]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Seat fabrics for 2028?" in body and "not scheduled yet" in body
        assert ('id="accept"' in body) is (
            who in ("supplier_it", "admin")
        )  # admins pass every rule


def test_others_cannot_act_on_a_meeting(client, eworld, meeting):
    w = eworld
    accept = reverse("event_meeting_accept", args=[w.event.slug, meeting.pk])
    assert client.get(accept).status_code == 405
    assert client.post(accept).status_code == 302  # to the login page
    client.force_login(w.supplier_cz)
    assert client.post(accept).status_code == 404
    client.force_login(w.buyer_es)  # the requester cannot accept their own request
    assert client.post(accept).status_code == 403
    client.force_login(w.other_coordinator)
    assert client.post(accept).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == "requested"


def test_changes_need_the_csrf_token(eworld, meeting):
    w = eworld
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.supplier_it)
    response = client.post(reverse("event_meeting_accept", args=[w.event.slug, meeting.pk]))
    assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).status == "requested"


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("stranger", 403),
        ("supplier_it", 200),
        ("organiser", 302),
        ("other_coordinator", 403),
    ],
)
def test_own_pages_need_a_registration(client, eworld, who, status):
    w = eworld
    _as(client, w, who)
    for name in ("event_agenda", "event_meetings"):
        response = client.get(reverse(name, args=[w.event.slug]))
        assert response.status_code == status, name
    suggestions = client.get(reverse("event_suggestions", args=[w.event.slug]))
    assert suggestions.status_code == (status if who != "organiser" else 403)


def test_organisers_see_any_agenda_and_participants_only_their_own(client, eworld):
    w = eworld
    url = reverse("event_agenda", args=[w.event.slug]) + f"?participant={w.p_es.pk}"
    client.force_login(w.organiser)
    assert "Agenda of Lucía García" in client.get(url).content.decode()
    client.force_login(w.supplier_it)
    body = client.get(url).content.decode()
    assert "My agenda" in body and "Lucía García" not in body


def test_the_partnership_page_counts_held_events_against_the_target(client, eworld, monkeypatch):
    w = eworld
    from clusterloom.partnerships.tests.factories import TargetFactory

    TargetFactory(partnership=w.partnership, code="matchmaking_events", value=3)
    page = client.get(reverse("partnership_detail", args=["xtex"])).content.decode()
    assert 'id="matchmaking-events"' in page and "Textiles meet automotive" in page
    assert "<strong>0</strong> / 3" in page
    client.force_login(w.organiser)
    # Before the event: refused, the reason shown, nothing counted.
    response = client.post(
        reverse("event_held", args=[w.event.slug]), follow=True, data={"held": "1"}
    )
    assert "once it has taken place" in response.content.decode()
    page = client.get(reverse("partnership_detail", args=["xtex"])).content.decode()
    assert "<strong>0</strong> / 3" in page
    clock_after_the_event(monkeypatch)
    client.force_login(w.organiser)  # the session of months ago has expired
    response = client.post(reverse("event_held", args=[w.event.slug]), {"held": "1"})
    assert response.status_code == 302
    page = client.get(reverse("partnership_detail", args=["xtex"])).content.decode()
    assert "<strong>1</strong> / 3" in page and "New event" in page
    # Another partnership without events or target gets no section.
    other = client.get(reverse("partnership_detail", args=["other"])).content.decode()
    assert 'id="matchmaking-events"' not in other


@pytest.mark.parametrize("odd", ["²", "99999999999999999999999", "-3"])
def test_odd_ids_in_the_query_are_ignored_not_a_500(client, eworld, odd):
    """?participant= on the agenda and ?slot= on the check-in page take only real ids: an odd
    one answers as if none was given."""
    w = eworld
    client.force_login(w.organiser)
    for name, key in (("event_agenda", "participant"), ("event_check_in", "slot")):
        url = reverse(name, args=[w.event.slug])
        plain, given = client.get(url), client.get(f"{url}?{key}={odd}")
        assert given.status_code == plain.status_code < 400
        assert given.get("Location") == plain.get("Location")
