"""Region categories: coordinators and admins set the cohesion-policy category of NUTS 2
regions (no machine-readable official list exists, see DOMAIN.md)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.errors import DomainError

from .models import Country, Region, RegionCategory
from .services import region_category_set


def region_list(request):
    """NUTS 2 regions of a country with their category; editable by those allowed."""
    countries = Country.objects.filter(regions__level=2).distinct().order_by("name")
    code = (request.GET.get("country") or "").upper()[:2]
    country = Country.objects.filter(code=code).first()
    regions = Region.objects.filter(level=2, country=country) if country else Region.objects.none()
    return render(
        request,
        "geo/region_list.html",
        {
            "countries": countries,
            "country": country,
            "regions": regions,
            "categories": RegionCategory.choices,
            "can_edit": request.user.has_perm("geo.change_region"),
        },
    )


@require_POST
def region_category_update(request, code):
    """Set one region's category."""
    region = get_object_or_404(Region, code=code)
    if not request.user.has_perm("geo.change_region", region):
        raise PermissionDenied
    try:
        region_category_set(
            actor=request.user, region=region, category=request.POST.get("category", "")
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(region)s is now “%(category)s”.")
            % {"region": region.name, "category": region.get_category_display()},
        )
    return redirect(f"{reverse('region_list')}?country={region.country_id}")
