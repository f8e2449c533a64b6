"""Partner matching: the profiles the index reads, sector affinities, partner requests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterloom.core.models import TimeStampedModel, link, optional_link
from clusterloom.directory.models import Organisation
from clusterloom.taxonomy.models import Term


class MatchIndexState(models.Model):
    """One row: the version every process compares with its in-memory index.

    `version` is raised (under the row's lock) by every profile write and stamped on that
    profile, so a process applies only the rows above the version it has seen. `generation`
    changes on a full rebuild and `affinity_version` when sector affinities change: either
    makes a process rebuild its index from scratch.
    """

    version = models.BigIntegerField(default=0)
    affinity_version = models.BigIntegerField(default=0)
    generation = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("match index state")

    def __str__(self) -> str:
        return f"{self.generation}:{self.version}/{self.affinity_version}"


class MatchProfile(models.Model):
    """What the partner index knows of one organisation, derived from the directory.

    A deleted organisation leaves a row with `removed` set (a tombstone), so processes that
    hold an index learn to drop it; a full rebuild purges tombstones.
    """

    #: The organisation's id; not a foreign key, so the row outlives a deleted organisation.
    organisation_id = models.BigIntegerField(_("organisation id"), unique=True)
    text = models.TextField(_("text"), blank=True)
    #: Taxonomy terms as "vocabulary:slug".
    terms = models.JSONField(_("terms"), default=list, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    offers = models.TextField(_("offers"), blank=True)
    requests = models.TextField(_("seeks"), blank=True)
    #: Ids of organisations it has worked with (partnership co-members, CORDIS co-participants).
    partners = models.JSONField(_("partners"), default=list, blank=True)
    #: Texts of its past projects (title and objective each), scored one by one.
    passages = models.JSONField(_("passages"), default=list, blank=True)
    #: Partnerships plus CORDIS projects the organisation takes part in.
    activity = models.FloatField(_("activity"), default=0)
    removed = models.BooleanField(_("removed"), default=False)
    #: The MatchIndexState.version of the write that last changed this row.
    version = models.BigIntegerField(_("version"), default=0, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("match profile")
        verbose_name_plural = _("match profiles")

    def __str__(self) -> str:
        return f"profile of organisation {self.organisation_id}"

    @property
    def organisation(self) -> Organisation | None:
        """The organisation, or None once deleted."""
        return Organisation.objects.filter(pk=self.organisation_id).first()


class CordisProject(models.Model):
    """A CORDIS project: its participants' profiles hold it as a passage (title and objective),
    and `learn-ranking` learns from who took part in it."""

    acronym = models.CharField(_("acronym"), max_length=100, unique=True)
    #: CORDIS's project id (`id` in its project files, `projectID` in its organisation files).
    cordis_id = models.BigIntegerField(_("CORDIS project id"), null=True, blank=True, unique=True)
    title = models.CharField(_("title"), max_length=500)
    objective = models.TextField(_("objective"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    #: The call it answered (CORDIS `subCall`, else `masterCall`).
    call = models.CharField(_("call"), max_length=200, blank=True)
    funding_scheme = models.CharField(_("funding scheme"), max_length=100, blank=True)

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("CORDIS project")
        verbose_name_plural = _("CORDIS projects")

    def __str__(self) -> str:
        return f"{self.acronym}: {self.title}"

    @property
    def passage(self) -> str:
        """The project as a passage of its participants' profiles: title, then objective."""
        if self.objective:
            return f"{self.title}. {self.objective}"
        return self.title


class SectorAffinity(models.Model):
    """How well two taxonomy terms complement each other (0 to 1), learned or adjusted.

    Learned from partnership compositions and CORDIS co-participation; a coordinator may set
    `adjusted`, which then wins over the learned value and survives relearning.
    """

    #: The two terms as "vocabulary:slug", term_a < term_b.
    term_a = models.CharField(_("term"), max_length=230)
    term_b = models.CharField(_("term"), max_length=230)
    learned = models.FloatField(_("learned value"), null=True, blank=True)
    adjusted = models.FloatField(_("adjusted value"), null=True, blank=True)
    adjusted_by = optional_link(settings.AUTH_USER_MODEL, _("adjusted by"), "+")
    adjusted_at = models.DateTimeField(_("adjusted at"), null=True, blank=True)
    learned_at = models.DateTimeField(_("learned at"), null=True, blank=True)

    class Meta:
        ordering = ["term_a", "term_b"]
        constraints = [
            models.UniqueConstraint(fields=["term_a", "term_b"], name="unique_affinity_pair"),
            models.CheckConstraint(
                condition=models.Q(term_a__lt=models.F("term_b")), name="affinity_pair_ordered"
            ),
        ]
        verbose_name = _("sector affinity")
        verbose_name_plural = _("sector affinities")

    def __str__(self) -> str:
        return f"{self.term_a} ↔ {self.term_b}: {self.value:.2f}"

    @property
    def value(self) -> float:
        """The value the index uses: the coordinator's when set, else the learned one."""
        if self.adjusted is not None:
            return self.adjusted
        return self.learned or 0.0


class RequestStatus(models.TextChoices):
    """A partner request is open until its poster closes it."""

    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class PartnerRequest(TimeStampedModel):
    """A posted search for partners (as on the ECCP): what is sought and what is offered."""

    organisation = link(Organisation, _("for organisation"), "partner_requests")
    posted_by = link(
        settings.AUTH_USER_MODEL,
        _("posted by"),
        "partner_requests",
        on_delete=models.SET_NULL,
        null=True,
    )
    title = models.CharField(_("title"), max_length=200)
    sought = models.TextField(_("what is sought"))
    offered = models.TextField(_("what is offered"), blank=True)
    terms = models.ManyToManyField(
        Term, blank=True, related_name="partner_requests", verbose_name=_("industries")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    #: Public requests are readable by anyone; others only by logged-in users.
    is_public = models.BooleanField(_("public"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="followed_partner_requests",
        verbose_name=_("followers"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("partner request")
        verbose_name_plural = _("partner requests")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        """Open requests accept expressions of interest."""
        return self.status == RequestStatus.OPEN


class PartnerInterest(TimeStampedModel):
    """Someone's answer to a partner request: "we are interested", with a message."""

    request = link(PartnerRequest, _("partner request"), "interests")
    user = link(settings.AUTH_USER_MODEL, _("user"), "partner_interests")
    organisation = optional_link(Organisation, _("organisation"), "partner_interests")
    message = models.TextField(_("message"))
    #: When the poster was told by e-mail (None until the notification went out).
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="one_interest_per_user")
        ]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")

    def __str__(self) -> str:
        return f"{self.user} → {self.request}"
