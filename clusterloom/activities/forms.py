"""Forms of the activity pages: thin; the services check every rule and name the field at fault."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterloom.directory.forms import BootstrapForm
from clusterloom.directory.models import Organisation, Person
from clusterloom.geo.models import Country

from .models import ActivityKind, ActivityStatus, AttendeeRole, Channel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK = [("", "—")]


def partner_organisations(partnership):
    """The partnership's partner organisations, by name."""
    return Organisation.objects.filter(partnership_memberships__partnership=partnership).order_by(
        "name"
    )


class ActivityForm(BootstrapForm):
    """An activity's fields (a new one also says whether it is planned or held already)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(ActivityStatus.PLANNED, _("planned")), (ActivityStatus.HELD, _("held already"))],
    )
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(
        label=_("End"), widget=DATE, required=False, help_text=_("Empty: the same day.")
    )
    organiser = forms.TypedChoiceField(
        label=_("Organised by"), coerce=int, required=False, empty_value=None
    )
    city_name = forms.CharField(label=_("City"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    is_online = forms.BooleanField(label=_("Online"), required=False)
    topic = forms.CharField(
        label=_("Topic"),
        max_length=200,
        required=False,
        help_text=_("Trainings and coaching: e.g. cluster management, internationalisation."),
    )
    hours = forms.CharField(
        label=_("Hours per participant"),
        required=False,
        help_text=_("Trainings and coaching: the hours each participant attends."),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=BLANK + list(Channel.choices),
        required=False,
        help_text=_("Dissemination activities only."),
    )
    reach = forms.CharField(
        label=_("Reach"),
        required=False,
        help_text=_("People reached: readers, viewers, visitors (dissemination)."),
    )
    link = forms.CharField(label=_("Link"), max_length=500, required=False)
    is_published = forms.BooleanField(
        label=_("Show in the public activity feed"), required=False, initial=True
    )

    def __init__(self, *args, partnership, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].choices = BLANK + [
            (o.pk, o.name) for o in partner_organisations(partnership)
        ]
        self.fields["country"].choices = BLANK + list(
            Country.objects.order_by("name").values_list("code", "name")
        )
        if editing:
            del self.fields["status"]

    @staticmethod
    def initial_for(activity) -> dict:
        """The form's values for an existing activity."""
        data = {name: getattr(activity, name) for name in ActivityForm.base_fields}
        data.update(organiser=activity.organiser_id, country=activity.country_id or "")
        data.update(hours="" if activity.hours is None else activity.hours)
        data.update(reach="" if activity.reach is None else activity.reach)
        return data


class AttendanceForm(BootstrapForm):
    """One attendee: a person of a partner organisation, or a name."""

    person = forms.TypedChoiceField(
        label=_("Person from the directory"), coerce=int, required=False, empty_value=None
    )
    name = forms.CharField(label=_("or a name"), max_length=200, required=False)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), coerce=int, required=False, empty_value=None
    )
    organisation_name = forms.CharField(
        label=_("or the organisation's name"), max_length=255, required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=AttendeeRole.choices)
    hours = forms.CharField(
        label=_("Hours"), required=False, help_text=_("Only if different from the activity's.")
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(partner_organisations(partnership))
        self.fields["organisation"].choices = BLANK + [(o.pk, o.name) for o in organisations]
        people = Person.objects.filter(organisation__in=organisations).select_related(
            "organisation"
        )
        self.fields["person"].choices = BLANK + [
            (p.pk, f"{p} ({p.organisation.name})") for p in people
        ]


class AttendanceImportForm(BootstrapForm):
    """A CSV/XLSX attendance list."""

    file = forms.FileField(label=_("File (.csv or .xlsx)"))
