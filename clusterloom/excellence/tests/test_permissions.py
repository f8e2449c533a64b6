"""Who may change what, per role: a cluster's labels, benchmarkings and services are changed by
its managers and its partnerships' coordinators; indicator sets by their partnership's
coordinators (preloaded ones by admins only). A refused step writes nothing; every page answers
each role with the right status."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client

from clusterloom.core.errors import PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.excellence import indicator_sets as sets
from clusterloom.excellence import services as s

from .conftest import ROLES, bench, label, user_of

pytestmark = pytest.mark.django_db
D = datetime.date
CHANGERS = {"manager", "coordinator", "admin"}


@pytest.fixture
def w(world):
    """A's published label and benchmarking, a service of A, a set of XTEX."""
    world.benchmarking = bench(world, world.a, D(2024, 1, 15))
    world.label = label(world, world.a, awarded_on=D(2024, 2, 1))
    world.service = s.service_create(
        actor=world.admin, organisation=world.a, data={"name": "Lab", "novelty": "new"}
    )
    world.improvement = s.improvement_create(
        actor=world.admin, benchmarking=world.benchmarking, data={"title": "Survey"}
    )
    world.set = sets.indicator_set_create(
        actor=world.coordinator,
        partnership=world.partnership,
        data={"name": "XTEX set", "areas": [{"name": "Strategy"}]},
    )
    return world


def _actor(w, role):
    return user_of(w, role) or AnonymousUser()


