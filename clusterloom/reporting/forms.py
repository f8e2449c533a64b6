"""The report form of the dashboard: period and format."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterloom.core.errors import DomainError

from .report import report_format, report_period


class ReportForm(forms.Form):
    """`from`, `to` (dates, from not after to) and the format."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        date = forms.DateInput(attrs={"type": "date", "class": "form-control"})
        self.fields["from"] = forms.CharField(label=_("From"), required=False, widget=date)
        self.fields["to"] = forms.CharField(label=_("To"), required=False, widget=date)
        # A CharField: report_format() gives the one message for a wrong value.
        self.fields["format"] = forms.CharField(
            label=_("Format"),
            required=False,
            widget=forms.Select(
                choices=[("xlsx", "XLSX"), ("pdf", "PDF")], attrs={"class": "form-select"}
            ),
        )

    def clean(self):
        data = super().clean()
        try:
            data["period"] = report_period(data)
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        try:
            data["format"] = report_format(data.get("format") or "xlsx")
        except DomainError as error:
            self.add_error("format", error.message)
        return data
