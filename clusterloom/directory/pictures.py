"""A person's photo and an organisation's logo: set (checked by content, re-encoded without
metadata, stored under a random name), removed, exported and erased with the person.

The picture is checked and re-encoded before the transaction opens (nothing is locked while a
file is decoded); the previous file is deleted once the change is committed.
"""

import base64
import secrets

from django.core.files.base import ContentFile
from django.db import transaction

from clusterloom.core.audit import audit
from clusterloom.core.permissions import require
from clusterloom.core.uploads import picture_read

from .models import Organisation, Person

#: A photo is cropped to a square this many pixels wide; a logo fits in this box.
PHOTO_SIZE = 256
LOGO_SIZE = 512


def person_photo_set(
    *, actor, person: Person, file_name: str, content: bytes, content_type: str = ""
) -> Person:
    """Give a person a photo (only the person themselves, or an admin)."""
    require(actor, "directory.change_photo", person)
    picture = picture_read(
        file_name, content, content_type=content_type, box=PHOTO_SIZE, square=True, field="photo"
    )
    _store(actor, person, "photo", picture, "person.photo_set")
    return person


def person_photo_remove(*, actor, person: Person) -> Person:
    """Remove a person's photo (the person themselves, or an admin)."""
    require(actor, "directory.change_photo", person)
    _store(actor, person, "photo", None, "person.photo_removed")
    return person


def organisation_logo_set(
    *, actor, organisation: Organisation, file_name: str, content: bytes, content_type: str = ""
) -> Organisation:
    """Give an organisation a logo (its managers, or an admin)."""
    require(actor, "directory.change_logo", organisation)
    picture = picture_read(
        file_name, content, content_type=content_type, box=LOGO_SIZE, field="logo"
    )
    _store(actor, organisation, "logo", picture, "organisation.logo_set")
    return organisation


def organisation_logo_remove(*, actor, organisation: Organisation) -> Organisation:
    """Remove an organisation's logo (its managers, or an admin)."""
    require(actor, "directory.change_logo", organisation)
    _store(actor, organisation, "logo", None, "organisation.logo_removed")
    return organisation


@transaction.atomic
def _store(actor, obj, field: str, picture, action: str) -> None:
    """Put `picture` (None: nothing) in obj.<field>; the old file goes after the commit."""
    file = getattr(obj, field)
    old, storage = file.name, file.storage
    if picture is not None:
        name = f"{secrets.token_hex(16)}.{picture.extension}"
        file.save(name, ContentFile(picture.content), save=False)
    elif not old:
        return
    else:
        setattr(obj, field, "")
    obj.save(update_fields=[field, "updated_at"])
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    audit(actor, action, obj)


def picture_drop(obj, field: str) -> None:
    """Forget obj.<field> (erasure): the file is deleted once the transaction commits. The
    caller saves obj."""
    file = getattr(obj, field)
    old, storage = file.name, file.storage
    setattr(obj, field, "")
    if old:
        transaction.on_commit(lambda: storage.delete(old))


def picture_data_url(file) -> str | None:
    """A stored picture as a data: URL (for the personal-data export), or None without one."""
    if not file:
        return None
    try:
        with file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return None
    kind = "png" if file.name.endswith(".png") else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(content).decode('ascii')}"
