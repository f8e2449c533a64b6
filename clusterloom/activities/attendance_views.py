"""Attendance pages (add, remove, import; the partnership's coordinators only) and the
capacity-building page of a partnership."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.errors import DomainError
from clusterloom.core.pages import form_page
from clusterloom.core.permissions import page_permission
from clusterloom.core.uploads import upload_check_size

from . import selectors, services
from .attendance_import import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, attendance_import
from .capacity import capacity_building
from .forms import AttendanceForm, AttendanceImportForm
from .models import Attendance, AttendeeRole
from .views import activity_or_404, partnership_or_404


def _attendance_page(activity):
    """The activity page of its coordinators, around an attendee form that failed."""
    attendance = [
        {
            "row": row,
            "name": selectors.attendee_name(row),
            "organisation": selectors.organisation_label(row),
        }
        for row in selectors.attendance_of(activity)
    ]
    context = {"activity": activity, "partnership": activity.partnership, "manager": True}
    return {**context, "attendance": attendance}


@require_POST
def attendance_add(request, pk):
    """Add an attendee (on the activity page)."""
    activity = activity_or_404(request, pk)
    return form_page(
        request,
        AttendanceForm(request.POST, partnership=activity.partnership),
        permission=("activities.change_activity", activity),
        template="activities/activity_detail.html",
        context=lambda _form: _attendance_page(activity),
        save=lambda data: services.attendance_add(actor=request.user, activity=activity, data=data),
        message=_("The attendee is added."),
        done=("activity_detail", activity.pk),
    )


@require_POST
def attendance_remove(request, pk, attendance_pk):
    """Remove an attendee from the list."""
    activity = activity_or_404(request, pk)
    refused = page_permission(request, "activities.change_activity", activity)
    if refused:
        return refused
    row = get_object_or_404(Attendance, pk=attendance_pk, activity=activity)
    services.attendance_remove(actor=request.user, attendance=row)
    messages.success(request, _("The attendee is removed."))
    return redirect("activity_detail", activity.pk)


def _file_error(form, error: DomainError) -> None:
    form.add_error("file", str(error) if error.line else error.message)


def attendance_upload(request, pk):
    """Import an attendance list from CSV or XLSX (all or nothing)."""
    activity = activity_or_404(request, pk)

    def save(data):
        upload = data["file"]
        upload_check_size(upload.size or 0)
        return attendance_import(
            actor=request.user,
            activity=activity,
            file_name=upload.name or "",
            content=upload.read(settings.UPLOAD_MAX_BYTES + 1),
        )

    return form_page(
        request,
        AttendanceImportForm(request.POST or None, request.FILES or None),
        permission=("activities.change_activity", activity),
        template="activities/attendance_import.html",
        context={
            "activity": activity,
            "partnership": activity.partnership,
            "required": REQUIRED_COLUMNS,
            "optional": OPTIONAL_COLUMNS,
            "roles": AttendeeRole.choices,
        },
        error=_file_error,
        save=save,
        message=lambda result: (
            _("%(added)d attendee(s) added; %(already)d were on the list already.")
            % {"added": result.added, "already": result.already}
        ),
        done=("activity_detail", activity.pk),
    )


def capacity(request, slug):
    """Capacity building of a partnership (its coordinators): trainings and coaching by role,
    partner cluster and topic; on-the-job training during its validated exchanges."""
    partnership = partnership_or_404(request, slug)
    refused = page_permission(request, "activities.add_activity", partnership)
    if refused:
        return refused
    context = {"partnership": partnership, "capacity": capacity_building(partnership)}
    return render(request, "activities/capacity.html", context)
