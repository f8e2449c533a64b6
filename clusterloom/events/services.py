"""Writes of matchmaking events: the event, its sessions, slots, tables, groups and rules, and
registrations (one by one or imported). Meeting requests and scheduling are in `meetings.py`."""

import datetime
import zoneinfo
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError, ImportFailed
from clusterloom.core.inputs import date_in_range, dates_in_order, id_value, long_date, parse_date
from clusterloom.core.inputs import text_value as _text
from clusterloom.core.names import display_name
from clusterloom.core.permissions import require
from clusterloom.core.text import squash
from clusterloom.directory.selectors import organisation_acted_for
from clusterloom.partnerships.models import Partnership

from . import counting
from .models import (
    EventFormat,
    EventKind,
    EventSession,
    EventStatus,
    GroupRule,
    ItemKind,
    MarketplaceItem,
    MatchmakingEvent,
    MeetingTable,
    Participant,
    ParticipantGroup,
    RegistrationStatus,
    RequestMode,
    TimeSlot,
)

MAX_TEXT = 5000
#: Most participants one registration file may hold.
MAX_IMPORT_ROWS = 2000
MAX_SLOTS_PER_SESSION = 60
MAX_TABLES = 3000


def _int(value, field: str, *, low: int = 0, high: int = 100000) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(_("Give a whole number."), field=field) from None
    if not low <= number <= high:
        raise DomainError(
            _("Give a number between %(low)s and %(high)s.") % {"low": low, "high": high},
            field=field,
        )
    return number


def _choice(value, choices, field: str) -> str:
    if value not in choices.values:
        raise DomainError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(choices.values)},
            field=field,
        )
    return value


def _zone(value) -> str:
    value = str(value or "Europe/Brussels").strip()
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a folder of the time-zone database such as "Europe" is not a zone.
        raise DomainError(
            _("“%(zone)s” is not a time zone (e.g. Europe/Rome).") % {"zone": value},
            field="time_zone",
        ) from None
    return value


def _event_values(data: dict[str, Any], current: MatchmakingEvent | None) -> dict[str, Any]:
    def get(field, default=None):
        if field in data and data[field] not in (None, ""):
            return data[field]
        return getattr(current, field) if current is not None else default

    values = {
        "title": squash(_text({"title": get("title")}, "title", required=True, limit=200)),
        "description": _text({"description": get("description", "")}, "description"),
        "kind": _choice(get("kind", EventKind.B2B), EventKind, "kind"),
        "format": _choice(get("format", EventFormat.ONSITE), EventFormat, "format"),
        "venue": _text({"venue": get("venue", "")}, "venue", limit=300),
        "time_zone": _zone(get("time_zone", "Europe/Brussels")),
        "registration_opens": parse_date(get("registration_opens"), "registration_opens"),
        "registration_closes": parse_date(get("registration_closes"), "registration_closes"),
        "max_meetings": _int(get("max_meetings", 12), "max_meetings", low=1, high=100),
        "request_mode": _choice(
            get("request_mode", RequestMode.APPROVAL), RequestMode, "request_mode"
        ),
        "request_expiry_hours": _int(
            get("request_expiry_hours", 72), "request_expiry_hours", high=24 * 90
        ),
    }
    for field in ("registration_opens", "registration_closes"):
        if values[field] is None:
            raise DomainError(_("This date is required."), field=field)
    dates_in_order(
        values["registration_opens"],
        values["registration_closes"],
        "registration_opens",
        "registration_closes",
        first_name=_("the opening of registration"),
        last_name=_("The close of registration"),
    )
    return values


def _slug(partnership: Partnership, title: str) -> str:
    base = slugify(f"{partnership.acronym}-{title}")[:70] or "event"
    slug, n = base, 2
    while MatchmakingEvent.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def event_create(*, actor, partnership: Partnership, data: dict[str, Any]) -> MatchmakingEvent:
    """A coordinator creates a matchmaking event (a draft) for their partnership."""
    require(actor, "events.add_event", partnership)
    values = _event_values(data, None)
    event = MatchmakingEvent.objects.create(
        partnership=partnership, slug=_slug(partnership, values["title"]), **values
    )
    audit(actor, "events.event_created", event, to_state=event.status)
    return event


