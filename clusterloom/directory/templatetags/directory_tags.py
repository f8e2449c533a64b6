"""Template tags of the directory."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

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
