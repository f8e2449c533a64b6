"""The organiser's schedule: run the scheduler (in the background for large events), its
figures against the upper bound, unscheduled meetings, locks and priorities, publishing, and
the venue's table plan (page and PDF)."""

import datetime
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from clusterloom.core.errors import DomainError
from clusterloom.core.pages import form_page, step
from clusterloom.partnerships.pdf import html_to_pdf

from . import meetings as meeting_services
from .forms import PriorityForm, ScheduleCapForm
from .models import MeetingStatus
from .organiser_views import _organiser_event

#: Events with more meetings to place than this are scheduled by a background task.
BACKGROUND_FROM = 2000
#: A background run that reported nothing for this long is taken to have died.
STALE_AFTER = datetime.timedelta(minutes=10)
SCHEDULABLE = (MeetingStatus.ACCEPTED, MeetingStatus.SCHEDULED, MeetingStatus.UNSCHEDULED)


def _running(state: dict) -> bool:
    if not state.get("running"):
        return False
    try:
        since = datetime.datetime.fromisoformat(state.get("queued_at", ""))
    except ValueError:
        return True
    return timezone.now() - since < STALE_AFTER


#: The scheduler's run statuses as the organiser reads them.
RUN_STATUS = {
    "optimal": gettext_lazy("optimal: no schedule places more weight"),
    "feasible": gettext_lazy("good, but not proven the best within the time limit"),
    "infeasible": gettext_lazy("impossible: the locked meetings clash"),
}


def _figures(state: dict) -> dict:
    """The last run's figures, with the share of the upper bound reached."""
    objective, bound = state.get("objective"), state.get("upper_bound")
    share = None
    if objective is not None and bound:
        share = 100.0 * float(objective) / float(bound)
    try:
        at = datetime.datetime.fromisoformat(state.get("at") or "")
    except ValueError:
        at = None
    status = state.get("status") or ""
    return {
        "share": share,
        "running": _running(state),
        "run_at": at,
        "run_status": RUN_STATUS.get(status, status),
    }


def _with_progress(event) -> dict:
    """The event's schedule state, with the live progress of a background run (kept in the
    shared cache by the worker, so every web process sees it)."""
    from django.core.cache import cache

    from .tasks import progress_key

    state = dict(event.schedule_state or {})
    if state.get("running"):
        state.update(cache.get(progress_key(event.pk)) or {})
    return state


def _schedule_context(request, event, *, error: str = "") -> dict:
    state = _with_progress(event)
    S = MeetingStatus
    counts = {s: 0 for s in S.values}
    for value in event.meetings.values_list("status", flat=True):
        counts[value] += 1
    waiting = (
        event.meetings.filter(status__in=(S.ACCEPTED, S.UNSCHEDULED))
        .select_related("requester__organisation", "invitee__organisation")
        .order_by("status", "-priority", "pk")
    )
    scheduled = (
        event.meetings.filter(status=S.SCHEDULED)
        .select_related("requester", "invitee", "slot", "table")
        .order_by("slot__starts_at", "table__number")
    )
    return {
        "event": event,
        "state": state,
        **_figures(state),
        "counts": counts,
        "locked": event.meetings.filter(status=S.SCHEDULED, locked=True).count(),
        "published": event.meetings.filter(status=S.SCHEDULED, published=True).count(),
        "unpublished": event.meetings.filter(status=S.SCHEDULED, published=False).count(),
        "waiting": waiting[:500],
        "page": Paginator(scheduled, 100).get_page(request.GET.get("page")),
        "background": counts[S.ACCEPTED] + counts[S.SCHEDULED] + counts[S.UNSCHEDULED]
        > BACKGROUND_FROM,
        "error": error,
        "ready": event.slots.exists() and event.tables.exists(),
        "cap_form": ScheduleCapForm(initial={"max_breaks": event.max_breaks}),
    }


def event_schedule(request, slug):
    """The schedule page; POST runs the scheduler."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    if request.method != "POST":
        return render(request, "events/schedule.html", _schedule_context(request, event))
    from . import scheduling, tasks

    state = event.schedule_state or {}
    if _running(state):
        messages.info(request, _("The scheduler is already running."))
        return redirect("event_schedule", event.slug)
    total = event.meetings.filter(status__in=SCHEDULABLE).count()
    if total > BACKGROUND_FROM:
        job = uuid.uuid4().hex
        scheduling._state(
            event,
            running=True,
            progress=0.0,
            message=_("Queued"),
            error="",
            queued_at=timezone.now().isoformat(),
            job=job,
            attempts=0,
        )
        user_id = request.user.pk
        transaction.on_commit(lambda: tasks.event_schedule.delay(event.pk, user_id, job=job))
        messages.info(
            request,
            _("%(n)s meetings: the scheduler runs in the background; this page shows its progress.")
            % {"n": f"{total:,}"},
        )
        return redirect("event_schedule", event.slug)
    scheduling._state(event, error="")
    try:
        result = scheduling.event_schedule(actor=request.user, event=event)
    except DomainError as error:
        event.refresh_from_db()
        context = _schedule_context(request, event, error=error.message)
        return render(request, "events/schedule.html", context, status=400)
    messages.success(
        request,
        ngettext(
            "%(n)s meeting scheduled, %(u)s could not be placed.",
            "%(n)s meetings scheduled, %(u)s could not be placed.",
            len(result.assignments),
        )
        % {"n": len(result.assignments), "u": len(result.unscheduled)},
    )
    return redirect("event_schedule", event.slug)


@require_POST
def schedule_cap(request, slug):
    """Set or clear the cap on anyone's breaks (the organisers)."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    from . import scheduling

    return form_page(
        request,
        ScheduleCapForm(request.POST),
        template="events/schedule.html",
        context=lambda form: {**_schedule_context(request, event), "cap_form": form},
        save=lambda data: scheduling.schedule_cap_set(
            actor=request.user, event=event, max_breaks=data["max_breaks"]
        ),
        message=_("The cap on breaks is kept for the next schedule."),
        done=("event_schedule", event.slug),
    )


