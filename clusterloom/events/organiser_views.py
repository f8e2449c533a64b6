"""Organisers' pages of an event: sessions, tables, groups and rules, registrations to
approve, the import, check-in on the day and the statistics."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from clusterloom.core.errors import DomainError
from clusterloom.core.inputs import id_value
from clusterloom.core.pages import form_page, step
from clusterloom.core.permissions import page_permission
from clusterloom.core.uploads import upload_check_size

from . import charts, selectors, services
from .findability import REMIND_AGAIN_AFTER, event_findability, findability_remind
from .forms import (
    DefaultGroupForm,
    GroupForm,
    GroupRuleForm,
    ImportForm,
    ParticipantGroupForm,
    SessionForm,
    TablesForm,
)
from .models import Attendance, MeetingStatus, RegistrationStatus
from .views import event_or_404


def _organiser_event(request, slug):
    """The event and None, or the event and the refusal (login page or 403)."""
    event = event_or_404(request, slug)
    return event, page_permission(request, "events.change_event", event)


def event_sessions(request, slug):
    """The event's sessions and their slots; add a session."""
    event = event_or_404(request, slug)

    def said(session) -> str:
        n = session.slots.count()
        return ngettext(
            "Session “%(name)s” added with %(n)s slot.",
            "Session “%(name)s” added with %(n)s slots.",
            n,
        ) % {"name": session.name, "n": n}

    return form_page(
        request,
        SessionForm(request.POST or None, zone=event.time_zone),
        permission=("events.change_event", event),
        template="events/sessions.html",
        context={"event": event, "sessions": event.sessions.prefetch_related("slots")},
        save=lambda data: services.session_add(actor=request.user, event=event, data=data),
        message=said,
        done=("event_sessions", event.slug),
    )


def event_tables(request, slug):
    """The number of tables (or virtual rooms) and their links."""
    event = event_or_404(request, slug)
    tables = event.tables.all()
    first = tables.first()
    initial = {"tables": tables.count() or 10}
    if first is not None and first.link:
        initial["link_template"] = first.link.replace(str(first.number), "{n}", 1)
    return form_page(
        request,
        TablesForm(request.POST or None, initial=initial),
        permission=("events.change_event", event),
        template="events/tables.html",
        context=lambda _form: {"event": event, "tables": tables[:50], "count": tables.count()},
        save=lambda data: services.tables_set(
            actor=request.user,
            event=event,
            count=data["tables"],
            link_template=data["link_template"],
        ),
        message=lambda count: (
            ngettext("The event has %(n)s table.", "The event has %(n)s tables.", count)
            % {"n": count}
        ),
        done=("event_tables", event.slug),
    )


def event_groups(request, slug):
    """Participant groups and who may meet whom."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    groups = list(event.groups.all())
    by_pk = {g.pk: g for g in groups}
    action = request.POST.get("action") if request.method == "POST" else None

    def posted(*actions):
        return request.POST if action in actions else None

    group_form = GroupForm(posted("group"), prefix="group")
    rule_form = GroupRuleForm(posted("allow", "forbid"), groups=groups, prefix="rule")
    default_form = DefaultGroupForm(
        posted("default"),
        groups=groups,
        initial={"default_group": event.default_group_id},
        prefix="default",
    )

    def rule_set(data):
        services.group_rule_set(
            actor=request.user,
            event=event,
            group_a=by_pk[data["group_a"]],
            group_b=by_pk[data["group_b"]],
            allowed=action == "allow",
        )

    # Each button of the page submits one of its forms.
    form, save = {
        "default": (
            default_form,
            lambda data: services.event_default_group_set(
                actor=request.user, event=event, group=data["default_group"]
            ),
        ),
        "group": (
            group_form,
            lambda data: services.group_add(actor=request.user, event=event, name=data["name"]),
        ),
        "allow": (rule_form, rule_set),
        "forbid": (rule_form, rule_set),
    }.get(action, (None, None))
    if request.method == "POST" and form is None:
        # A POST of no known button changes nothing.
        messages.success(request, _("Saved."))
        return redirect("event_groups", event.slug)

    def context(_form) -> dict:
        counts = {g.pk: g.participants.count() for g in groups}
        return {
            "event": event,
            "groups": [(g, counts[g.pk]) for g in groups],
            "rules": event.group_rules.select_related("group_a", "group_b"),
            "group_form": group_form,
            "rule_form": rule_form,
            "default_form": default_form,
            "findability": event_findability(event),
        }

    return form_page(
        request,
        form if form is not None else group_form,
        template="events/groups.html",
        context=context,
        save=save,
        message=_("Saved."),
        done=("event_groups", event.slug),
    )


def event_registrations(request, slug):
    """Registrations by status, to approve or reject."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    status = request.GET.get("status") or RegistrationStatus.SUBMITTED
    if status not in RegistrationStatus.values:
        status = RegistrationStatus.SUBMITTED
    rows = event.participants.select_related("organisation__country", "group").filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(
            Q(name__icontains=q) | Q(organisation__name__icontains=q) | Q(email__icontains=q)
        )
    counts = {s: 0 for s in RegistrationStatus.values}
    for value in event.participants.values_list("status", flat=True):
        counts[value] += 1
    page = Paginator(rows.order_by("name"), 100).get_page(request.GET.get("page"))
    context = {
        "event": event,
        "page": page,
        "status": status,
        "q": q,
        "extra": urlencode({"status": status, "q": q} if q else {"status": status}),
        "tabs": [(s, label, counts[s]) for s, label in RegistrationStatus.choices],
        "groups": event.groups.all(),
    }
    return render(request, "events/registrations.html", context)


