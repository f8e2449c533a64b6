"""Domain errors: what a user can cause, with a message that says what and where."""

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A rule a user broke; shown as a 4xx in the API and a form error on pages."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field
        self.line = line

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(_("line %(line)s") % {"line": self.line})
        if self.field:
            where.append(_("field “%(field)s”") % {"field": self.field})
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ImportFailed(DomainError):
    """An import file or text that cannot be read; nothing was changed."""


class PermissionDenied(DomainError):
    """The user may not do this."""

    status_code = 403


class NotFound(DomainError):
    """The object does not exist or is not visible to the user."""

    status_code = 404
