"""ClusterXchange: calls with their funding rules, hosting offers, visitor applications and
the exchanges themselves, from the match to the payment."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusterloom.core.models import TimeStampedModel, link, optional_link
from clusterloom.directory.models import Cluster, Organisation, Person
from clusterloom.partnerships.models import Partnership
from clusterloom.taxonomy.models import Term

User = settings.AUTH_USER_MODEL


class CallStatus(models.TextChoices):
    """A call is prepared, then open for applications, then closed."""

    DRAFT = "draft", pgettext_lazy("call status", "draft")
    OPEN = "open", pgettext_lazy("call status", "open")
    CLOSED = "closed", pgettext_lazy("call status", "closed")


class CallState(models.TextChoices):
    """What people are shown: the coordinator's status read with the application dates."""

    DRAFT = "draft", pgettext_lazy("call status", "draft")
    UPCOMING = "upcoming", pgettext_lazy("call status", "upcoming")
    OPEN = "open", pgettext_lazy("call status", "open")
    CLOSED = "closed", pgettext_lazy("call status", "closed")


def call_state(
    status: str, opens_on: datetime.date, closes_on: datetime.date, today: datetime.date
) -> str:
    """A call opened by its coordinator is upcoming before its applications open, open from
    the first to the last day of applications, and closed after; a draft stays a draft and a
    call its coordinator closed stays closed, whatever the dates."""
    if status == CallStatus.DRAFT:
        return CallState.DRAFT
    if status == CallStatus.CLOSED or today > closes_on:
        return CallState.CLOSED
    if today < opens_on:
        return CallState.UPCOMING
    return CallState.OPEN


