"""Writes of ClusterXchange calls and registrations: calls, visitor applications, hosting offers.

The exchange itself (match, commitment, report, payment) is in `lifecycle.py`.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError
from clusterloom.core.inputs import count_value as _count
from clusterloom.core.inputs import date_value, dates_in_order, parse_date
from clusterloom.core.inputs import money_value as _money
from clusterloom.core.inputs import required_date as _required_date
from clusterloom.core.inputs import text_value as _text
from clusterloom.core.permissions import require
from clusterloom.core.text import squash
from clusterloom.directory.memberships import membership_check
from clusterloom.directory.models import Cluster, Organisation
from clusterloom.directory.selectors import organisation_acted_for as _organisation_for
from clusterloom.partnerships.models import Partnership, TargetCode
from clusterloom.taxonomy.models import Term

from . import grants
from .eligibility import check_visitor
from .errors import IneligibleError, raise_failures
from .models import (
    CallStatus,
    ExchangeApplication,
    ExchangeCall,
    HostingOffer,
    ReviewStatus,
)
from .selectors import (
    cosme_countries,
    is_partnership_member,
    open_refusal,
    other_live_exchanges_of,
)

#: The cap per visiting organisation seen in ClusterXchange calls (DOMAIN.md); a call may
#: set another one or none.
DEFAULT_CAP = Decimal("1100.00")


def _daily_rates(value) -> dict[str, str]:
    """{"IT": "130"} from a dict, or from text lines "IT 130" / "IT: 130"."""
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        rows = {}
        for number, line in enumerate(value.splitlines(), start=1):
            line = line.replace(":", " ").replace("=", " ").strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2:
                raise DomainError(
                    _("Line %(line)s: write a country code and an amount, e.g. “IT 130”.")
                    % {"line": number},
                    field="daily_rates",
                )
            rows[parts[0]] = parts[1]
        value = rows
    if not isinstance(value, dict):
        raise DomainError(_("Give the daily rates per host country."), field="daily_rates")
    known = cosme_countries()
    rates = {}
    for code, amount in value.items():
        code = str(code).strip().upper()
        if code not in known:
            raise DomainError(
                _("“%(code)s” is not a COSME country code.") % {"code": code},
                field="daily_rates",
            )
        rates[code] = str(_money(amount, "daily_rates", allow_none=False))
    return dict(sorted(rates.items()))


def _travel_bands(value) -> list[dict]:
    if value in (None, "", []):
        return []
    try:
        bands = grants.bands_from_rows(list(value))
        grants.validate_bands(bands)
    except grants.GrantError as error:
        raise DomainError(str(error), field="travel_bands") from None
    return grants.bands_to_rows(bands)


def _call_values(data: dict[str, Any], current: ExchangeCall | None) -> dict[str, Any]:
    def get(field):
        if field in data:
            return data[field]
        return getattr(current, field) if current is not None else None

    values = {
        "title": squash(_text({"title": get("title")}, "title", required=True, limit=200)),
        "description": _text({"description": get("description")}, "description"),
        "opens_on": _required_date({"opens_on": get("opens_on")}, "opens_on"),
        "closes_on": _required_date({"closes_on": get("closes_on")}, "closes_on"),
        "exchanges_from": _required_date(
            {"exchanges_from": get("exchanges_from")}, "exchanges_from"
        ),
        "exchanges_until": _required_date(
            {"exchanges_until": get("exchanges_until")}, "exchanges_until"
        ),
        "budget": _money(get("budget"), "budget") or Decimal("0"),
        "target_exchanges": _count(get("target_exchanges"), "target_exchanges"),
        "target_sme": _count(get("target_sme"), "target_sme"),
        "target_non_member": _count(get("target_non_member"), "target_non_member"),
        "daily_rates": _daily_rates(get("daily_rates")),
        "default_daily_rate": _money(get("default_daily_rate"), "default_daily_rate"),
        "travel_bands": _travel_bands(get("travel_bands")),
        "cap_per_organisation": _money(get("cap_per_organisation"), "cap_per_organisation"),
    }
    dates_in_order(
        values["opens_on"],
        values["closes_on"],
        "opens_on",
        "closes_on",
        first_name=_("the opening of applications"),
        last_name=_("The close of applications"),
    )
    dates_in_order(
        values["exchanges_from"],
        values["exchanges_until"],
        "exchanges_from",
        "exchanges_until",
        first_name=_("the first day exchanges may take place"),
        last_name=_("The last day exchanges may take place"),
    )
    for field in ("target_sme", "target_non_member"):
        if values[field] > values["target_exchanges"]:
            raise DomainError(
                _("A minimum cannot exceed the number of exchanges planned (%(n)s).")
                % {"n": values["target_exchanges"]},
                field=field,
            )
    if not values["daily_rates"] and values["default_daily_rate"] is None:
        raise DomainError(
            _("Give a daily rate for at least one host country or a default daily rate."),
            field="daily_rates",
        )
    return values


def _slug_for(partnership: Partnership, title: str) -> str:
    base = slugify(f"{partnership.acronym}-{title}")[:70] or "call"
    slug, n = base, 2
    while ExchangeCall.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _partnership_targets(partnership: Partnership) -> dict[str, int]:
    values = dict(partnership.targets.values_list("code", "value"))
    return {
        "target_exchanges": values.get(TargetCode.EXCHANGES, 0),
        "target_sme": values.get(TargetCode.EXCHANGES_SME, 0),
        "target_non_member": values.get(TargetCode.EXCHANGES_NON_MEMBER, 0),
    }


@transaction.atomic
def call_create(*, actor, partnership: Partnership, data: dict[str, Any]) -> ExchangeCall:
    """Open a draft call; its targets default to the partnership's exchange targets."""
    require(actor, "exchanges.add_exchangecall", partnership)
    given = {k: v for k, v in data.items() if v not in ("", None)}
    if "cap_per_organisation" in data:  # given blank: no cap
        given["cap_per_organisation"] = data["cap_per_organisation"]
    defaults = _partnership_targets(partnership) | {"cap_per_organisation": DEFAULT_CAP}
    if "target_exchanges" in given:  # a smaller call: its minimums cannot exceed its size
        planned = _count(given["target_exchanges"], "target_exchanges")
        for field in ("target_sme", "target_non_member"):
            defaults[field] = min(defaults[field], planned)
    data = defaults | given
    values = _call_values(data, None)
    call = ExchangeCall.objects.create(
        partnership=partnership, slug=_slug_for(partnership, values["title"]), **values
    )
    audit(actor, "exchanges.call_created", call, to_state=call.status)
    return call


