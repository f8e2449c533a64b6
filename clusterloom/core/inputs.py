"""Checks of user input shared by every app's services: each raises a DomainError that names
the field, so pages and the API can say what is wrong and where."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext as _

from . import bounds
from .bounds import MAX_AMOUNT, MAX_COUNT
from .errors import DomainError

MAX_TEXT = bounds.MAX_TEXT
#: Dates the platform computes with (a month or a day past them is still a date, in any time
#: zone): outside, a clear error instead of an overflow.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)
#: The largest id a database column holds (64-bit signed).
MAX_ID = 2**63 - 1


def parse_date(value, field: str) -> datetime.date | None:
    """A date from a date, an ISO string or nothing; a clear error otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(
            _("“%(value)s” is not a date (write it as YYYY-MM-DD).") % {"value": value},
            field=field,
        ) from None


def required_date(data, field: str) -> datetime.date:
    """The date in data[field]; required."""
    value = parse_date(data.get(field), field)
    if value is None:
        raise DomainError(_("This date is required."), field=field)
    return value


def long_date(day: datetime.date) -> str:
    """The date as people read it in the current language ("15 February 2027")."""
    return formats.date_format(day, "DATE_FORMAT")


def dates_in_order(
    first, last, first_field: str, last_field: str, *, first_name=None, last_name=None
) -> None:
    """Refuse a period whose end lies before its start, saying which date is wrong: "The end
    (15 February 2027) is before the start (19 February 2027)." on the end's field."""
    if first and last and last < first:
        raise DomainError(
            _("%(last_name)s (%(last)s) is before %(first_name)s (%(first)s).")
            % {
                "last_name": last_name or _("The end"),
                "last": long_date(last),
                "first_name": first_name or _("the start"),
                "first": long_date(first),
            },
            field=last_field,
        )


def count_value(value, field: str, *, maximum: int = MAX_COUNT) -> int:
    """A whole number between 0 and maximum (empty = 0)."""
    try:
        number = int(str(value).strip()) if value not in (None, "") else 0
    except ValueError:
        raise DomainError(_("Give a whole number."), field=field) from None
    if not 0 <= number <= maximum:
        raise DomainError(_("Give a number between 0 and %(max)s.") % {"max": maximum}, field=field)
    return number


def money_value(value, field: str, *, allow_none: bool = True) -> Decimal | None:
    """An amount in euros (comma or point), 0 to 100 million, to the cent."""
    if value in (None, ""):
        if allow_none:
            return None
        raise DomainError(_("Give an amount in euros."), field=field)
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError(
            _("“%(value)s” is not an amount in euros.") % {"value": value}, field=field
        ) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise DomainError(_("Give an amount between 0 and 100,000,000."), field=field)
    return amount.quantize(Decimal("0.01"))


def text_value(data, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    """data[field] stripped; required and length-limited as asked."""
    value = str(data.get(field) or "").strip()
    if required and not value:
        raise DomainError(_("This field is required."), field=field)
    if len(value) > limit:
        raise DomainError(
            _("Too long: %(limit)s characters at most.") % {"limit": f"{limit:,}"}, field=field
        )
    return value


def bounded_text(value, field: str, *, limit: int = MAX_TEXT, current=None) -> str:
    """A free text stripped, at most `limit` characters (core.bounds); a longer one is refused
    on its field unless it is the `current` one unchanged (saved before the bound: a record
    stays editable, its text is never cut)."""
    text = str(value or "").strip()
    if len(text) > limit and text != current:
        raise DomainError(
            _("Too long: %(limit)s characters at most.") % {"limit": f"{limit:,}"}, field=field
        )
    return text


def date_in_range(day: datetime.date | None, field: str) -> datetime.date | None:
    """The date if it lies between EARLIEST and LATEST; a clear error otherwise."""
    if day is not None and not EARLIEST <= day <= LATEST:
        raise DomainError(
            _("Give a date between %(first)s and %(last)s.")
            % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()},
            field=field,
        )
    return day


def date_value(value, field: str, *, required: bool = False) -> datetime.date | None:
    """A date a user typed, between EARLIEST and LATEST (work such as counting working days
    grows with a period's length, and year 9999 overflows at its end)."""
    day = required_date({field: value}, field) if required else parse_date(value, field)
    return date_in_range(day, field)


def id_value(value) -> int | None:
    """An object's id from user input (the object, an int, or ASCII digits), or None when it
    is not one a database could hold: "²", "1e3", "-1" and 20-digit numbers are not."""
    value = getattr(value, "pk", value)
    if isinstance(value, bool):
        return None
    if not isinstance(value, int):
        text = str(value if value is not None else "").strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 19:
            return None
        value = int(text)
    return value if 0 < value <= MAX_ID else None


def status_filter(value: str, choices, field: str = "status") -> str:
    """The status (or, with field="state", the state) filter of a list, refused (naming the
    field) when it is unknown."""
    if value and value not in choices:
        message = (
            _("Unknown state “%(s)s”; use one of: %(all)s.")
            if field == "state"
            else _("Unknown status “%(s)s”; use one of: %(all)s.")
        )
        raise DomainError(message % {"s": value, "all": ", ".join(choices)}, field=field)
    return value
