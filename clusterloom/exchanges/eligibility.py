"""ClusterXchange eligibility rules (DOMAIN.md) on plain facts; pure, no Django."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
import pycountry


def gettext_noop(s: str) -> str:
    """Mark a message for makemessages without translating it here."""
    return s


VISITOR_KINDS = frozenset({"cluster", "business_network", "sme", "rto", "university", "other"})
HOST_ONLY_KINDS = frozenset({"large_company", "public_authority", "training_provider"})
#: Kinds that are cluster-type organisations themselves and need no cluster membership.
CLUSTER_KINDS = frozenset({"cluster", "business_network"})
MIN_WORKING_DAYS = 3

#: English message per rule code, in the order the rules are checked.
MESSAGES = {
    "visitor_country_unknown": gettext_noop(
        "The visiting organisation has no country on its profile; it must be registered in a "
        "COSME country."
    ),
    "visitor_country_not_cosme": gettext_noop(
        "The visiting organisation is registered in %(country_name)s (%(country)s), which does "
        "not take part in COSME."
    ),
    "visitor_kind_unknown": gettext_noop(
        "The visiting organisation has an unknown organisation kind “%(kind)s”."
    ),
    "visitor_kind_host_only": gettext_noop(
        "Large companies, public authorities and training providers may only host."
    ),
    "visitor_not_cluster_member": gettext_noop(
        "The visiting organisation must be a member of a cluster (cluster and business-network "
        "organisations need not be)."
    ),
    "host_missing": gettext_noop("No host organisation has been chosen yet."),
    "host_is_visitor": gettext_noop(
        "The host organisation is the visiting organisation itself; choose another host."
    ),
    "host_kind_unknown": gettext_noop(
        "The host organisation has an unknown organisation kind “%(kind)s”."
    ),
    "host_country_unknown": gettext_noop(
        "The host organisation has no country on its profile; it must be registered in a COSME "
        "country."
    ),
    "host_country_not_cosme": gettext_noop(
        "The host organisation is registered in %(country_name)s (%(country)s), which does not "
        "take part in COSME."
    ),
    "host_same_country": gettext_noop(
        "The host organisation is in %(country_name)s, the visitor's own country; the host must "
        "be in another country."
    ),
    "start_missing": gettext_noop("The first day at the host is missing."),
    "end_missing": gettext_noop("The last day at the host is missing."),
    "dates_in_wrong_order": gettext_noop(
        "The last day at the host (%(end)s) is before the first day (%(start)s)."
    ),
    "too_few_working_days": gettext_noop(
        "From %(start)s to %(end)s there are %(days)s working days at the host; at least "
        "%(minimum)s are needed (weekends and public holidays do not count)."
    ),
    "too_few_working_days_with_holidays": gettext_noop(
        "From %(start)s to %(end)s there are %(days)s working days at the host; at least "
        "%(minimum)s are needed. Weekends and these public holidays in %(country_name)s do not "
        "count: %(holidays)s."
    ),
    "too_long": gettext_noop(
        "An exchange lasts at most one month: starting on %(start)s, the last day at the host "
        "may be %(latest)s at the latest, not %(end)s."
    ),
    "visitor_already_took_part": gettext_noop(
        "The visiting organisation already takes part in another exchange; an organisation may "
        "visit only once across all ClusterXchange calls."
    ),
}


@dataclass(frozen=True)
class ExchangeFacts:
    """What the rules need to know about one exchange (or one registration)."""

    visitor_organisation: str
    visitor_country: str
    visitor_kind: str
    visitor_is_cluster_member: bool
    host_organisation: str | None
    host_country: str | None
    host_kind: str | None
    start: date | None
    end: date | None
    cosme_countries: frozenset[str]
    other_exchanges_of_visitor_organisation: int = 0


@dataclass(frozen=True)
class RuleFailure:
    """One broken rule: a stable code, the field it concerns and the values for its message."""

    rule: str
    field: str
    params: dict

    def message(self, gettext=lambda s: s) -> str:
        """The message in the language `gettext` translates to (English by default)."""
        key = self.rule
        if self.rule == "too_few_working_days" and self.params.get("holidays"):
            key = "too_few_working_days_with_holidays"
        return gettext(MESSAGES[key]) % self.params


def country_name(code: str | None) -> str:
    """The English short name of an ISO alpha-2 country code, or the code when unknown."""
    if not code:
        return ""
    if code.upper() == "XK":  # not in ISO 3166, but an EU programme country
        return "Kosovo"
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@lru_cache(maxsize=512)
def _holidays_of(country: str, year: int) -> dict[date, str]:
    """National public holidays of one country and year; empty for unknown countries."""
    if not country:
        return {}
    try:
        return dict(holidays.country_holidays(country.upper(), years=year))
    except NotImplementedError:  # the holidays package does not know this country code
        return {}


def holidays_between(start: date, end: date, country: str) -> list[tuple[date, str]]:
    """Public holidays on weekdays in [start, end]: the days working_days leaves out."""
    found = []
    for year in range(start.year, end.year + 1):
        for day, name in _holidays_of(country or "", year).items():
            if start <= day <= end and day.weekday() < 5:
                found.append((day, name))
    return sorted(found)


def working_days(start: date, end: date, country: str) -> int:
    """Weekdays in [start, end] minus the country's public holidays on weekdays; 0 if reversed."""
    if end < start:
        return 0
    total = (end - start).days + 1
    full_weeks, rest = divmod(total, 7)
    weekdays = full_weeks * 5
    weekdays += sum(1 for i in range(rest) if (start + timedelta(days=i)).weekday() < 5)
    return weekdays - len(holidays_between(start, end, country))


