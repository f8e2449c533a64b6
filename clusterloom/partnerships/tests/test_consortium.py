"""The ESCP consortium rules: the pure check at its boundaries, and on real partnerships."""

from pathlib import Path

import pytest

from clusterloom.geo.models import Region
from clusterloom.partnerships.consortium import PartnerFacts, check_consortium
from clusterloom.partnerships.services import consortium_check, partnership_import_eccp


def _partner(n, country="CZ", category="more_developed", kind="cluster", eligible=True):
    return PartnerFacts(
        name=f"Cluster {n}",
        kind=kind,
        country_code=country,
        country_eligible=eligible,
        region_name=f"Region {n}" if category is not None else "",
        region_category=category or "",
    )


def _status(partners):
    return {r.rule: r.status for r in check_consortium(partners)}


def test_two_partners_fail_three_pass():
    two = [_partner(1, "CZ", "transition"), _partner(2, "IT")]
    assert _status(two)["min_partners"] == "failed"
    three = [*two, _partner(3, "ES")]
    assert _status(three) == {
        "min_partners": "passed",
        "min_countries": "passed",
        "cohesion_region": "passed",
        "partner_kinds": "passed",
    }


def test_countries_counted_once_and_only_when_eligible():
    partners = [_partner(1, "CZ", "transition"), _partner(2, "CZ"), _partner(3, "IT")]
    result = check_consortium(partners)[1]
    assert (result.status, result.params["count"]) == ("failed", 2)
    partners.append(_partner(4, "US", eligible=False))
    result = check_consortium(partners)[1]
    assert result.status == "failed"
    assert "Cluster 4" in result.message
    partners.append(_partner(5, "TR"))  # Turkey took part in COSME
    assert check_consortium(partners)[1].status == "passed"


@pytest.mark.parametrize(
    ("categories", "status"),
    [
        (["less_developed", "more_developed", "more_developed"], "passed"),
        (["transition", "more_developed", "more_developed"], "passed"),
        (["more_developed", "more_developed", "more_developed"], "failed"),
        (["unknown", "more_developed", "more_developed"], "unknown"),
        ([None, "more_developed", "more_developed"], "unknown"),
    ],
)
def test_cohesion_region(categories, status):
    partners = [
        _partner(i, c, cat) for i, (c, cat) in enumerate(zip("ABC", categories, strict=True))
    ]
    assert _status(partners)["cohesion_region"] == status


def test_unknown_category_names_the_region():
    partners = [_partner(1, "CZ", "unknown"), _partner(2, "IT"), _partner(3, "ES")]
    result = check_consortium(partners)[2]
    assert result.message == "Set the category of region Region 1 to check this rule."


def test_every_partner_must_be_cluster_like():
    partners = [_partner(1, "CZ", "transition"), _partner(2, "IT", kind="business_network")]
    partners.append(_partner(3, "ES", kind="university"))
    result = check_consortium(partners)[3]
    assert result.status == "failed"
    assert "Cluster 3" in result.message and "Cluster 2" not in result.message


@pytest.mark.django_db
def test_extratex_unknown_until_region_categories_are_set():
    text = (Path(__file__).parents[1] / "seeds" / "extratex-eccp.txt").read_text("utf-8")
    extratex = partnership_import_eccp(actor=None, text=text).partnership
    Region.objects.filter(code__in=["ES30", "SK01", "CZ05", "ITI1"]).update(category="unknown")
    results = {r.rule: r for r in consortium_check(extratex)}
    assert results["min_partners"].status == "passed"
    assert results["min_countries"].status == "passed"
    assert results["partner_kinds"].status == "passed"
    assert results["cohesion_region"].status == "unknown"
    assert "Severovýchod (CZ05)" in results["cohesion_region"].message
    Region.objects.filter(code="CZ05").update(category="less_developed")
    results = {r.rule: r for r in consortium_check(extratex)}
    assert results["cohesion_region"].status == "passed"
    assert "CLUTEX" in results["cohesion_region"].message
