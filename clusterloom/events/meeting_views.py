"""Meetings: one's requests and meetings, and the meeting page with every step a form
(accept, decline, cancel, move, attendance, feedback)."""

from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.pages import form_page, step
from clusterloom.core.permissions import has_rule_perm

from . import meetings as meeting_services
from . import selectors
from .forms import FeedbackForm, ReasonForm, RescheduleForm, TimesForm, slot_label
from .meetings import AGREED, LIVE, SECOND_STAGE_AFTER
from .models import FeedbackStage, Meeting, MeetingStatus, Participant
from .participant_views import slot_ids
from .views import denied, event_or_404, is_organiser, safe_link


def my_meetings(request, slug):
    """One's requests received and sent, and one's meetings."""
    event = event_or_404(request, slug)
    me = selectors.participant_of(request.user, event)
    if me is None:
        if is_organiser(request, event):
            return redirect("event_schedule", event.slug)
        return denied(request)
    rows = list(selectors.meetings_of(me))
    S = MeetingStatus
    context = {
        "event": event,
        "me": me,
        "received": [m for m in rows if m.status == S.REQUESTED and m.invitee_id == me.pk],
        "sent": [m for m in rows if m.status == S.REQUESTED and m.requester_id == me.pk],
        "agreed": [(m, selectors.other_side(m, me)) for m in rows if m.status in AGREED],
        "closed": [
            (m, selectors.other_side(m, me))
            for m in rows
            if m.status in (S.DECLINED, S.CANCELLED, S.EXPIRED)
        ],
        "reason_form": ReasonForm(),
    }
    return render(request, "events/my_meetings.html", context)


