"""Matchmaking-event pages (mounted at /events/)."""

from django.urls import path

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
    path(E + "edit/", views.event_edit, name="event_edit"),
    path(E + "status/", views.event_status, name="event_status"),
    path(E + "held/", views.event_held, name="event_held"),
    # Set-up by the organisers.
    path(E + "sessions/", ov.event_sessions, name="event_sessions"),
    path(E + "tables/", ov.event_tables, name="event_tables"),
    path(E + "groups/", ov.event_groups, name="event_groups"),
    path(E + "registrations/", ov.event_registrations, name="event_registrations"),
    path(E + "registrations/import/", ov.registrations_import, name="event_import"),
    path(E + "registrations/bulk/", ov.registrations_bulk, name="event_registrations_bulk"),
    path(E + "check-in/", ov.event_check_in, name="event_check_in"),
    path(E + "statistics/", ov.event_statistics, name="event_statistics"),
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
    path(P + "review/", ov.participant_review, name="event_participant_review"),
    path(P + "group/", ov.participant_group, name="event_participant_group"),
    path(P + "check-in/", ov.participant_check_in, name="event_participant_check_in"),
    path(E + "suggestions/", pv.suggestions, name="event_suggestions"),
    path(E + "meetings/", mv.my_meetings, name="event_meetings"),
    path(M, mv.meeting_detail, name="event_meeting_detail"),
    path(M + "accept/", mv.meeting_accept, name="event_meeting_accept"),
    path(M + "decline/", mv.meeting_decline, name="event_meeting_decline"),
    path(M + "cancel/", mv.meeting_cancel, name="event_meeting_cancel"),
    path(M + "reschedule/", mv.meeting_reschedule, name="event_meeting_reschedule"),
    path(M + "times/", mv.meeting_times, name="event_meeting_times"),
    path(M + "attendance/", mv.meeting_attendance, name="event_meeting_attendance"),
    path(M + "feedback/", mv.meeting_feedback, name="event_meeting_feedback"),
    path(M + "lock/", sv.meeting_lock, name="event_meeting_lock"),
    path(M + "priority/", sv.meeting_priority, name="event_meeting_priority"),
    # Agendas.
    path(E + "agenda/", av.agenda, name="event_agenda"),
    path(E + "agenda.ics", av.agenda_ics, name="event_agenda_ics"),
    path(E + "agenda.pdf", av.agenda_pdf, name="event_agenda_pdf"),
]
