"""API schemas every router shares."""

from ninja import Field, Schema
from pydantic import create_model


class ErrorOut(Schema):
    """What went wrong: the message, and the field or line it concerns when there is one."""

    detail: str
    field: str | None = None
    line: int | None = None


def error_responses(schema: type[Schema] = ErrorOut) -> dict:
    """The responses of an endpoint that can fail: `schema` for 400, 401, 403 and 404, and
    ninja's own body for a request its schemas reject (422)."""
    return {**dict.fromkeys((400, 401, 403, 404), schema), 422: dict}


def changes_of(schema: type[Schema], *, without: tuple[str, ...] = ()) -> type[Schema]:
    """A base for the body of a PATCH: the fields of `schema` (a creation body) but `without`
    (those that say what the record belongs to), each optional and None when left out; the
    endpoint changes only the fields sent."""
    fields = {
        name: (field.annotation | None, Field(None, description=field.description))
        for name, field in schema.model_fields.items()
        if name not in without
    }
    return create_model(f"{schema.__name__}Changes", __base__=Schema, **fields)
