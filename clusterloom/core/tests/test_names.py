"""People are shown by their names, not their logins: in the menu, on their own page, and as
the name of an event registration."""

import pytest
from django.urls import reverse

from clusterloom.core.names import display_name, name_and_title
from clusterloom.directory.tests.factories import MemberUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_person_is_named_by_first_and_last_name_with_the_job_title():
    user = MemberUserFactory(username="member", first_name="", last_name="")
    person = user.person
    person.first_name, person.last_name, person.job_title = "Lucía", "Demo", "Innovation manager"
    person.save()
    assert display_name(user) == "Lucía Demo"
    assert name_and_title(user) == "Lucía Demo, Innovation manager"


def test_without_a_person_the_full_name_then_the_login():
    assert display_name(UserFactory(username="chiara", first_name="Chiara", last_name="Rossi")) == (
        "Chiara Rossi"
    )
    assert display_name(UserFactory(username="admin")) == "admin"
    assert display_name(None) == ""


def test_the_menu_and_the_home_page_show_the_persons_name(client):
    user = MemberUserFactory(username="member")
    person = user.person
    person.first_name, person.last_name = "Lucía", "Demo"
    person.save()
    client.force_login(user)
    page = client.get(reverse("my_home")).content.decode()
    assert "Hello, Lucía Demo" in page
    assert '<a class="nav-link" href="/accounts/me/">Lucía Demo</a>' in page
    assert ">member<" not in page
