"""A matchmaking-event world: an EXTRATEX-like partnership's B2B event with two sessions,
tables, groups, approved participants with logins, built through the services."""

import datetime
from types import SimpleNamespace

import pytest

from clusterloom.directory.tests.factories import (
    AdminFactory,
    MemberUserFactory,
    OrganisationFactory,
    UserFactory,
    country,
)
from clusterloom.events.tests.factories import textiles_event
from clusterloom.partnerships.tests.factories import PartnershipFactory
from clusterloom.taxonomy.services import term_get_or_create
from clusterloom.tests.api_roles import bearer, role_matrix, send, statuses  # noqa: F401
from clusterloom.tests.support import TODAY, player

#: The event's day (sessions at 09:00-12:00 and 14:00-16:00, Europe/Rome).
DAY = datetime.date(2027, 3, 10)


@pytest.fixture(autouse=True)
def _fresh_live_index():
    from clusterloom.matching import live_index

    live_index.forget()
    yield
    live_index.forget()


@pytest.fixture
def after_the_event(monkeypatch):
    """The clock on the evening after the event's day (it can then be recorded held)."""
    return clock_after_the_event(monkeypatch)


def clock_after_the_event(monkeypatch):
    """Move the clock to the evening after the event's day."""
    from django.utils import timezone

    evening = timezone.make_aware(
        datetime.datetime.combine(DAY + datetime.timedelta(days=1), datetime.time(18))
    )
    monkeypatch.setattr(timezone, "now", lambda: evening)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: evening.date())
    return evening


def member(organisation, username, first_name="", last_name=""):
    """A login with a Person at the organisation."""
    user = MemberUserFactory(username=username, first_name=first_name, last_name=last_name)
    person = user.person
    person.organisation = organisation
    person.save()
    return user


def register(w, user, organisation, *, group=None, approve=True, **data):
    """Register a user for the world's event (and approve the registration)."""
    from clusterloom.events.services import registration_review, registration_submit

    participant = registration_submit(
        actor=user,
        event=w.event,
        data={"organisation": organisation.pk, "group": group, "consent_public": True, **data},
    )
    if approve:
        participant = registration_review(
            actor=w.organiser, participant=participant, decision="approve"
        )
    return participant


@pytest.fixture
def eworld(db, today):
    """XTEX's open B2B event "Textiles meet automotive" (Europe/Rome) with a morning session of
    7 slots (20 + 5 minutes) and an afternoon one of 4, 3 tables, groups buyers and suppliers
    who may meet each other (not their own group); four approved participants with logins: an
    Italian textile supplier, a Czech textile supplier, a Spanish automotive buyer and a Slovak
    automotive buyer; a fifth user not registered; the organiser (coordinator); another
    coordinator; an admin."""
    from clusterloom.events.services import (
        event_status_set,
        group_add,
        group_rule_set,
        session_add,
        tables_set,
    )

    textiles = term_get_or_create(vocabulary="sectoral", name="Textile Manufacturing")
    automotive = term_get_or_create(vocabulary="sectoral", name="Automotive")
    organiser = UserFactory(username="organiser", first_name="Chiara", last_name="Rossi")
    other_coordinator = UserFactory(username="othercoordinator")
    partnership = PartnershipFactory(acronym="XTEX", slug="xtex")
    partnership.coordinators.add(organiser)
    other = PartnershipFactory(acronym="OTHER", slug="other")
    other.coordinators.add(other_coordinator)
    event = textiles_event(
        organiser,
        partnership,
        opens=TODAY - datetime.timedelta(days=5),
        closes=TODAY + datetime.timedelta(days=60),
        venue="Prato, Museo del Tessuto",
        max_meetings=6,
    )
    session_add(
        actor=organiser,
        event=event,
        data={
            "name": "Morning",
            "starts_at": f"{DAY}T09:00",
            "ends_at": f"{DAY}T12:00",
            "slot_minutes": 20,
            "break_minutes": 5,
        },
    )
    session_add(
        actor=organiser,
        event=event,
        data={
            "name": "Afternoon",
            "starts_at": f"{DAY}T14:00",
            "ends_at": f"{DAY}T16:00",
            "slot_minutes": 25,
            "break_minutes": 5,
        },
    )
    tables_set(actor=organiser, event=event, count=3)
    buyers = group_add(actor=organiser, event=event, name="Buyers")
    suppliers = group_add(actor=organiser, event=event, name="Suppliers")
    group_rule_set(actor=organiser, event=event, group_a=buyers, group_b=suppliers)
    event_status_set(actor=organiser, event=event, status="open")

    w = SimpleNamespace(
        partnership=partnership,
        other=other,
        event=event,
        organiser=organiser,
        other_coordinator=other_coordinator,
        buyers=buyers,
        suppliers=suppliers,
        admin=AdminFactory(username="admin"),
        textiles=textiles,
        automotive=automotive,
    )

    def supplier(code, name, slug, description, offers):
        return OrganisationFactory(
            name=name,
            slug=slug,
            kind="sme",
            is_sme=True,
            country=country(code.upper()),
            description=description,
            offers=offers,
            terms=[textiles],
        )

    orgs = {
        "it": supplier(
            "it",
            "Tessitura Pratese",
            "tessitura-pratese",
            "Weaving of technical textiles for car seats.",
            "Technical textiles, seat fabrics.",
        ),
        "cz": supplier(
            "cz",
            "Liberecká textilie",
            "liberecka-textilie",
            "Knitted spacer fabrics for automotive seats.",
            "Spacer fabrics.",
        ),
        "es": OrganisationFactory(
            name="Interiores Zaragoza",
            slug="interiores-zaragoza",
            kind="large_company",
            country=country("ES"),
            description="Tier-1 supplier of car interiors.",
            requests="Technical textiles for car seats and headliners.",
            terms=[automotive],
        ),
        "sk": OrganisationFactory(
            name="Auto Komponenty Trnava",
            slug="auto-komponenty",
            kind="sme",
            is_sme=True,
            country=country("SK"),
            description="Plastic and textile parts for car doors.",
            requests="Door-panel fabrics.",
            terms=[automotive],
        ),
    }
    w.orgs = orgs
    w.supplier_it = member(orgs["it"], "supplier_it", "Giulia", "Bianchi")
    w.supplier_cz = member(orgs["cz"], "supplier_cz", "Petr", "Novák")
    w.buyer_es = member(orgs["es"], "buyer_es", "Lucía", "García")
    w.buyer_sk = member(orgs["sk"], "buyer_sk", "Ján", "Kováč")
    w.stranger = member(
        OrganisationFactory(name="Outsider", slug="outsider", country=country("PT")), "stranger"
    )
    items = {
        "it": [{"kind": "offer", "title": "Seat fabrics", "description": "Flame-retardant"}],
        "cz": [{"kind": "offer", "title": "Spacer fabrics", "description": "For seats"}],
        "es": [{"kind": "request", "title": "Technical textiles for car seats"}],
        "sk": [{"kind": "request", "title": "Door-panel fabrics"}],
    }
    for key, user, group, profile in (
        ("it", w.supplier_it, suppliers, "We weave technical textiles for car seats."),
        ("cz", w.supplier_cz, suppliers, "Knitted spacer fabrics."),
        ("es", w.buyer_es, buyers, "We buy technical textiles for car interiors."),
        ("sk", w.buyer_sk, buyers, "We need door-panel fabrics."),
    ):
        participant = register(
            w, user, orgs[key], group=group.pk, items=items[key], profile=profile
        )
        setattr(w, f"p_{key}", participant)
    return w


