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
        '<tr><td><a href="{}{}/">{}</a>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td></tr>",
        (
            (
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