def schedule_progress(request, slug):
    """The progress of a background run (polled by htmx every 2 s)."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    state = _with_progress(event)
    context = {"event": event, "state": state, "polled": True, **_figures(state)}
    response = render(request, "events/_schedule_progress.html", context)
    if request.headers.get("HX-Request") and not context["running"]:
        response["HX-Refresh"] = "true"  # done: reload the page to show the result
    return response


@require_POST
def schedule_publish(request, slug):
    """Publish the schedule: agendas and calendars show the meetings; they stay put."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    from . import scheduling

    return step(
        request,
        lambda: scheduling.schedule_publish(actor=request.user, event=event),
        message=lambda n: (
            ngettext(
                "The schedule is published (%(n)s meeting).",
                "The schedule is published (%(n)s meetings).",
                n,
            )
            % {"n": n}
        ),
        done=("event_schedule", event.slug),
    )


def _organiser_meeting(request, slug, pk):
    event, refused = _organiser_event(request, slug)
    if refused:
        return event, None, refused
    meeting = event.meetings.filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return event, meeting, None


def _back(request, event, meeting):
    if request.POST.get("back") == "meeting":
        return redirect("event_meeting_detail", event.slug, meeting.pk)
    return redirect("event_schedule", event.slug)


@require_POST
def meeting_lock(request, slug, pk):
    """Lock a scheduled meeting where it is (or unlock it)."""
    event, meeting, refused = _organiser_meeting(request, slug, pk)
    if refused:
        return refused
    locked = request.POST.get("locked") == "1"
    return step(
        request,
        lambda: meeting_services.meeting_lock(actor=request.user, meeting=meeting, locked=locked),
        message=_("Locked.") if locked else _("Unlocked."),
        done=lambda _result: _back(request, event, meeting),
    )


@require_POST
def meeting_priority(request, slug, pk):
    """Give a meeting more weight in the next schedule."""
    event, meeting, refused = _organiser_meeting(request, slug, pk)
    if refused:
        return refused

    def context(form):
        # The schedule page shows one line of error, not the form.
        error = "; ".join(form.errors.get("priority", [])) or _("Give a priority from 0 to 10.")
        error = _("%(meeting)s: %(error)s") % {"meeting": meeting, "error": error}
        return _schedule_context(request, event, error=error)

    return form_page(
        request,
        PriorityForm(request.POST),
        template="events/schedule.html",
        context=context,
        save=lambda data: meeting_services.meeting_priority_set(
            actor=request.user, meeting=meeting, priority=data["priority"]
        ),
        error=lambda form, failure: form.add_error("priority", failure.message),
        message=lambda _result: (
            _("%(meeting)s: priority %(p)s.") % {"meeting": meeting, "p": meeting.priority}
        ),
        done=lambda _result: _back(request, event, meeting),
    )


def _table_plan(event) -> list[dict]:
    """Per session: its slots and, per table, the meeting in each slot (or None)."""
    tables = list(event.tables.all())
    cells = {
        (m.slot_id, m.table_id): m
        for m in event.meetings.filter(
            status=MeetingStatus.SCHEDULED, table__isnull=False
        ).select_related("requester__organisation", "invitee__organisation")
    }
    plan = []
    for session in event.sessions.prefetch_related("slots"):
        slots = list(session.slots.all())
        rows = [(table, [cells.get((slot.pk, table.pk)) for slot in slots]) for table in tables]
        used = sum(1 for _table, row in rows for cell in row if cell is not None)
        plan.append({"session": session, "slots": slots, "rows": rows, "used": used})
    return plan


def table_plan(request, slug):
    """The venue's table plan: sessions × slots × tables, printable."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    context = {"event": event, "plan": _table_plan(event)}
    return render(request, "events/table_plan_print.html", context)


def table_plan_pdf(request, slug):
    """The table plan as a PDF."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    context = {"event": event, "plan": _table_plan(event), "for_pdf": True}
    html = render_to_string("events/table_plan_print.html", context, request=request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{event.slug}-table-plan.pdf"'
    return response
