"""Directory pages."""

from django.shortcuts import get_object_or_404, render

from .models import Organisation


def organisation_list(request):
    """The directory."""
    return render(request, "partnerships/home.html", {"partnerships": []})


def organisation_detail(request, slug):
    """An organisation's page."""
    get_object_or_404(Organisation, slug=slug)
    return render(request, "partnerships/home.html", {"partnerships": []})
