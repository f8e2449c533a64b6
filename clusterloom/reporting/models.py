"""Monthly KPI snapshots, so a dashboard shows progress over time."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterloom.core.models import link
from clusterloom.partnerships.models import Partnership


class KpiSnapshot(models.Model):
    """A target's actual value at the end of a month (recomputed, never typed)."""

    partnership = link(Partnership, _("partnership"), "kpi_snapshots")
    #: The first day of the month the value was taken for (as of its last day).
    month = models.DateField(_("month"))
    code = models.CharField(_("code"), max_length=40)
    target = models.PositiveIntegerField(_("target"), null=True, blank=True)
    actual = models.PositiveIntegerField(_("actual"))
    taken_at = models.DateTimeField(_("taken at"), auto_now=True)

    class Meta:
        ordering = ["partnership", "code", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "month", "code"], name="one_snapshot_per_month_and_code"
            )
        ]
        verbose_name = _("KPI snapshot")
        verbose_name_plural = _("KPI snapshots")

    def __str__(self) -> str:
        return f"{self.partnership} {self.month:%Y-%m} {self.code}={self.actual}"
