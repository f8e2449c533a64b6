"""One organisation per name, however it is spelled."""

import pytest

from clusterloom.core.errors import DomainError
from clusterloom.directory.models import Organisation
from clusterloom.directory.names import name_key
from clusterloom.directory.services import (
    organisation_create,
    organisation_get_or_create_by_name,
    organisation_update,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("CLUTEX - klastr technicke textilie, z.s.", "Clutex – Klastr Technicke Textilie"),
        ("Technická univerzita v Liberci", "TECHNICKA UNIVERZITA V LIBERCI"),
        ("Textil s.r.o.", "Textil"),
        ("Fraunhofer-Gesellschaft e.V.", "Fraunhofer Gesellschaft"),
    ],
)
def test_name_keys_ignore_case_accents_dashes_and_legal_suffixes(a, b):
    assert name_key(a) == name_key(b)


def test_different_names_stay_different():
    assert name_key("Textil Liberec") != name_key("Textil Praha")


@pytest.mark.django_db
def test_partnership_listings_match_one_record():
    first, created = organisation_get_or_create_by_name(
        name="CLUTEX - klastr technicke textilie, z.s.", country="CZ", kind="cluster"
    )
    again, created_again = organisation_get_or_create_by_name(
        name="Clutex – Klastr Technicke Textilie", country="Czech Republic", kind="cluster"
    )
    short, _ = organisation_get_or_create_by_name(name="CLUTEX", country="CZ", kind="cluster")
    assert created and not created_again
    assert first.pk == again.pk == short.pk
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_acronym_prefixed_listing_matches_plain_name():
    plain, _ = organisation_get_or_create_by_name(
        name="Next Technology Tecnotessile", country="IT", kind="cluster"
    )
    listed, created = organisation_get_or_create_by_name(
        name="OTIR2020-TFC - Next Technology Tecnotessile", country="IT", kind="cluster"
    )
    assert not created and listed.pk == plain.pk


@pytest.mark.django_db
def test_same_name_in_another_country_is_another_organisation():
    cz, _ = organisation_get_or_create_by_name(name="Textile Cluster", country="CZ")
    sk, created = organisation_get_or_create_by_name(name="Textile Cluster", country="SK")
    assert created and cz.pk != sk.pk
    assert cz.slug != sk.slug


@pytest.mark.django_db
def test_existing_data_is_kept_and_blanks_filled():
    org, _ = organisation_get_or_create_by_name(
        name="Clutex", country="CZ", kind="other", defaults={"website": ""}
    )
    organisation_update(actor=None, organisation=org, data={"description": "Ours"})
    again, _ = organisation_get_or_create_by_name(
        name="CLUTEX z.s.", country="CZ", kind="cluster", defaults={"website": "clutex.cz"}
    )
    again.refresh_from_db()
    assert again.kind == "cluster" and again.website == "https://clutex.cz"
    assert again.description == "Ours"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "country": "CZ"}, "name"),
        ({"name": "A", "country": "Atlantis"}, "country"),
        ({"name": "A", "country": "CZ", "kind": "spaceship"}, "kind"),
        ({"name": "A", "country": "CZ", "website": "not a url"}, "website"),
        ({"name": "A", "country": "CZ", "region": "ES30"}, "region"),
    ],
)
def test_create_rejects_bad_data_with_the_field(data, field):
    with pytest.raises(DomainError) as caught:
        organisation_create(actor=None, data=data)
    assert caught.value.field == field
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_create_resolves_region_and_city_and_audits():
    from clusterloom.core.models import AuditEntry

    org = organisation_create(
        actor=None,
        data={"name": "AECIM", "country": "ES", "region": "Comunidad de Madrid", "city": "Madrid"},
    )
    assert org.region_id == "ES30" and org.city.name == "Madrid" and org.slug == "aecim"
    assert AuditEntry.objects.filter(action="organisation.created", object_id=str(org.pk)).exists()