@transaction.atomic
def call_update(*, actor, call: ExchangeCall, data: dict[str, Any]) -> ExchangeCall:
    """Change a call's dates, targets or funding rules (signed grants keep their amounts)."""
    require(actor, "exchanges.change_exchangecall", call)
    values = _call_values(data, call)
    changes = {}
    for field, value in values.items():
        if getattr(call, field) != value:
            changes[field] = str(value)
            setattr(call, field, value)
    call.save()
    audit(actor, "exchanges.call_updated", call, changes=changes)
    return call


@transaction.atomic
def call_status_set(*, actor, call: ExchangeCall, status: str) -> ExchangeCall:
    """Open, close or reopen a call."""
    require(actor, "exchanges.change_exchangecall", call)
    if status not in CallStatus.values:
        raise DomainError(_("Unknown status “%(s)s”.") % {"s": status}, field="status")
    previous = call.status
    if previous == status:
        return call
    if status == CallStatus.DRAFT and call.applications.exists():
        raise DomainError(_("A call with applications cannot go back to draft."), field="status")
    refusal = open_refusal(call) if status == CallStatus.OPEN else None
    if refusal:
        raise DomainError(refusal, field="status")
    call.status = status
    call.save(update_fields=["status", "updated_at"])
    audit(actor, "exchanges.call_status", call, from_state=previous, to_state=status)
    return call


def _languages(value) -> list[str]:
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    out = []
    for item in value or []:
        item = str(item).strip()
        if item and item not in out:
            out.append(item[:40])
    return out[:20]


