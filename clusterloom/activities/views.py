"""Activity pages: a partnership's public activity list, one activity, recording and editing.

Attendance and the capacity-building page are in `attendance_views.py`; the Atom feed in
`feeds.py`.
"""

from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.errors import NotFound
from clusterloom.core.pages import form_page, step
from clusterloom.core.permissions import page_permission
from clusterloom.partnerships.feed import feed_entries
from clusterloom.partnerships.models import Partnership
from clusterloom.partnerships.selectors import visible_to as partnerships_visible_to

from . import selectors, services
from .forms import ActivityForm, AttendanceForm
from .models import Activity, ActivityKind, ActivityStatus

PER_PAGE = 20


def activity_or_404(request, pk) -> Activity:
    """The activity if the user may see it."""
    try:
        return selectors.activity_get_visible(request.user, pk)
    except NotFound:
        raise Http404 from None


def partnership_or_404(request, slug) -> Partnership:
    """The partnership if the user may see it."""
    return get_object_or_404(partnerships_visible_to(request.user), slug=slug)


def activity_index(request):
    """Partnerships with their published activities (and those the user manages)."""
    partnerships = (
        partnerships_visible_to(request.user)
        .annotate(
            published=Count(
                "activities",
                filter=Q(activities__is_published=True)
                & ~Q(activities__status=ActivityStatus.CANCELLED),
            )
        )
        .order_by("acronym")
    )
    return render(request, "activities/index.html", {"partnerships": partnerships})


def activity_feed_page(request, slug):
    """A partnership's published activities, newest first; coordinators may list them all."""
    partnership = partnership_or_404(request, slug)
    manager = selectors.may_manage(request.user, partnership)
    show_all = manager and request.GET.get("all") == "1"
    if show_all:
        rows = selectors.activities_visible_to(request.user).filter(partnership=partnership)
        rows = rows.order_by("-starts_on", "-id")
    else:
        rows = selectors.public_activities(partnership)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ActivityKind.values else ""
    if kind:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    extra = "&".join(f"{k}={v}" for k, v in (("all", "1" if show_all else ""), ("kind", kind)) if v)
    context = {
        "partnership": partnership,
        "page": page,
        "manager": manager,
        "show_all": show_all,
        "kind": kind,
        "kinds": ActivityKind.choices,
        "extra": extra,
        # The rest of the public feed (matchmaking events), from the apps that add to it.
        "other_entries": feed_entries(partnership, exclude=frozenset({"activities"})),
    }
    return render(request, "activities/activity_list.html", context)


def activity_detail(request, pk):
    """One activity; its attendance list for the partnership's coordinators, a count for others."""
    activity = activity_or_404(request, pk)
    manager = selectors.may_manage(request.user, activity)
    context = {"activity": activity, "partnership": activity.partnership, "manager": manager}
    if manager:
        context["attendance"] = [
            {
                "row": row,
                "name": selectors.attendee_name(row),
                "organisation": selectors.organisation_label(row),
            }
            for row in selectors.attendance_of(activity)
        ]
        if activity.status != ActivityStatus.CANCELLED:
            context["form"] = AttendanceForm(partnership=activity.partnership)
    return render(request, "activities/activity_detail.html", context)


def _activity_form(request, form, permission, save, message, activity=None):
    """The activity form of `permission`'s partnership or activity: `save(data=...)` records
    the activity, then its page says `message`."""
    context = {"partnership": permission[1]}
    if activity is not None:
        context = {"partnership": activity.partnership, "activity": activity}
    return form_page(
        request,
        form,
        permission=permission,
        template="activities/activity_form.html",
        context=context,
        save=lambda data: save(data=data),
        message=message,
        done=lambda saved: ("activity_detail", (activity or saved).pk),
    )


def activity_create(request, slug):
    """A coordinator records an activity of their partnership."""
    partnership = get_object_or_404(Partnership, slug=slug)
    form = ActivityForm(request.POST or None, partnership=partnership)
    save = partial(services.activity_create, actor=request.user, partnership=partnership)
    permission = ("activities.add_activity", partnership)
    return _activity_form(request, form, permission, save, _("The activity is recorded."))


def activity_edit(request, pk):
    """Change an activity's fields."""
    activity = activity_or_404(request, pk)
    form = ActivityForm(
        request.POST or None,
        partnership=activity.partnership,
        editing=True,
        initial=ActivityForm.initial_for(activity),
    )
    save = partial(services.activity_update, actor=request.user, activity=activity)
    permission = ("activities.change_activity", activity)
    return _activity_form(request, form, permission, save, _("The activity is saved."), activity)


@require_POST
def activity_status(request, pk):
    """Mark the activity held, cancelled or planned again."""
    activity = activity_or_404(request, pk)
    status = request.POST.get("status", "")
    return step(
        request,
        lambda: services.activity_status_set(actor=request.user, activity=activity, status=status),
        permission=("activities.change_activity", activity),
        message=lambda _result: (
            _("The activity is %(status)s.") % {"status": activity.get_status_display()}
        ),
        done=("activity_detail", activity.pk),
    )


def activity_delete(request, pk):
    """Ask, then delete the activity and its attendance list."""
    activity = activity_or_404(request, pk)
    refused = page_permission(request, "activities.change_activity", activity)
    if refused:
        return refused
    if request.method == "POST":
        slug = activity.partnership.slug
        services.activity_delete(actor=request.user, activity=activity)
        messages.success(request, _("The activity is deleted."))
        return redirect(f"{_list_url(slug)}?all=1")
    return render(request, "activities/activity_delete.html", {"activity": activity})


def _list_url(slug: str) -> str:
    from django.urls import reverse

    return reverse("activity_feed_page", args=[slug])
