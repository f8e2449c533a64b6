"""Template helpers shared by the apps.

The form helpers write fields in Python: through Django's widget templates and includes, the
search form alone cost more than the rest of the directory page (see docs/PERFORMANCE.md).
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def _options(field) -> str:
    value = field.value()
    selected = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value or "")}
    return "".join(
        f'<option value="{escape(str(key))}"'
        f"{' selected' if str(key) in selected else ''}>{escape(str(label))}</option>"
        for key, label in field.field.choices
    )


@register.simple_tag
def select_options(field) -> str:
    """The <option>s of a bound choice field."""
    return mark_safe(_options(field))  # noqa: S308 (every part escaped above)


def _control(field) -> str:
    invalid = " is-invalid" if field.errors else ""
    required = " required" if field.field.required else ""
    name, ident = escape(field.html_name), escape(field.id_for_label)
    if field.widget_type == "select":
        return (
            f'<select name="{name}" id="{ident}" class="form-select{invalid}"{required}>'
            f"{_options(field)}</select>"
        )
    # A text input only when it is one: a TextInput of type datetime-local, date or number is
    # left to Django's rendering, which keeps its type (and the browser's picker).
    if field.widget_type == "text" and field.field.widget.input_type == "text":
        value = field.value()
        text = escape(str(value)) if value is not None else ""
        max_length = getattr(field.field, "max_length", None)
        limit = f' maxlength="{int(max_length)}"' if max_length else ""
        return (
            f'<input type="text" name="{name}" id="{ident}" value="{text}" '
            f'class="form-control{invalid}"{limit}{required}>'
        )
    return str(field)  # other widgets: Django's own rendering (already escaped)


@register.simple_tag
def form_field(field) -> str:
    """A Bootstrap form group: label, control, help text and errors."""
    parts = [
        '<div class="mb-3">',
        f'<label class="form-label" for="{escape(field.id_for_label)}">'
        f"{escape(str(field.label))}</label>",
        _control(field),
    ]
    if field.help_text:
        parts.append(f'<div class="form-text">{escape(str(field.help_text))}</div>')
    parts += [f'<div class="invalid-feedback d-block">{escape(str(e))}</div>' for e in field.errors]
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped above)


@register.filter
def person_name(user) -> str:
    """A login shown as its person's name (core.names.display_name), never the login name
    when a name is known."""
    from clusterloom.core.names import display_name

    return display_name(user) if user else ""
