"""The organiser approves, rejects or sets the group of many registrations in one step: all of
them or none, with a message naming the registration that stopped it; nobody else may."""

import pytest
from django.urls import reverse

from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.events import services
from clusterloom.events.models import Participant

from .conftest import register

pytestmark = pytest.mark.django_db


def _newcomers(w):
    """Two registrations awaiting approval (the stranger's and an admin-made one)."""
    from clusterloom.directory.tests.factories import OrganisationFactory, country

    from .conftest import member

    other = member(
        OrganisationFactory(name="Fibre Lab", slug="fibre-lab", country=country("DE")), "fibre"
    )
    return [
        register(w, w.stranger, w.stranger.person.organisation, approve=False),
        register(w, other, other.person.organisation, approve=False),
    ]


def test_many_registrations_are_approved_in_one_step(eworld):
    w = eworld
    a, b = _newcomers(w)
    n = services.registrations_bulk(
        actor=w.organiser, event=w.event, ids=[a.pk, str(b.pk)], action="approve"
    )
    assert n == 2
    assert set(
        Participant.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)
    ) == {"approved"}
    assert AuditEntry.objects.filter(action="events.registration_reviewed").count() >= 2


def test_one_closed_registration_stops_the_whole_step(eworld):
    w = eworld
    a, b = _newcomers(w)
    services.registration_cancel(actor=w.stranger, participant=a)
    with pytest.raises(DomainError) as error:
        services.registrations_bulk(
            actor=w.organiser, event=w.event, ids=[a.pk, b.pk], action="approve"
        )
    assert a.name in error.value.message and "Nothing was changed" in error.value.message
    assert Participant.objects.get(pk=b.pk).status == "submitted"


def test_groups_are_set_for_many_and_cleared(eworld):
    w = eworld
    ids = [w.p_it.pk, w.p_cz.pk]
    services.registrations_bulk(
        actor=w.organiser, event=w.event, ids=ids, action="group", group=w.buyers.pk
    )
    assert set(Participant.objects.filter(pk__in=ids).values_list("group", flat=True)) == {
        w.buyers.pk
    }
    services.registrations_bulk(actor=w.organiser, event=w.event, ids=ids, action="group", group="")
    assert set(Participant.objects.filter(pk__in=ids).values_list("group", flat=True)) == {None}


@pytest.mark.parametrize(
    "ids, action, group, words",
    [
        ([], "approve", None, "Tick at least one"),
        (["x"], "approve", None, "not of this event"),
        (["²"], "approve", None, "not of this event"),
        ([99999999], "reject", None, "not of this event"),
        ([1], "delete", None, "Choose approve, reject"),
        (None, "group", "no such group", "Unknown group"),
    ],
)
def test_bad_input_is_a_clear_message_and_changes_nothing(eworld, ids, action, group, words):
    w = eworld
    before = list(Participant.objects.order_by("pk").values_list("status", "group"))
    with pytest.raises(DomainError) as error:
        services.registrations_bulk(
            actor=w.organiser,
            event=w.event,
            ids=[w.p_it.pk] if ids is None else ids,
            action=action,
            group=group,
        )
    assert words in error.value.message
    assert list(Participant.objects.order_by("pk").values_list("status", "group")) == before


def test_ids_of_another_event_are_refused(eworld):
    w = eworld
    from clusterloom.events.models import MatchmakingEvent

    assert MatchmakingEvent.objects.count() == 1
    with pytest.raises(DomainError):
        services.registrations_bulk(
            actor=w.organiser, event=w.event, ids=[w.p_it.pk, w.p_it.pk + 1000], action="reject"
        )


@pytest.mark.parametrize("who", ["other_coordinator", "supplier_it", "stranger"])
def test_only_the_organisers_may(eworld, who):
    w = eworld
    with pytest.raises(PermissionDenied):
        services.registrations_bulk(
            actor=getattr(w, who), event=w.event, ids=[w.p_it.pk], action="reject"
        )


def test_the_registrations_page_approves_the_ticked_ones(client, eworld):
    w = eworld
    a, b = _newcomers(w)
    client.force_login(w.organiser)
    page = client.get(reverse("event_registrations", args=[w.event.slug])).content.decode()
    assert 'id="bulk"' in page and f'name="participants" value="{a.pk}" form="bulk"' in page
    url = reverse("event_registrations_bulk", args=[w.event.slug])
    response = client.post(
        url, {"participants": [a.pk, b.pk], "action": "approve", "status": "submitted"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?status=submitted")
    followed = client.get(response["Location"]).content.decode()
    assert "2 registrations approved." in followed
    response = client.post(url, {"participants": [], "action": "reject"}, follow=True)
    assert "Tick at least one registration." in response.content.decode()
    client.force_login(w.supplier_it)
    assert client.post(url, {"participants": [a.pk], "action": "reject"}).status_code == 403
    assert Participant.objects.get(pk=a.pk).status == "approved"
