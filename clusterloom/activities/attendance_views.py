"""Attendance pages (add, remove, import; the partnership's coordinators only) and the
capacity-building page of a partnership."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.errors import DomainError
from clusterloom.core.forms import form_error
from clusterloom.core.permissions import page_permission
from clusterloom.core.uploads import upload_check_size

from . import selectors, services
from .attendance_import import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, attendance_import
from .capacity import capacity_building
from .forms import AttendanceForm, AttendanceImportForm
from .models import Attendance, AttendeeRole
from .views import activity_or_404, partnership_or_404


@require_POST
def attendance_add(request, pk):
    """Add an attendee (on the activity page)."""
    activity = activity_or_404(request, pk)
    refused = page_permission(request, "activities.change_activity", activity)
    if refused:
        return refused
    form = AttendanceForm(request.POST, partnership=activity.partnership)
    if form.is_valid():
        try:
            services.attendance_add(actor=request.user, activity=activity, data=form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The attendee is added."))
            return redirect("activity_detail", activity.pk)
    context = {
        "activity": activity,
        "partnership": activity.partnership,
        "manager": True,
        "form": form,
        "attendance": [
            {
                "row": row,
                "name": selectors.attendee_name(row),
                "organisation": selectors.organisation_label(row),
            }
            for row in selectors.attendance_of(activity)
        ],
    }
    return render(request, "activities/activity_detail.html", context, status=400)


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


def attendance_upload(request, pk):
    """Import an attendance list from CSV or XLSX (all or nothing)."""
    activity = activity_or_404(request, pk)
    refused = page_permission(request, "activities.change_activity", activity)
    if refused:
        return refused
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            upload_check_size(upload.size or 0)
            result = attendance_import(
                actor=request.user,
                activity=activity,
                file_name=upload.name or "",
                content=upload.read(settings.UPLOAD_MAX_BYTES + 1),
            )
        except DomainError as error:
            form.add_error("file", str(error) if error.line else error.message)
        else:
            messages.success(
                request,
                _("%(added)d attendee(s) added; %(already)d were on the list already.")
                % {"added": result.added, "already": result.already},
            )
            return redirect("activity_detail", activity.pk)
    context = {
        "form": form,
        "activity": activity,
        "partnership": activity.partnership,
        "required": REQUIRED_COLUMNS,
        "optional": OPTIONAL_COLUMNS,
        "roles": AttendeeRole.choices,
    }
    status = 400 if form.errors else 200
    return render(request, "activities/attendance_import.html", context, status=status)


def capacity(request, slug):
    """Capacity building of a partnership (its coordinators): trainings and coaching by role,
    partner cluster and topic; on-the-job training during its validated exchanges."""
    partnership = partnership_or_404(request, slug)
    refused = page_permission(request, "activities.add_activity", partnership)
    if refused:
        return refused
    context = {"partnership": partnership, "capacity": capacity_building(partnership)}
    return render(request, "activities/capacity.html", context)
