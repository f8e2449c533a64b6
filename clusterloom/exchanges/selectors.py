"""Reads of ClusterXchange: who sees what, eligibility facts, grants, progress against targets."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterloom.core.inputs import long_date
from clusterloom.core.permissions import (
    coordinated_partnership_ids,
    is_admin,
    managed_organisation_ids,
)
from clusterloom.directory.models import ClusterMembership, Organisation
from clusterloom.geo.distance import great_circle_km
from clusterloom.geo.models import City, Country
from clusterloom.matching.selectors import user_organisations
from clusterloom.partnerships.models import Partnership, TargetCode

from . import grants
from .eligibility import ExchangeFacts
from .models import (
    CallState,
    CallStatus,
    Exchange,
    ExchangeApplication,
    ExchangeCall,
    ExchangeStatus,
    HostingOffer,
    ReviewStatus,
)

#: An exchange that is not declined or cancelled holds its application, its host's place and
#: the visiting organisation's one participation.
DEAD = (ExchangeStatus.DECLINED, ExchangeStatus.CANCELLED)
#: Exchanges that count as done for the targets: the visitor's partnership validated the report.
DONE = (ExchangeStatus.VALIDATED, ExchangeStatus.PAID)
UNDER_WAY = (ExchangeStatus.MATCHED, ExchangeStatus.COMMITTED, ExchangeStatus.REPORTED)

__all__ = ["user_organisations"]


def cosme_countries() -> frozenset[str]:
    """ISO codes of the countries taking part in COSME."""
    return frozenset(Country.objects.filter(is_cosme=True).values_list("code", flat=True))


def live_exchanges() -> QuerySet[Exchange]:
    """Exchanges that are not declined or cancelled."""
    return Exchange.objects.exclude(status__in=DEAD)


def other_live_exchanges_of(organisation_id: int, *, exclude_pk: int | None = None) -> int:
    """How many live exchanges the organisation already has as a visitor, in any call."""
    rows = live_exchanges().filter(application__organisation_id=organisation_id)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.count()


def is_cluster_member(application: ExchangeApplication) -> bool:
    """Declared member of a cluster, or listed as one on the platform."""
    return bool(
        application.member_of_id
        or ClusterMembership.objects.filter(organisation_id=application.organisation_id).exists()
    )


def is_partnership_member(partnership: Partnership, application: ExchangeApplication) -> bool:
    """The visiting organisation is a partner cluster or a member of one of its clusters."""
    partners = set(partnership.members.values_list("organisation_id", flat=True))
    if application.organisation_id in partners:
        return True
    if application.member_of_id and application.member_of.organisation_id in partners:
        return True
    return ClusterMembership.objects.filter(
        organisation_id=application.organisation_id, cluster__organisation_id__in=partners
    ).exists()


def application_facts(
    application: ExchangeApplication,
    offer: HostingOffer | None = None,
    *,
    start=None,
    end=None,
    exclude_exchange: int | None = None,
) -> ExchangeFacts:
    """The facts the eligibility rules read, for an application and (optionally) a host."""
    visitor = application.organisation
    host = offer.organisation if offer is not None else None
    return ExchangeFacts(
        visitor_organisation=str(visitor.pk),
        visitor_country=visitor.country_id or "",
        visitor_kind=visitor.kind,
        visitor_is_cluster_member=is_cluster_member(application),
        host_organisation=str(host.pk) if host else None,
        host_country=host.country_id if host else None,
        host_kind=host.kind if host else None,
        start=start,
        end=end,
        cosme_countries=cosme_countries(),
        other_exchanges_of_visitor_organisation=(
            other_live_exchanges_of(visitor.pk, exclude_pk=exclude_exchange) if visitor.pk else 0
        ),
    )


def organisation_location(organisation: Organisation) -> tuple[float, float] | None:
    """The organisation's city, else the largest known city of its country."""
    if organisation.city_id:
        return organisation.city.latitude, organisation.city.longitude
    city = City.objects.filter(country_id=organisation.country_id).order_by("-population").first()
    return (city.latitude, city.longitude) if city else None


def distance_km(visitor: Organisation, host: Organisation) -> float | None:
    """Great-circle distance between the two organisations, None when a place is unknown."""
    a, b = organisation_location(visitor), organisation_location(host)
    if a is None or b is None:
        return None
    return round(great_circle_km(a[0], a[1], b[0], b[1]), 1)


def funding_rules(call: ExchangeCall) -> grants.FundingRules:
    """The call's funding rules as the grant computation reads them."""
    bands = grants.bands_from_rows(call.travel_bands) if call.travel_bands else None
    return grants.FundingRules(
        daily_rates={code: Decimal(v) for code, v in (call.daily_rates or {}).items()},
        default_daily_rate=call.default_daily_rate,
        travel_bands=bands or grants.DEFAULT_TRAVEL_BANDS,
        cap_per_organisation=call.cap_per_organisation,
    )


