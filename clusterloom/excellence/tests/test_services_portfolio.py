"""The service portfolio: new or improved services, their partners, bad input."""

import datetime

import pytest

from clusterloom.core.errors import DomainError
from clusterloom.core.models import AuditEntry
from clusterloom.excellence import selectors
from clusterloom.excellence import services as s
from clusterloom.excellence.models import ClusterService

pytestmark = pytest.mark.django_db


def _create(w, **data):
    return s.service_create(
        actor=w.manager_a,
        organisation=w.a,
        data={"name": "Testing lab access", "novelty": "improved", **data},
    )


def test_service_with_partners_and_partnership(world):
    service = _create(
        world,
        built_with=[world.b.pk, world.c.pk],
        partnership="xtex",
        launched_on="2025-03-01",
        target_groups="Member SMEs",
    )
    assert service.partnership == world.partnership
    assert service.launched_on == datetime.date(2025, 3, 1)
    assert sorted(o.slug for o in service.built_with.all()) == ["beta", "gamma"]
    service = s.service_update(actor=world.coordinator, service=service, data={"built_with": []})
    assert not service.built_with.exists()
    assert AuditEntry.objects.filter(action__startswith="excellence.service_").count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"novelty": "revolutionary"}, "novelty"),
        ({"launched_on": "next spring"}, "launched_on"),
        ({"built_with": [999999]}, "built_with"),
        ({"built_with": ["x"]}, "built_with"),
        ({"partnership": "other"}, "partnership"),
    ],
)
def test_bad_input_is_refused_naming_the_field(world, data, field):
    with pytest.raises(DomainError) as error:
        _create(world, **data)
    assert error.value.field == field
    assert not ClusterService.objects.exists()


def test_the_cluster_itself_is_not_its_own_partner(world):
    with pytest.raises(DomainError) as error:
        _create(world, built_with=[world.a.pk])
    assert error.value.field == "built_with"


def test_unpublished_services_are_for_those_who_may_change_them(world):
    _create(world, is_published=False)
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.services_visible_to(AnonymousUser()).exists()
    assert not selectors.services_visible_to(world.manager_b).exists()
    assert selectors.services_visible_to(world.coordinator).count() == 1
