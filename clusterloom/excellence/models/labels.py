"""Cluster-management excellence labels (bronze, silver, gold) awarded to cluster organisations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusterloom.core.models import TimeStampedModel, link, not_before, optional_link
from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import Partnership

User = settings.AUTH_USER_MODEL


class LabelLevel(models.TextChoices):
    """The three ESCA/EUCLES label levels."""

    BRONZE = "bronze", pgettext_lazy("label level", "bronze")
    SILVER = "silver", pgettext_lazy("label level", "silver")
    GOLD = "gold", pgettext_lazy("label level", "gold")


class LabelStatus(models.TextChoices):
    """A label's standing on a given day, computed from its dates (never stored)."""

    VALID = "valid", pgettext_lazy("label status", "valid")
    EXPIRING = "expiring", pgettext_lazy("label status", "expiring")
    EXPIRED = "expired", pgettext_lazy("label status", "expired")


def label_evidence_path(instance, filename: str) -> str:
    """Label certificates live under labels/<organisation id>/, never under their own names."""
    return f"labels/{instance.organisation_id}/{instance.evidence_token}.{instance.evidence_kind}"


class ClusterLabel(TimeStampedModel):
    """A label a cluster organisation was awarded, with its validity and evidence."""

    organisation = link(Organisation, _("cluster organisation"), "labels")
    level = models.CharField(_("level"), max_length=10, choices=LabelLevel.choices)
    awarding_body = models.CharField(
        _("awarding body"),
        max_length=200,
        default="European Secretariat for Cluster Analysis (ESCA)",
    )
    awarded_on = models.DateField(_("awarded on"))
    #: Last day the label is valid; by default LABEL_VALIDITY_MONTHS after the award month.
    valid_until = models.DateField(_("valid until"))
    #: The benchmarking (bronze, silver) or assessment (gold) the label rests on.
    benchmarking = optional_link("excellence.Benchmarking", _("benchmarking"), "labels")
    #: The partnership whose work led to the label (counts toward its label targets).
    partnership = optional_link(Partnership, _("partnership"), "labels")
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    evidence = models.FileField(
        _("certificate"), upload_to=label_evidence_path, max_length=200, blank=True
    )
    evidence_kind = models.CharField(max_length=8, blank=True)
    evidence_token = models.CharField(max_length=32, blank=True, editable=False)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_url = models.URLField(_("link to the certificate"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    #: When the expiry reminder was sent (so it is sent once per label).
    expiry_reminder_sent_on = models.DateField(null=True, blank=True, editable=False)
    recorded_by = optional_link(User, _("recorded by"), "+")

    class Meta:
        ordering = ["-awarded_on", "id"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [not_before("valid_until", "awarded_on", "label_valid_after_award")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} — {self.organisation} ({self.awarded_on:%Y-%m})"
