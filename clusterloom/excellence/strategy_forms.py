"""Forms of the strategy pages: thin; the services check every rule and name the field at
fault."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clusterloom.directory.forms import BootstrapForm
from clusterloom.partnerships.models import TargetCode

from .models import ActionStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StrategyForm(BootstrapForm):
    """A strategy's title, period and text (a changed text becomes a new version)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    period_start = forms.DateField(label=_("Period from"), required=False, widget=DATE)
    period_end = forms.DateField(label=_("Period until"), required=False, widget=DATE)
    text = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Headings with #, lists with -, **bold**, [links](https://…). HTML is cleaned."
        ),
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("Saved with the new version; required when the text changes."),
    )
    is_published = forms.BooleanField(label=_("Published (visible to everyone)"), required=False)
    confirm_outside_period = forms.BooleanField(required=False)
    #: The roadmap actions a new period would leave outside it (set when that was refused).
    outside_actions: list = []

    def leaves_outside(self, actions) -> None:
        """Offer the checkbox that keeps the new period, naming how many actions it leaves
        outside and which."""
        from .strategy_services import actions_named

        self.outside_actions = actions
        label = ngettext(
            "Keep this period although it leaves %(count)s action outside it: %(actions)s",
            "Keep this period although it leaves %(count)s actions outside it: %(actions)s",
            len(actions),
        ) % {"count": len(actions), "actions": actions_named(actions)}
        self.fields["confirm_outside_period"].label = label
        self["confirm_outside_period"].label = label  # the bound field copied the old one

    @staticmethod
    def initial_for(strategy) -> dict:
        """The form's values for an existing strategy (its latest text)."""
        latest = strategy.versions.order_by("-number").first()
        return {
            "title": strategy.title,
            "period_start": strategy.period_start,
            "period_end": strategy.period_end,
            "text": latest.text if latest else "",
            "is_published": strategy.is_published,
        }


class AdoptForm(BootstrapForm):
    """Adoption: the date and the version adopted."""

    adopted_on = forms.DateField(label=_("Adopted on"), widget=DATE)
    version = forms.TypedChoiceField(label=_("Version"), coerce=int)

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [
            (v.number, f"v{v.number} — {v.note}" if v.note else f"v{v.number}") for v in versions
        ]


class ActionForm(BootstrapForm):
    """A roadmap action."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ChoiceField(label=_("Owner (organisation)"), required=False)
    owner_name = forms.CharField(
        label=_("Owner (name)"),
        max_length=200,
        required=False,
        help_text=_("A person or team, when the owner is not an organisation listed above."),
    )
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(label=_("End"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    completed_on = forms.DateField(
        label=_("Completed on"),
        required=False,
        widget=DATE,
        help_text=_("When the status is done (today if left empty)."),
    )
    target_codes = forms.MultipleChoiceField(
        label=_("Targets served"),
        required=False,
        choices=TargetCode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_outside_period = forms.BooleanField(
        label=_("Keep these dates even if they lie outside the strategy's period"),
        required=False,
    )

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + [(str(o.pk), o.name) for o in owners]

    @staticmethod
    def initial_for(action) -> dict:
        """The form's values for an existing action."""
        return {
            "title": action.title,
            "description": action.description,
            "owner": str(action.owner_id or ""),
            "owner_name": action.owner_name,
            "starts_on": action.starts_on,
            "ends_on": action.ends_on,
            "status": action.status,
            "completed_on": action.completed_on,
            "target_codes": action.target_codes,
        }


class MilestoneForm(BootstrapForm):
    """A milestone of a roadmap action."""

    title = forms.CharField(label=_("Title"), max_length=300)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    reached_on = forms.DateField(label=_("Reached on"), required=False, widget=DATE)

    @staticmethod
    def initial_for(milestone) -> dict:
        """The form's values for an existing milestone."""
        return {
            "title": milestone.title,
            "due_on": milestone.due_on,
            "reached_on": milestone.reached_on,
        }
