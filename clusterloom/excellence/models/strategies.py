"""Strategies (one per cluster, one joint per partnership), their versions and roadmaps."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusterloom.core.models import TimeStampedModel, link, not_before, optional_link
from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import Partnership

User = settings.AUTH_USER_MODEL


class StrategyScope(models.TextChoices):
    """A cluster's own strategy, or the partnership's joint strategy."""

    CLUSTER = "cluster", pgettext_lazy("strategy scope", "cluster strategy")
    JOINT = "joint", pgettext_lazy("strategy scope", "joint strategy")


class StrategyStatus(models.TextChoices):
    """A strategy is drafted, then adopted on a date."""

    DRAFT = "draft", pgettext_lazy("strategy status", "draft")
    ADOPTED = "adopted", pgettext_lazy("strategy status", "adopted")


class Strategy(TimeStampedModel):
    """A cluster's strategy or a partnership's joint strategy; its text lives in versions."""

    scope = models.CharField(_("scope"), max_length=10, choices=StrategyScope.choices)
    #: The cluster a cluster strategy belongs to (empty for a joint strategy).
    organisation = link(
        Organisation, _("cluster organisation"), "strategies", null=True, blank=True
    )
    #: The joint strategy's partnership; for a cluster strategy, the partnership whose work
    #: produced it (counts toward its `cluster_strategies` target).
    partnership = link(Partnership, _("partnership"), "strategies", null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=StrategyStatus.choices, default=StrategyStatus.DRAFT
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    #: The version that was adopted (later versions are drafts of a revision).
    adopted_version = optional_link("excellence.StrategyVersion", _("adopted version"), "+")
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["scope", "title"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(scope="cluster"),
                name="one_strategy_per_cluster",
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=models.Q(scope="joint"),
                name="one_joint_strategy_per_partnership",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(scope="cluster", organisation__isnull=False)
                    | models.Q(scope="joint", partnership__isnull=False, organisation__isnull=True)
                ),
                name="strategy_scope_owner",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="adopted") | models.Q(adopted_on__isnull=False),
                name="adopted_strategy_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StrategyVersion(models.Model):
    """One saved text of a strategy (Markdown; rendered sanitised)."""

    strategy = link(Strategy, _("strategy"), "versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text (Markdown)"))
    #: The text rendered and sanitised when the version was saved (pages never render again).
    html = models.TextField(_("text (HTML)"), blank=True, editable=False)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    created_by = optional_link(User, _("saved by"), "+")

    class Meta:
        ordering = ["strategy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="unique_strategy_version")
        ]
        verbose_name = _("strategy version")
        verbose_name_plural = _("strategy versions")

    def __str__(self) -> str:
        return f"{self.strategy} v{self.number}"


class ActionStatus(models.TextChoices):
    """Where a roadmap action stands."""

    PLANNED = "planned", pgettext_lazy("action status", "planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("action status", "in progress")
    DONE = "done", pgettext_lazy("action status", "done")
    CANCELLED = "cancelled", pgettext_lazy("action status", "cancelled")


class RoadmapAction(TimeStampedModel):
    """One action of a strategy's roadmap: owner, dates, status and the targets it serves."""

    strategy = link(Strategy, _("strategy"), "actions")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = optional_link(Organisation, _("owner"), "roadmap_actions")
    #: A person or team when the owner is not an organisation of the directory.
    owner_name = models.CharField(_("owner (name)"), max_length=200, blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    #: Target codes (partnerships.TargetCode) the action serves, e.g. ["labels_bronze"].
    target_codes = models.JSONField(_("targets served"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        ordering = ["strategy", "starts_on", "order", "id"]
        verbose_name = _("roadmap action")
        verbose_name_plural = _("roadmap actions")
        constraints = [not_before("ends_on", "starts_on", "action_ends_after_start")]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A dated milestone of a roadmap action."""

    action = link(RoadmapAction, _("action"), "milestones")
    title = models.CharField(_("title"), max_length=300)
    due_on = models.DateField(_("due on"))
    reached_on = models.DateField(_("reached on"), null=True, blank=True)

    class Meta:
        ordering = ["action", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title