@transaction.atomic
def event_update(*, actor, event: MatchmakingEvent, data: dict[str, Any]) -> MatchmakingEvent:
    """Change an event's settings."""
    require(actor, "events.change_event", event)
    for field, value in _event_values(data, event).items():
        setattr(event, field, value)
    event.save()
    audit(actor, "events.event_updated", event)
    return event


@transaction.atomic
def event_status_set(*, actor, event: MatchmakingEvent, status: str) -> MatchmakingEvent:
    """Open or close registration (or go back to draft while nobody registered)."""
    require(actor, "events.change_event", event)
    _choice(status, EventStatus, "status")
    if status == EventStatus.OPEN and not event.slots.exists():
        raise DomainError(_("Add a session with time slots first."), field="status")
    if status == EventStatus.DRAFT and event.participants.exists():
        raise DomainError(_("An event with registrations cannot go back to draft."), field="status")
    previous, event.status = event.status, status
    event.save(update_fields=["status", "updated_at"])
    audit(actor, "events.event_status", event, from_state=previous, to_state=status)
    return event


@transaction.atomic
def event_mark_held(*, actor, event: MatchmakingEvent, held: bool = True) -> MatchmakingEvent:
    """Record that the event took place (it then counts toward `matchmaking_events`); only
    once its last session has ended."""
    require(actor, "events.change_event", event)
    if held and not counting.may_be_held(event):
        last = counting.events_with_end().filter(pk=event.pk).values_list("last_end", flat=True)
        if last[0] is None:
            message = _("The event has no session yet: add its sessions before recording it.")
        else:
            message = _(
                "The event ends on %(day)s: it can be recorded as held once it has taken place."
            ) % {"day": long_date(timezone.localtime(last[0]).date())}
        raise DomainError(message, field="held")
    event.held = held
    event.save(update_fields=["held", "updated_at"])
    audit(actor, "events.event_held", event, to_state="held" if held else "not held")
    return event


