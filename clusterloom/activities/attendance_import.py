"""Import of an attendance list from CSV or XLSX: all or nothing, every problem named by row and
column, idempotent (an attendee already on the list is skipped).

Columns (header row, any order, case ignored): `name`, `organisation`, `role` required;
`email` (links the directory person with that e-mail) and `hours` optional.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError, ImportFailed
from clusterloom.core.permissions import require
from clusterloom.core.text import squash
from clusterloom.core.uploads import upload_read_rows
from clusterloom.directory.models import Organisation, Person

from .models import Activity, Attendance, AttendeeRole
from .services import attendance_key, attendance_keys, attendance_values, check_attendance_open

REQUIRED_COLUMNS = ("name", "organisation", "role")
OPTIONAL_COLUMNS = ("email", "hours")
MAX_ROWS = 2000


@dataclass
class AttendanceImportResult:
    """What an attendance import did."""

    rows: int = 0
    added: int = 0
    already: int = 0  #: rows whose attendee was on the list before


def _role_of(text: str) -> str | None:
    """A role from its code ("cluster_manager") or English name ("Cluster manager")."""
    key = squash(text).casefold().replace("-", " ").replace("_", " ")
    for value, label in AttendeeRole.choices:
        if key in (value.replace("_", " "), str(label).casefold()):
            return value
    aliases = {"manager": "cluster_manager", "staff": "cluster_staff", "sme staff": "sme"}
    return aliases.get(key)


def _organisations_of(activity: Activity) -> dict[str, Organisation]:
    """The partnership's partner organisations by folded name and short name."""
    found = {}
    rows = Organisation.objects.filter(partnership_memberships__partnership=activity.partnership)
    for organisation in rows:
        for name in (organisation.name, organisation.short_name):
            if name:
                found[squash(name).casefold()] = organisation
    return found


def _people_by_email(emails: set[str]) -> dict[str, Person]:
    """Directory people with one of the e-mails (an e-mail shared by two people links nobody)."""
    seen: dict[str, list[Person]] = {}
    rows = Person.objects.annotate(email_key=Lower("email")).filter(email_key__in=emails)
    for person in rows.select_related("organisation"):
        seen.setdefault(person.email_key, []).append(person)
    return {email: people[0] for email, people in seen.items() if len(people) == 1}


def _header(rows: list[list[str]]) -> dict[str, int]:
    if not rows:
        raise ImportFailed(_("The file is empty."))
    header = [squash(h).casefold() for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportFailed(_("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)}, line=1)
    if len(rows) > MAX_ROWS + 1:
        raise ImportFailed(_("At most %(max)d rows per file.") % {"max": MAX_ROWS})
    return {c: header.index(c) for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if c in header}


def attendance_import(
    *, actor, activity: Activity, file_name: str, content: bytes
) -> AttendanceImportResult:
    """Add the attendees of a CSV/XLSX file to an activity; nothing is added if a row is wrong."""
    require(actor, "activities.change_activity", activity)
    check_attendance_open(activity)
    # Read and checked before the transaction: nothing is locked while the file is parsed.
    rows = upload_read_rows(file_name, content, max_rows=MAX_ROWS + 1)
    index = _header(rows)
    with transaction.atomic():
        return _attendance_import(actor, activity, file_name, rows, index)


def _attendance_import(actor, activity: Activity, file_name: str, rows, index):
    check_attendance_open(activity)
    cells = [
        (number, {k: (row[i].strip() if i < len(row) else "") for k, i in index.items()})
        for number, row in enumerate(rows[1:], start=2)
    ]
    cells = [(number, cell) for number, cell in cells if any(cell.values())]
    emails = {c["email"].lower() for _n, c in cells if c.get("email")}
    people = _people_by_email(emails)
    partners = _organisations_of(activity)
    present = attendance_keys(activity)
    problems: list[str] = []
    problem_rows: list[int] = []
    keys_in_file: dict[tuple, int] = {}
    to_add = []
    result = AttendanceImportResult(rows=len(cells))

    def problem(number: int, column: str, message: str) -> None:
        problems.append(
            _("row %(row)s, column “%(col)s”: %(error)s")
            % {"row": number, "col": column, "error": message}
        )
        if number not in problem_rows:
            problem_rows.append(number)

    for number, cell in cells:
        for column in REQUIRED_COLUMNS:
            if not cell[column]:
                problem(number, column, _("empty"))
        role = _role_of(cell["role"]) if cell["role"] else None
        if cell["role"] and role is None:
            labels = ", ".join(str(label) for _v, label in AttendeeRole.choices)
            problem(number, "role", _("not one of: %(roles)s") % {"roles": labels})
        email = cell.get("email", "").lower()
        if email and ("@" not in email or " " in email):
            problem(number, "email", _("not an e-mail"))
        if number in problem_rows:
            continue
        person = people.get(email) if email else None
        organisation = partners.get(squash(cell["organisation"]).casefold())
        data = {
            "person": person,
            "name": cell["name"],
            "organisation": organisation or (person.organisation if person else None),
            "organisation_name": "" if organisation else cell["organisation"],
            "role": role,
            "hours": cell.get("hours", ""),
        }
        try:
            values = attendance_values(data)
        except DomainError as error:
            problem(number, error.field or "name", error.message)
            continue
        key = attendance_key(values)
        if key in keys_in_file:
            same = keys_in_file[key]
            problem(number, "name", _("the same attendee as row %(row)s") % {"row": same})
            continue
        keys_in_file[key] = number
        if key in present:
            result.already += 1
            continue
        to_add.append(values)
    if problems:
        head = _("%(count)d problem(s), nothing was imported: ") % {"count": len(problems)}
        raise ImportFailed(head + "; ".join(problems[:50]), line=problem_rows[0])
    try:
        with transaction.atomic():
            Attendance.objects.bulk_create([Attendance(activity=activity, **v) for v in to_add])
    except IntegrityError:  # someone added one of these people meanwhile: run it again
        raise ImportFailed(
            _("The list changed during the import; import the file again.")
        ) from None
    result.added = len(to_add)
    audit(
        actor,
        "activities.attendance_imported",
        activity,
        changes={"added": result.added, "already": result.already, "file": file_name[:100]},
    )
    return result
