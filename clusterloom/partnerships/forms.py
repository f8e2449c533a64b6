"""Forms of the partnership pages: the profile and its targets."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterloom.core.bounds import MAX_TARGET

from .contact import contact_candidates
from .models import Partnership, TargetCode

#: Profile fields a coordinator edits on the edit page.
PROFILE_FIELDS = [
    "title",
    "programme",
    "start_date",
    "duration_months",
    "stated_partner_count",
    "planned_exchanges",
    "website",
    "origin",
    "objectives",
    "target_groups",
    "other_partner_members",
    "key_partners_networks",
    "is_published",
]


class PartnershipForm(forms.ModelForm):
    """The public profile fields of a partnership."""

    class Meta:
        model = Partnership
        fields = [*PROFILE_FIELDS, "contact_person"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "origin": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 6}),
            "target_groups": forms.Textarea(attrs={"rows": 3}),
            "other_partner_members": forms.Textarea(attrs={"rows": 3}),
            "key_partners_networks": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-check-input" if name == "is_published" else "form-control"
            if name in ("programme", "contact_person"):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)
        if self.instance.pk:
            contact = self.fields["contact_person"]
            contact.queryset = contact_candidates(self.instance)
            contact.label_from_instance = _contact_label
            contact.empty_label = _("nobody")
            contact.help_text = _(
                "Shown on the public profile with their photo, job title and organisation. Only "
                "people of the partner organisations who agreed to a public profile can be "
                "chosen; their e-mail address is shown to visitors only if they agreed to that "
                "too (on their account page), otherwise to signed-in users."
            )

    actions = forms.CharField(
        label=_("Actions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One action per line, in the order the profile lists them."),
    )
    results_expected = forms.CharField(
        label=_("Results expected"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One result per line."),
    )

    @classmethod
    def for_partnership(cls, partnership, data=None):
        """The form filled with the profile, its actions and its expected results."""
        initial = {
            "actions": "\n".join(partnership.actions.values_list("text", flat=True)),
            "results_expected": "\n".join(
                partnership.expected_results.values_list("text", flat=True)
            ),
        }
        return cls(data, instance=partnership, initial=initial)

    def update_data(self) -> dict:
        """The cleaned values as the data dict `partnership_update` takes."""
        data = {name: self.cleaned_data[name] for name in PROFILE_FIELDS}
        for key in ("actions", "results_expected"):
            data[key] = [
                line.strip() for line in self.cleaned_data[key].splitlines() if line.strip()
            ]
        return data


def _contact_label(person) -> str:
    name = f"{person.first_name} {person.last_name}"
    title = f", {person.job_title}" if person.job_title else ""
    return f"{name}{title} ({person.organisation.short_name or person.organisation.name})"


class TargetForm(forms.Form):
    """Set (and, for a coordinator, confirm) one numeric target."""

    code = forms.ChoiceField(label=_("Target"), choices=TargetCode.choices)
    value = forms.IntegerField(label=_("Value"), min_value=0, max_value=MAX_TARGET)
    #: The profile sentence a listed commitment came from, when set from that list.
    source_text = forms.CharField(
        label=_("Sentence"), required=False, max_length=20_000, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["value"].widget.attrs["class"] = "form-control form-control-sm"


class CommitmentDismissForm(forms.Form):
    """Say a listed commitment (a sentence and its number) is not a target."""

    source_text = forms.CharField(label=_("Sentence"), max_length=20_000, widget=forms.HiddenInput)
    value = forms.IntegerField(
        label=_("Value"), min_value=0, max_value=1_000_000, widget=forms.HiddenInput
    )


class TargetConfirmForm(forms.Form):
    """Confirm a proposed target as it stands."""

    code = forms.ChoiceField(label=_("Target"), choices=TargetCode.choices)
