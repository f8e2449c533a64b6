"""Sections other apps add to a partnership's page; this app knows none of them.

An app registers a function (request, partnership) -> HTML or "" in its AppConfig.ready().
"""

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

Section = Callable[..., str]
_sections: list[Section] = []


def register(section: Section) -> None:
    """Add a section to every partnership page (once)."""
    if section not in _sections:
        _sections.append(section)


def render_sections(request, partnership) -> list[SafeString]:
    """The HTML of every registered section, in registration order, empty ones left out."""
    out = []
    for section in _sections:
        html = section(request, partnership)
        if html:
            out.append(mark_safe(html))  # noqa: S308 - rendered by a template (auto-escaped)
    return out