def _meeting_or_404(request, event, pk) -> Meeting:
    meeting = (
        event.meetings.select_related(
            "requester__organisation", "invitee__organisation", "slot", "table"
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None or not has_rule_perm(request.user, "events.view_meeting", meeting):
        raise Http404
    return meeting


def _side(request, meeting) -> Participant | None:
    for person in (meeting.requester, meeting.invitee):
        if request.user.is_authenticated and person.user_id == request.user.pk:
            return person
    return None


def _open_stages(meeting, now) -> list[str]:
    if meeting.status != MeetingStatus.SCHEDULED or meeting.slot is None:
        return []
    if now < meeting.slot.starts_at:
        return []
    stages = [FeedbackStage.AFTER_EVENT]
    if now >= meeting.slot.starts_at + SECOND_STAGE_AFTER:
        stages.append(FeedbackStage.SIX_MONTHS)
    return stages


def _meeting_context(request, event, meeting, **forms) -> dict:
    me = _side(request, meeting)
    organiser = is_organiser(request, event)
    user = request.user
    now = timezone.now()
    S = MeetingStatus
    started = meeting.slot is not None and now >= meeting.slot.starts_at
    movable = meeting.status in AGREED and (
        organiser or (me is not None and not (meeting.published or meeting.locked))
    )
    reschedule_form = forms.get("reschedule_form")
    if movable and reschedule_form is None:
        slots = list(event.slots.order_by("starts_at"))
        if not organiser:
            common = slot_ids(meeting.requester) & slot_ids(meeting.invitee)
            slots = [s for s in slots if s.pk in common]
        reschedule_form = RescheduleForm(
            slots=slots,
            tables=list(event.tables.all()) if organiser else None,
            zone=event.time_zone,
            initial={
                "slot": meeting.slot_id,
                "table": meeting.table.number if meeting.table else None,
            },
        )
    mine = {}
    if me is not None:
        mine = {f.stage: f for f in meeting.feedback.filter(participant=me)}
    feedback_forms = []
    if me is not None:
        for stage in _open_stages(meeting, now):
            given = forms.get("feedback_form")
            if given is not None and given.feedback_stage == stage:
                feedback_forms.append(given)
                continue
            previous = mine.get(stage)
            initial = {"outcome": previous.outcome, "comment": previous.comment} if previous else {}
            feedback_forms.append(FeedbackForm(stage=stage, initial=initial))
    second_stage = None
    if meeting.slot is not None and me is not None:
        opens = meeting.slot.starts_at + SECOND_STAGE_AFTER
        second_stage = opens if opens > now else None
    return {
        "event": event,
        "meeting": meeting,
        "me": me,
        "other": selectors.other_side(meeting, me) if me is not None else None,
        "organiser": organiser,
        "room_link": safe_link(meeting.table.link) if meeting.table else "",
        "provisional": meeting.status == S.SCHEDULED
        and not (meeting.published or event.schedule_published),
        "may_answer": meeting.status == S.REQUESTED
        and has_rule_perm(user, "events.answer_meeting", meeting),
        "may_cancel": meeting.status in LIVE
        and has_rule_perm(user, "events.cancel_meeting", meeting),
        "reschedule_form": reschedule_form if movable else None,
        "times_form": (forms.get("times_form") or times_form(event, meeting=meeting))
        if movable or (meeting.status == S.REQUESTED and (organiser or me is not None))
        else None,
        "allowed": _allowed_label(event, meeting),
        "may_attend": meeting.status == S.SCHEDULED and (organiser or (me is not None and started)),
        "feedback_forms": feedback_forms,
        "feedback_given": mine,
        "all_feedback": meeting.feedback.select_related("participant") if organiser else None,
        "second_stage": second_stage,
        "reason_form": forms.get("reason_form") or ReasonForm(),
    }


def meeting_detail(request, slug, pk):
    """A meeting: who, when, where, and what each side (and the organiser) may do now."""
    event = event_or_404(request, slug)
    if not request.user.is_authenticated:
        return denied(request)
    meeting = _meeting_or_404(request, event, pk)
    return render(request, "events/meeting_detail.html", _meeting_context(request, event, meeting))


def _meeting_action(request, slug, pk, *perms):
    """The event, the meeting and None; or a refusal when the user holds none of `perms` on
    the meeting (organisers hold them all, the services decide the rest)."""
    event = event_or_404(request, slug)
    if not request.user.is_authenticated:
        return event, None, denied(request)
    meeting = _meeting_or_404(request, event, pk)
    if not (
        is_organiser(request, event) or any(has_rule_perm(request.user, p, meeting) for p in perms)
    ):
        raise Forbidden
    return event, meeting, None


def _back(request, event, meeting):
    back = request.POST.get("back", "")
    if back == "meetings":
        return redirect("event_meetings", event.slug)
    if back == "check_in":
        target = redirect("event_check_in", event.slug)
        if meeting.slot_id:
            target["Location"] += f"?slot={meeting.slot_id}"
        return target
    if back == "schedule":
        return redirect("event_schedule", event.slug)
    return redirect("event_meeting_detail", event.slug, meeting.pk)


@require_POST
def meeting_accept(request, slug, pk):
    """The invitee accepts."""
    event, meeting, refused = _meeting_action(request, slug, pk, "events.answer_meeting")
    if refused:
        return refused
    return step(
        request,
        lambda: meeting_services.meeting_accept(actor=request.user, meeting=meeting),
        message=lambda accepted: (
            _("Accepted: the meeting is %(s)s.") % {"s": accepted.get_status_display()}
        ),
        done=lambda accepted: _back(request, event, accepted or meeting),
    )


def _step_with_reason(request, slug, pk, perm: str, change, done: str):
    """A meeting step that takes a reason the other side sees (decline, cancel)."""
    event, meeting, refused = _meeting_action(request, slug, pk, perm)
    if refused:
        return refused
    return _meeting_form(
        request,
        event,
        meeting,
        ReasonForm(request.POST),
        "reason_form",
        save=lambda data: change(actor=request.user, meeting=meeting, reason=data["reason"]),
        message=done,
    )


def _meeting_form(request, event, meeting, form, name: str, **kwargs):
    """A form of the meeting page: done, back where the user came from; else the page again
    with `form` (under `name`) showing its errors."""

    def context(form):
        meeting.refresh_from_db()
        return _meeting_context(request, event, meeting, **{name: form})

    return form_page(
        request,
        form,
        template="events/meeting_detail.html",
        context=context,
        done=lambda _result: _back(request, event, meeting),
        **kwargs,
    )


@require_POST
def meeting_decline(request, slug, pk):
    """The invitee declines, with a reason the requester sees."""
    return _step_with_reason(
        request,
        slug,
        pk,
        "events.answer_meeting",
        meeting_services.meeting_decline,
        _("The request is declined."),
    )


@require_POST
def meeting_cancel(request, slug, pk):
    """Either side or the organiser cancels a request or a meeting."""
    return _step_with_reason(
        request,
        slug,
        pk,
        "events.cancel_meeting",
        meeting_services.meeting_cancel,
        _("Cancelled."),
    )


@require_POST
def meeting_reschedule(request, slug, pk):
    """Move an agreed meeting to another time (and table, for organisers)."""
    event, meeting, refused = _meeting_action(request, slug, pk, "events.cancel_meeting")
    if refused:
        return refused
    organiser = is_organiser(request, event)
    form = RescheduleForm(
        request.POST,
        slots=list(event.slots.order_by("starts_at")),
        tables=list(event.tables.all()) if organiser else None,
        zone=event.time_zone,
    )
    return _meeting_form(
        request,
        event,
        meeting,
        form,
        "reschedule_form",
        save=lambda data: meeting_services.meeting_reschedule(
            actor=request.user, meeting=meeting, slot=data["slot"], table=data.get("table")
        ),
        message=_("The meeting is moved."),
    )


@require_POST
def meeting_times(request, slug, pk):
    """Keep a meeting to a time of day (its sides, the organisers)."""
    event, meeting, refused = _meeting_action(request, slug, pk, "events.cancel_meeting")
    if refused:
        return refused
    from .scheduling import meeting_times_set

    return _meeting_form(
        request,
        event,
        meeting,
        times_form(event, request.POST),
        "times_form",
        save=lambda data: meeting_times_set(actor=request.user, meeting=meeting, **data),
        message=_("The time of day is kept for the next schedule."),
    )


def _allowed_label(event, meeting) -> str:
    """The meeting's time of day as "first slot – last slot (n slots)", or ""."""
    chosen = list(meeting.allowed_slots.order_by("starts_at"))
    if not chosen:
        return ""
    first, last = (slot_label(s, event.time_zone) for s in (chosen[0], chosen[-1]))
    return f"{first} – {last} ({len(chosen)})"


def times_form(event, data=None, meeting=None) -> TimesForm:
    """The time-of-day form of a meeting of `event` (its current choice as a window)."""
    slots = list(event.slots.order_by("starts_at"))
    initial = {"when": "any"}
    if meeting is not None:
        chosen = [s.pk for s in slots if s in set(meeting.allowed_slots.all())]
        if chosen:
            initial = {"when": "window", "start": chosen[0], "end": chosen[-1]}
    return TimesForm(
        data,
        sessions=list(event.sessions.all()),
        slots=slots,
        zone=event.time_zone,
        initial=initial,
    )


@require_POST
def meeting_attendance(request, slug, pk):
    """On the day: the meeting was held, or someone did not show up."""
    event, meeting, refused = _meeting_action(request, slug, pk, "events.give_feedback")
    if refused:
        return refused
    return step(
        request,
        lambda: meeting_services.attendance_set(
            actor=request.user, meeting=meeting, attendance=request.POST.get("attendance", "")
        ),
        message=lambda _result: (
            _("%(meeting)s: %(attendance)s.")
            % {"meeting": meeting, "attendance": meeting.get_attendance_display()}
        ),
        done=lambda _result: _back(request, event, meeting),
    )


@require_POST
def meeting_feedback(request, slug, pk):
    """One side's feedback at one stage."""
    event, meeting, refused = _meeting_action(request, slug, pk, "events.give_feedback")
    if refused:
        return refused
    stage = request.POST.get("stage", "")
    if stage not in FeedbackStage.values:
        stage = FeedbackStage.AFTER_EVENT

    def context(form):
        context = _meeting_context(request, event, meeting, feedback_form=form)
        if not any(f is form for f in context["feedback_forms"]):
            context["feedback_forms"].append(form)
        return context

    return form_page(
        request,
        FeedbackForm(request.POST, stage=stage),
        template="events/meeting_detail.html",
        context=context,
        save=lambda data: meeting_services.feedback_give(
            actor=request.user,
            meeting=meeting,
            stage=stage,
            outcome=data["outcome"],
            comment=data["comment"],
        ),
        message=_("Thank you for your feedback."),
        done=lambda _result: _back(request, event, meeting),
    )
