"""Partner-matching forms: search, partner requests, interest, affinity adjustment."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from clusterloom.core.bounds import MAX_TEXT
from clusterloom.core.page_cache import versioned
from clusterloom.directory.forms import BootstrapForm
from clusterloom.directory.models import Organisation, OrganisationKind
from clusterloom.geo.models import Country
from clusterloom.taxonomy.models import Term, Vocabulary


def term_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Terms grouped by vocabulary, as "vocabulary:slug" keys (cached per content version)."""

    def build():
        grouped: dict[str, list[tuple[str, str]]] = {}
        rows = Term.objects.order_by("vocabulary", "name").values_list(
            "vocabulary", "slug", "name", "category"
        )
        for vocabulary, slug, name, category in rows:
            label = f"{category} › {name}" if category else name
            grouped.setdefault(vocabulary, []).append((f"{vocabulary}:{slug}", label))
        return [(v, grouped[v]) for v in Vocabulary.values if v in grouped]

    # Cached without the vocabulary labels, which are translated for each request.
    return [(Vocabulary(v).label, terms) for v, terms in versioned("matching.terms", build)]


def country_choices() -> list[tuple[str, str]]:
    """Countries that have organisations (cached per content version)."""

    def build():
        codes = Organisation.objects.values("country_id").distinct()
        return list(
            Country.objects.filter(code__in=codes).order_by("name").values_list("code", "name")
        )

    return versioned("matching.country_choices", build)


class PartnerSearchForm(BootstrapForm):
    """Describe a need in words, with optional filters (GET)."""

    text = forms.CharField(
        label=_("What kind of partner are you looking for?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: technical textiles for car interiors."),
    )
    country = forms.ChoiceField(
        label=_("Your country"),
        required=False,
        help_text=_("Used to leave out organisations from your own country."),
    )
    other_country_only = forms.BooleanField(
        label=_("Only organisations in other countries"), required=False
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of organisation"),
        required=False,
        choices=OrganisationKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    terms = forms.MultipleChoiceField(
        label=_("Industries and technologies"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, home_country: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        countries = country_choices()
        self.fields["country"].choices = [("", _("— none —"))] + countries
        if home_country:
            name = dict(countries).get(home_country, home_country)
            self.fields["country"].help_text = _(
                "Your organisation's country (%(country)s) unless you choose another."
            ) % {"country": name}
        self.fields["terms"].choices = term_choices()
        self.home_country = home_country


BOUNDED = ("sought", "offered")


class PartnerRequestForm(BootstrapForm):
    """Post or edit a partner request."""

    organisation = forms.ModelChoiceField(
        label=_("For organisation"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    # Bounded in clean_sought / clean_offered: a text saved before the bound stays as it is.
    sought = forms.CharField(
        label=_("What kind of partner do you seek?"), widget=forms.Textarea(attrs={"rows": 4})
    )
    offered = forms.CharField(
        label=_("What do you offer?"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    terms = forms.MultipleChoiceField(
        label=_("Industries and technologies"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_public = forms.BooleanField(
        label=_("Public (anyone can read it; otherwise only logged-in users)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, organisations=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["terms"].choices = term_choices()
        for name in BOUNDED:
            if len(str(self.initial.get(name) or "")) <= MAX_TEXT:
                self.fields[name].widget.attrs["maxlength"] = MAX_TEXT
        if editing:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
            if organisations is not None and organisations.count() == 1:
                self.fields["organisation"].initial = organisations.first().pk

    def _bounded(self, name: str) -> str:
        """The text at most MAX_TEXT characters long, unless it is the one saved before
        unchanged (line ends aside): a request saved before the bound stays editable."""
        text = self.cleaned_data.get(name, "")
        saved = str(self.initial.get(name) or "")
        if text.replace("\r\n", "\n") == saved.strip().replace("\r\n", "\n"):
            return saved.strip()
        MaxLengthValidator(MAX_TEXT)(text)
        return text

    def clean_sought(self) -> str:
        return self._bounded("sought")

    def clean_offered(self) -> str:
        return self._bounded("offered")


class InterestForm(BootstrapForm):
    """Express interest in a partner request."""

    message = forms.CharField(
        label=_("Your message to the poster"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class AffinityForm(BootstrapForm):
    """Set a coordinator's value for a pair of terms (empty value: back to the learned one)."""

    term_a = forms.ChoiceField(label=_("Term"))
    term_b = forms.ChoiceField(label=_("Works with"))
    value = forms.FloatField(
        label=_("Affinity (0 to 1)"),
        min_value=0.0,
        max_value=1.0,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term_a"].choices = term_choices()
        self.fields["term_b"].choices = term_choices()
