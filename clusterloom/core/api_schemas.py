"""API schemas every router shares."""

from ninja import Schema


class ErrorOut(Schema):
    """What went wrong: the message, and the field or line it concerns when there is one."""

    detail: str
    field: str | None = None
    line: int | None = None


def error_responses(schema: type[Schema] = ErrorOut) -> dict:
    """The responses of an endpoint that can fail: `schema` for 400, 401, 403 and 404, and
    ninja's own body for a request its schemas reject (422)."""
    return {**dict.fromkeys((400, 401, 403, 404), schema), 422: dict}
