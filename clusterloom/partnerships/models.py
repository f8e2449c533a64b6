"""Partnerships (ESCPs), their composition, actions, expected results and numeric targets."""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from clusterloom.core.models import TimeStampedModel, link, optional_link
from clusterloom.directory.models import Organisation, Person
from clusterloom.taxonomy.models import Term


class Programme(models.TextChoices):
    """The EU programme strand a partnership was funded under."""

    ESCP_4X = "ESCP-4x", _("ESCP-4x (for excellence)")
    ESCP_4I = "ESCP-4i", _("ESCP-4i (going international)")
    ESCP_S3 = "ESCP-S3", _("ESCP-S3 (smart specialisation)")
    EUROCLUSTERS = "Euroclusters", _("Euroclusters")
    OTHER = "other", _("Other")


class Partnership(TimeStampedModel):
    """A European Strategic Cluster Partnership and its public ECCP-style profile."""

    acronym = models.CharField(_("acronym"), max_length=40, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=400)
    programme = models.CharField(
        _("programme"), max_length=20, choices=Programme.choices, default=Programme.ESCP_4X
    )
    start_date = models.DateField(_("start of partnership"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True
    )
    #: Number of partners the profile states; may exceed the partners it lists.
    stated_partner_count = models.PositiveSmallIntegerField(
        _("number of partners"), null=True, blank=True
    )
    planned_exchanges = models.PositiveIntegerField(
        _("number of planned exchanges"), null=True, blank=True
    )
    origin = models.TextField(_("partnership's origin"), blank=True)
    objectives = models.TextField(_("partnership objectives"), blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    other_partner_members = models.TextField(
        _("other partner members of the consortium"), blank=True
    )
    key_partners_networks = models.TextField(
        _("other key partners or networks in Europe and third countries"), blank=True
    )
    terms = models.ManyToManyField(
        Term, blank=True, related_name="partnerships", verbose_name=_("industries")
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    #: Where the profile came from (ECCP page, narrative, manual entry).
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_partnerships",
        verbose_name=_("coordinators"),
    )
    #: Shown on the public profile: one of the partners' people who agreed to a public profile,
    #: chosen by a coordinator.
    contact_person = optional_link(Person, _("contact person"), "+")
    #: Sentences of the profile a coordinator said are not targets, though they look like
    #: commitments: [{"source_text": "...", "value": 12}].
    dismissed_commitments = models.JSONField(
        _("commitments that are not targets"), default=list, blank=True
    )

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self) -> str:
        return self.acronym

    # Read once per instance: a partnership's page is built by several apps' sections, and each
    # used to read the partner list and the targets again (five and four times per page).
    # Only readers use these; a write goes through a fresh instance and a redirect.

    @cached_property
    def partners_listed(self) -> list["PartnershipMember"]:
        """The partner rows in their listed order, with organisation, country, region, city and
        cluster."""
        return list(
            self.members.select_related(
                "organisation__country",
                "organisation__region",
                "organisation__city",
                "organisation__cluster",
            ).order_by("order", "id")
        )

    @cached_property
    def targets_listed(self) -> list["Target"]:
        """The partnership's targets."""
        return list(self.targets.all())

    @cached_property
    def target_values(self) -> dict[str, int]:
        """Target code -> target value."""
        return {target.code: target.value for target in self.targets_listed}


class PartnerRole(models.TextChoices):
    """A partner's role in the consortium."""

    COORDINATOR = "coordinator", _("Coordinator")
    PARTNER = "partner", _("Partner")


class PartnershipMember(TimeStampedModel):
    """One partner cluster in a partnership's composition."""

    partnership = link(Partnership, _("partnership"), "members")
    organisation = link(
        Organisation, _("organisation"), "partnership_memberships", on_delete=models.PROTECT
    )
    role = models.CharField(
        _("role"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    #: Name as the profile lists it ("OTIR2020-TFC - Next Technology Tecnotessile").
    listed_name = models.CharField(_("name as listed"), max_length=255, blank=True)
    #: True when the role was inferred (the ECCP lists the coordinator first) and not stated.
    role_inferred = models.BooleanField(_("role inferred"), default=False)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="unique_partner_per_partnership"
            )
        ]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}, {self.partnership})"


class ProfileLine(models.Model):
    """One numbered line of a list in the partnership's profile."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("text"))

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Action(ProfileLine):
    """One action the partnership plans (as listed in its profile)."""

    partnership = link(Partnership, _("partnership"), "actions")

    class Meta(ProfileLine.Meta):
        verbose_name = _("action")
        verbose_name_plural = _("actions")


class ExpectedResult(ProfileLine):
    """One result the partnership expects (as listed in its profile)."""

    partnership = link(Partnership, _("partnership"), "expected_results")

    class Meta(ProfileLine.Meta):
        verbose_name = _("expected result")
        verbose_name_plural = _("expected results")


class TargetCode(models.TextChoices):
    """Standard target codes; KPIs are computed against these."""

    EXCHANGES = "exchanges", _("ClusterXchange visits")
    EXCHANGES_SME = "exchanges_sme", _("visits by SMEs")
    EXCHANGES_NON_MEMBER = (
        "exchanges_non_member",
        _("visits by organisations outside the partnership"),
    )
    LABELS_BRONZE = "labels_bronze", _("bronze labels")
    LABELS_SILVER = "labels_silver", _("silver labels")
    LABELS_GOLD = "labels_gold", _("gold labels")
    BENCHMARKINGS = "benchmarkings", _("benchmarkings")
    CLUSTER_STRATEGIES = "cluster_strategies", _("cluster strategies")
    JOINT_STRATEGIES = "joint_strategies", _("joint strategies")
    LEARNING_EVENTS = "learning_events", _("learning events")
    STUDY_VISITS = "study_visits", _("study visits")
    MATCHMAKING_EVENTS = "matchmaking_events", _("matchmaking events")
    TRAININGS = "trainings", _("trainings")
    DISSEMINATION = "dissemination", _("dissemination activities")


class TargetStatus(models.TextChoices):
    """Targets read from profile text are proposed until a coordinator confirms them."""

    PROPOSED = "proposed", _("proposed")
    CONFIRMED = "confirmed", _("confirmed")


class Target(TimeStampedModel):
    """A numeric target of a partnership (e.g. 59 exchanges)."""

    partnership = link(Partnership, _("partnership"), "targets")
    code = models.CharField(_("code"), max_length=40, choices=TargetCode.choices)
    value = models.PositiveIntegerField(_("target"))
    status = models.CharField(
        _("status"), max_length=20, choices=TargetStatus.choices, default=TargetStatus.PROPOSED
    )
    #: The text the target was read from, so a coordinator can check it.
    source_text = models.TextField(_("found in"), blank=True)

    class Meta:
        ordering = ["partnership", "code"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="unique_target_code")
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.partnership}: {self.code} = {self.value}"
