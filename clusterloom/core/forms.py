"""What every app's pages share about forms."""

from .errors import DomainError


def form_error(form, error: DomainError) -> None:
    """Show a domain error on the form: on its field when the form has it, else on top; an
    error listing several failing rules (ClusterXchange eligibility) shows each of them."""
    failures = getattr(error, "failures", None)
    if failures:
        for _rule, field, text in failures:
            form.add_error(field if field in form.fields else None, text)
        return
    form.add_error(error.field if error.field in form.fields else None, error.message)
