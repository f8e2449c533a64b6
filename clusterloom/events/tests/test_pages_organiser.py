"""The organisers' pages: setting an event up through the forms, approving and importing
registrations, check-in, the schedule page, the table plan and the statistics."""

import importlib.util
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from clusterloom.events.meetings import meeting_accept, meeting_request, meeting_reschedule
from clusterloom.events.models import EventSession, MatchmakingEvent, Meeting, Participant

pytestmark = pytest.mark.django_db

HAS_SCHEDULER = importlib.util.find_spec("clusterloom.events.scheduler") is not None


def _upload(name: str, content: bytes):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


@pytest.fixture
def scheduled(eworld):
    """The Spanish buyer meets the Italian supplier in the first slot at table 1."""
    w = eworld
    meeting = meeting_request(actor=w.buyer_es, requester=w.p_es, invitee=w.p_it)
    meeting_accept(actor=w.supplier_it, meeting=meeting)
    first = w.event.slots.order_by("starts_at").first()
    return meeting_reschedule(actor=w.organiser, meeting=meeting, slot=first.pk, table=1)


def test_an_event_is_set_up_through_the_forms(client, eworld):
    w = eworld
    client.force_login(w.organiser)
    form = {
        "title": "Composites B2B",
        "description": "Buyers of composite parts meet producers.",
        "kind": "b2b",
        "format": "hybrid",
        "venue": "Brno exhibition centre",
        "time_zone": "Mars/Olympus",
        "registration_opens": "2027-01-10",
        "registration_closes": "2027-02-10",
        "max_meetings": 10,
        "request_mode": "automatic",
        "request_expiry_hours": 0,
    }
    response = client.post(reverse("event_create") + "?partnership=xtex", form)
    assert response.status_code == 400
    assert "is not a time zone" in response.content.decode()
    assert not MatchmakingEvent.objects.filter(title="Composites B2B").exists()
    form["time_zone"] = "Europe/Prague"
    response = client.post(reverse("event_create") + "?partnership=xtex", form)
    assert response.status_code == 302
    event = MatchmakingEvent.objects.get(title="Composites B2B")
    assert event.status == "draft" and event.request_mode == "automatic"
    # Opening needs slots.
    client.post(reverse("event_status", args=[event.slug]), {"status": "open"})
    event.refresh_from_db()
    assert event.status == "draft"
    sessions = reverse("event_sessions", args=[event.slug])
    bad = {
        "name": "Morning",
        "starts_at": "2027-03-01T12:00",
        "ends_at": "2027-03-01T09:00",
        "slot_minutes": 30,
        "break_minutes": 0,
    }
    response = client.post(sessions, bad)
    assert response.status_code == 400
    assert "The session ends before it starts." in response.content.decode()
    assert not EventSession.objects.filter(event=event).exists()
    response = client.post(
        sessions, bad | {"starts_at": "2027-03-01T09:00", "ends_at": "2027-03-01T11:00"}
    )
    assert response.status_code == 302
    assert event.slots.count() == 4
    first = event.slots.order_by("starts_at").first()
    assert first.starts_at.isoformat() == "2027-03-01T08:00:00+00:00"  # 09:00 in Prague
    page = client.get(sessions).content.decode()
    assert "09:00, 09:30, 10:00, 10:30" in page
    # The pickers say in which time zone the times are read.
    assert 'type="datetime-local"' in page
    assert "Date and time in Europe/Prague, the event&#x27;s time zone." in page
    # Tables with virtual rooms.
    tables = reverse("event_tables", args=[event.slug])
    response = client.post(tables, {"tables": 0, "link_template": ""})
    assert response.status_code == 400 and event.tables.count() == 0
    response = client.post(tables, {"tables": 4, "link_template": "javascript:alert({n})"})
    assert response.status_code == 400 and event.tables.count() == 0
    assert "Give a web address starting with https://." in response.content.decode()
    response = client.post(
        tables, {"tables": 4, "link_template": "https://meet.example.org/composites-{n}"}
    )
    assert response.status_code == 302
    assert event.tables.get(number=3).link == "https://meet.example.org/composites-3"
    assert "composites-{n}" in client.get(tables).content.decode()
    # Groups and who may meet whom.
    groups = reverse("event_groups", args=[event.slug])
    client.post(groups, {"action": "group", "group-name": "Producers"})
    client.post(groups, {"action": "group", "group-name": "Buyers"})
    producers, buyers = event.groups.get(name="Producers"), event.groups.get(name="Buyers")
    assert 'id="no-rules"' in client.get(groups).content.decode()
    response = client.post(
        groups, {"action": "allow", "rule-group_a": producers.pk, "rule-group_b": buyers.pk}
    )
    assert response.status_code == 302 and event.group_rules.count() == 1
    assert "Producers ↔ Buyers" in client.get(groups).content.decode()
    response = client.post(groups, {"action": "allow", "rule-group_a": 999, "rule-group_b": 1})
    assert response.status_code == 400
    client.post(
        groups, {"action": "forbid", "rule-group_a": buyers.pk, "rule-group_b": producers.pk}
    )
    assert event.group_rules.count() == 0
    # Open, then edit.
    client.post(reverse("event_status", args=[event.slug]), {"status": "open"})
    event.refresh_from_db()
    assert event.status == "open"
    edit = reverse("event_edit", args=[event.slug])
    assert 'value="Composites B2B"' in client.get(edit).content.decode()
    response = client.post(edit, form | {"registration_closes": "2027-01-01"})
    assert response.status_code == 400
    event.refresh_from_db()
    assert str(event.registration_closes) == "2027-02-10"
    response = client.post(edit, form | {"max_meetings": 14})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.max_meetings == 14


