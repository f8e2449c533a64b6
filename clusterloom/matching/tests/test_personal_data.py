"""Partner matching's personal data (GDPR): the export holds the requests a user posted and
follows and the interest they expressed; erasure closes their open requests and takes them off
the public list, and forgets them as poster, follower and interested party."""

import json

import pytest
from django.test import Client

from clusterloom.core.services import account_erase, personal_data_export
from clusterloom.matching.models import PartnerInterest, PartnerRequest
from clusterloom.matching.request_services import (
    partner_interest_express,
    partner_request_create,
    partner_request_follow,
)

pytestmark = pytest.mark.django_db


def _posted(roles, world):
    return partner_request_create(
        actor=roles.manager,
        organisation=world.automotive_es,
        data={"title": "Textiles for car interiors", "sought": "Seat fabrics, call Ana 555."},
    )


def test_export_and_erasure(roles, world):
    mine = _posted(roles, world)
    theirs = partner_request_create(
        actor=roles.member,
        organisation=world.textile_cz,
        data={"title": "Automotive buyers", "sought": "Tier-1 suppliers."},
    )
    partner_request_follow(actor=roles.manager, partner_request=theirs)
    partner_interest_express(actor=roles.manager, partner_request=theirs, message="Me! Ana")

    data = json.loads(json.dumps(personal_data_export(user=roles.manager)))["partner_matching"]
    assert data["partner_requests_posted"][0]["sought"] == "Seat fabrics, call Ana 555."
    assert data["partner_requests_followed"] == ["Automotive buyers"]
    assert data["interests_expressed"][0]["message"] == "Me! Ana"

    account_erase(user=roles.manager)
    mine.refresh_from_db()
    assert mine.status == "closed" and not mine.is_public and mine.posted_by is None
    assert not PartnerInterest.objects.filter(request=theirs).exists()
    assert not PartnerRequest.objects.get(pk=theirs.pk).followers.exists()
    listing = Client().get("/partners/requests/").content.decode()
    assert "Textiles for car interiors" not in listing
