"""Forms of the excellence pages: thin; the services check every rule and name the field."""

from django import forms
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from clusterloom.core.errors import DomainError
from clusterloom.directory.forms import BootstrapForm
from clusterloom.directory.models import Organisation

from .models import ClusterLabel, CompleteWhen, ImprovementStatus, LabelLevel, ServiceNovelty

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UPLOAD = forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})
NONE = [("", "—")]


def partnership_choices(organisation):
    """The partnerships the organisation is a partner of."""
    return NONE + [
        (m.partnership.slug, m.partnership.acronym)
        for m in organisation.partnership_memberships.select_related("partnership")
    ]


def upload_of(form, name: str):
    """(file name, content) of an uploaded file, or None."""
    upload = form.cleaned_data.get(name)
    if not upload:
        return None
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("%(name)s is larger than %(limit)s MB; upload a smaller file.")
            % {"name": upload.name, "limit": round(settings.UPLOAD_MAX_BYTES / 1024 / 1024, 1)},
            field=name,
        )
    return upload.name, upload.read()


class LabelForm(BootstrapForm):
    """A label of one cluster."""

    level = forms.ChoiceField(label=_("Level"), choices=LabelLevel.choices)
    awarding_body = forms.CharField(
        label=_("Awarding body"),
        max_length=200,
        initial=ClusterLabel._meta.get_field("awarding_body").default,
    )
    awarded_on = forms.DateField(
        label=_("Awarded on"),
        widget=DATE,
        help_text=_("The date on the certificate (ESCA: the month of the interview)."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=DATE,
        required=False,
        help_text=_(
            "Empty: the last day of the month %(n)s months after the award month (ESCA: valid "
            "2 years from the interview month)."
        )
        % {"n": settings.LABEL_VALIDITY_MONTHS},
    )
    benchmarking = forms.ChoiceField(label=_("Benchmarking it rests on"), required=False)
    partnership = forms.ChoiceField(label=_("Partnership"), required=False)
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=100, required=False
    )
    certificate = forms.FileField(
        label=_("Certificate (PDF, JPEG or PNG)"), required=False, widget=UPLOAD
    )
    evidence_url = forms.URLField(label=_("Or a link to the certificate"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = partnership_choices(organisation)
        self.fields["benchmarking"].choices = NONE + [
            (str(b.pk), f"{date_format(b.held_on, 'DATE_FORMAT')} — {b.indicator_set.name}")
            for b in organisation.benchmarkings.select_related("indicator_set")
        ]

    @staticmethod
    def initial_for(label: ClusterLabel) -> dict:
        """The form's values for an existing label."""
        return {
            "level": label.level,
            "awarding_body": label.awarding_body,
            "awarded_on": label.awarded_on,
            "valid_until": label.valid_until,
            "benchmarking": str(label.benchmarking_id or ""),
            "partnership": label.partnership.slug if label.partnership_id else "",
            "certificate_number": label.certificate_number,
            "evidence_url": label.evidence_url,
            "notes": label.notes,
            "is_published": label.is_published,
        }


class BenchmarkingForm(BootstrapForm):
    """A benchmarking and its scores: one box per indicator, or per area without indicators."""

    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    assessor = forms.CharField(label=_("Assessor"), max_length=200, required=False)
    partnership = forms.ChoiceField(label=_("Partnership"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_published = forms.BooleanField(label=_("Results published"), required=False)

    def __init__(self, *args, organisation, indicator_set, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = partnership_choices(organisation)
        self.score_fields = []  # (area, [(field name, indicator or None)])
        for area in indicator_set.areas.prefetch_related("indicators"):
            rows = []
            targets = list(area.indicators.all()) or [None]
            for indicator in targets:
                name = f"score_i{indicator.pk}" if indicator else f"score_a{area.pk}"
                label = indicator.name if indicator else area.name
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=10,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
                    help_text=(
                        _("Threshold %(t)s %%") % {"t": indicator.threshold}
                        if indicator and indicator.threshold is not None
                        else ""
                    ),
                )
                self.fields[name].widget.attrs["class"] = "form-control"
                rows.append((name, indicator, area))
            self.score_fields.append((area, rows))

    def scores(self) -> list[dict]:
        """Score rows for the service, each naming its box so errors land on it."""
        out = []
        for area, rows in self.score_fields:
            for name, indicator, _area in rows:
                row = {"field": name, "value": self.cleaned_data.get(name, "")}
                row.update({"indicator": indicator.pk} if indicator else {"area": area.pk})
                out.append(row)
        return out

    def score_rows(self):
        """(area, [bound fields], scored as a whole) for the template."""
        return [
            (area, [self[name] for name, _i, _a in rows], rows[0][1] is None)
            for area, rows in self.score_fields
        ]

    @staticmethod
    def initial_for(benchmarking) -> dict:
        """The form's values for an existing benchmarking."""
        initial = {
            "held_on": benchmarking.held_on,
            "assessor": benchmarking.assessor,
            "partnership": benchmarking.partnership.slug if benchmarking.partnership_id else "",
            "notes": benchmarking.notes,
            "is_published": benchmarking.is_published,
        }
        for score in benchmarking.scores.all():
            key = (
                f"score_i{score.indicator_id}" if score.indicator_id else f"score_a{score.area_id}"
            )
            initial[key] = f"{score.value.normalize():f}"
        return initial


class ImprovementForm(BootstrapForm):
    """An improvement area and its evidence."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What was improved"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    area = forms.ChoiceField(label=_("Area"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ImprovementStatus.choices)
    documented_on = forms.DateField(label=_("Documented on"), widget=DATE, required=False)
    evidence = forms.FileField(
        label=_("Evidence (PDF, JPEG or PNG)"), required=False, widget=UPLOAD
    )
    evidence_url = forms.URLField(label=_("Or a link to the evidence"), required=False)

    def __init__(self, *args, benchmarking, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = NONE + [
            (str(a.pk), a.name) for a in benchmarking.indicator_set.areas.all()
        ]


class ServiceForm(BootstrapForm):
    """A service of a cluster's portfolio."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    novelty = forms.ChoiceField(label=_("New or improved"), choices=ServiceNovelty.choices)
    launched_on = forms.DateField(label=_("Launched on"), widget=DATE, required=False)
    target_groups = forms.CharField(label=_("For whom"), max_length=300, required=False)
    built_with = forms.MultipleChoiceField(
        label=_("Built with (partner organisations)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    partnership = forms.ChoiceField(label=_("Partnership"), required=False)
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = partnership_choices(organisation)
        partnerships = organisation.partnership_memberships.values_list("partnership", flat=True)
        partners = (
            Organisation.objects.filter(partnership_memberships__partnership__in=partnerships)
            .exclude(pk=organisation.pk)
            .distinct()
            .order_by("name")
        )
        self.fields["built_with"].choices = [(str(o.pk), o.name) for o in partners]


class IndicatorSetForm(BootstrapForm):
    """An indicator set; its areas and indicators are written as an outline."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    level = forms.ChoiceField(
        label=_("Label level"), required=False, choices=NONE + list(LabelLevel.choices)
    )
    complete_when = forms.ChoiceField(
        label=_("A benchmarking is complete when"),
        choices=CompleteWhen.choices,
        initial=CompleteWhen.EVERY_AREA,
        required=False,
        help_text=_("Only complete benchmarkings count toward a partnership's target."),
    )
    outline = forms.CharField(
        label=_("Areas and indicators"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
        help_text=_(
            "One area per line; its indicators below it, each on a line starting with “-”, "
            "optionally followed by “| threshold” (0–100). An area without indicators is "
            "scored as a whole."
        ),
    )

    def areas(self) -> list[dict]:
        """The outline as the service's areas."""
        areas = []
        for n, line in enumerate(self.cleaned_data["outline"].splitlines(), start=1):
            text = line.strip()
            if not text:
                continue
            if text.startswith("-"):
                if not areas:
                    raise DomainError(
                        _("Line %(n)s: an indicator before any area.") % {"n": n}, field="outline"
                    )
                name, _bar, threshold = text[1:].partition("|")
                areas[-1]["indicators"].append(
                    {"name": name.strip(), "threshold": threshold.strip() or None}
                )
            else:
                areas.append({"name": text, "indicators": []})
        return areas

    @staticmethod
    def outline_of(indicator_set) -> str:
        """A set's areas and indicators as an outline."""
        lines = []
        for area in indicator_set.areas.prefetch_related("indicators"):
            lines.append(area.name)
            for i in area.indicators.all():
                threshold = f" | {i.threshold.normalize():f}" if i.threshold is not None else ""
                lines.append(f"- {i.name}{threshold}")
        return "\n".join(lines)
