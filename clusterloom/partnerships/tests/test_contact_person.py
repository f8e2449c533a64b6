"""A partnership's contact person: a coordinator chooses one of the partners' people, the
public profile shows them, and their e-mail address reaches visitors only if they agreed."""

import html
import json

import pytest
from django.urls import reverse

from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.directory.models import Person
from clusterloom.partnerships.contact import partnership_contact_set

from .conftest import ROLE_NAMES

pytestmark = pytest.mark.django_db


@pytest.fixture
def jana(seeds):
    """A project manager at CLUTEX (a partner of EXTRATEX) with a public profile."""
    return Person.objects.create(
        organisation=seeds.clutex,
        first_name="Jana",
        last_name="Nováková",
        job_title="Project manager",
        email="jana@example.org",
        consent_public=True,
    )


def edit_data(**extra):
    """The edit form as the browser sends it, unchanged but for `extra`."""
    return {
        "title": "EXTRATEX",
        "programme": "ESCP-4x",
        "stated_partner_count": "6",
        "is_published": "on",
        **extra,
    }


def profile(client) -> str:
    response = client.get(reverse("partnership_detail", args=["extratex"]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_coordinator_chooses_the_contact_shown_on_the_public_profile(client, roles, seeds, jana):
    client.force_login(roles.coordinator)
    form = html.unescape(
        client.get(reverse("partnership_edit", args=["extratex"])).content.decode()
    )
    assert f'<option value="{jana.pk}">Jana Nováková, Project manager (CLUTEX)</option>' in form
    assert "Mia Member" not in form  # no public profile: not offered

    response = client.post(
        reverse("partnership_edit", args=["extratex"]), edit_data(contact_person=jana.pk)
    )

    assert response.status_code == 302
    seeds.extratex.refresh_from_db()
    assert seeds.extratex.contact_person == jana
    entry = AuditEntry.objects.get(action="partnership.contact_set")
    assert entry.actor == roles.coordinator and entry.changes["contact_person"][1] == str(jana)
    client.logout()
    text = profile(client)
    card = text[
        text.index('id="contact-person"') : text.index(
            "</section>", text.index('id="contact-person"')
        )
    ]
    assert "Jana Nováková" in card and "Project manager" in card and "CLUTEX" in card
    assert "picture-initials" in card  # no photo yet: her initials
    # Not published: a visitor (or a robot collecting addresses) gets a way in, not the address.
    assert "jana@example.org" not in text and "Sign in to see how to reach Jana" in card
    client.force_login(roles.member)
    assert 'href="mailto:jana@example.org"' in profile(client)


def test_a_contact_who_agreed_shows_the_address_to_everyone_until_they_withdraw(
    client, roles, seeds, jana
):
    jana.email_public = True
    jana.save()
    partnership_contact_set(actor=roles.coordinator, partnership=seeds.extratex, person=jana)
    assert 'href="mailto:jana@example.org"' in profile(client)
    jana.consent_public = False
    jana.save()
    text = profile(client)
    assert 'id="contact-person"' not in text and "Jana" not in text
    assert (
        "jana@example.org"
        not in client.get(reverse("partnership_print", args=["extratex"])).content.decode()
    )


def test_a_person_decides_what_public_pages_show_about_them(client, seeds, jana, roles):
    user = roles.member
    person = user.person
    client.force_login(user)
    account = client.get(reverse("account")).content.decode()
    assert 'id="publicity"' in account
    url = reverse("person_publicity", args=[person.pk])
    client.post(url, {"consent_public": "on", "email_public": "on"})
    person.refresh_from_db()
    assert person.consent_public and person.email_public
    # No public e-mail address without a public profile.
    client.post(url, {"email_public": "on"})
    person.refresh_from_db()
    assert not person.consent_public and not person.email_public
    # Nobody else decides it for them, not even their partnership's coordinator.
    client.force_login(roles.coordinator)
    assert client.post(url, {"consent_public": "on"}).status_code == 403
    person.refresh_from_db()
    assert not person.consent_public


def test_only_people_of_the_partners_who_agreed_can_be_chosen(client, roles, seeds, jana):
    outsider = Person.objects.create(
        organisation=seeds.citeve, first_name="Rui", last_name="Silva", consent_public=True
    )
    shy = roles.member.person  # at SPK, a partner, without a public profile
    with pytest.raises(DomainError) as error:
        partnership_contact_set(
            actor=roles.coordinator, partnership=seeds.extratex, person=outsider
        )
    assert error.value.field == "contact_person"
    assert "Rui Silva does not work at a partner of EXTRATEX." in error.value.message
    with pytest.raises(DomainError) as error:
        partnership_contact_set(actor=roles.coordinator, partnership=seeds.extratex, person=shy)
    assert "Mia Member has not agreed to a public profile" in error.value.message
    client.force_login(roles.coordinator)
    response = client.post(
        reverse("partnership_edit", args=["extratex"]), edit_data(contact_person=outsider.pk)
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    seeds.extratex.refresh_from_db()
    assert seeds.extratex.contact_person is None


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_who_may_choose_the_contact_person(as_role, roles, seeds, jana, role):
    client = as_role(role)
    url = reverse("partnership_edit", args=["extratex"])
    response = client.post(url, edit_data(contact_person=jana.pk))
    allowed = role in ("coordinator", "admin")
    expected = 302 if allowed or role == "anonymous" else 403
    assert response.status_code == expected
    if role == "anonymous":
        assert "/login/" in response["Location"]
    seeds.extratex.refresh_from_db()
    assert (seeds.extratex.contact_person == jana) is allowed
    user = getattr(roles, role)
    if user is not None and not allowed:
        with pytest.raises(PermissionDenied):
            partnership_contact_set(actor=user, partnership=seeds.extratex, person=jana)


def test_the_contact_role_is_in_the_export_and_goes_with_erasure(client, roles, seeds):
    person = roles.member.person
    person.consent_public = True
    person.save()
    partnership_contact_set(actor=roles.coordinator, partnership=seeds.extratex, person=person)
    client.force_login(roles.member)
    data = json.loads(client.get(reverse("account_export")).content)
    assert data["partnership_contact"] == {"contact_person_of": ["EXTRATEX"]}
    client.post(reverse("account_erase"), {"confirm": "erase"})
    seeds.extratex.refresh_from_db()
    assert seeds.extratex.contact_person is None