# -- helpers of the services and API tests ------------------------------------------------------

#: The eworld users as the API role matrix names them: the Italian supplier asks the Spanish
#: buyer for a meeting; the Czech supplier is a third participant of the same event.
ROLES = (
    "anonymous",
    "stranger",
    "requester",
    "invitee",
    "third",
    "organiser",
    "other_coordinator",
    "admin",
)


#: The eworld users who play the roles not named after them.
CAST = {"requester": "supplier_it", "invitee": "buyer_es", "third": "supplier_cz"}


def user_of(w, role):
    """The eworld user who plays `role` (None: anonymous)."""
    return player(w, role, CAST)


def slots(w):
    """The event's slots in time order (7 in the morning, 4 in the afternoon)."""
    return list(w.event.slots.order_by("starts_at"))


def ask(w, requester=None, invitee=None, *, slot=None, accept=False, message="Let us meet."):
    """A meeting request (the Italian supplier asks the Spanish buyer unless told), accepted
    by the invitee when `accept`."""
    from clusterloom.events.meetings import meeting_accept, meeting_request

    requester = requester or w.p_it
    invitee = invitee or w.p_es
    meeting = meeting_request(
        actor=requester.user, requester=requester, invitee=invitee, message=message, slot=slot
    )
    if accept:
        meeting = meeting_accept(actor=invitee.user, meeting=meeting)
    return meeting


def agreed(w):
    """Four accepted meetings without a slot: every supplier with every buyer (it-es, it-sk,
    cz-es, cz-sk)."""
    return [
        ask(w, supplier, buyer, accept=True)
        for supplier in (w.p_it, w.p_cz)
        for buyer in (w.p_es, w.p_sk)
    ]


def matrix(w, method, url, expected: dict, body=None, users=None):
    """The same request as each role of the world (see clusterloom.tests.api_roles)."""
    return role_matrix(
        lambda role: (users or {}).get(role) or user_of(w, role), method, url, expected, body
    )


def expect(allowed: dict, *, hidden=(), forbidden=(), anonymous=401) -> dict:
    """The status per role: `allowed` as given, `hidden` roles 404, `forbidden` 403."""
    return statuses(ROLES, allowed, hidden=hidden, forbidden=forbidden, anonymous=anonymous)
