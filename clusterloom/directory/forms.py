"""Directory forms: search, organisation and cluster edit, member-list upload, pictures."""

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clusterloom.core.evidence import size_text
from clusterloom.core.page_cache import versioned
from clusterloom.geo.models import Country
from clusterloom.taxonomy.models import Term, Vocabulary

from .models import Organisation, OrganisationKind, OrganisationSize
from .selectors import TERM_FILTERS, terms_for_filters
from .textsearch import fold


class BootstrapForm(forms.Form):
    """Adds Bootstrap's classes to every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class SearchForm(BootstrapForm):
    """The directory's filters (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.CharField(
        label=_("Region (NUTS code)"),
        required=False,
        max_length=8,
        help_text=_("A NUTS code or its start: “ES” or “ES3” includes ES30."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any"))] + OrganisationKind.choices
    )
    sector = forms.ChoiceField(label=_("Sectoral industry"), required=False)
    emerging = forms.ChoiceField(label=_("Emerging industry"), required=False)
    ket = forms.ChoiceField(label=_("Key enabling technology"), required=False)
    ecosystem = forms.ChoiceField(label=_("Industrial ecosystem"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_choice = [("", _("Any"))]
        language = get_language()
        lists = versioned(f"directory.search_choices.{language}", lambda: search_choices(language))
        for name, choices in lists.items():
            self.fields[name].choices = _Pairs(any_choice + choices)


class _Pairs(BaseChoiceIterator):
    """Choices already in Django's normal form (value, label pairs): the field and its widget
    take them as they are instead of checking and copying every pair twice (0.5 ms of a
    directory search page for its ~130 options)."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


def search_choices(language: str | None) -> dict[str, list[tuple[str, str]]]:
    """The filter lists in `language`, alphabetical: countries that have organisations, and
    the reference terms."""
    countries = Country.objects.filter(Exists(Organisation.objects.filter(country=OuterRef("pk"))))
    lists = {"country": sorted(((c.code, c.label_in(language)) for c in countries), key=_by_label)}
    terms = terms_for_filters()
    for field, vocabulary in TERM_FILTERS.items():
        lists[field] = sorted(
            ((t.slug, t.label_in(language)) for t in terms[vocabulary]), key=_by_label
        )
    return lists


def _by_label(choice: tuple[str, str]) -> str:
    return fold(choice[1])


class OrganisationForm(BootstrapForm):
    """Edit an organisation; checks beyond the field types are the service's (DomainError)."""

    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all())
    region = forms.CharField(label=_("Region (NUTS code or name)"), max_length=150, required=False)
    city = forms.CharField(label=_("City"), max_length=200, required=False)
    website = forms.CharField(label=_("Website"), max_length=300, required=False)
    size = forms.ChoiceField(label=_("Size"), choices=OrganisationSize.choices, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    offers = forms.CharField(
        label=_("What it offers"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    requests = forms.CharField(
        label=_("What it seeks"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    terms = forms.ModelMultipleChoiceField(
        label=_("Taxonomy terms"),
        queryset=Term.objects.order_by("vocabulary", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Grouped by vocabulary, so a name in two vocabularies ("Biopharmaceuticals" is a
        # sectoral and an emerging industry) reads as two choices under two headings.
        grouped: dict[str, list[tuple[int, str]]] = {}
        for term in self.fields["terms"].queryset:
            # The name in the user's language (taxonomy translations).
            label = f"{term.category} › {term.label}" if term.category else term.label
            grouped.setdefault(term.vocabulary, []).append((term.pk, label))
        self.fields["terms"].choices = [
            (Vocabulary(v).label, grouped[v]) for v in Vocabulary.values if v in grouped
        ]
        self.fields["country"].label_from_instance = lambda country: country.label

    @staticmethod
    def initial_for(organisation) -> dict:
        """The form's initial values for an organisation."""
        return {
            "name": organisation.name,
            "short_name": organisation.short_name,
            "kind": organisation.kind,
            "country": organisation.country_id,
            "region": organisation.region_id or "",
            "city": organisation.city_label,
            "website": organisation.website,
            "size": organisation.size,
            "description": organisation.description,
            "offers": organisation.offers,
            "requests": organisation.requests,
            "terms": list(organisation.terms.all()),
        }


class ClusterForm(BootstrapForm):
    """What a cluster declares (used by the ECCP validity check)."""

    # Bounds (core.bounds) are checked by the service when a figure changes, so one saved
    # before them stays editable.
    member_count = forms.IntegerField(label=_("Number of members"), min_value=0, required=False)
    sme_count = forms.IntegerField(label=_("Number of SMEs"), min_value=0, required=False)
    management_fte = forms.DecimalField(
        label=_("Management staff (FTE)"),
        min_value=0,
        max_digits=6,
        decimal_places=2,
        required=False,
    )
    declared_member_kinds = forms.MultipleChoiceField(
        label=_("Kinds of members (when the member list is not on the platform)"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website_in_english = forms.NullBooleanField(
        label=_("Website in English"), required=False, widget=forms.NullBooleanSelect
    )


class MembersImportForm(BootstrapForm):
    """Upload a member list."""

    file = forms.FileField(
        label=_("Member list (CSV or XLSX)"),
        help_text=_(
            "Columns: name, country (required), kind, city, website, sme. The first row holds "
            "the column names."
        ),
    )


class PictureForm(BootstrapForm):
    """Upload a photo (field "photo") or a logo (field "logo")."""

    def __init__(self, field: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[field] = forms.FileField(
            label=_("Photo") if field == "photo" else _("Logo"),
            help_text=_(
                "A JPEG, PNG or WebP image of at most %(max)s. It is reduced and stored without "
                "its metadata (camera, place)."
            )
            % {"max": size_text(settings.UPLOAD_MAX_BYTES, up=False)},
            widget=forms.FileInput(
                attrs={"accept": "image/jpeg,image/png,image/webp", "class": "form-control"}
            ),
        )
        self.picture_field = field


class PublicityForm(BootstrapForm):
    """What a person publishes about themselves."""

    consent_public = forms.BooleanField(
        label=_("Show my name, job title and photo on public pages"), required=False
    )
    email_public = forms.BooleanField(
        label=_("Show my e-mail address where I am a partnership's contact person"),
        required=False,
        help_text=_(
            "Otherwise only signed-in users see it there; visitors and the robots that collect "
            "addresses do not."
        ),
    )