def _person_for(actor, organisation: Organisation):
    person = getattr(actor, "person", None)
    return person if person is not None and person.organisation_id == organisation.pk else None


def _cluster(value) -> Cluster | None:
    if value in (None, ""):
        return None
    try:
        return Cluster.objects.select_related("organisation").get(
            pk=int(getattr(value, "pk", value))
        )
    except (Cluster.DoesNotExist, TypeError, ValueError):
        raise DomainError(_("Unknown cluster."), field="member_of") from None


def _application_values(data, call: ExchangeCall) -> dict[str, Any]:
    values = {
        "goals": _text(data, "goals", required=True),
        "offers": _text(data, "offers"),
        "seeks": _text(data, "seeks"),
        "languages": _languages(data.get("languages")),
        "preferred_start": date_value(data.get("preferred_start"), "preferred_start"),
        "preferred_end": date_value(data.get("preferred_end"), "preferred_end"),
        "member_of": _cluster(data.get("member_of")),
    }
    start, end = values["preferred_start"], values["preferred_end"]
    dates_in_order(
        start,
        end,
        "preferred_start",
        "preferred_end",
        first_name=_("the preferred first day"),
        last_name=_("The preferred last day"),
    )
    for field, day in (("preferred_start", start), ("preferred_end", end)):
        if day and not call.exchanges_from <= day <= call.exchanges_until:
            raise DomainError(
                _("Exchanges under this call take place between %(a)s and %(b)s.")
                % {"a": call.exchanges_from.isoformat(), "b": call.exchanges_until.isoformat()},
                field=field,
            )
    return values


def application_check(application: ExchangeApplication) -> None:
    """Raise IneligibleError naming every rule the visitor breaks (no host or dates yet)."""
    from .selectors import application_facts

    if application.member_of_id:
        # Not a member of its own cluster, nor of a cluster that is a member of its own.
        membership_check(application.member_of, application.organisation, field="member_of")
    raise_failures(check_visitor(application_facts(application)))


@transaction.atomic
def application_submit(*, actor, call: ExchangeCall, data: dict[str, Any]) -> ExchangeApplication:
    """Register a visitor for a call; the partnership validates the registration."""
    require(actor, "exchanges.apply", call)
    if call.status != CallStatus.OPEN:
        raise DomainError(_("This call is not open for applications."), field="call")
    today = timezone.localdate()
    if not call.opens_on <= today <= call.closes_on:
        raise DomainError(
            _("Applications are accepted from %(a)s to %(b)s.")
            % {"a": call.opens_on.isoformat(), "b": call.closes_on.isoformat()},
            field="call",
        )
    organisation = _organisation_for(actor, data.get("organisation"))
    live = call.applications.filter(organisation=organisation).exclude(
        status__in=[ReviewStatus.REJECTED, ReviewStatus.WITHDRAWN]
    )
    if live.exists():
        raise DomainError(
            _("%(org)s has already applied to this call.") % {"org": organisation.name},
            field="organisation",
        )
    application = ExchangeApplication(
        call=call,
        organisation=organisation,
        person=_person_for(actor, organisation),
        submitted_by=actor,
        **_application_values(data, call),
    )
    application_check(application)
    application.save()
    audit(actor, "exchanges.application_submitted", application, to_state=application.status)
    from .notifications import notify

    notify("application_submitted", application=application)
    return application


@transaction.atomic
def application_update(*, actor, application: ExchangeApplication, data) -> ExchangeApplication:
    """Change a registration before it is validated."""
    require(actor, "exchanges.change_application", application)
    if application.status != ReviewStatus.SUBMITTED:
        raise DomainError(
            _("Only a registration awaiting validation can be changed."), field="status"
        )
    merged = {
        f: getattr(application, f)
        for f in ("goals", "offers", "seeks", "languages", "preferred_start", "preferred_end")
    }
    merged["member_of"] = application.member_of_id
    merged.update(data)
    for field, value in _application_values(merged, application.call).items():
        setattr(application, field, value)
    application_check(application)
    application.save()
    audit(actor, "exchanges.application_updated", application)
    return application


