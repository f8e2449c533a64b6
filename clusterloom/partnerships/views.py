"""Partnership pages."""

from django.shortcuts import get_object_or_404, render

from .models import Partnership


def home(request):
    """Home: the partnerships on the platform and a search box."""
    return render(request, "partnerships/home.html", {"partnerships": Partnership.objects.all()})


def partnership_list(request):
    """All published partnerships."""
    return render(request, "partnerships/home.html", {"partnerships": Partnership.objects.all()})


def partnership_detail(request, slug):
    """A partnership's public profile."""
    partnership = get_object_or_404(Partnership, slug=slug)
    return render(request, "partnerships/home.html", {"partnerships": [partnership]})


def network(request):
    """Network of partnerships and the clusters they share."""
    return render(request, "partnerships/home.html", {"partnerships": Partnership.objects.all()})