def already_granted(exchange: Exchange) -> Decimal:
    """Grants of the visiting organisation's other signed exchanges (toward the cap)."""
    rows = (
        Exchange.objects.filter(
            application__organisation_id=exchange.application.organisation_id,
            status__in=[ExchangeStatus.COMMITTED, ExchangeStatus.REPORTED, *DONE],
        )
        .exclude(pk=exchange.pk)
        .values_list("grant_total", flat=True)
    )
    return sum((v or Decimal(0) for v in rows), Decimal(0))


# -- who sees what ---------------------------------------------------------------------------


def calls_visible_to(user) -> QuerySet[ExchangeCall]:
    """Open and closed calls of published partnerships; drafts for their coordinators."""
    rows = ExchangeCall.objects.select_related("partnership")
    if is_admin(user):
        return rows
    public = Q(partnership__is_published=True) & ~Q(status=CallStatus.DRAFT)
    return rows.filter(public | Q(partnership_id__in=coordinated_partnership_ids(user)))


def open_refusal(call: ExchangeCall) -> str | None:
    """Why the coordinator cannot open `call` now, or None: a call whose application period
    is over would read closed as soon as it is opened."""
    today = timezone.localdate()
    if call.status != CallStatus.OPEN and today > call.closes_on:
        return _(
            "Applications to this call closed on %(closes)s (today is %(today)s): set a later "
            "closing date (Edit) before opening it."
        ) % {"closes": long_date(call.closes_on), "today": long_date(today)}
    return None


def registration_refusal(call: ExchangeCall, user) -> str | None:
    """Why `user` cannot register as a visitor for `call` now, in words (with when
    applications open), or None when registering can succeed. The same rules as
    `services.application_submit`, checked before anyone fills the form in."""
    state = call.state
    if state == CallState.DRAFT:
        return _("This call is not open for applications.")
    if state == CallState.UPCOMING:
        return _("Applications open on %(opens)s and close on %(closes)s.") % {
            "opens": long_date(call.opens_on),
            "closes": long_date(call.closes_on),
        }
    if state == CallState.CLOSED:
        if call.status == CallStatus.CLOSED and timezone.localdate() <= call.closes_on:
            return _("The partnership has closed this call to applications.")
        return _("Applications closed on %(closes)s.") % {"closes": long_date(call.closes_on)}
    if not (user and user.is_authenticated):
        return _("Log in to register as a visitor.")
    if not user.has_perm("exchanges.apply", call):
        return _(
            "Only people who act for an organisation can register; your account is not "
            "linked to one."
        )
    if is_admin(user):
        return None
    mine = user_organisations(user)
    if mine and not organisations_free_to_apply(call, user):
        return _("%(org)s has already applied to this call.") % {
            "org": ", ".join(o.name for o in mine)
        }
    return None


def organisations_free_to_apply(call: ExchangeCall, user) -> list[Organisation]:
    """The organisations the user acts for that have no live registration for the call (one
    rejected or withdrawn does not count): the ones the registration form offers."""
    mine = user_organisations(user)
    applied = set(
        call.applications.filter(organisation__in=mine)
        .exclude(status__in=[ReviewStatus.REJECTED, ReviewStatus.WITHDRAWN])
        .values_list("organisation_id", flat=True)
    )
    return [o for o in mine if o.pk not in applied]


def calls_in_state(rows: QuerySet[ExchangeCall], state: str, today=None) -> QuerySet:
    """The calls of `rows` in `state` (see `models.call_state`), filtered in the database."""
    today = today or timezone.localdate()
    opened = Q(status=CallStatus.OPEN)
    return rows.filter(
        {
            CallState.DRAFT: Q(status=CallStatus.DRAFT),
            CallState.UPCOMING: opened & Q(opens_on__gt=today),
            CallState.OPEN: opened & Q(opens_on__lte=today, closes_on__gte=today),
            CallState.CLOSED: Q(status=CallStatus.CLOSED) | (opened & Q(closes_on__lt=today)),
        }[state]
    )


def acting_for(user) -> Q:
    """Registrations the user acts for (submitted, is the contact, manages the organisation)."""
    q = Q(submitted_by_id=user.pk) | Q(organisation_id__in=managed_organisation_ids(user))
    person = getattr(user, "person", None)
    if person is not None:
        q |= Q(person_id=person.pk)
    return q