def _review(actor, registration, decision: str, note: str, perm: str, kind: str):
    require(actor, perm, registration)
    targets = {"validate": ReviewStatus.VALIDATED, "reject": ReviewStatus.REJECTED}
    if decision not in targets:
        raise DomainError(_("Decide “validate” or “reject”."), field="decision")
    if registration.status not in (ReviewStatus.SUBMITTED, ReviewStatus.VALIDATED):
        raise DomainError(
            _("This registration is %(status)s and cannot be reviewed.")
            % {"status": registration.get_status_display()},
            field="status",
        )
    note = _text({"note": note}, "note")
    if decision == "reject" and not note:
        raise DomainError(_("Say why the registration is rejected."), field="note")
    previous = registration.status
    registration.status = targets[decision]
    registration.review_note = note
    registration.reviewed_by = actor
    registration.reviewed_at = timezone.now()
    return previous


@transaction.atomic
def application_review(
    *, actor, application: ExchangeApplication, decision: str, note: str = ""
) -> ExchangeApplication:
    """The call's partnership validates or rejects a visitor's registration."""
    # Permission first: a stranger learns nothing about the registration from the errors.
    require(actor, "exchanges.review_application", application)
    if decision == "validate" and application.status == ReviewStatus.VALIDATED:
        raise DomainError(_("This registration is already validated."), field="decision")
    if decision == "validate":
        application_check(application)
    if (
        decision == "reject"
        and application.exchanges.exclude(status__in=["declined", "cancelled"]).exists()
    ):
        raise DomainError(
            _("Cancel this visitor's exchange before rejecting the registration."),
            field="decision",
        )
    previous = _review(
        actor, application, decision, note, "exchanges.review_application", "application"
    )
    organisation = application.organisation
    application.is_sme = bool(organisation.is_sme) or organisation.kind == "sme"
    application.is_member = is_partnership_member(application.call.partnership, application)
    application.save()
    audit(
        actor,
        "exchanges.application_reviewed",
        application,
        from_state=previous,
        to_state=application.status,
    )
    from .notifications import notify

    notify("application_reviewed", application=application)
    return application


@transaction.atomic
def application_withdraw(*, actor, application: ExchangeApplication) -> ExchangeApplication:
    """The visitor withdraws a registration (not once an exchange is under way)."""
    require(actor, "exchanges.change_application", application)
    if application.exchanges.exclude(status__in=["declined", "cancelled"]).exists():
        raise DomainError(
            _("Cancel the exchange first; the registration is part of it."), field="status"
        )
    if application.status == ReviewStatus.WITHDRAWN:
        return application
    previous = application.status
    application.status = ReviewStatus.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    audit(
        actor,
        "exchanges.application_withdrawn",
        application,
        from_state=previous,
        to_state=application.status,
    )
    return application


def _terms(value) -> list[Term]:
    from clusterloom.matching.selectors import term_keys_resolve

    if not value:
        return []
    if isinstance(value, str):
        value = [v for v in value.replace(";", ",").split(",") if v.strip()]
    if value and isinstance(value[0], Term):
        return list(value)
    return term_keys_resolve([str(v).strip() for v in value])


def _offer_values(data) -> dict[str, Any]:
    values = {
        "title": squash(_text(data, "title", required=True, limit=200)),
        "topics": _text(data, "topics", required=True),
        "offers": _text(data, "offers"),
        "seeks": _text(data, "seeks"),
        "languages": _languages(data.get("languages")),
        "capacity": _count(data.get("capacity"), "capacity", maximum=50),
        "available_from": date_value(data.get("available_from"), "available_from", required=True),
        "available_until": date_value(
            data.get("available_until"), "available_until", required=True
        ),
    }
    if values["capacity"] < 1:
        raise DomainError(_("A host receives at least one visitor."), field="capacity")
    dates_in_order(
        values["available_from"],
        values["available_until"],
        "available_from",
        "available_until",
        first_name=_("the first day available"),
        last_name=_("The last day available"),
    )
    return values


def _host_check(organisation: Organisation) -> None:
    if organisation.country_id not in cosme_countries():
        raise IneligibleError(
            [
                (
                    "host_country_not_cosme",
                    "organisation",
                    _(
                        "%(org)s is registered in %(country)s, which does not take part in "
                        "COSME: it cannot host ClusterXchange visitors."
                    )
                    % {"org": organisation.name, "country": organisation.country.name},
                )
            ]
        )


