"""The ClusterXchange error a user meets most: a rule of the scheme is not met."""

from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError


class IneligibleError(DomainError):
    """One or more eligibility rules fail; each is kept with its rule code and field."""

    def __init__(self, failures: list[tuple[str, str, str]]):
        self.failures = failures
        message = " ".join(text for _rule, _field, text in failures)
        super().__init__(message or _("Not eligible."), field=failures[0][1] if failures else None)


def raise_failures(failures) -> None:
    """Raise IneligibleError for eligibility.RuleFailure objects, messages translated."""
    if failures:
        raise IneligibleError([(f.rule, f.field, f.message(_)) for f in failures])
