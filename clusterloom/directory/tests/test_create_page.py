"""Adding an organisation from the directory page, per role, and duplicates refused."""

import pytest
from django.urls import reverse

from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import Partnership

pytestmark = pytest.mark.django_db

DATA = {"name": "Textil Liberec s.r.o.", "kind": "sme", "country": "CZ", "city": "Liberec"}


@pytest.fixture
def login_as(client, django_user_model):
    def login(role):
        if role == "anonymous":
            return None
        if role == "admin":
            user = django_user_model.objects.create_superuser("root", password="x")
        else:
            user = django_user_model.objects.create_user(role, password="x")
        if role == "coordinator":
            Partnership.objects.create(acronym="P", slug="p", title="P").coordinators.add(user)
        if role == "manager":
            org = Organisation.objects.create(name="C", slug="c", country_id="CZ", kind="cluster")
            org.managers.add(user)
        client.force_login(user)
        return user

    return login


@pytest.mark.parametrize(
    "role,status",
    [("anonymous", 302), ("plain", 403), ("manager", 302), ("coordinator", 302), ("admin", 302)],
)
def test_who_may_add_an_organisation(client, login_as, role, status):
    user = login_as(role)
    response = client.post(reverse("organisation_create"), DATA)
    assert response.status_code == status
    created = Organisation.objects.filter(name=DATA["name"]).first()
    if role in ("anonymous", "plain"):
        assert created is None
        if role == "anonymous":
            assert reverse("login") in response["Location"]
    else:
        assert created is not None and created.city.name == "Liberec"
        assert response["Location"] == reverse("organisation_detail", args=[created.slug])
        # Whoever added it may correct it; admins may anyway.
        assert created.managers.filter(pk=user.pk).exists() == (role != "admin")


def test_the_add_link_shows_only_to_those_allowed(client, login_as):
    assert "Add an organisation" not in client.get(reverse("organisation_list")).content.decode()
    login_as("manager")
    assert "Add an organisation" in client.get(reverse("organisation_list")).content.decode()


def test_a_duplicate_is_refused_with_a_message(client, login_as):
    login_as("coordinator")
    client.post(reverse("organisation_create"), DATA)
    again = client.post(reverse("organisation_create"), {**DATA, "name": "TEXTIL LIBEREC"})
    assert again.status_code == 200
    assert "already in the directory" in again.content.decode()
    assert Organisation.objects.filter(name__icontains="textil liberec").count() == 1


def test_missing_country_is_a_form_error(client, login_as):
    login_as("coordinator")
    response = client.post(reverse("organisation_create"), {**DATA, "country": ""})
    assert (
        response.status_code == 200 and not Organisation.objects.filter(name=DATA["name"]).exists()
    )
