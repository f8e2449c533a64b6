"""The matchmaking-events API: registrations per role, what each role sees of them, approval,
check-in, the CSV/XLSX import and suggestions of whom to meet."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from clusterloom.core.models import AuditEntry
from clusterloom.events import services
from clusterloom.events.models import MarketplaceItem, Participant

from .conftest import ROLES, ask, bearer, expect, matrix, send, slots, user_of

pytestmark = pytest.mark.django_db

NOT_MINE = ("invitee", "third")
OUTSIDERS = ("stranger", "other_coordinator")


def _url(w, tail=""):
    return f"/api/events/{w.event.slug}/participants{tail}"


def test_participant_list_per_role(eworld):
    w = eworld
    services.registration_update(
        actor=w.supplier_cz, participant=w.p_cz, data={"consent_public": False}
    )
    seen = {}
    for role in ROLES:
        response = send(Client(), "get", _url(w), user=user_of(w, role))
        seen[role] = (
            response.status_code
            if response.status_code != 200
            else sorted(p["name"] for p in response.json())
        )
    everyone = sorted(["Giulia Bianchi", "Petr Novák", "Lucía García", "Ján Kováč"])
    published = sorted(["Giulia Bianchi", "Lucía García", "Ján Kováč"])
    assert seen == {
        "anonymous": 401,
        "stranger": [],
        "requester": published,
        "invitee": published,
        "third": everyone,  # the Czech supplier sees the others and himself
        "organiser": everyone,
        "other_coordinator": [],
        "admin": everyone,
    }
    waiting = send(Client(), "get", _url(w, "?status=submitted"), user=w.organiser)
    assert waiting.json() == []
    bad = send(Client(), "get", _url(w, "?status=maybe"), user=w.organiser)
    assert bad.status_code == 400 and bad.json()["field"] == "status"


def test_emails_are_for_the_organisers_and_oneself(eworld):
    w = eworld
    mine = send(Client(), "get", _url(w), user=w.supplier_it).json()
    emails = {p["name"]: p["email"] for p in mine}
    assert emails["Giulia Bianchi"] == w.supplier_it.email
    assert emails["Lucía García"] is None
    organiser = send(Client(), "get", _url(w), user=w.organiser).json()
    assert all(p["email"] for p in organiser)


def test_register_through_the_api(eworld):
    w = eworld
    morning = [s.pk for s in slots(w)[:7]]
    body = {
        "group": "Buyers",
        "profile": "Portuguese buyer of technical textiles.",
        "consent_public": True,
        "items": [
            {"kind": "request", "title": "Seat fabrics", "cooperation_types": ["supply"]},
            {"kind": "offer", "title": "Distribution in Portugal"},
        ],
        "available": morning,
        "terms": [f"sectoral:{w.automotive.slug}"],
    }
    response = send(Client(), "post", _url(w), body, w.stranger)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "submitted" and created["group"] == "Buyers"
    assert created["organisation"]["name"] == "Outsider"
    assert created["available"] == sorted(morning)
    assert created["terms"] == [f"sectoral:{w.automotive.slug}"]
    assert [(i["kind"], i["title"]) for i in created["items"]] == [
        ("offer", "Distribution in Portugal"),
        ("request", "Seat fabrics"),
    ]
    assert created["email"] == w.stranger.email
    again = send(Client(), "post", _url(w), body, w.stranger)
    assert again.status_code == 400 and again.json()["field"] == "event"
    assert send(Client(), "post", _url(w), body).status_code == 401


@pytest.mark.parametrize(
    "change, field",
    [
        ({"organisation": "es"}, "organisation"),
        ({"available": [999999]}, "available"),
        ({"terms": ["automotive"]}, "terms"),
        ({"group": "Sellers"}, "group"),
        ({"items": [{"kind": "gift", "title": "Wine"}]}, "items"),
    ],
)
def test_bad_registrations_are_refused_naming_the_field_and_write_nothing(eworld, change, field):
    w = eworld
    if change.get("organisation") == "es":
        change = {"organisation": w.orgs["es"].pk}
    people, items, audited = (
        Participant.objects.count(),
        MarketplaceItem.objects.count(),
        AuditEntry.objects.count(),
    )
    response = send(Client(), "post", _url(w), {"profile": "Hello", **change}, w.stranger)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert (
        Participant.objects.count(),
        MarketplaceItem.objects.count(),
        AuditEntry.objects.count(),
    ) == (people, items, audited)


def test_registering_for_a_closed_or_draft_event(eworld):
    w = eworld
    services.event_status_set(actor=w.organiser, event=w.event, status="closed")
    closed = send(Client(), "post", _url(w), {}, w.stranger)
    assert closed.status_code == 400 and closed.json()["field"] == "event"


def test_participant_detail_and_patch_per_role(eworld):
    w = eworld
    url = _url(w, f"/{w.p_it.pk}")
    bodies = matrix(
        w,
        "get",
        url,
        expect(
            {"requester": 200, "invitee": 200, "third": 200, "organiser": 200, "admin": 200},
            hidden=OUTSIDERS,
        ),
    )
    assert bodies["invitee"]["profile"] == "We weave technical textiles for car seats."
    assert bodies["invitee"]["items"][0]["title"] == "Seat fabrics"
    bodies = matrix(
        w,
        "patch",
        url,
        expect(
            {"requester": 200, "organiser": 200, "admin": 200},
            forbidden=NOT_MINE,
            hidden=OUTSIDERS,
        ),
        body={"profile": "Seat and door fabrics.", "available": [slots(w)[0].pk]},
    )
    assert bodies["requester"]["profile"] == "Seat and door fabrics."
    assert bodies["requester"]["available"] == [slots(w)[0].pk]
    assert bodies["requester"]["group"] == "Suppliers"  # left out: unchanged
    assert send(Client(), "get", _url(w, "/999999"), user=w.organiser).status_code == 404


def test_only_organisers_set_the_group(eworld):
    w = eworld
    url = _url(w, f"/{w.p_it.pk}")
    refused = send(Client(), "patch", url, {"group": "Buyers", "profile": "x"}, w.supplier_it)
    assert refused.status_code == 403
    w.p_it.refresh_from_db()
    assert w.p_it.group == w.suppliers and w.p_it.profile != "x"
    done = send(Client(), "patch", url, {"group": "Buyers"}, w.organiser)
    assert done.status_code == 200 and done.json()["group"] == "Buyers"
    cleared = send(Client(), "patch", url, {"group": None}, w.organiser)
    assert cleared.json()["group"] is None


def test_review_check_in_and_withdraw_per_role(eworld):
    w = eworld
    waiting = services.registration_submit(
        actor=w.stranger, event=w.event, data={"consent_public": True}
    )
    url = _url(w, f"/{waiting.pk}/review")
    bodies = matrix(
        w,
        "post",
        url,
        expect(
            {"organiser": 200, "admin": 200},
            forbidden=("stranger",),
            # Nobody else sees a registration awaiting approval.
            hidden=("requester", "invitee", "third", "other_coordinator"),
        ),
        body={"decision": "approve"},
    )
    assert bodies["organiser"]["status"] == "approved"
    bad = send(Client(), "post", url, {"decision": "perhaps"}, w.organiser)
    assert bad.status_code == 400 and bad.json()["field"] == "decision"
    check_in = _url(w, f"/{w.p_it.pk}/check-in")
    bodies = matrix(
        w,
        "post",
        check_in,
        expect(
            {"organiser": 200, "admin": 200},
            forbidden=("requester", "invitee", "third"),
            hidden=OUTSIDERS,
        ),
    )
    assert bodies["organiser"]["checked_in_at"]
    not_approved = send(Client(), "post", _url(w, f"/{waiting.pk}/check-in"), user=w.organiser)
    assert not_approved.status_code == 400 and not_approved.json()["field"] == "status"
    gone = send(Client(), "post", _url(w, f"/{w.p_sk.pk}/withdraw"), user=w.buyer_sk)
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"


# -- import ----------------------------------------------------------------------------------------

CSV = (
    "name,email,organisation,country,group,offers\n"
    "Anna Horváthová,anna@textil.sk,Textil Žilina,SK,Suppliers,Woven labels\n"
    "Miguel Sousa,miguel@bancos.pt,Bancos do Porto,PT,Buyers,\n"
)


def _upload(w, name, content, user, **form):
    return Client().post(
        _url(w, "/import"),
        {"file": SimpleUploadedFile(name, content), **form},
        headers=bearer(user) if user else {},
    )


def test_import_through_the_api(eworld):
    w = eworld
    first = _upload(w, "people.csv", CSV.encode(), w.organiser, approve="true")
    assert first.status_code == 201 and first.json() == {"created": 2}
    assert Participant.objects.get(email="anna@textil.sk").status == "approved"
    again = _upload(w, "people.csv", CSV.encode(), w.organiser)
    assert again.status_code == 201 and again.json() == {"created": 0}
    bad = _upload(w, "people.csv", (CSV + "Nobody,,Firma,SK,,\n").encode(), w.admin)
    assert bad.status_code == 400
    assert bad.json()["line"] == 4 and "row 4, column “email”" in bad.json()["detail"]
    assert Participant.objects.count() == 6
    for user, status in ((w.supplier_it, 403), (w.other_coordinator, 403), (None, 401)):
        assert _upload(w, "people.csv", CSV.encode(), user).status_code == status
    wrong = _upload(w, "people.pdf", b"%PDF-1.4", w.organiser)
    assert wrong.status_code == 400


# -- suggestions -----------------------------------------------------------------------------------


def test_suggestions_for_the_callers_registration(eworld):
    w = eworld
    url = f"/api/events/{w.event.slug}/suggestions"
    response = send(Client(), "get", url, user=w.buyer_es)
    assert response.status_code == 200
    results = response.json()["results"]
    names = [r["participant"]["name"] for r in results]
    # Only suppliers: the rules let buyers meet suppliers, not other buyers.
    assert set(names) <= {"Giulia Bianchi", "Petr Novák"} and names
    best = results[0]
    assert best["score"] > 0 and best["participant"]["group"] == "Suppliers"
    assert set(best["explanation"]) == {
        "shared_terms",
        "complementary",
        "matched_words",
        "snippet",
        "components",
    }
    assert send(Client(), "get", f"{url}?k=0", user=w.buyer_es).json()["field"] == "k"
    assert send(Client(), "get", url, user=w.stranger).status_code == 404
    assert send(Client(), "get", url).status_code == 401


def test_long_lists_take_a_fixed_number_of_queries(eworld, django_assert_max_num_queries):
    w = eworld
    rows = "".join(f"P{n},p{n}@firma.sk,Firma {n},SK,Suppliers,Yarn\n" for n in range(30))
    _upload(w, "people.csv", (CSV.split("\n")[0] + "\n" + rows).encode(), w.organiser)
    for supplier in (w.p_it, w.p_cz):
        for buyer in (w.p_es, w.p_sk):
            ask(w, supplier, buyer)
    client, headers = Client(), bearer(w.organiser)
    with django_assert_max_num_queries(20):
        listed = client.get(_url(w), headers=headers)
    assert len(listed.json()) == 34
    with django_assert_max_num_queries(20):
        meetings = client.get(f"/api/events/{w.event.slug}/meetings", headers=headers)
    assert len(meetings.json()) == 4
