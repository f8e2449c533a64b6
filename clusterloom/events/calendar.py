"""A participant's meetings as iCalendar (RFC 5545), for a feed and a file.

Each meeting keeps one UID for its whole life, and its SEQUENCE grows by one with every change
(Meeting.sequence), so a calendar that imports the file again updates the meeting instead of
adding a copy; a meeting cancelled after it was published stays in the feed as CANCELLED, with
the start and end it had, so calendars match it and remove it.
"""

from django.conf import settings
from icalendar import Calendar, Event, vText

from .models import Meeting, MeetingStatus, Participant
from .selectors import meetings_of, other_side


def meeting_uid(meeting: Meeting) -> str:
    """The meeting's stable UID."""
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"meeting-{meeting.pk}@{host}"


def participant_calendar(participant: Participant) -> bytes:
    """The participant's published meetings (and cancelled ones once published)."""
    event = participant.event
    calendar = Calendar()
    calendar.add("prodid", "-//clusterloom//matchmaking//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{event.title}: {participant.name}")
    calendar.add("x-wr-timezone", event.time_zone)
    rows = (
        meetings_of(participant)
        .filter(published=True)
        .filter(status__in=[MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED])
    )
    for meeting in rows:
        starts, ends = (
            (meeting.slot.starts_at, meeting.slot.ends_at)
            if meeting.slot is not None
            else (meeting.booked_starts_at, meeting.booked_ends_at)
        )
        if starts is None or (meeting.slot is None and meeting.status != MeetingStatus.CANCELLED):
            continue
        other = other_side(meeting, participant)
        item = Event()
        item.add("uid", meeting_uid(meeting))
        item.add("sequence", meeting.sequence)
        item.add("dtstamp", meeting.updated_at)
        item.add("last-modified", meeting.updated_at)
        item.add("summary", f"{other.name} ({other.organisation.name})")
        item.add("dtstart", starts)
        item.add("dtend", ends)
        link = meeting.table.link if meeting.table else ""
        link = link or other.meeting_link or participant.meeting_link
        where = [str(meeting.table)] if meeting.table else []
        if event.venue:
            where.append(event.venue)
        if where:
            item["location"] = vText(", ".join(where))
        if link and event.format != "onsite":
            item.add("url", link)
        description = [event.title]
        if meeting.message:
            description.append(meeting.message)
        if link and event.format != "onsite":
            description.append(link)
        item.add("description", "\n\n".join(description))
        item.add(
            "status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED"
        )
        calendar.add_component(item)
    return calendar.to_ical()
