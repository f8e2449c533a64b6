"""Organisations of every kind, clusters with their members, and people."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterloom.core.bounds import MAX_MANAGEMENT_FTE, MAX_MEMBERS, MAX_SMES
from clusterloom.core.models import TimeStampedModel, link, optional_link
from clusterloom.geo.models import City, Country, Region
from clusterloom.taxonomy.models import Term


class OrganisationKind(models.TextChoices):
    """What an organisation is; decides which ClusterXchange roles it may take."""

    CLUSTER = "cluster", _("Cluster organisation")
    BUSINESS_NETWORK = "business_network", _("Business network")
    SME = "sme", _("SME")
    LARGE_COMPANY = "large_company", _("Large company")
    RTO = "rto", _("Research or technology organisation")
    UNIVERSITY = "university", _("University")
    PUBLIC_AUTHORITY = "public_authority", _("Public authority")
    TRAINING_PROVIDER = "training_provider", _("Training provider")
    OTHER = "other", _("Other")


class OrganisationSize(models.TextChoices):
    """Head-count band (EU SME definition)."""

    MICRO = "micro", _("Micro (under 10)")
    SMALL = "small", _("Small (10-49)")
    MEDIUM = "medium", _("Medium (50-249)")
    LARGE = "large", _("Large (250 or more)")
    UNKNOWN = "", _("Unknown")


def logo_path(instance, filename: str) -> str:
    """Logos live under organisations/<id>/ with a random name (directory/pictures.py)."""
    return f"organisations/{instance.pk}/{filename}"


def photo_path(instance, filename: str) -> str:
    """Photos live under people/<id>/ with a random name (directory/pictures.py)."""
    return f"people/{instance.pk}/{filename}"


class Organisation(TimeStampedModel):
    """An organisation in the directory: a cluster organisation, a company, a university, ..."""

    name = models.CharField(_("name"), max_length=255, db_index=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True, db_index=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=OrganisationKind.choices,
        default=OrganisationKind.OTHER,
        db_index=True,
    )
    country = link(Country, _("country"), "organisations", on_delete=models.PROTECT)
    region = optional_link(Region, _("region"), "organisations")
    city = optional_link(City, _("city"), "organisations")
    #: City as written in the source, kept when it matches no known city.
    city_name = models.CharField(_("city name"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    #: What the organisation offers and seeks, in its own words (used for partner search).
    offers = models.TextField(_("offers"), blank=True)
    requests = models.TextField(_("seeks"), blank=True)
    size = models.CharField(
        _("size"), max_length=10, choices=OrganisationSize.choices, blank=True, default=""
    )
    #: None when not known; CORDIS states it for many participants.
    is_sme = models.BooleanField(_("SME"), null=True, blank=True)
    terms = models.ManyToManyField(
        Term, blank=True, related_name="organisations", verbose_name=_("taxonomy terms")
    )
    #: CORDIS organisationID, when imported from CORDIS.
    cordis_id = models.BigIntegerField(_("CORDIS id"), null=True, blank=True, unique=True)
    #: Acronyms of the CORDIS projects the organisation took part in.
    cordis_projects = models.JSONField(_("CORDIS projects"), default=list, blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_organisations",
        verbose_name=_("managers"),
    )
    #: At most 512 px, re-encoded without metadata; its managers upload or remove it.
    logo = models.FileField(_("logo"), upload_to=logo_path, max_length=200, blank=True)

    #: The search index's text (directory/search_index.py keeps it on every write), folded:
    #: lower case, no accents or punctuation (directory/textsearch.py). Name and short name;
    search_names = models.TextField(_("search: names"), blank=True, default="", editable=False)
    #: every taxonomy term and the country in all the platform's languages, region and city;
    search_labels = models.TextField(_("search: labels"), blank=True, default="", editable=False)
    #: the description.
    search_body = models.TextField(_("search: description"), blank=True, default="", editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["country", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def city_label(self) -> str:
        """The city to show: the linked city's name, else the name as the source wrote it."""
        return self.city.name if self.city_id else self.city_name

    @property
    def is_cluster_like(self) -> bool:
        """Cluster and business-network organisations may form partnerships."""
        return self.kind in (OrganisationKind.CLUSTER, OrganisationKind.BUSINESS_NETWORK)


class Cluster(TimeStampedModel):
    """The cluster a cluster organisation runs: its size and, when known, its members."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="cluster",
        verbose_name=_("cluster organisation"),
    )
    #: Members as the cluster declares them (the member list may be incomplete or unknown).
    member_count = models.PositiveIntegerField(
        _("number of members"), null=True, blank=True, validators=[MaxValueValidator(MAX_MEMBERS)]
    )
    sme_count = models.PositiveIntegerField(
        _("number of SMEs"), null=True, blank=True, validators=[MaxValueValidator(MAX_SMES)]
    )
    #: Full-time equivalents of cluster management staff (ECCP asks at least 0.5).
    management_fte = models.DecimalField(
        _("management staff (FTE)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_MANAGEMENT_FTE)],
    )
    #: Member kinds the cluster declares when its member list is not on the platform.
    declared_member_kinds = models.JSONField(_("declared member kinds"), default=list, blank=True)
    website_in_english = models.BooleanField(_("website in English"), null=True, blank=True)
    members = models.ManyToManyField(
        Organisation,
        through="ClusterMembership",
        related_name="member_of",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return str(self.organisation)


class ClusterMembership(TimeStampedModel):
    """An organisation that is a member of a cluster."""

    cluster = link(Cluster, _("cluster"), "memberships")
    organisation = link(Organisation, _("member"), "cluster_memberships")
    since = models.DateField(_("member since"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster", "organisation"], name="unique_membership")
        ]
        verbose_name = _("cluster membership")
        verbose_name_plural = _("cluster memberships")

    def __str__(self) -> str:
        return f"{self.organisation} ∈ {self.cluster}"

    def clean(self) -> None:
        """The admin's check (memberships.membership_check): not a member of itself, no circle."""
        from django.core.exceptions import ValidationError

        from clusterloom.core.errors import DomainError

        from .memberships import membership_check

        if self.cluster_id and self.organisation_id:
            try:
                membership_check(self.cluster, self.organisation)
            except DomainError as error:
                raise ValidationError({"organisation": error.message}) from None


class Person(TimeStampedModel):
    """A person at an organisation; a member of the platform when linked to a login."""

    organisation = link(Organisation, _("organisation"), "people")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("login"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    #: The person agreed that name and job title appear on public pages.
    consent_public = models.BooleanField(_("consent to a public profile"), default=False)
    #: The person agreed that the e-mail address appears on public pages (as a partnership's
    #: contact person); otherwise only signed-in users see it there.
    email_public = models.BooleanField(_("e-mail address on public pages"), default=False)
    #: 256 × 256 px, re-encoded without metadata; only the person uploads or removes it.
    photo = models.FileField(_("photo"), upload_to=photo_path, max_length=200, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SearchWord(models.Model):
    """A word of the directory's names and labels (folded): where a mistyped search word
    finds the word that was meant ("textle" -> "textile"). Words are added as texts are
    indexed and never removed; a word nobody uses any more only finds nothing."""

    word = models.CharField(_("word"), max_length=40, primary_key=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word