class ExchangeCall(TimeStampedModel):
    """A partnership's call for ClusterXchange exchanges, with its funding rules and targets."""

    partnership = link(Partnership, _("partnership"), "exchange_calls")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    opens_on = models.DateField(_("applications open"))
    closes_on = models.DateField(_("applications close"))
    #: Exchanges under this call must take place within this period.
    exchanges_from = models.DateField(_("exchanges from"))
    exchanges_until = models.DateField(_("exchanges until"))
    budget = models.DecimalField(_("budget (EUR)"), max_digits=12, decimal_places=2, default=0)
    #: The call's share of the partnership's targets `exchanges`, `exchanges_sme` and
    #: `exchanges_non_member`: the allocation never plans more than `target_exchanges`.
    target_exchanges = models.PositiveIntegerField(_("exchanges planned"), default=0)
    target_sme = models.PositiveIntegerField(_("of them by SMEs (minimum)"), default=0)
    target_non_member = models.PositiveIntegerField(
        _("of them by organisations outside the partnership (minimum)"), default=0
    )
    #: Host country (ISO alpha-2) -> EUR per working day, as strings: {"IT": "130.00"}.
    daily_rates = models.JSONField(_("daily rate per host country"), default=dict, blank=True)
    default_daily_rate = models.DecimalField(
        _("daily rate for other host countries (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    #: Rows {"min_km", "max_km", "amount"}; empty means the Erasmus+ default bands.
    travel_bands = models.JSONField(_("travel bands"), default=list, blank=True)
    cap_per_organisation = models.DecimalField(
        _("cap per visiting organisation (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("1100.00"),
    )

    class Meta:
        ordering = ["-opens_on", "title"]
        verbose_name = _("exchange call")
        verbose_name_plural = _("exchange calls")

    def __str__(self) -> str:
        return f"{self.partnership.acronym}: {self.title}"

    @property
    def state(self) -> str:
        """Upcoming, open or closed from the dates and today (see `call_state`)."""
        return call_state(self.status, self.opens_on, self.closes_on, timezone.localdate())

    def get_state_display(self) -> str:
        return str(CallState(self.state).label)


class ReviewStatus(models.TextChoices):
    """A registration (visitor or host) is validated by a partnership before it is matched."""

    SUBMITTED = "submitted", _("submitted")
    VALIDATED = "validated", _("validated")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class RegistrationProfile(TimeStampedModel):
    """What visitor applications and hosting offers share: who, what they offer and seek."""

    organisation = link(Organisation, _("organisation"), "+", on_delete=models.PROTECT)
    person = optional_link(Person, _("contact person"), "+")
    submitted_by = optional_link(User, _("submitted by"), "+")
    offers = models.TextField(_("what you offer"), blank=True)
    seeks = models.TextField(_("what you seek"), blank=True)
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReviewStatus.choices,
        default=ReviewStatus.SUBMITTED,
        db_index=True,
    )
    review_note = models.TextField(_("note from the partnership"), blank=True)
    reviewed_by = optional_link(User, _("reviewed by"), "+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        abstract = True


class HostingOffer(RegistrationProfile):
    """A host's registration and offer: topics, capacity and when it can receive visitors."""

    #: The partnership that validates the host (and co-signs its commitments).
    partnership = link(Partnership, _("partnership"), "hosting_offers")
    title = models.CharField(_("title"), max_length=200)
    topics = models.TextField(_("topics a visitor can learn about"))
    terms = models.ManyToManyField(Term, blank=True, related_name="+", verbose_name=_("industries"))
    capacity = models.PositiveSmallIntegerField(_("visitors it can host"), default=1)
    available_from = models.DateField(_("available from"))
    available_until = models.DateField(_("available until"))

    class Meta:
        ordering = ["title"]
        verbose_name = _("hosting offer")
        verbose_name_plural = _("hosting offers")

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation})"


class ExchangeApplication(RegistrationProfile):
    """A visitor's registration for a call: goals, offers and needs, preferred dates."""

    call = link(ExchangeCall, _("call"), "applications")
    #: The cluster the visiting organisation belongs to (required unless it is a cluster).
    member_of = optional_link(Cluster, _("member of the cluster"), "+")
    goals = models.TextField(_("goals of the exchange"))
    preferred_start = models.DateField(_("preferred first day"), null=True, blank=True)
    preferred_end = models.DateField(_("preferred last day"), null=True, blank=True)
    #: Snapshots taken at validation: they decide which targets the exchange counts toward.
    is_sme = models.BooleanField(_("SME"), default=False)
    is_member = models.BooleanField(_("member of the partnership"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("visitor application")
        verbose_name_plural = _("visitor applications")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.call}"


class ExchangeStatus(models.TextChoices):
    """An exchange from the proposed match to the payment."""

    PROPOSED = "proposed", _("proposed")
    MATCHED = "matched", _("matched")
    COMMITTED = "committed", _("commitment signed")
    REPORTED = "reported", _("reported")
    VALIDATED = "validated", _("validated")
    PAID = "paid", _("paid")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")


class MatchOrigin(models.TextChoices):
    """Where a match came from."""

    SUGGESTION = "suggestion", _("suggested host")
    CATALOGUE = "catalogue", _("catalogue of hosting offers")
    PRIOR_AGREEMENT = "prior_agreement", _("prior agreement")
    ALLOCATION = "allocation", _("allocation of the call")


#: Who signs the Commitment to Quality, in the order they usually sign.
SIGNATORIES = ("visitor", "host", "visitor_partnership", "host_partnership")


class Exchange(TimeStampedModel):
    """One visit: an application matched with a hosting offer, its commitment, report and grant."""

    application = link(ExchangeApplication, _("application"), "exchanges")
    offer = link(HostingOffer, _("hosting offer"), "exchanges", on_delete=models.PROTECT)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ExchangeStatus.choices,
        default=ExchangeStatus.PROPOSED,
        db_index=True,
    )
    origin = models.CharField(_("origin"), max_length=20, choices=MatchOrigin.choices)
    #: Fit score of the pair when it was proposed (reciprocal matching score, 0-1).
    fit = models.FloatField(_("fit"), null=True, blank=True)
    visitor_confirmed_at = models.DateTimeField(_("visitor confirmed"), null=True, blank=True)
    host_confirmed_at = models.DateTimeField(_("host confirmed"), null=True, blank=True)
    start = models.DateField(_("first day at the host"), null=True, blank=True)
    end = models.DateField(_("last day at the host"), null=True, blank=True)
    # -- Commitment to Quality
    objectives = models.TextField(_("objectives"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    #: {signatory: {"user": id, "name": str, "at": iso datetime}} for SIGNATORIES.
    signatures = models.JSONField(_("signatures"), default=dict, blank=True)
    # -- Grant, computed when the commitment is drafted and frozen when it is signed
    working_days = models.PositiveSmallIntegerField(_("working days"), null=True, blank=True)
    distance_km = models.FloatField(_("distance (km)"), null=True, blank=True)
    grant_total = models.DecimalField(
        _("lump sum (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    grant_lines = models.JSONField(_("lump sum computation"), default=list, blank=True)
    # -- Finalisation
    report = models.TextField(_("closing report"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    validated_by = optional_link(User, _("validated by"), "+")
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    review_note = models.TextField(_("note from the partnership"), blank=True)
    paid_at = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    cancel_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        constraints = [
            # A declined or cancelled match frees the application for another host.
            models.UniqueConstraint(
                fields=["application"],
                condition=~models.Q(status__in=["declined", "cancelled"]),
                name="one_live_exchange_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.organisation} → {self.offer.organisation}"

    def clean(self) -> None:
        """The admin's check of a payment date (lifecycle.payment_date): on or after the visit's
        last day, not in the future."""
        from django.core.exceptions import ValidationError

        from clusterloom.core.errors import DomainError

        from .lifecycle import payment_date

        if self.paid_at:
            try:
                payment_date(self, self.paid_at)
            except DomainError as error:
                raise ValidationError({"paid_at": error.message}) from None

    @property
    def call(self) -> ExchangeCall:
        return self.application.call


def evidence_path(instance, filename: str) -> str:
    """Evidence files live under exchanges/<exchange id>/, never under their own names."""
    return f"exchanges/{instance.exchange_id}/{instance.kind}-{instance.token}.{instance.kind}"


class ExchangeEvidence(TimeStampedModel):
    """A document proving a visit took place (boarding pass, invoice, photo), checked by content."""

    exchange = link(Exchange, _("exchange"), "evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    kind = models.CharField(_("type"), max_length=8)
    token = models.CharField(max_length=32, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = optional_link(User, _("uploaded by"), "+")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name
