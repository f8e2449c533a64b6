"""API schemas every router shares."""

from ninja import Schema


class ErrorOut(Schema):
    """What went wrong: the message, and the field or line it concerns when there is one."""

    detail: str
    field: str | None = None
    line: int | None = None