@require_POST
def registrations_bulk(request, slug):
    """Approve, reject or set the group of the ticked registrations, all or none."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    action = request.POST.get("action", "")

    def done(n):
        text = {
            "approve": ngettext("%(n)d registration approved.", "%(n)d registrations approved.", n),
            "reject": ngettext("%(n)d registration rejected.", "%(n)d registrations rejected.", n),
            "group": ngettext(
                "The group of %(n)d participant is saved.",
                "The group of %(n)d participants is saved.",
                n,
            ),
        }[action]
        return text % {"n": n}

    status = request.POST.get("status", "")
    query = {"status": status} if status in RegistrationStatus.values else {}
    if request.POST.get("q", "").strip():
        query["q"] = request.POST["q"].strip()[:200]
    target = reverse("event_registrations", args=[event.slug])
    return step(
        request,
        lambda: services.registrations_bulk(
            actor=request.user,
            event=event,
            ids=request.POST.getlist("participants"),
            action=action,
            group=request.POST.get("group", ""),
        ),
        message=done,
        done=f"{target}?{urlencode(query)}" if query else target,
    )


def _participant(event, pk):
    participant = event.participants.filter(pk=pk).first()
    if participant is None:
        raise Http404
    return participant


@require_POST
def participant_review(request, slug, pk):
    """Approve or reject a registration."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    participant = _participant(event, pk)
    return step(
        request,
        lambda: services.registration_review(
            actor=request.user,
            participant=participant,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
        ),
        message=lambda _result: (
            _("%(name)s: %(status)s.")
            % {"name": participant.name, "status": participant.get_status_display()}
        ),
        done=("event_participant_detail", event.slug, participant.pk)
        if request.POST.get("back") == "participant"
        else ("event_registrations", event.slug),
    )


@require_POST
def participant_group(request, slug, pk):
    """Put a participant in a group."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    participant = _participant(event, pk)
    form = ParticipantGroupForm(request.POST, groups=event.groups.all())
    back = ("event_participant_detail", event.slug, participant.pk)
    if not form.is_valid():
        messages.error(request, _("Unknown group."))
        return redirect(*back)
    return step(
        request,
        lambda: services.registration_update(
            actor=request.user, participant=participant, data={"group": form.cleaned_data["group"]}
        ),
        message=_("The group is saved."),
        done=back,
    )


def _file_error(form, error: DomainError) -> None:
    form.add_error("file", str(error))


def registrations_import(request, slug):
    """Register participants from a CSV or XLSX file: all rows or none."""
    event = event_or_404(request, slug)

    def save(data):
        upload = data["file"]
        upload_check_size(upload.size)
        return services.registrations_import(
            actor=request.user,
            event=event,
            file_name=upload.name,
            content=upload.read(),
            approve=data["approve"],
        )

    return form_page(
        request,
        ImportForm(request.POST or None, request.FILES or None),
        permission=("events.change_event", event),
        template="events/import.html",
        context={"columns": services.REGISTRATION_COLUMNS, "event": event},
        error=_file_error,
        save=save,
        message=lambda created: (
            ngettext("%(n)s registration imported.", "%(n)s registrations imported.", created)
            % {"n": created}
        ),
        done=("event_registrations", event.slug),
    )


def event_check_in(request, slug):
    """On the day: approved participants arrive; meetings are held or missed."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    rows = event.participants.filter(status=RegistrationStatus.APPROVED).select_related(
        "organisation__country"
    )
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(organisation__name__icontains=q))
    slots = list(event.slots.order_by("starts_at"))
    slot = None
    wanted = id_value(request.GET.get("slot"))
    if wanted is not None:
        slot = next((s for s in slots if s.pk == wanted), None)
    if slot is None and slots:
        slot = slots[0]
    meetings = (
        event.meetings.filter(slot=slot, status=MeetingStatus.SCHEDULED)
        .select_related("requester", "invitee", "table")
        .order_by("table__number")
        if slot is not None
        else []
    )
    context = {
        "event": event,
        "page": Paginator(rows.order_by("name"), 100).get_page(request.GET.get("page")),
        "q": q,
        "extra": urlencode({k: v for k, v in (("q", q), ("slot", slot.pk if slot else "")) if v}),
        "slots": slots,
        "slot": slot,
        "meetings": meetings,
        "checked_in": event.participants.filter(checked_in_at__isnull=False).count(),
        "approved": event.participants.filter(status=RegistrationStatus.APPROVED).count(),
        "attendance": Attendance,
    }
    return render(request, "events/check_in.html", context)


