"""What the events app puts on a user's home page: registrations to approve for organisers,
requests to answer, and the member's own events and meetings."""

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterloom.core.home import HomeItem, HomeSection, Task
from clusterloom.core.permissions import coordinated_partnership_ids

from .models import MatchmakingEvent, Meeting, MeetingStatus, Participant, RegistrationStatus
from .selectors import other_side

#: At most this many of the user's events and meetings on the home page.
SHOWN = 8


def tasks(user) -> list[Task]:
    """Registrations awaiting the organiser's approval; requests awaiting the user's answer."""
    if not user.is_authenticated:
        return []
    found = []
    organised = MatchmakingEvent.objects.filter(
        partnership_id__in=coordinated_partnership_ids(user)
    )
    waiting = organised.annotate(
        n=Count("participants", filter=Q(participants__status=RegistrationStatus.SUBMITTED))
    ).filter(n__gt=0)
    for event in waiting.order_by("registration_closes"):
        link = reverse("event_registrations", args=[event.slug]) + "?status=submitted"
        found.append(
            Task(
                title=ngettext(
                    "%(n)d registration awaits approval",
                    "%(n)d registrations await approval",
                    event.n,
                )
                % {"n": event.n},
                where=event.title,
                link=link,
                due=event.registration_closes,
            )
        )
    asked = (
        Meeting.objects.filter(invitee__user=user, status=MeetingStatus.REQUESTED)
        .values("event__slug", "event__title")
        .annotate(n=Count("id"), first=Min("expires_at"))
        .order_by("event__title")
    )
    for row in asked:
        found.append(
            Task(
                title=ngettext(
                    "%(n)d meeting request awaits your answer",
                    "%(n)d meeting requests await your answer",
                    row["n"],
                )
                % {"n": row["n"]},
                where=row["event__title"],
                link=reverse("event_meetings", args=[row["event__slug"]]),
                due=timezone.localdate(row["first"]) if row["first"] else None,
            )
        )
    return found


def sections(user) -> list[HomeSection]:
    """The member's events (registrations) and coming meetings."""
    if not user.is_authenticated:
        return []
    registrations = list(
        Participant.objects.filter(user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event", "organisation")
        .annotate(first=Min("event__sessions__starts_at"))
        .order_by("-event__registration_opens")[:SHOWN]
    )
    found = _organised(user)
    if not registrations:
        return found
    events = HomeSection(
        key="my-events",
        heading=_("My events"),
        items=[
            HomeItem(
                title=p.event.title,
                link=reverse("event_detail", args=[p.event.slug]),
                detail=_("Registration: %(status)s") % {"status": p.get_status_display()},
                when=p.first,
            )
            for p in registrations
        ],
        links=[(_("All events"), reverse("event_list"))],
        empty=_("You are not registered for any event."),
    )
    now = timezone.now()
    coming = []
    for participant in registrations:
        if participant.status != RegistrationStatus.APPROVED:
            continue
        rows = Meeting.objects.filter(
            Q(requester=participant) | Q(invitee=participant),
            status=MeetingStatus.SCHEDULED,
            slot__ends_at__gte=now,
        ).select_related("slot", "table", "requester__organisation", "invitee__organisation")
        if not participant.event.schedule_published:
            rows = rows.filter(published=True)
        for meeting in rows:
            other = other_side(meeting, participant)
            coming.append(
                HomeItem(
                    title=_("Meeting with %(name)s") % {"name": other.name},
                    link=reverse("event_meeting_detail", args=[participant.event.slug, meeting.pk]),
                    detail=", ".join(
                        part
                        for part in (
                            other.organisation.name,
                            str(meeting.table) if meeting.table else "",
                            participant.event.title,
                        )
                        if part
                    ),
                    when=meeting.slot.starts_at,
                )
            )
    coming.sort(key=lambda item: item.when)
    meetings = HomeSection(
        key="my-meetings",
        heading=_("My meetings"),
        items=coming[:SHOWN],
        links=[
            (
                _("Meetings at %(event)s") % {"event": p.event.title},
                reverse("event_meetings", args=[p.event.slug]),
            )
            for p in registrations
            if p.status == RegistrationStatus.APPROVED
        ][:3],
        empty=_("No meeting is scheduled for you yet."),
    )
    return [events, meetings, *found]


def _organised(user) -> list[HomeSection]:
    """The events of the partnerships the user coordinates, with their participant counts."""
    ids = coordinated_partnership_ids(user)
    if not ids:
        return []
    rows = (
        MatchmakingEvent.objects.filter(partnership_id__in=ids)
        .annotate(
            approved=Count(
                "participants",
                filter=Q(participants__status=RegistrationStatus.APPROVED),
                distinct=True,
            ),
            first=Min("sessions__starts_at"),
        )
        .order_by("-registration_opens")[:SHOWN]
    )
    return [
        HomeSection(
            key="organised-events",
            heading=_("Events you organise"),
            items=[
                HomeItem(
                    title=event.title,
                    link=reverse("event_registrations", args=[event.slug]),
                    detail=ngettext(
                        "%(status)s, %(n)d participant",
                        "%(status)s, %(n)d participants",
                        event.approved,
                    )
                    % {"status": event.get_status_display(), "n": event.approved},
                    when=event.first,
                )
                for event in rows
            ],
            links=[(_("New event"), reverse("event_create"))],
            empty=_("Your partnerships have no matchmaking event yet."),
        )
    ]