@transaction.atomic
def hosting_offer_submit(*, actor, partnership: Partnership, data) -> HostingOffer:
    """A host registers and publishes a hosting offer; the partnership validates it."""
    require(actor, "exchanges.add_hostingoffer")
    if not partnership.is_published:
        raise DomainError(_("Unknown partnership."), field="partnership")
    organisation = _organisation_for(actor, data.get("organisation"))
    _host_check(organisation)
    offer = HostingOffer.objects.create(
        partnership=partnership,
        organisation=organisation,
        person=_person_for(actor, organisation),
        submitted_by=actor,
        **_offer_values(data),
    )
    offer.terms.set(_terms(data.get("terms")))
    audit(actor, "exchanges.offer_submitted", offer, to_state=offer.status)
    from .notifications import notify

    notify("offer_submitted", offer=offer)
    return offer


@transaction.atomic
def hosting_offer_update(*, actor, offer: HostingOffer, data) -> HostingOffer:
    """Change an offer (capacity cannot drop below the visitors already matched)."""
    require(actor, "exchanges.change_hostingoffer", offer)
    if offer.status in (ReviewStatus.REJECTED, ReviewStatus.WITHDRAWN):
        raise DomainError(_("This offer is closed."), field="status")
    merged = {
        f: getattr(offer, f)
        for f in (
            "title",
            "topics",
            "offers",
            "seeks",
            "languages",
            "capacity",
            "available_from",
            "available_until",
        )
    }
    merged.update(data)
    values = _offer_values(merged)
    taken = offer.exchanges.exclude(status__in=["declined", "cancelled"]).count()
    if values["capacity"] < taken:
        raise DomainError(
            ngettext(
                "%(n)s visitor is already matched with this offer.",
                "%(n)s visitors are already matched with this offer.",
                taken,
            )
            % {"n": taken},
            field="capacity",
        )
    for field, value in values.items():
        setattr(offer, field, value)
    offer.save()
    if "terms" in data:
        offer.terms.set(_terms(data.get("terms")))
    audit(actor, "exchanges.offer_updated", offer)
    return offer


@transaction.atomic
def hosting_offer_review(
    *, actor, offer: HostingOffer, decision: str, note: str = ""
) -> HostingOffer:
    """The host's partnership validates or rejects a hosting offer."""
    require(actor, "exchanges.review_hostingoffer", offer)
    if decision == "validate" and offer.status == ReviewStatus.VALIDATED:
        raise DomainError(_("This offer is already validated."), field="decision")
    if decision == "validate":
        _host_check(offer.organisation)
    if decision == "reject" and offer.exchanges.exclude(status__in=["declined", "cancelled"]):
        raise DomainError(
            _("Visitors are matched with this offer: cancel their exchanges before rejecting it."),
            field="decision",
        )
    previous = _review(actor, offer, decision, note, "exchanges.review_hostingoffer", "offer")
    offer.save()
    audit(actor, "exchanges.offer_reviewed", offer, from_state=previous, to_state=offer.status)
    from .notifications import notify

    notify("offer_reviewed", offer=offer)
    return offer


@transaction.atomic
def hosting_offer_withdraw(*, actor, offer: HostingOffer) -> HostingOffer:
    """The host withdraws an offer; matches already made stay."""
    require(actor, "exchanges.change_hostingoffer", offer)
    previous = offer.status
    offer.status = ReviewStatus.WITHDRAWN
    offer.save(update_fields=["status", "updated_at"])
    audit(actor, "exchanges.offer_withdrawn", offer, from_state=previous, to_state=offer.status)
    return offer


__all__ = [
    "application_review",
    "application_submit",
    "application_update",
    "application_withdraw",
    "call_create",
    "call_status_set",
    "call_update",
    "hosting_offer_review",
    "hosting_offer_submit",
    "hosting_offer_update",
    "hosting_offer_withdraw",
    "other_live_exchanges_of",
    "parse_date",
]