def test_registrations_are_approved_and_rejected(client, eworld):
    w = eworld
    from .conftest import register

    newcomer = register(w, w.stranger, w.stranger.person.organisation, approve=False)
    client.force_login(w.organiser)
    page = client.get(reverse("event_detail", args=[w.event.slug])).content.decode()
    assert "1 registration to approve" in page
    listing = client.get(reverse("event_registrations", args=[w.event.slug])).content.decode()
    assert f'data-participant="{newcomer.pk}"' in listing
    review = reverse("event_participant_review", args=[w.event.slug, newcomer.pk])
    assert client.get(review).status_code == 405
    client.post(review, {"decision": "reject", "back": "participant"})
    newcomer.refresh_from_db()
    assert newcomer.status == "rejected"
    rejected = client.get(reverse("event_registrations", args=[w.event.slug]) + "?status=rejected")
    assert f'data-participant="{newcomer.pk}"' in rejected.content.decode()
    # The organiser moves a participant to another group from the participant page.
    url = reverse("event_participant_group", args=[w.event.slug, w.p_cz.pk])
    client.post(url, {"group": w.buyers.pk})
    w.p_cz.refresh_from_db()
    assert w.p_cz.group == w.buyers


def test_the_import_is_all_or_nothing_and_names_row_and_column(client, eworld):
    w = eworld
    client.force_login(w.organiser)
    url = reverse("event_import", args=[w.event.slug])
    before = Participant.objects.count()
    bad = (
        b"name,email,organisation,country,group\n"
        b"Ana Lima,ana@tecido.pt,Tecido Lda,PT,Suppliers\n"
        b"Hans Maier,not-an-address,Maier GmbH,DE,Buyers\n"
    )
    response = client.post(url, {"file": _upload("people.csv", bad)})
    body = response.content.decode()
    assert response.status_code == 400
    assert "row 3, column “email”: not an e-mail" in body
    assert Participant.objects.count() == before
    response = client.post(url, {"file": _upload("people.pdf", b"%PDF-1.4")})
    assert (
        response.status_code == 400 and "Upload a .csv or .xlsx file." in response.content.decode()
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "email", "organisation", "country", "group", "offers"])
    sheet.append(["Ana Lima", "ana@tecido.pt", "Tecido Lda", "PT", "Suppliers", "Denim"])
    sheet.append(["Hans Maier", "hans@maier.de", "Maier GmbH", "DE", "Buyers", ""])
    content = io.BytesIO()
    book.save(content)
    response = client.post(
        url, {"file": _upload("people.xlsx", content.getvalue()), "approve": "on"}
    )
    assert response.status_code == 302
    ana = Participant.objects.get(email="ana@tecido.pt")
    assert ana.status == "approved" and ana.group == w.suppliers
    assert Participant.objects.count() == before + 2


def test_check_in_and_attendance_on_the_day(client, eworld, scheduled):
    w = eworld
    client.force_login(w.organiser)
    url = reverse("event_check_in", args=[w.event.slug])
    page = client.get(url).content.decode()
    assert "0 of 4 approved participants checked in" in page
    assert f'data-meeting="{scheduled.pk}"' in page
    check_in = reverse("event_participant_check_in", args=[w.event.slug, w.p_es.pk])
    response = client.post(check_in, {"q": "García"})
    assert response.status_code == 302 and response.url.endswith("?q=Garc%C3%ADa")
    w.p_es.refresh_from_db()
    assert w.p_es.checked_in_at is not None
    assert "1 of 4 approved participants checked in" in client.get(url).content.decode()
    attendance = reverse("event_meeting_attendance", args=[w.event.slug, scheduled.pk])
    response = client.post(attendance, {"attendance": "no_show", "back": "check_in"})
    assert response.status_code == 302 and f"?slot={scheduled.slot_id}" in response.url
    scheduled.refresh_from_db()
    assert scheduled.attendance == "no_show"
    client.post(attendance, {"attendance": "maybe"})
    scheduled.refresh_from_db()
    assert scheduled.attendance == "no_show"
    # A participant cannot mark another pair's meeting.
    client.force_login(w.supplier_cz)
    assert client.post(attendance, {"attendance": "held"}).status_code == 404


