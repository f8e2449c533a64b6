"""Each role's own page after login: the organiser sees the registrations waiting for approval
and the events they organise; a member sees their events, meetings and the requests to answer;
nobody sees another person's things."""

import pytest
from django.urls import reverse

from clusterloom.events import meetings as m

from .conftest import ask, register, slots

pytestmark = pytest.mark.django_db


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("my_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_login_lands_on_the_users_own_page(client, eworld):
    eworld.organiser.set_password("pw-organiser-1")
    eworld.organiser.save()
    response = client.post(
        reverse("login"), {"username": "organiser", "password": "pw-organiser-1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("my_home")
    page = client.get(response["Location"]).content.decode()
    assert "Hello, Chiara Rossi" in page
    assert 'href="/my/"' in page  # the navigation shows where the user's own things are


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("my_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_organiser_sees_registrations_to_approve(client, eworld):
    w = eworld
    register(w, w.stranger, w.stranger.person.organisation, approve=False)
    page = _home(client, w.organiser)
    link = reverse("event_registrations", args=[w.event.slug]) + "?status=submitted"
    assert "1 registration awaits approval" in page
    assert f'href="{link}"' in page
    assert "Events you organise" in page and "4 participants" in page
    assert "My partnerships" in page
    assert reverse("reporting_dashboard", args=[w.partnership.slug]) in page
    # Another partnership's coordinator has nothing of this event.
    other = _home(client, w.other_coordinator)
    assert "registration awaits approval" not in other
    assert w.event.title not in other


def test_a_member_sees_requests_to_answer_and_coming_meetings(client, eworld):
    w = eworld
    ask(w)  # Giulia asks Lucía
    page = _home(client, w.buyer_es)
    assert "1 meeting request awaits your answer" in page
    assert reverse("event_meetings", args=[w.event.slug]) in page
    assert "My events" in page and w.event.title in page
    assert "Registration: approved" in page
    meeting = ask(w, w.p_it, w.p_sk, slot=slots(w)[0], accept=True)
    page = _home(client, w.supplier_it)
    assert "meeting request awaits your answer" not in page  # the asker has nothing to answer
    assert "No meeting is scheduled for you yet." in page  # schedule not published yet
    w.event.meetings.filter(pk=meeting.pk).update(published=True)
    page = _home(client, w.supplier_it)
    assert "Meeting with Ján Kováč" in page
    assert reverse("event_meeting_detail", args=[w.event.slug, meeting.pk]) in page
    m.meeting_cancel(actor=w.buyer_sk, meeting=meeting)
    assert "Meeting with Ján Kováč" not in _home(client, w.supplier_it)


def test_someone_without_a_role_gets_pointers_not_an_empty_page(client, eworld):
    page = _home(client, eworld.other_coordinator.__class__.objects.create(username="nobody"))
    assert "Nothing is waiting for you." in page
    assert "Browse the partnerships" in page
