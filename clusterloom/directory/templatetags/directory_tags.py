"""Template tags of the directory."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def directory_rows(rows) -> str:
    """The <tr>s of the result table, written in Python.

    The same markup through the template engine costs as much as the rest of the search page
    together (about 15 lookups per row, 25 rows); see docs/PERFORMANCE.md.
    """
    base = reverse("organisation_detail", args=["-"])[:-2]
    return format_html_join(
        "\n",
        '<tr><td><div class="d-flex align-items-center gap-2">{}<div><a href="{}{}/">{}</a>{}'
        "</div></div></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                _picture(row.logo, row.short_name or row.name, 32, "logo"),
                base,
                row.slug,
                row.name,
                format_html(' <span class="text-muted">({})</span>', row.short_name)
                if row.short_name
                else "",
                row.kind,
                row.country,
                format_html(
                    '{} <span class="text-muted">{}</span>', row.region_name, row.region_code
                )
                if row.region_code
                else "",
                row.city,
                format_html_join(
                    "",
                    '<span class="badge text-bg-light border me-1">{}</span>',
                    ((term,) for term in row.terms),
                ),
            )
            for row in rows
        ),
    )


@register.simple_tag
def directory_facets(facets) -> str:
    """The facet lists: per filter, its most frequent values with their counts, each a link
    that applies the value (or removes it when applied). Written in Python like the rows."""
    return format_html_join(
        "\n",
        '<h2 class="h6 mt-3">{}</h2><ul class="list-unstyled small mb-2">{}</ul>',
        (
            (
                facet.title,
                format_html_join(
                    "",
                    '<li><a href="?{}"{}>{}</a> <span class="text-muted">{}</span></li>',
                    (
                        (
                            query,
                            mark_safe(' class="fw-bold" aria-current="true"')  # noqa: S308
                            if value.selected
                            else "",
                            value.label,
                            value.count,
                        )
                        for value, query in links
                    ),
                ),
            )
            for facet, links in facets
        ),
    )


def picture_url(name: str) -> str:
    """The address of a stored photo or logo ("people/7/<token>.jpg")."""
    return reverse("picture_file", args=["people", 0, "-"])[: -len("people/0/-")] + name


def _initials(text: str) -> str:
    words = [w for w in text.replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def _picture(name: str, text: str, size: int, kind: str):
    """An <img> of the stored picture, or the initials of `text` in its place. Both are
    decorative (empty alt, hidden from screen readers): the name is always written beside."""
    style = f"width:{size}px;height:{size}px"
    if name:
        return format_html(
            '<img class="picture picture-{}" src="{}" width="{}" height="{}" alt="" '
            'loading="lazy" style="{}">',
            kind,
            picture_url(name),
            size,
            size,
            style,
        )
    return format_html(
        '<span class="picture picture-{} picture-initials" aria-hidden="true" '
        'style="{};font-size:{}px">{}</span>',
        kind,
        style,
        max(9, size * 2 // 5),
        _initials(text),
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
