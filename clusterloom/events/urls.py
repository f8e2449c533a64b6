"""Matchmaking-event pages (mounted at /events/)."""

from django.urls import path

from clusterloom.core.routes import object_pages

from . import agenda_views as av
from . import meeting_views as mv
from . import organiser_views as ov
from . import participant_views as pv
from . import schedule_views as sv
from . import views

E = "<slug:slug>/"
M = E + "meetings/<int:pk>/"
P = E + "participants/<int:pk>/"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("new/", views.event_create, name="event_create"),
    path("calendar/<str:token>.ics", av.calendar_feed, name="event_calendar_feed"),
    path(E, views.event_detail, name="event_detail"),
    *object_pages(E, views, "event", "edit status held"),
    # Set-up by the organisers.
    *object_pages(E, ov, "event", "sessions tables groups registrations"),
    path(E + "registrations/import/", ov.registrations_import, name="event_import"),
    path(E + "registrations/bulk/", ov.registrations_bulk, name="event_registrations_bulk"),
    *object_pages(E, ov, "event", "check-in statistics"),
    path(E + "findability/", ov.event_findability_page, name="event_findability"),
    path(E + "schedule/", sv.event_schedule, name="event_schedule"),
    path(E + "schedule/progress/", sv.schedule_progress, name="event_schedule_progress"),
    path(E + "schedule/publish/", sv.schedule_publish, name="event_schedule_publish"),
    path(E + "schedule/cap/", sv.schedule_cap, name="event_schedule_cap"),
    path(E + "table-plan/", sv.table_plan, name="event_table_plan"),
    path(E + "table-plan.pdf", sv.table_plan_pdf, name="event_table_plan_pdf"),
    # One's registration.
    path(E + "register/", views.registration_create, name="event_register"),
    path(E + "registration/", views.registration_edit, name="event_registration_edit"),
    path(E + "registration/cancel/", views.registration_cancel, name="event_registration_cancel"),
    # Participants and meetings.
    path(E + "participants/", pv.participant_list, name="event_participants"),
    path(P, pv.participant_detail, name="event_participant_detail"),
    path(P + "request/", pv.meeting_request, name="event_meeting_request"),
    *object_pages(P, ov, "participant", "review group check-in", name="event_participant"),
    path(E + "suggestions/", pv.suggestions, name="event_suggestions"),
    path(E + "meetings/", mv.my_meetings, name="event_meetings"),
    path(M, mv.meeting_detail, name="event_meeting_detail"),
    *object_pages(
        M,
        mv,
        "meeting",
        "accept decline cancel reschedule times attendance feedback",
        name="event_meeting",
    ),
    *object_pages(M, sv, "meeting", "lock priority", name="event_meeting"),
    # Agendas.
    path(E + "agenda/", av.agenda, name="event_agenda"),
    path(E + "agenda.ics", av.agenda_ics, name="event_agenda_ics"),
    path(E + "agenda.pdf", av.agenda_pdf, name="event_agenda_pdf"),
]