def applications_visible_to(user) -> QuerySet[ExchangeApplication]:
    """Applications of the user's organisations, and all of the calls they coordinate."""
    rows = ExchangeApplication.objects.select_related(
        "organisation__country", "call__partnership", "person"
    )
    if is_admin(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    return rows.filter(
        acting_for(user) | Q(call__partnership_id__in=coordinated_partnership_ids(user))
    )


def offers_visible_to(user) -> QuerySet[HostingOffer]:
    """Validated offers for logged-in users; one's own and one's partnership's in any state."""
    rows = HostingOffer.objects.select_related("organisation__country", "partnership")
    if is_admin(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    return rows.filter(
        Q(status=ReviewStatus.VALIDATED)
        | acting_for(user)
        | Q(partnership_id__in=coordinated_partnership_ids(user))
    )


def exchanges_visible_to(user) -> QuerySet[Exchange]:
    """Exchanges the user is the visitor, the host or a coordinator of either partnership of."""
    rows = Exchange.objects.select_related(
        "application__organisation__country",
        "application__call__partnership",
        "offer__organisation__country",
        "offer__partnership",
    )
    if is_admin(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    coordinated = coordinated_partnership_ids(user)
    acting = acting_for(user)
    return rows.filter(
        Q(application__in=ExchangeApplication.objects.filter(acting))
        | Q(offer__in=HostingOffer.objects.filter(acting))
        | Q(application__call__partnership_id__in=coordinated)
        | Q(offer__partnership_id__in=coordinated)
    )


def remaining_capacity(offer: HostingOffer, *, exclude_pk: int | None = None) -> int:
    """Places left on a hosting offer."""
    rows = offer.exchanges.exclude(status__in=DEAD)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return max(0, offer.capacity - rows.count())


# -- progress against targets ----------------------------------------------------------------


@dataclass
class ProgressRow:
    """One target: how many exchanges are done, under way, and the target."""

    code: str
    label: str
    target: int | None
    done: int
    under_way: int

    @property
    def percent(self) -> int:
        if not self.target:
            return 0
        return min(100, round(100 * self.done / self.target))

    @property
    def missing(self) -> int:
        return max(0, (self.target or 0) - self.done)


def _progress(rows: QuerySet[Exchange], targets: dict[str, int | None]) -> list[ProgressRow]:
    """One row per exchange target, counted in one query."""
    labels = dict(TargetCode.choices)
    filters = {
        TargetCode.EXCHANGES: Q(),
        TargetCode.EXCHANGES_SME: Q(application__is_sme=True),
        TargetCode.EXCHANGES_NON_MEMBER: Q(application__is_member=False),
    }
    counts = rows.aggregate(
        **{
            f"{code}_{state}": Count("id", filter=q & Q(status__in=statuses))
            for code, q in filters.items()
            for state, statuses in (("done", DONE), ("under_way", UNDER_WAY))
        }
    )
    return [
        ProgressRow(
            code=code,
            label=str(labels[code]),
            target=targets.get(code),
            done=counts[f"{code}_done"],
            under_way=counts[f"{code}_under_way"],
        )
        for code in filters
    ]


def partnership_progress(partnership: Partnership) -> list[ProgressRow]:
    """Exchanges of the partnership's calls (each counts once, for the visitor's partnership)
    against its targets."""
    targets = partnership.target_values
    rows = Exchange.objects.filter(application__call__partnership=partnership)
    return _progress(rows, targets)


def call_progress(call: ExchangeCall) -> list[ProgressRow]:
    """The call's exchanges against the call's share of the targets."""
    targets = {
        TargetCode.EXCHANGES: call.target_exchanges,
        TargetCode.EXCHANGES_SME: call.target_sme,
        TargetCode.EXCHANGES_NON_MEMBER: call.target_non_member,
    }
    return _progress(Exchange.objects.filter(application__call=call), targets)


def call_counts(call: ExchangeCall) -> dict[str, int]:
    """Registrations and exchanges of a call by state, for the call page."""
    counts = {f"applications_{s}": 0 for s in ReviewStatus.values}
    for status in call.applications.values_list("status", flat=True):
        counts[f"applications_{status}"] += 1
    counts.update({f"exchanges_{s}": 0 for s in ExchangeStatus.values})
    for status in Exchange.objects.filter(application__call=call).values_list("status", flat=True):
        counts[f"exchanges_{status}"] += 1
    return counts


@dataclass
class CallBudget:
    """A call's budget against the lump sums signed and paid."""

    budget: Decimal
    committed: Decimal  # signed commitments not yet paid
    paid: Decimal

    @property
    def left(self) -> Decimal:
        return self.budget - self.committed - self.paid


def call_budget(call: ExchangeCall) -> CallBudget:
    """Lump sums of the call's signed (committed to validated) and paid exchanges."""
    committed = paid = Decimal(0)
    rows = Exchange.objects.filter(application__call=call).values_list("status", "grant_total")
    for status, total in rows:
        if total is None:
            continue
        if status == ExchangeStatus.PAID:
            paid += total
        elif status in (
            ExchangeStatus.COMMITTED,
            ExchangeStatus.REPORTED,
            ExchangeStatus.VALIDATED,
        ):
            committed += total
    return CallBudget(budget=call.budget, committed=committed, paid=paid)