STEPS = {
    "label create": (
        lambda w, u: s.label_create(
            actor=u, organisation=w.a, data={"level": "bronze", "awarded_on": D(2024, 3, 1)}
        ),
        CHANGERS,
    ),
    "label update": (
        lambda w, u: s.label_update(actor=u, label=w.label, data={"notes": "x"}),
        CHANGERS,
    ),
    "label delete": (lambda w, u: s.label_delete(actor=u, label=w.label), CHANGERS),
    "benchmarking create": (
        lambda w, u: s.benchmarking_create(
            actor=u,
            organisation=w.a,
            data={"indicator_set": w.bronze.pk, "held_on": D(2025, 1, 1)},
        ),
        CHANGERS,
    ),
    "benchmarking update": (
        lambda w, u: s.benchmarking_update(actor=u, benchmarking=w.benchmarking, data={}),
        CHANGERS,
    ),
    "improvement create": (
        lambda w, u: s.improvement_create(
            actor=u, benchmarking=w.benchmarking, data={"title": "x"}
        ),
        CHANGERS,
    ),
    "improvement update": (
        lambda w, u: s.improvement_update(
            actor=u, improvement=w.improvement, data={"status": "in_progress"}
        ),
        CHANGERS,
    ),
    "improvement delete": (
        lambda w, u: s.improvement_delete(actor=u, improvement=w.improvement),
        CHANGERS,
    ),
    "service create": (
        lambda w, u: s.service_create(
            actor=u, organisation=w.a, data={"name": "New", "novelty": "new"}
        ),
        CHANGERS,
    ),
    "service update": (
        lambda w, u: s.service_update(actor=u, service=w.service, data={"name": "Y"}),
        CHANGERS,
    ),
    "service delete": (lambda w, u: s.service_delete(actor=u, service=w.service), CHANGERS),
    "set create": (
        lambda w, u: sets.indicator_set_create(
            actor=u, partnership=w.partnership, data={"name": "N", "areas": ["A"]}
        ),
        {"coordinator", "admin"},
    ),
    "set update": (
        lambda w, u: sets.indicator_set_update(actor=u, indicator_set=w.set, data={"name": "M"}),
        {"coordinator", "admin"},
    ),
    "preloaded set update": (
        lambda w, u: sets.indicator_set_update(
            actor=u, indicator_set=w.bronze, data={"name": "Mine"}
        ),
        {"admin"},
    ),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_who_may_take_each_step(w, step):
    call, allowed = STEPS[step]
    pks = {name: getattr(w, name).pk for name in ("label", "improvement", "service")}
    for role in ROLES:
        with transaction.atomic():
            for name, pk in pks.items():  # a delete in an earlier role emptied the instance
                setattr(w, name, type(getattr(w, name)).objects.get(pk=pk))
            audited = AuditEntry.objects.count()
            if role in allowed:
                call(w, _actor(w, role))
                assert AuditEntry.objects.count() > audited, (step, role)
            else:
                with pytest.raises(PermissionDenied):
                    call(w, _actor(w, role))
                assert AuditEntry.objects.count() == audited, (step, role)
            transaction.set_rollback(True)


def test_a_set_in_use_keeps_its_structure(w):
    bench(w, w.a, D(2025, 1, 1))
    from clusterloom.core.errors import DomainError

    with pytest.raises(DomainError) as error:
        sets.indicator_set_update(actor=w.admin, indicator_set=w.bronze, data={"areas": ["X"]})
    assert error.value.field == "areas" and "Create a new set" in error.value.message
    assert w.bronze.areas.count() == 6


def _status(w, role, url, method="get"):
    client = Client()
    user = user_of(w, role)
    if user is not None:
        client.force_login(user)
    with transaction.atomic():
        code = getattr(client, method)(url).status_code
        transaction.set_rollback(True)
    return code


def _pages(w):
    """page -> expected status per role (anonymous on a change page: redirect to log in)."""
    change = {r: 200 if r in CHANGERS else 403 for r in ROLES} | {"anonymous": 302}
    public = dict.fromkeys(ROLES, 200)
    return {
        "/excellence/": public,
        "/excellence/organisations/alpha/": public,
        "/excellence/organisations/alpha/labels/new/": change,
        "/excellence/organisations/alpha/benchmarkings/new/": change,
        "/excellence/organisations/alpha/services/new/": change,
        f"/excellence/labels/{w.label.pk}/edit/": change,
        f"/excellence/benchmarkings/{w.benchmarking.pk}/": public,
        f"/excellence/benchmarkings/{w.benchmarking.pk}/edit/": change,
        f"/excellence/benchmarkings/{w.benchmarking.pk}/improvements/new/": change,
        f"/excellence/improvements/{w.improvement.pk}/edit/": change,
        f"/excellence/services/{w.service.pk}/edit/": change,
        "/excellence/sets/": public,
        f"/excellence/sets/{w.set.pk}/": public,
        f"/excellence/sets/{w.set.pk}/edit/": {
            r: 200 if r in ("coordinator", "admin") else 403 for r in ROLES
        }
        | {"anonymous": 302},
        "/excellence/sets/new/?partnership=xtex": {
            r: 200 if r in ("coordinator", "admin") else 403 for r in ROLES
        }
        | {"anonymous": 302},
    }


def test_every_page_per_role(w):
    for url, expected in _pages(w).items():
        got = {role: _status(w, role, url) for role in ROLES}
        assert got == expected, url


def test_unpublished_items_are_hidden_pages(w):
    s.label_update(actor=w.admin, label=w.label, data={"is_published": False})
    s.benchmarking_update(actor=w.admin, benchmarking=w.benchmarking, data={"is_published": False})
    hidden = {r: 404 for r in ROLES} | {r: 200 for r in CHANGERS}
    assert {
        r: _status(w, r, f"/excellence/benchmarkings/{w.benchmarking.pk}/") for r in ROLES
    } == hidden
    page = Client().get("/excellence/organisations/alpha/").content.decode()
    assert "No label recorded." in page and "No benchmarking recorded." in page


def test_post_only_deletes_refuse_other_roles(w):
    url = f"/excellence/labels/{w.label.pk}/delete/"
    got = {role: _status(w, role, url, "post") for role in ROLES}
    assert got == {r: 302 if r in CHANGERS else 403 for r in ROLES} | {"anonymous": 302}
