"""The service portfolio: services a cluster offers its members, new or improved."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusterloom.core.models import TimeStampedModel, link, optional_link
from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import Partnership


class ServiceNovelty(models.TextChoices):
    """Whether a service is new to the cluster or an improved one."""

    NEW = "new", pgettext_lazy("service", "new")
    IMPROVED = "improved", pgettext_lazy("service", "improved")


class ClusterService(TimeStampedModel):
    """A service a cluster organisation offers its members, and who built it with them."""

    organisation = link(Organisation, _("cluster organisation"), "cluster_services")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    novelty = models.CharField(_("new or improved"), max_length=10, choices=ServiceNovelty.choices)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    target_groups = models.CharField(_("for whom"), max_length=300, blank=True)
    #: The partner organisations that built the service with the cluster.
    built_with = models.ManyToManyField(
        Organisation, blank=True, related_name="co_built_services", verbose_name=_("built with")
    )
    partnership = optional_link(Partnership, _("partnership"), "cluster_services")
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("cluster service")
        verbose_name_plural = _("cluster services")

    def __str__(self) -> str:
        return self.name
