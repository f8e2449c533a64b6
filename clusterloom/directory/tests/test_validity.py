"""ECCP profile validity: each criterion at its boundary, and unknown when data is missing."""

from decimal import Decimal

import pytest

from clusterloom.directory.models import ClusterMembership
from clusterloom.directory.validity import (
    FAILED,
    PASSED,
    UNKNOWN,
    ClusterFacts,
    cluster_validity,
    profile_validity,
)

from .factories import OrganisationFactory

VALID = ClusterFacts(
    management_fte=Decimal("1.0"),
    member_count=40,
    member_kinds=frozenset({"sme", "university"}),
    website="https://clutex.cz",
    website_in_english=True,
)


def status(facts: ClusterFacts, code: str) -> str:
    return next(c.status for c in profile_validity(facts).criteria if c.code == code)


def with_(**changes) -> ClusterFacts:
    return ClusterFacts(**{**VALID.__dict__, **changes})


def test_valid_profile_passes_all():
    assert profile_validity(VALID).status == PASSED


@pytest.mark.parametrize(
    ("fte", "expected"),
    [("0.49", FAILED), ("0.5", PASSED), ("0.50", PASSED), (None, UNKNOWN)],
)
def test_management_staff_boundary(fte, expected):
    assert status(with_(management_fte=Decimal(fte) if fte else None), "staff") == expected


@pytest.mark.parametrize(("count", "expected"), [(14, FAILED), (15, PASSED), (None, UNKNOWN)])
def test_member_count_boundary(count, expected):
    assert status(with_(member_count=count), "members") == expected


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [({"sme"}, FAILED), ({"sme", "rto"}, PASSED), (None, UNKNOWN)],
)
def test_member_kinds_boundary(kinds, expected):
    facts = with_(member_kinds=frozenset(kinds) if kinds is not None else None)
    assert status(facts, "member_kinds") == expected


@pytest.mark.parametrize(
    ("english", "expected"), [(True, PASSED), (False, FAILED), (None, UNKNOWN)]
)
def test_english_website(english, expected):
    assert status(with_(website_in_english=english), "website") == expected


def test_overall_failed_beats_unknown():
    facts = with_(member_count=3, management_fte=None)
    assert profile_validity(facts).status == FAILED
    assert profile_validity(with_(management_fte=None)).status == UNKNOWN


@pytest.mark.django_db
def test_listed_members_count_and_kinds_over_declared(cluster):
    cluster.member_count = 10
    cluster.declared_member_kinds = ["sme"]
    cluster.management_fte = Decimal("2")
    cluster.website_in_english = True
    cluster.save()
    validity = cluster_validity(cluster)
    assert [c.status for c in validity.criteria] == [PASSED, FAILED, FAILED, PASSED]
    for n in range(15):
        ClusterMembership.objects.create(
            cluster=cluster, organisation=OrganisationFactory(kind="sme" if n else "university")
        )
    assert cluster_validity(cluster).status == PASSED
