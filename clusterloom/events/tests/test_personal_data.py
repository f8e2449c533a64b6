"""A participant's personal data (GDPR): the account export holds their registration, items,
meeting requests with messages and feedback; erasure cancels live requests, blanks what they
wrote and anonymises the registration, which other participants no longer read."""

import json

from django.test import Client

from clusterloom.core.services import account_erase, personal_data_export
from clusterloom.events.meetings import meeting_request
from clusterloom.events.models import MarketplaceItem, Meeting, MeetingStatus, Participant

from .conftest import send


def test_export_holds_registrations_requests_and_messages(eworld):
    w = eworld
    meeting_request(actor=w.buyer_es, requester=w.p_es, invitee=w.p_it, message="Call me at 555")
    data = json.loads(json.dumps(personal_data_export(user=w.buyer_es)))
    (registration,) = data["events"]
    assert registration["event"] == "Textiles meet automotive"
    assert registration["profile"] == "We buy technical textiles for car interiors."
    assert registration["items"][0]["title"] == "Technical textiles for car seats"
    assert registration["meetings"][0]["message"] == "Call me at 555"
    assert registration["meetings"][0]["requested_by_me"] is True


def test_erasure_cancels_requests_and_anonymises_the_registration(eworld):
    w = eworld
    request = meeting_request(
        actor=w.buyer_es, requester=w.p_es, invitee=w.p_it, message="Call me at 555"
    )
    url = f"/api/events/{w.event.slug}/participants/{w.p_es.pk}"
    assert send(Client(), "get", url, user=w.buyer_sk).status_code == 200
    old_token = w.p_es.calendar_token
    account_erase(user=w.buyer_es)

    erased = Participant.objects.get(pk=w.p_es.pk)
    assert erased.name == "(erased)" and erased.email == "" and erased.profile == ""
    assert erased.user is None and erased.person is None and erased.meeting_link == ""
    assert erased.status == "cancelled" and not erased.consent_public
    assert erased.calendar_token != old_token
    assert not MarketplaceItem.objects.filter(participant=erased).exists()
    request.refresh_from_db()
    assert request.status == MeetingStatus.CANCELLED and request.message == ""
    # Other participants no longer read it; the invitee's list of requests has nothing open.
    assert send(Client(), "get", url, user=w.buyer_sk).status_code == 404
    assert not Meeting.objects.filter(invitee=w.p_it, status=MeetingStatus.REQUESTED).exists()