def test_the_table_plan_page_and_pdf(client, eworld, scheduled):
    w = eworld
    client.force_login(w.organiser)
    page = client.get(reverse("event_table_plan", args=[w.event.slug])).content.decode()
    assert f'data-meeting="{scheduled.pk}"' in page and "Table 1" in page
    assert "09:00" in page and "Lucía García<br>Giulia Bianchi" in page
    assert "No meeting in this session." in page  # the afternoon
    pdf = client.get(reverse("event_table_plan_pdf", args=[w.event.slug]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_schedule_page_locks_prioritises_and_refuses_bad_input(client, eworld, scheduled):
    w = eworld
    client.force_login(w.organiser)
    url = reverse("event_schedule", args=[w.event.slug])
    page = client.get(url).content.decode()
    assert f'data-meeting="{scheduled.pk}"' in page and 'id="publish"' in page
    lock = reverse("event_meeting_lock", args=[w.event.slug, scheduled.pk])
    assert client.post(lock, {"locked": "1"}).status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.locked
    priority = reverse("event_meeting_priority", args=[w.event.slug, scheduled.pk])
    response = client.post(priority, {"priority": "11"})
    assert response.status_code == 400 and 'id="schedule-error"' in response.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.priority == 0
    response = client.post(priority, {"priority": "3", "back": "meeting"})
    assert response.status_code == 302 and response.url.endswith(f"/meetings/{scheduled.pk}/")
    scheduled.refresh_from_db()
    assert scheduled.priority == 3
    # An unscheduled meeting cannot be locked: the message says why.
    waiting = meeting_request(actor=w.buyer_sk, requester=w.p_sk, invitee=w.p_cz)
    meeting_accept(actor=w.supplier_cz, meeting=waiting)
    assert f'data-meeting="{waiting.pk}"' in client.get(url).content.decode()
    client.post(reverse("event_meeting_lock", args=[w.event.slug, waiting.pk]), {"locked": "1"})
    assert not Meeting.objects.get(pk=waiting.pk).locked


def test_the_progress_of_a_background_run(client, eworld):
    w = eworld
    client.force_login(w.organiser)
    MatchmakingEvent.objects.filter(pk=w.event.pk).update(
        schedule_state={"running": True, "progress": 0.42, "message": "improving"}
    )
    page = client.get(reverse("event_schedule", args=[w.event.slug])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "42 %" in page
    assert 'id="run-scheduler" disabled' in page
    url = reverse("event_schedule_progress", args=[w.event.slug])
    running = client.get(url, headers={"HX-Request": "true"})
    assert "HX-Refresh" not in running and 'hx-trigger="every 2s"' in running.content.decode()
    MatchmakingEvent.objects.filter(pk=w.event.pk).update(
        schedule_state={"running": False, "at": "2026-11-22T10:00:00", "objective": 9.0}
    )
    done = client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true" and "hx-trigger" not in done.content.decode()


@pytest.mark.skipif(not HAS_SCHEDULER, reason="scheduler.py is not there yet")
def test_scheduling_runs_on_the_page_and_large_events_in_the_background(
    client, eworld, monkeypatch, django_capture_on_commit_callbacks
):
    w = eworld
    for buyer, supplier, user in ((w.p_es, w.p_it, w.supplier_it), (w.p_sk, w.p_cz, w.supplier_cz)):
        meeting = meeting_request(actor=buyer.user, requester=buyer, invitee=supplier)
        meeting_accept(actor=user, meeting=meeting)
    client.force_login(w.organiser)
    url = reverse("event_schedule", args=[w.event.slug])
    assert client.post(url).status_code == 302
    assert Meeting.objects.filter(status="scheduled").count() == 2
    page = client.get(url).content.decode()
    assert 'id="share">100.0 %' in page and 'id="idle-gaps"' in page
    from clusterloom.events import schedule_views

    monkeypatch.setattr(schedule_views, "BACKGROUND_FROM", 1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url)
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    for callback in callbacks:
        callback()  # the task runs in-process (no broker)
    done = client.get(reverse("event_schedule_progress", args=[w.event.slug]))
    assert "The scheduler has finished." in done.content.decode()


def test_statistics_with_charts(client, eworld, scheduled):
    w = eworld
    client.force_login(w.organiser)
    page = client.get(reverse("event_statistics", args=[w.event.slug])).content.decode()
    assert 'id="registrations">4<' in page and 'id="acceptance">100.0 %' in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'id="chart-countries"' in page
    assert 'data-label="Italy" data-value="1"' in page
    assert "No feedback yet." in page


def test_bar_charts_escape_their_labels_and_skip_empty_data():
    from clusterloom.events.charts import bar_chart

    assert bar_chart([], title="Nothing", ident="x") == ""
    svg = bar_chart([("<script>", 3), ("Česko & Slovensko", 0)], title="A & B", ident="c")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Česko &amp; Slovensko" in svg and '<title id="c-title">A &amp; B</title>' in svg
    assert svg.count('<g class="bar"') == 2 and 'width="0.0"' in svg
