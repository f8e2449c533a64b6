"""Partnership services: create, update, composition and targets, with validation and audit."""

import datetime

import pytest

from clusterloom.core.errors import DomainError
from clusterloom.core.models import AuditEntry
from clusterloom.directory.tests.factories import ClusterOrganisationFactory
from clusterloom.partnerships.services import (
    partnership_create,
    partnership_member_set,
    partnership_update,
    target_confirm,
    target_set,
)

from .factories import PartnershipFactory, TargetFactory

pytestmark = pytest.mark.django_db


def test_create_derives_slug_and_audits():
    p = partnership_create(
        actor=None,
        data={"acronym": "Hi-Tech-TEX", "title": "Hi-tech textiles", "start_date": "2020-02-03"},
    )
    assert p.slug == "hi-tech-tex"
    assert p.start_date == datetime.date(2020, 2, 3)
    assert AuditEntry.objects.filter(action="partnership.created", object_id=str(p.pk)).exists()
    again = partnership_create(actor=None, data={"acronym": "HI TECH TEX", "title": "Other"})
    assert again.slug == "hi-tech-tex-2"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "No acronym"}, "acronym"),
        ({"acronym": "X"}, "title"),
        ({"acronym": "X", "title": "T", "programme": "ESCP-9z"}, "programme"),
        ({"acronym": "X", "title": "T", "start_date": "3 February"}, "start_date"),
        ({"acronym": "X", "title": "T", "duration_months": -1}, "duration_months"),
        ({"acronym": "X", "title": "T", "stated_partner_count": "six"}, "stated_partner_count"),
        ({"acronym": "X", "title": "T", "website": "not a site"}, "website"),
        ({"acronym": "X", "title": "T", "colour": "red"}, "colour"),
        ({"acronym": "X" * 41, "title": "T"}, "acronym"),
    ],
)
def test_create_refuses_bad_data_naming_the_field(data, field):
    with pytest.raises(DomainError) as error:
        partnership_create(actor=None, data=data)
    assert error.value.field == field


def test_acronyms_are_unique_ignoring_case():
    PartnershipFactory(acronym="EXTRATEX")
    with pytest.raises(DomainError) as error:
        partnership_create(actor=None, data={"acronym": "extratex", "title": "T"})
    assert error.value.field == "acronym"


def test_update_audits_changed_fields_only():
    p = PartnershipFactory(acronym="EXTRATEX", duration_months=20)
    partnership_update(actor=None, partnership=p, data={"duration_months": 24, "title": p.title})
    entry = AuditEntry.objects.get(action="partnership.updated", object_id=str(p.pk))
    assert entry.changes == {"duration_months": [20, 24]}
    partnership_update(actor=None, partnership=p, data={"duration_months": "24"})
    assert AuditEntry.objects.filter(action="partnership.updated").count() == 1


def test_member_set_adds_then_changes_role():
    p = PartnershipFactory()
    org = ClusterOrganisationFactory()
    member = partnership_member_set(
        actor=None, partnership=p, organisation=org, role="partner", order=2
    )
    same = partnership_member_set(
        actor=None, partnership=p, organisation=org, role="coordinator", order=0
    )
    assert same.pk == member.pk
    assert (same.role, same.order, same.role_inferred) == ("coordinator", 0, False)
    assert p.members.count() == 1
    with pytest.raises(DomainError) as error:
        partnership_member_set(actor=None, partnership=p, organisation=org, role="boss", order=0)
    assert error.value.field == "role"


def test_target_set_confirms_and_confirm_corrects():
    p = PartnershipFactory()
    proposed = TargetFactory(partnership=p, code="exchanges", value=59)
    target = target_set(actor=None, partnership=p, code="exchanges", value=60)
    assert target.pk == proposed.pk
    assert (target.value, target.status) == (60, "confirmed")
    other = TargetFactory(partnership=p, code="labels_bronze", value=3)
    target_confirm(actor=None, target=other)
    other.refresh_from_db()
    assert (other.value, other.status) == (3, "confirmed")
    target_confirm(actor=None, target=other, value=4)
    other.refresh_from_db()
    assert other.value == 4
    assert AuditEntry.objects.filter(action="target.confirmed").count() == 2


@pytest.mark.parametrize(
    ("code", "value", "field"),
    [("ufo", 1, "code"), ("exchanges", -3, "value"), ("exchanges", "many", "value")],
)
def test_target_set_refuses_bad_input(code, value, field):
    with pytest.raises(DomainError) as error:
        target_set(actor=None, partnership=PartnershipFactory(), code=code, value=value)
    assert error.value.field == field