@require_POST
def participant_check_in(request, slug, pk):
    """Record a participant's arrival."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    participant = _participant(event, pk)
    target = reverse("event_check_in", args=[event.slug])
    keep = {k: request.POST[k] for k in ("q", "slot", "page") if request.POST.get(k)}
    return step(
        request,
        lambda: services.check_in(actor=request.user, participant=participant),
        message=_("%(name)s is checked in.") % {"name": participant.name},
        done=f"{target}?{urlencode(keep)}" if keep else target,
    )


def _chart(rows, *, title, ident):
    # bar_chart escapes every label and title it writes.
    return mark_safe(charts.bar_chart(rows, title=title, ident=ident))  # noqa: S308


def event_statistics(request, slug):
    """Registrations, requests, acceptance, meetings held and outcomes, with charts."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    stats = selectors.event_statistics(event)
    funnel = [
        (_("requests"), stats.requests),
        (_("accepted"), stats.accepted),
        (_("scheduled"), stats.scheduled),
        (_("held"), stats.held),
        (_("no-show"), stats.no_show),
    ]
    context = {
        "event": event,
        "stats": stats,
        "acceptance": None if stats.acceptance_rate is None else stats.acceptance_rate * 100,
        "country_chart": _chart(
            stats.by_country,
            title=_("Approved registrations by country"),
            ident="chart-countries",
        ),
        "kind_chart": _chart(
            stats.by_kind, title=_("Approved registrations by kind"), ident="chart-kinds"
        ),
        "meeting_chart": _chart(
            funnel, title=_("Meeting requests and meetings"), ident="chart-meetings"
        ),
        "outcome_chart": _chart(
            [(f"{outcome} ({stage})", n) for stage, outcome, n in stats.outcomes],
            title=_("Feedback outcomes"),
            ident="chart-outcomes",
        ),
    }
    return render(request, "events/statistics.html", context)


def event_findability_page(request, slug):
    """Participants nobody can find (unpublished profile, no group that may meet anyone), and
    a reminder e-mail to them."""
    event, refused = _organiser_event(request, slug)
    if refused:
        return refused
    if request.method == "POST":

        def said(done) -> str:
            text = ngettext(
                "%(n)s participant reminded by e-mail.",
                "%(n)s participants reminded by e-mail.",
                done.sent,
            ) % {"n": done.sent}
            if done.recently:
                text += " " + ngettext(
                    "%(n)s was reminded less than %(days)s days ago and is not reminded again yet.",
                    "%(n)s were reminded less than %(days)s days ago and are not reminded again "
                    "yet.",
                    done.recently,
                ) % {"n": done.recently, "days": REMIND_AGAIN_AFTER.days}
            if done.no_address:
                text += " " + ngettext(
                    "%(n)s has no e-mail address.", "%(n)s have no e-mail address.", done.no_address
                ) % {"n": done.no_address}
            return text

        return step(
            request,
            lambda: findability_remind(actor=request.user, event=event),
            message=said,
            done=("event_findability", event.slug),
        )
    context = {
        "event": event,
        "findability": event_findability(event),
        "days": REMIND_AGAIN_AFTER.days,
    }
    return render(request, "events/findability.html", context)
