"""ClusterXchange forms: thin; the services check every rule and name the field at fault."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterloom.directory.forms import BootstrapForm
from clusterloom.matching.forms import term_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


class CallForm(BootstrapForm):
    """A call's dates, targets and funding rules."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    opens_on = _date(_("Applications open"))
    closes_on = _date(_("Applications close"))
    exchanges_from = _date(_("Exchanges from"))
    exchanges_until = _date(_("Exchanges until"))
    budget = forms.DecimalField(label=_("Budget (EUR)"), min_value=0, required=False)
    target_exchanges = forms.IntegerField(label=_("Exchanges planned"), min_value=0)
    target_sme = forms.IntegerField(label=_("Of them by SMEs (minimum)"), min_value=0)
    target_non_member = forms.IntegerField(
        label=_("Of them by organisations outside the partnership (minimum)"), min_value=0
    )
    daily_rates = forms.CharField(
        label=_("Daily rate per host country (EUR)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One line per host country: its ISO code and the rate, e.g. “IT 130”."),
    )
    default_daily_rate = forms.DecimalField(
        label=_("Daily rate for other host countries (EUR)"), min_value=0, required=False
    )
    cap_per_organisation = forms.DecimalField(
        label=_("Cap per visiting organisation (EUR)"), min_value=0, required=False
    )

    @staticmethod
    def initial_for(call) -> dict:
        """The form's values for an existing call."""
        data = {f: getattr(call, f) for f in CallForm.base_fields if f != "daily_rates"}
        data["daily_rates"] = "\n".join(f"{k} {v}" for k, v in (call.daily_rates or {}).items())
        return data


class ApplicationForm(BootstrapForm):
    """A visitor's registration."""

    organisation = forms.TypedChoiceField(label=_("Visiting organisation"), coerce=int)
    member_of = forms.TypedChoiceField(
        label=_("Member of the cluster"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("SMEs and support organisations take part as members of a cluster."),
    )
    goals = forms.CharField(
        label=_("Goals of the exchange"), widget=forms.Textarea(attrs={"rows": 3})
    )
    offers = forms.CharField(
        label=_("What you offer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    seeks = forms.CharField(
        label=_("What you seek"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    languages = forms.CharField(
        label=_("Working languages"), required=False, help_text=_("For example: en, it, es")
    )
    preferred_start = _date(_("Preferred first day"), required=False)
    preferred_end = _date(
        _("Preferred last day"), required=False, help_text=_("Travel days not included.")
    )

    def __init__(self, *args, organisations=(), clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, str(o)) for o in organisations]
        self.fields["member_of"].choices = [("", "—")] + [(c.pk, str(c)) for c in clusters]


class OfferForm(BootstrapForm):
    """A host's registration and hosting offer."""

    partnership = forms.ChoiceField(
        label=_("Partnership"), help_text=_("The partnership that validates your offer.")
    )
    organisation = forms.TypedChoiceField(label=_("Host organisation"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    topics = forms.CharField(
        label=_("Topics a visitor can learn about"), widget=forms.Textarea(attrs={"rows": 3})
    )
    offers = forms.CharField(
        label=_("What you offer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    seeks = forms.CharField(
        label=_("What you seek"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    terms = forms.MultipleChoiceField(label=_("Industries"), required=False)
    capacity = forms.IntegerField(label=_("Visitors you can host"), min_value=1, max_value=50)
    available_from = _date(_("Available from"))
    available_until = _date(_("Available until"))
    languages = forms.CharField(label=_("Working languages"), required=False)

    def __init__(self, *args, organisations=(), partnerships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, str(o)) for o in organisations]
        self.fields["partnership"].choices = [(p.slug, str(p)) for p in partnerships]
        self.fields["terms"].choices = term_choices()
        self.fields["terms"].widget.attrs["size"] = 8


class ReviewForm(BootstrapForm):
    """Validate or reject a registration."""

    decision = forms.ChoiceField(
        choices=[("validate", _("Validate")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposeForm(BootstrapForm):
    """A visitor proposes a visit to a host."""

    application = forms.TypedChoiceField(label=_("Your registration"), coerce=int)
    start = _date(_("First day at the host"), required=False)
    end = _date(_("Last day at the host"), required=False)
    prior_agreement = forms.BooleanField(
        label=_("We have already agreed on this visit (prior agreement)"), required=False
    )

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [(a.pk, str(a)) for a in applications]


class CommitmentForm(BootstrapForm):
    """The Commitment to Quality: dates, objectives and agenda."""

    start = _date(_("First day at the host"))
    end = _date(_("Last day at the host"), help_text=_("Travel days not included."))
    objectives = forms.CharField(label=_("Objectives"), widget=forms.Textarea(attrs={"rows": 4}))
    agenda = forms.CharField(
        label=_("Agenda"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Day by day: whom the visitor meets and what they do."),
    )


class ReasonForm(BootstrapForm):
    """Why a match is declined or an exchange cancelled."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(BootstrapForm):
    """A document proving the visit."""

    file = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, JPEG or PNG: boarding passes, travel and accommodation invoices."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class ReportForm(BootstrapForm):
    """The visitor's closing report."""

    report = forms.CharField(
        label=_("Closing report"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you did, whom you met, what comes next."),
    )


class ValidateForm(BootstrapForm):
    """The visitor's partnership validates the report or returns it."""

    approve = forms.TypedChoiceField(
        choices=[("1", _("Validate")), ("0", _("Return to the visitor"))],
        coerce=lambda v: v == "1",
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentForm(BootstrapForm):
    """Record the payment of the lump sum."""

    paid_on = _date(_("Paid on"))
    reference = forms.CharField(label=_("Payment reference"), max_length=100, required=False)


class CatalogueForm(BootstrapForm):
    """Search the hosting offers (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Host country"), required=False)

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("any"))] + list(countries)
