"""The permission rules answer per role; inactive users get nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser

from clusterloom.core.errors import PermissionDenied
from clusterloom.core.permissions import has_rule_perm, require, roles_of
from clusterloom.directory.models import Organisation, Person
from clusterloom.partnerships.models import Partnership, PartnershipMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model):
    make = django_user_model.objects.create_user
    users = {
        "admin": django_user_model.objects.create_superuser("root", password="x"),
        "coordinator": make("coord", password="x"),
        "other_coordinator": make("coord2", password="x"),
        "manager": make("manager", password="x"),
        "member": make("member", password="x"),
        "nobody": make("nobody", password="x"),
        "anonymous": AnonymousUser(),
    }
    cluster = Organisation.objects.create(
        name="CLUTEX", slug="clutex", country_id="CZ", kind="cluster"
    )
    outsider = Organisation.objects.create(name="Elsewhere", slug="elsewhere", country_id="DE")
    mine = Partnership.objects.create(acronym="MINE", slug="mine", title="Mine", is_published=False)
    theirs = Partnership.objects.create(acronym="THEIRS", slug="theirs", title="Theirs")
    PartnershipMember.objects.create(partnership=mine, organisation=cluster)
    mine.coordinators.add(users["coordinator"])
    theirs.coordinators.add(users["other_coordinator"])
    cluster.managers.add(users["manager"])
    person = Person.objects.create(
        organisation=cluster, user=users["member"], first_name="M", last_name="Ember"
    )
    return users, cluster, outsider, mine, theirs, person


def test_matrix(world):
    users, cluster, outsider, mine, theirs, person = world
    expect = {
        # (permission, object): roles that hold it
        ("partnerships.view_partnership", mine): {"admin", "coordinator"},
        ("partnerships.view_partnership", theirs): set(users),
        ("partnerships.change_partnership", mine): {"admin", "coordinator"},
        ("partnerships.add_partnership", None): {"admin"},
        ("directory.change_organisation", cluster): {"admin", "coordinator", "manager"},
        ("directory.change_organisation", outsider): {"admin"},
        ("directory.view_person", person): {"admin", "coordinator", "manager", "member"},
        ("directory.add_organisation", None): {
            "admin",
            "coordinator",
            "other_coordinator",
            "manager",
        },
        ("taxonomy.change_term", None): {"admin"},
    }
    for (perm, obj), allowed in expect.items():
        for role, user in users.items():
            assert has_rule_perm(user, perm, obj) == (role in allowed), (perm, obj, role)
            assert user.has_perm(perm, obj) == (role in allowed), (perm, obj, role)


def test_inactive_users_hold_nothing(world):
    users, cluster, *_ = world
    users["manager"].is_active = False
    assert not has_rule_perm(users["manager"], "directory.change_organisation", cluster)


def test_require_raises_domain_permission_denied(world):
    users, cluster, *_ = world
    with pytest.raises(PermissionDenied):
        require(users["nobody"], "directory.change_organisation", cluster)
    require(users["manager"], "directory.change_organisation", cluster)


def test_roles_of(world):
    users, *_ = world
    assert roles_of(users["admin"]) == ["admin"]
    assert roles_of(users["coordinator"]) == ["coordinator"]
    assert roles_of(users["manager"]) == ["cluster_manager"]
    assert roles_of(users["member"]) == ["member"]
    assert roles_of(users["nobody"]) == []
