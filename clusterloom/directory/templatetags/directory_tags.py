"""Template tags of the directory."""

import html

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

register = template.Library()


def _escape(value) -> str:
    """What format_html does to each argument (django.utils.html.conditional_escape), without
    its lazy-string wrapper: 700 calls a search page made that wrapper cost about 1 ms."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


@register.simple_tag
def directory_rows(rows) -> str:
    """The <tr>s of the result table, written in Python.

    The same markup through the template engine costs as much as the rest of the search page
    together (about 15 lookups per row, 25 rows); see docs/PERFORMANCE.md. Plain f-strings with
    each value escaped, as format_html would write them (test_search checks the markup).
    """
    base = _escape(reverse("organisation_detail", args=["-"])[:-2])
    lines = []
    for row in rows:
        short = (
            f' <span class="text-muted">({_escape(row.short_name)})</span>'
            if row.short_name
            else ""
        )
        region = (
            f'{_escape(row.region_name)} <span class="text-muted">{_escape(row.region_code)}</span>'
            if row.region_code
            else ""
        )
        terms = "".join(
            f'<span class="badge text-bg-light border me-1">{_escape(term)}</span>'
            for term in row.terms
        )
        lines.append(
            '<tr><td><div class="d-flex align-items-center gap-2">'
            f"{_picture(row.logo, row.short_name or row.name, 32, 'logo')}"
            f'<div><a href="{base}{_escape(row.slug)}/">{_escape(row.name)}</a>{short}'
            f"</div></div></td><td>{_escape(row.kind)}</td><td>{_escape(row.country)}</td>"
            f"<td>{region}</td><td>{_escape(row.city)}</td><td>{terms}</td></tr>"
        )
    return mark_safe("\n".join(lines))  # noqa: S308 (every value escaped above)


_SELECTED = ' class="fw-bold" aria-current="true"'


@register.simple_tag
def directory_facets(facets) -> str:
    """The facet lists: per filter, its most frequent values with their counts, each a link
    that applies the value (or removes it when applied). Written in Python like the rows."""
    blocks = []
    for facet, links in facets:
        items = "".join(
            f'<li><a href="?{_escape(query)}"{_SELECTED if value.selected else ""}>'
            f'{_escape(value.label)}</a> <span class="text-muted">{_escape(value.count)}</span>'
            "</li>"
            for value, query in links
        )
        blocks.append(
            f'<h2 class="h6 mt-3">{_escape(facet.title)}</h2>'
            f'<ul class="list-unstyled small mb-2">{items}</ul>'
        )
    return mark_safe("\n".join(blocks))  # noqa: S308 (every value escaped above)


def picture_url(name: str) -> str:
    """The address of a stored photo or logo ("people/7/<token>.jpg")."""
    return reverse("picture_file", args=["people", 0, "-"])[: -len("people/0/-")] + name


def _initials(text: str) -> str:
    words = [w for w in text.replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def _picture(name: str, text: str, size: int, kind: str):
    """An <img> of the stored picture, or the initials of `text` in its place. Both are
    decorative (empty alt, hidden from screen readers): the name is always written beside."""
    style = _escape(f"width:{size}px;height:{size}px")
    kind, size_text = _escape(kind), _escape(size)
    if name:
        return mark_safe(  # noqa: S308 (every value escaped)
            f'<img class="picture picture-{kind}" src="{_escape(picture_url(name))}" '
            f'width="{size_text}" height="{size_text}" alt="" loading="lazy" style="{style}">'
        )
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<span class="picture picture-{kind} picture-initials" aria-hidden="true" '
        f'style="{style};font-size:{_escape(max(9, size * 2 // 5))}px">'
        f"{_escape(_initials(text))}</span>"
    )


@register.simple_tag
def person_photo(person, size: int = 40, name: str = ""):
    """A person's photo, or their initials (of `name` when there is no person: a participant
    registered without a directory entry)."""
    if person is None:
        return _picture("", name, size, "photo")
    return _picture(person.photo.name, f"{person.first_name} {person.last_name}", size, "photo")


@register.simple_tag
def organisation_logo(organisation, size: int = 40):
    """An organisation's logo, or the initials of its short name (else its name)."""
    text = organisation.short_name or organisation.name
    return _picture(organisation.logo.name, text, size, "logo")
