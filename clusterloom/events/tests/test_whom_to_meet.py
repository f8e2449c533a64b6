"""Whom to meet, as each role sees it: the strength of a match in words, who is hidden and why
(counts only), the default group of those who choose none, the organisers' count of
participants nobody can find and the reminder to them."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.events import findability, services
from clusterloom.events.models import Participant
from clusterloom.events.recommend import whom_to_meet
from clusterloom.matching.strength import THRESHOLDS, match_strength, strength_label

from .conftest import expect, matrix, member, register

pytestmark = pytest.mark.django_db


# -- strength -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fit", "strength"),
    [
        (0.0, ""),
        (-0.1, ""),
        (0.0001, "possible"),
        (0.0699, "possible"),
        (0.07, "good"),
        (0.1499, "good"),
        (0.15, "strong"),
        (1.0, "strong"),
    ],
)
def test_a_fit_reads_as_strong_good_or_possible_at_the_documented_thresholds(fit, strength):
    assert match_strength(fit) == strength
    assert [key for _t, key in THRESHOLDS] == ["strong", "good", "possible"]


def test_the_label_is_translated():
    from django.utils import translation

    assert strength_label(0.2) == "strong match"
    assert strength_label(0) == ""
    with translation.override("it"):
        assert strength_label(0.2) == "corrispondenza forte"
        assert strength_label(0.01) == "corrispondenza possibile"


def test_the_buyer_sees_its_supplier_as_a_strong_match_with_the_number_and_reasons(client, eworld):
    w = eworld
    best = whom_to_meet(w.p_es).suggestions[0]
    assert best.participant == w.p_it
    assert best.strength in ("strong", "good")  # both sides' needs and offers meet
    client.force_login(w.buyer_es)
    page = client.get(reverse("event_suggestions", args=[w.event.slug])).content.decode()
    assert best.strength_label.capitalize() in page
    assert f"{best.result.score:.2f}" in page  # the number stays beside the label
    assert "they offer what you seek" in page


# -- who is hidden, and why (counts only) -------------------------------------------------------


def test_a_participant_learns_how_many_are_hidden_and_why_but_not_who(client, eworld):
    w = eworld
    services.registration_update(
        actor=w.supplier_cz, participant=w.p_cz, data={"consent_public": False}
    )
    outlook = whom_to_meet(w.p_es)
    assert [s.participant for s in outlook.suggestions] == [w.p_it]
    # The Czech supplier is unpublished; the Slovak buyer is published but buyers may not
    # meet buyers.
    assert (outlook.hidden_unpublished, outlook.hidden_by_rules) == (1, 1)
    assert not outlook.me_unpublished and not outlook.me_meets_nobody
    client.force_login(w.buyer_es)
    page = client.get(reverse("event_suggestions", args=[w.event.slug])).content.decode()
    assert "1 participant keeps the profile unpublished" in page
    assert "do not let you meet 1 participant" in page
    assert "Petr Novák" not in page  # the unpublished participant stays unknown


def test_an_unpublished_participant_is_told_nobody_finds_them(client, eworld):
    w = eworld
    services.registration_update(
        actor=w.supplier_it, participant=w.p_it, data={"consent_public": False}
    )
    assert whom_to_meet(w.p_it).me_unpublished
    client.force_login(w.supplier_it)
    page = client.get(reverse("event_suggestions", args=[w.event.slug])).content.decode()
    assert 'id="self-unpublished"' in page
    assert reverse("event_registration_edit", args=[w.event.slug]) in page
    # ... and the buyer no longer sees her, but counts one unpublished participant.
    assert whom_to_meet(w.p_es).hidden_unpublished == 1


def test_a_participant_without_a_group_sees_that_the_rules_let_them_meet_nobody(client, eworld):
    w = eworld
    services.registration_update(actor=w.organiser, participant=w.p_sk, data={"group": None})
    outlook = whom_to_meet(w.p_sk)
    assert outlook.me_meets_nobody and outlook.suggestions == []
    assert outlook.hidden_by_rules == 3  # every other published participant
    client.force_login(w.buyer_sk)
    page = client.get(reverse("event_suggestions", args=[w.event.slug])).content.decode()
    assert 'id="self-no-group"' in page and "no participant group" in page
    assert 'id="no-suggestions"' in page


def test_suggestions_page_refuses_anonymous_strangers_and_waiting_registrations(client, eworld):
    w = eworld
    url = reverse("event_suggestions", args=[w.event.slug])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(w.stranger)
    assert client.get(url).status_code in (403, 404)
    client.force_login(w.organiser)  # organisers are not participants: no suggestions of theirs
    assert client.get(url).status_code in (403, 404)


def test_the_api_gives_the_strength_label_and_the_hidden_counts(client, eworld):
    w = eworld
    url = f"/api/events/{w.event.slug}/suggestions"
    bodies = matrix(
        w,
        "get",
        url,
        expect(
            {"requester": 200, "invitee": 200, "third": 200},
            hidden=("stranger", "organiser", "other_coordinator", "admin"),
        ),
    )
    body = bodies["invitee"]
    first = body["results"][0]
    assert first["strength"] == match_strength(first["score"])
    assert first["strength_label"] == strength_label(first["score"])
    assert body["hidden"] == {"unpublished": 0, "by_rules": 1}
    assert body["you_are_unpublished"] is False and body["you_meet_nobody"] is False


# -- the registration form explains publishing --------------------------------------------------


def test_the_registration_form_explains_what_publishing_means_and_leaves_it_unticked(
    client, eworld
):
    w = eworld
    client.force_login(w.stranger)
    page = client.get(reverse("event_register", args=[w.event.slug])).content.decode()
    assert "only the organisers see them" in page and "GDPR" in page
    box = page[page.index('name="consent_public"') - 120 : page.index('name="consent_public"') + 80]
    assert "checked" not in box  # consent stays opt-in


# -- the default group --------------------------------------------------------------------------


def _newcomer(w, username="newcomer_pt"):
    from clusterloom.directory.tests.factories import OrganisationFactory, country

    organisation = OrganisationFactory(name=f"Org {username}", country=country("PT"))
    return member(organisation, username), organisation


def test_self_registered_participants_land_in_the_default_group(eworld):
    w = eworld
    user, organisation = _newcomer(w)
    before = register(w, user, organisation)
    assert before.group is None  # no default group yet: nowhere, as before
    services.event_default_group_set(actor=w.organiser, event=w.event, group=w.suppliers.pk)
    user, organisation = _newcomer(w, "newcomer_two")
    after = register(w, user, organisation, items=[{"kind": "request", "title": "Seat fabrics"}])
    assert after.group == w.suppliers
    assert not whom_to_meet(after).me_meets_nobody
    # Who chooses a group keeps it.
    user, organisation = _newcomer(w, "newcomer_three")
    assert register(w, user, organisation, group=w.buyers.pk).group == w.buyers
    entry = AuditEntry.objects.filter(action="events.default_group_set").get()
    assert (entry.from_state, entry.to_state) == ("", "Suppliers")


def test_imported_rows_without_a_group_land_in_the_default_group(eworld):
    w = eworld
    services.event_default_group_set(actor=w.organiser, event=w.event, group="buyers")
    content = (
        "name,email,organisation,country,group\n"
        "Ana Silva,ana@example.org,Têxteis do Minho,PT,\n"
        "Rui Costa,rui@example.org,Têxteis do Minho,PT,Suppliers\n"
    ).encode()
    services.registrations_import(
        actor=w.organiser, event=w.event, file_name="p.csv", content=content
    )
    groups = dict(w.event.participants.filter(user__isnull=True).values_list("name", "group__name"))
    assert groups == {"Ana Silva": "Buyers", "Rui Costa": "Suppliers"}


def test_the_default_group_must_be_one_of_the_events_groups_and_only_organisers_set_it(eworld):
    w = eworld
    from clusterloom.events.models import ParticipantGroup

    foreign = ParticipantGroup.objects.create(
        event=services.event_create(
            actor=w.other_coordinator,
            partnership=w.other,
            data={
                "title": "Other event",
                "registration_opens": "2026-11-01",
                "registration_closes": "2026-12-01",
            },
        ),
        name="Elsewhere",
    )
    for value in (foreign.pk, "Nobody", 10**30):
        with pytest.raises(DomainError) as caught:
            services.event_default_group_set(actor=w.organiser, event=w.event, group=value)
        assert caught.value.field == "group"
    for user in (w.supplier_it, w.other_coordinator, w.stranger):
        with pytest.raises(PermissionDenied):
            services.event_default_group_set(actor=user, event=w.event, group=w.buyers.pk)
    w.event.refresh_from_db()
    assert w.event.default_group is None
    assert not AuditEntry.objects.filter(action="events.default_group_set").exists()


def test_the_organiser_sets_the_default_group_on_the_groups_page(client, eworld):
    w = eworld
    url = reverse("event_groups", args=[w.event.slug])
    client.force_login(w.organiser)
    page = client.get(url).content.decode()
    assert 'id="default-group-form"' in page
    response = client.post(url, {"action": "default", "default-default_group": w.suppliers.pk})
    assert response.status_code == 302
    w.event.refresh_from_db()
    assert w.event.default_group == w.suppliers
    bad = client.post(url, {"action": "default", "default-default_group": "999999"})
    assert bad.status_code == 400
    w.event.refresh_from_db()
    assert w.event.default_group == w.suppliers
    client.force_login(w.supplier_it)
    assert client.post(url, {"action": "default", "default-default_group": ""}).status_code == 403
    w.event.refresh_from_db()
    assert w.event.default_group == w.suppliers


def test_the_api_sets_the_default_group_for_organisers_only(eworld):
    w = eworld
    url = f"/api/events/{w.event.slug}/default-group"
    bodies = matrix(
        w,
        "put",
        url,
        expect(
            {"organiser": 200, "admin": 200},
            forbidden=("requester", "invitee", "third", "stranger", "other_coordinator"),
        ),
        body={"group": "Suppliers"},
    )
    assert bodies["organiser"]["default_group"]["name"] == "Suppliers"
    bad = matrix(w, "put", url, {"organiser": 400}, body={"group": "Nobody"})
    assert "Nobody" in str(bad["organiser"])


# -- participants nobody can find, and the reminder ----------------------------------------------


def _unfindable(w):
    services.registration_update(
        actor=w.supplier_cz, participant=w.p_cz, data={"consent_public": False}
    )
    services.registration_update(actor=w.organiser, participant=w.p_sk, data={"group": None})


def test_the_organiser_sees_who_nobody_can_find_and_why(client, eworld):
    w = eworld
    _unfindable(w)
    found = findability.event_findability(w.event)
    assert (found.approved, found.unpublished, found.meets_nobody) == (4, [w.p_cz], [w.p_sk])
    client.force_login(w.organiser)
    detail = client.get(reverse("event_detail", args=[w.event.slug])).content.decode()
    assert "2 participants nobody can find" in detail
    page = client.get(reverse("event_findability", args=[w.event.slug])).content.decode()
    assert "2 of 4 approved participants cannot be found" in page
    assert "Petr Novák" in page and "Ján Kováč" in page


def test_the_reminder_mails_each_unfindable_participant_once_in_three_days_and_is_audited(
    client, eworld, django_capture_on_commit_callbacks
):
    w = eworld
    _unfindable(w)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = findability.findability_remind(actor=w.organiser, event=w.event)
    assert (done.sent, done.recently, done.no_address) == (2, 0, 0)
    by_address = {tuple(m.to): m for m in mail.outbox}
    to_cz = by_address[(w.supplier_cz.email,)]
    assert "Nobody can find you" in to_cz.subject
    assert "not published" in to_cz.body and "withdraw" in to_cz.body
    assert reverse("event_registration_edit", args=[w.event.slug]) in to_cz.body
    assert "no group" in by_address[(w.buyer_sk.email,)].body
    entry = AuditEntry.objects.get(action="events.findability_reminded")
    assert sorted(entry.changes["reminded"]) == sorted([w.p_cz.pk, w.p_sk.pk])
    # Asking again at once reminds nobody twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = findability.findability_remind(actor=w.organiser, event=w.event)
    assert (again.sent, again.recently) == (0, 2) and mail.outbox == []
    # Three days later they may be reminded again.
    Participant.objects.filter(pk__in=[w.p_cz.pk, w.p_sk.pk]).update(
        findability_reminded_at=timezone.now() - datetime.timedelta(days=3, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert findability.findability_remind(actor=w.organiser, event=w.event).sent == 2


def test_nobody_to_remind_is_a_clear_error_and_others_may_not_remind(eworld):
    w = eworld
    with pytest.raises(DomainError, match="nobody to remind"):
        findability.findability_remind(actor=w.organiser, event=w.event)
    _unfindable(w)
    for user in (w.supplier_it, w.other_coordinator, w.stranger):
        with pytest.raises(PermissionDenied):
            findability.findability_remind(actor=user, event=w.event)
    assert not Participant.objects.filter(findability_reminded_at__isnull=False).exists()


def test_the_findability_page_is_for_organisers_only(client, eworld):
    w = eworld
    _unfindable(w)
    url = reverse("event_findability", args=[w.event.slug])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user in (w.supplier_it, w.other_coordinator):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    assert not Participant.objects.filter(findability_reminded_at__isnull=False).exists()
    client.force_login(w.organiser)
    response = client.post(url, follow=True)
    assert "2 participants reminded by e-mail" in response.content.decode()
    response = client.post(url, follow=True)
    assert "were reminded less than 3 days ago" in response.content.decode()


def test_the_findability_api_for_organisers(eworld):
    w = eworld
    _unfindable(w)
    url = f"/api/events/{w.event.slug}/findability"
    forbidden = ("requester", "invitee", "third", "stranger", "other_coordinator")
    bodies = matrix(w, "get", url, expect({"organiser": 200, "admin": 200}, forbidden=forbidden))
    assert bodies["organiser"] == {
        "approved": 4,
        "unfindable": 2,
        "unpublished": [w.p_cz.pk],
        "meets_nobody": [w.p_sk.pk],
    }
    bodies = matrix(
        w, "post", url + "/remind", expect({"organiser": 200, "admin": 200}, forbidden=forbidden)
    )
    assert bodies["organiser"] == {"sent": 2, "recently_reminded": 0, "no_address": 0}