def _aware(value, zone: str, field: str) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise DomainError(
                _("“%(value)s” is not a date and time (YYYY-MM-DD HH:MM).") % {"value": value},
                field=field,
            ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return moment


@transaction.atomic
def session_add(*, actor, event: MatchmakingEvent, data: dict[str, Any]) -> EventSession:
    """Add a session and cut it into slots of `slot_minutes` with `break_minutes` between."""
    require(actor, "events.change_event", event)
    if event.schedule_published:
        raise DomainError(
            _("The schedule is published: sessions can no longer change."), field="name"
        )
    starts = _aware(data.get("starts_at"), event.time_zone, "starts_at")
    ends = _aware(data.get("ends_at"), event.time_zone, "ends_at")
    date_in_range(starts.date(), "starts_at")
    date_in_range(ends.date(), "ends_at")
    if ends <= starts:
        raise DomainError(_("The session ends before it starts."), field="ends_at")
    length = _int(data.get("slot_minutes", 20), "slot_minutes", low=5, high=240)
    pause = _int(data.get("break_minutes", 5), "break_minutes", low=0, high=120)
    # Counted before any slot is built: a session from year 1 to 2027 would otherwise build
    # millions of slots (2.5 GB) before the limit below refused them.
    step, gap = datetime.timedelta(minutes=length), datetime.timedelta(minutes=pause)
    count = (ends - starts + gap) // (step + gap)
    if count > MAX_SLOTS_PER_SESSION:
        raise DomainError(
            _("%(n)s slots: at most %(max)s per session.")
            % {"n": count, "max": MAX_SLOTS_PER_SESSION},
            field="slot_minutes",
        )
    clash = event.sessions.filter(starts_at__lt=ends, ends_at__gt=starts).first()
    if clash is not None:
        raise DomainError(
            _("This session overlaps the session “%(name)s”.") % {"name": clash.name},
            field="starts_at",
        )
    session = EventSession.objects.create(
        event=event,
        name=_text(data, "name", required=True, limit=100),
        starts_at=starts,
        ends_at=ends,
        slot_minutes=length,
        break_minutes=pause,
    )
    slots, moment = [], starts
    while moment + step <= ends:
        slots.append(
            TimeSlot(event=event, session=session, starts_at=moment, ends_at=moment + step)
        )
        moment += step + gap
    if not slots:
        raise DomainError(_("The session is shorter than one meeting."), field="ends_at")
    TimeSlot.objects.bulk_create(slots)
    # Everyone registered so far is taken to be available in the new slots; they can untick.
    created = list(session.slots.all())
    for participant in event.participants.all():
        participant.available_slots.add(*created)
    audit(
        actor, "events.session_added", event, changes={"session": session.name, "slots": len(slots)}
    )
    return session


@transaction.atomic
def tables_set(*, actor, event: MatchmakingEvent, count: int, link_template: str = "") -> int:
    """Set the number of tables (or virtual rooms); tables in use are never removed."""
    require(actor, "events.change_event", event)
    count = _int(count, "tables", low=1, high=MAX_TABLES)
    existing = set(event.tables.values_list("number", flat=True))
    new = [
        MeetingTable(
            event=event,
            number=n,
            link=link_template.replace("{n}", str(n)) if link_template else "",
        )
        for n in range(1, count + 1)
        if n not in existing
    ]
    MeetingTable.objects.bulk_create(new)
    surplus = event.tables.filter(number__gt=count)
    if surplus.filter(meetings__isnull=False).exists():
        raise DomainError(
            _("Tables above %(n)s hold meetings; unschedule them first.") % {"n": count},
            field="tables",
        )
    surplus.delete()
    audit(actor, "events.tables_set", event, changes={"tables": count})
    return count


@transaction.atomic
def group_add(*, actor, event: MatchmakingEvent, name: str) -> ParticipantGroup:
    """Add a participant group (buyers, suppliers, clusters, ...)."""
    require(actor, "events.change_event", event)
    name = squash(_text({"name": name}, "name", required=True, limit=100))
    group, created = ParticipantGroup.objects.get_or_create(event=event, name=name)
    if created:
        audit(actor, "events.group_added", event, changes={"group": group.name})
    return group


@transaction.atomic
def group_rule_set(
    *,
    actor,
    event: MatchmakingEvent,
    group_a: ParticipantGroup,
    group_b: ParticipantGroup,
    allowed: bool = True,
) -> None:
    """Allow (or stop allowing) members of two groups to meet; with no rules, all may meet."""
    require(actor, "events.change_event", event)
    if group_a.event_id != event.pk or group_b.event_id != event.pk:
        raise DomainError(_("Unknown group."), field="group")
    a, b = sorted((group_a, group_b), key=lambda g: g.pk)
    if allowed:
        GroupRule.objects.get_or_create(event=event, group_a=a, group_b=b)
    else:
        GroupRule.objects.filter(event=event, group_a=a, group_b=b).delete()
    audit(actor, "events.group_rule", event, changes={"a": a.name, "b": b.name, "allowed": allowed})


@transaction.atomic
def event_default_group_set(*, actor, event: MatchmakingEvent, group) -> MatchmakingEvent:
    """Choose the group (its id or name) that participants land in when they register, or are
    imported, without choosing one; None or "": no group (with rules, they meet nobody)."""
    require(actor, "events.change_event", event)
    chosen = _group(event, group)
    previous = event.default_group.name if event.default_group_id else ""
    event.default_group = chosen
    event.save(update_fields=["default_group", "updated_at"])
    audit(
        actor,
        "events.default_group_set",
        event,
        from_state=previous,
        to_state=chosen.name if chosen is not None else "",
    )
    return event


def _items(participant: Participant, rows) -> None:
    participant.items.all().delete()
    for n, row in enumerate(rows or [], start=1):
        kind = row.get("kind")
        if kind not in ItemKind.values:
            raise DomainError(
                _("Item %(n)s: choose offer, request or cooperation.") % {"n": n}, field="items"
            )
        title = squash(str(row.get("title") or ""))
        if not title:
            raise DomainError(_("Item %(n)s: give it a title.") % {"n": n}, field="items")
        MarketplaceItem.objects.create(
            participant=participant,
            kind=kind,
            title=title[:200],
            description=str(row.get("description") or "")[:MAX_TEXT],
            cooperation_types=[str(t)[:60] for t in (row.get("cooperation_types") or [])][:10],
        )


def _slots_of(event: MatchmakingEvent, value) -> list[TimeSlot]:
    slots = {s.pk: s for s in event.slots.all()}
    if value is None:
        return list(slots.values())
    chosen = []
    for item in value:
        try:
            key = int(getattr(item, "pk", item))
        except (TypeError, ValueError):
            key = None
        if key not in slots:
            raise DomainError(_("Unknown time slot “%(s)s”.") % {"s": item}, field="available")
        chosen.append(slots[key])
    return chosen


def _group(event, value) -> ParticipantGroup | None:
    if value in (None, ""):
        return None
    key = id_value(value)
    group = (
        event.groups.filter(pk=key).first()
        if key is not None
        else event.groups.filter(name__iexact=str(value).strip()).first()
    )
    if group is None:
        raise DomainError(_("Unknown group “%(g)s”.") % {"g": value}, field="group")
    return group


@transaction.atomic
def registration_submit(*, actor, event: MatchmakingEvent, data: dict[str, Any]) -> Participant:
    """Register for an event with a profile, marketplace items and availability."""
    require(actor, "events.register", event)
    if event.status != EventStatus.OPEN:
        raise DomainError(_("Registration for this event is not open."), field="event")
    today = timezone.localdate()
    if not event.registration_opens <= today <= event.registration_closes:
        raise DomainError(
            _("Registration is open from %(a)s to %(b)s.")
            % {
                "a": event.registration_opens.isoformat(),
                "b": event.registration_closes.isoformat(),
            },
            field="event",
        )
    organisation = organisation_acted_for(actor, data.get("organisation"))
    person = getattr(actor, "person", None)
    participant = Participant(
        event=event,
        organisation=organisation,
        person=person if person is not None and person.organisation_id == organisation.pk else None,
        user=actor,
        name=squash(display_name(actor))[:200],
        email=actor.email,
        group=_group(event, data.get("group")) or event.default_group,
        profile=_text(data, "profile"),
        consent_public=bool(data.get("consent_public")),
        meeting_link=_text(data, "meeting_link", limit=500),
        status=RegistrationStatus.SUBMITTED,
    )
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:
        raise DomainError(_("You are already registered for this event."), field="event") from None
    participant.available_slots.set(_slots_of(event, data.get("available")))
    if data.get("terms"):
        participant.terms.set(data["terms"])
    _items(participant, data.get("items"))
    audit(actor, "events.registered", participant, to_state=participant.status)
    from .notifications import notify

    notify("registered", participant=participant)
    return participant


@transaction.atomic
def registration_update(*, actor, participant: Participant, data: dict[str, Any]) -> Participant:
    """Change one's profile, items, availability or consent."""
    require(actor, "events.change_participant", participant)
    if participant.status in (RegistrationStatus.REJECTED, RegistrationStatus.CANCELLED):
        raise DomainError(_("This registration is closed."), field="status")
    for field in ("profile", "meeting_link"):
        if field in data:
            setattr(
                participant,
                field,
                _text(data, field, limit=500 if field == "meeting_link" else MAX_TEXT),
            )
    if "consent_public" in data:
        participant.consent_public = bool(data["consent_public"])
    if "group" in data:
        require(actor, "events.approve_participant", participant)  # organisers set groups
        participant.group = _group(participant.event, data["group"])
    participant.save()
    if "available" in data:
        participant.available_slots.set(_slots_of(participant.event, data["available"]))
    if "items" in data:
        _items(participant, data["items"])
    audit(actor, "events.registration_updated", participant)
    return participant


@transaction.atomic
def registration_review(
    *, actor, participant: Participant, decision: str, note: str = ""
) -> Participant:
    """The organiser approves or rejects a registration."""
    require(actor, "events.approve_participant", participant)
    targets = {"approve": RegistrationStatus.APPROVED, "reject": RegistrationStatus.REJECTED}
    if decision not in targets:
        raise DomainError(_("Decide “approve” or “reject”."), field="decision")
    if participant.status == targets[decision]:
        return participant
    previous, participant.status = participant.status, targets[decision]
    participant.save(update_fields=["status", "updated_at"])
    if decision == "reject":
        from .meetings import cancel_all_of

        cancel_all_of(
            actor=actor, participant=participant, reason=note or _("Registration rejected.")
        )
    audit(
        actor,
        "events.registration_reviewed",
        participant,
        from_state=previous,
        to_state=participant.status,
    )
    from .notifications import notify

    notify("registration_reviewed", participant=participant)
    return participant


#: The most registrations one bulk step may change (a page of the registrations list).
BULK_MAX = 100


@transaction.atomic
def registrations_bulk(
    *, actor, event: MatchmakingEvent, ids, action: str, group=None, note: str = ""
) -> int:
    """The organiser approves, rejects or sets the group of many registrations at once; all
    of them or, when one cannot be changed, none (the message names it)."""
    require(actor, "events.change_event", event)
    if action not in ("approve", "reject", "group"):
        raise DomainError(_("Choose approve, reject or set the group."), field="action")
    keys = {id_value(value) for value in ids or ()}
    if not keys:
        raise DomainError(_("Tick at least one registration."), field="participants")
    if len(keys) > BULK_MAX:
        raise DomainError(
            _("Tick at most %(n)d registrations at a time.") % {"n": BULK_MAX},
            field="participants",
        )
    rows = list(event.participants.select_for_update().filter(pk__in=keys - {None}))
    if None in keys or len(rows) != len(keys):
        raise DomainError(
            _("Some ticked registrations are not of this event; reload the page."),
            field="participants",
        )
    chosen = _group(event, group) if action == "group" else None
    for participant in sorted(rows, key=lambda p: p.name):
        try:
            if participant.status == RegistrationStatus.CANCELLED:
                raise DomainError(_("This registration is closed."), field="status")
            if action == "group":
                registration_update(
                    actor=actor,
                    participant=participant,
                    data={"group": chosen.pk if chosen else ""},
                )
            else:
                registration_review(
                    actor=actor, participant=participant, decision=action, note=note
                )
        except DomainError as error:
            raise DomainError(
                _("%(name)s: %(problem)s Nothing was changed.")
                % {"name": participant.name, "problem": error.message},
                field="participants",
            ) from None
    return len(rows)


@transaction.atomic
def registration_cancel(*, actor, participant: Participant) -> Participant:
    """A participant withdraws; their meetings are cancelled."""
    require(actor, "events.change_participant", participant)
    previous, participant.status = participant.status, RegistrationStatus.CANCELLED
    participant.save(update_fields=["status", "updated_at"])
    from .meetings import cancel_all_of

    cancel_all_of(actor=actor, participant=participant, reason=_("The participant withdrew."))
    audit(
        actor,
        "events.registration_cancelled",
        participant,
        from_state=previous,
        to_state=participant.status,
    )
    return participant


@transaction.atomic
def check_in(*, actor, participant: Participant) -> Participant:
    """Record a participant's arrival on the day."""
    require(actor, "events.approve_participant", participant)
    if participant.status != RegistrationStatus.APPROVED:
        raise DomainError(_("Only approved participants check in."), field="status")
    if participant.checked_in_at is None:
        participant.checked_in_at = timezone.now()
        participant.save(update_fields=["checked_in_at", "updated_at"])
        audit(actor, "events.checked_in", participant)
    return participant


REGISTRATION_COLUMNS = ("name", "email", "organisation", "country")


def registrations_import(
    *, actor, event: MatchmakingEvent, file_name: str, content: bytes, approve: bool = False
) -> int:
    """Register participants from a CSV/XLSX file (columns name, email, organisation, country;
    optional group, profile, offers, requests). All or nothing; problems name row and column."""
    require(actor, "events.change_event", event)
    from clusterloom.core.uploads import upload_read_rows

    # Read and checked before the transaction: nothing is locked while the file is parsed.
    rows = upload_read_rows(file_name, content, max_rows=MAX_IMPORT_ROWS + 1)
    with transaction.atomic():
        return _registrations_import(actor, event, rows, approve)


def _registrations_import(actor, event: MatchmakingEvent, rows, approve: bool) -> int:
    from clusterloom.directory.services import organisation_get_or_create_by_name

    if not rows:
        raise ImportFailed(_("The file is empty."))
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REGISTRATION_COLUMNS if c not in header]
    if missing:
        raise ImportFailed(_("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)}, line=1)
    index = {name: header.index(name) for name in header}
    problems: list[str] = []
    problem_rows: list[int] = []
    created = 0
    seen = set()
    for number, row in enumerate(rows[1:], start=2):
        cell = {k: (row[i].strip() if i < len(row) else "") for k, i in index.items()}
        if not any(cell.values()):
            continue
        # Every row is checked, so one upload reports all its problems (not only the first).
        found = []
        for column in REGISTRATION_COLUMNS:
            if not cell[column]:
                found.append(
                    _("row %(row)s, column “%(col)s”: empty") % {"row": number, "col": column}
                )
        email = cell["email"].lower()
        if email and ("@" not in email or email in seen):
            found.append(
                _("row %(row)s, column “email”: %(why)s")
                % {"row": number, "why": _("duplicate") if email in seen else _("not an e-mail")}
            )
        seen.add(email)
        group = None
        if cell.get("group"):
            try:
                group = _group(event, cell["group"])
            except DomainError as error:
                found.append(
                    _("row %(row)s, column “group”: %(error)s")
                    % {"row": number, "error": error.message}
                )
        organisation = None
        if not found:
            try:
                organisation, _new = organisation_get_or_create_by_name(
                    actor=actor, name=cell["organisation"], country=cell["country"]
                )
            except DomainError as error:
                column = error.field if error.field == "country" else "organisation"
                found.append(
                    _("row %(row)s, column “%(col)s”: %(error)s")
                    % {"row": number, "col": column, "error": error.message}
                )
        if found:
            problems += found
            problem_rows.append(number)
            continue
        if problems or event.participants.filter(email__iexact=email).exists():
            continue  # nothing is kept after a problem; a row imported before is skipped
        participant = Participant.objects.create(
            event=event,
            organisation=organisation,
            name=cell["name"][:200],
            email=email,
            group=group or event.default_group,
            profile=cell.get("profile", "")[:MAX_TEXT],
            status=RegistrationStatus.APPROVED if approve else RegistrationStatus.SUBMITTED,
        )
        participant.available_slots.set(list(event.slots.all()))
        items = [
            {"kind": kind, "title": cell[column][:200], "description": cell[column]}
            for kind, column in (("offer", "offers"), ("request", "requests"))
            if cell.get(column)
        ]
        _items(participant, items)
        created += 1
    if problems:
        raise ImportFailed("; ".join(str(p) for p in problems[:50]), line=problem_rows[0])
    audit(actor, "events.registrations_imported", event, changes={"created": created})
    return created