def latest_end(start: date) -> date:
    """The last day an exchange starting on `start` may end: one month later, minus one day.

    It is the day before the same day of the next month (2026-03-10 -> 2026-04-09); when the
    next month has no such day, its last day (2026-01-30 and 2026-01-31 -> 2026-02-28).
    """
    if start.day == 1:
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day - 1, last))


def _visitor_failures(facts: ExchangeFacts) -> list[RuleFailure]:
    """Country, kind and membership of the visiting organisation."""
    failures = []
    country = facts.visitor_country.upper()
    if not country:
        failures.append(RuleFailure("visitor_country_unknown", "organisation", {}))
    elif country not in facts.cosme_countries:
        params = {"country": country, "country_name": country_name(country)}
        failures.append(RuleFailure("visitor_country_not_cosme", "organisation", params))
    kind = facts.visitor_kind
    if kind in HOST_ONLY_KINDS:
        failures.append(RuleFailure("visitor_kind_host_only", "organisation", {"kind": kind}))
    elif kind not in VISITOR_KINDS:
        failures.append(RuleFailure("visitor_kind_unknown", "organisation", {"kind": kind}))
    elif kind not in CLUSTER_KINDS and not facts.visitor_is_cluster_member:
        failures.append(RuleFailure("visitor_not_cluster_member", "organisation", {"kind": kind}))
    return failures


def _once_failures(facts: ExchangeFacts) -> list[RuleFailure]:
    """A visiting organisation takes part once across all calls."""
    count = facts.other_exchanges_of_visitor_organisation
    if count > 0:
        return [RuleFailure("visitor_already_took_part", "organisation", {"count": count})]
    return []


def _host_failures(facts: ExchangeFacts) -> list[RuleFailure]:
    """The host: chosen, not the visitor, of a known kind, in another COSME country."""
    if facts.host_organisation is None:
        return [RuleFailure("host_missing", "host", {})]
    failures = []
    if facts.host_organisation == facts.visitor_organisation:
        failures.append(RuleFailure("host_is_visitor", "host", {}))
    kind = facts.host_kind or ""
    if kind not in VISITOR_KINDS | HOST_ONLY_KINDS:
        failures.append(RuleFailure("host_kind_unknown", "host", {"kind": kind}))
    country = (facts.host_country or "").upper()
    params = {"country": country, "country_name": country_name(country)}
    if not country:
        failures.append(RuleFailure("host_country_unknown", "host", {}))
    elif country not in facts.cosme_countries:
        failures.append(RuleFailure("host_country_not_cosme", "host", params))
    elif country == facts.visitor_country.upper():
        failures.append(RuleFailure("host_same_country", "host", params))
    return failures


def _date_failures(facts: ExchangeFacts) -> list[RuleFailure]:
    """Dates given, in order, at least MIN_WORKING_DAYS working days and at most one month."""
    start, end = facts.start, facts.end
    failures = []
    if start is None:
        failures.append(RuleFailure("start_missing", "start", {}))
    if end is None:
        failures.append(RuleFailure("end_missing", "end", {}))
    if start is None or end is None:
        return failures
    dates = {"start": start.isoformat(), "end": end.isoformat()}
    if end < start:
        return [RuleFailure("dates_in_wrong_order", "end", dates)]
    latest = latest_end(start)
    if end > latest:
        # Checked before counting working days: holidays are looked up year by year, and a
        # period from year 1 to 9999 took the holidays package most of a minute.
        return [RuleFailure("too_long", "end", {**dates, "latest": latest.isoformat()})]
    country = facts.host_country or ""
    days = working_days(start, end, country)
    if days < MIN_WORKING_DAYS:
        excluded = holidays_between(start, end, country)
        params = {
            **dates,
            "days": days,
            "minimum": MIN_WORKING_DAYS,
            "country": country,
            "country_name": country_name(country),
            "holidays": ", ".join(f"{name} ({day.isoformat()})" for day, name in excluded),
        }
        failures.append(RuleFailure("too_few_working_days", "end", params))
    return failures


def check_visitor(facts: ExchangeFacts) -> list[RuleFailure]:
    """The rules that need no host and no dates, as at registration; all failures, in order."""
    return _visitor_failures(facts) + _once_failures(facts)


def check_exchange(facts: ExchangeFacts) -> list[RuleFailure]:
    """Every rule: visitor, host, dates, then once per organisation; all failures, in order."""
    return (
        _visitor_failures(facts)
        + _host_failures(facts)
        + _date_failures(facts)
        + _once_failures(facts)
    )
