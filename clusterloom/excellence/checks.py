"""Checks shared by the excellence services: cluster organisations, partnerships, dates,
links, and uploads judged by content and stored under a token name."""

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError
from clusterloom.core.evidence import EvidenceRejected, evidence_kind
from clusterloom.core.inputs import id_value, text_value
from clusterloom.directory.models import Cluster, Organisation
from clusterloom.partnerships.models import Partnership


def today():
    """The platform's date (local time zone)."""
    return timezone.localdate()


def flag(data, key: str, default: bool) -> bool:
    value = data.get(key, default)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value) if value is not None else default


def cluster_check(organisation: Organisation) -> None:
    """Labels, benchmarkings and services belong to cluster organisations."""
    if organisation.is_cluster_like or Cluster.objects.filter(organisation=organisation).exists():
        return
    raise DomainError(
        _(
            "%(name)s is not a cluster organisation; labels, benchmarkings and services belong to "
            "clusters."
        )
        % {"name": organisation.name},
        field="organisation",
    )


def partnership_of(organisation: Organisation, value, field: str = "partnership"):
    """The partnership named by an instance, id or slug; one the organisation is a partner of."""
    if value in (None, ""):
        return None
    if isinstance(value, Partnership):
        found = value
    else:
        text = str(value).strip()
        key = id_value(text)
        query = {"pk": key} if key is not None else {"slug": text}
        found = Partnership.objects.filter(**query).first()
        if found is None:
            raise DomainError(_("There is no partnership “%(v)s”.") % {"v": value}, field=field)
    if not found.members.filter(organisation=organisation).exists():
        raise DomainError(
            _("%(org)s is not a partner of %(p)s.") % {"org": organisation.name, "p": found},
            field=field,
        )
    return found


def not_future(day, field: str) -> None:
    if day and day > today():
        raise DomainError(
            _("%(day)s lies in the future; record it once it has happened.")
            % {"day": day.isoformat()},
            field=field,
        )


def evidence_checked(upload, field: str):
    """(file name, content, kind) of an upload, or None; refused by content and size."""
    if not upload:
        return None
    name, content = upload
    try:
        kind = evidence_kind(name, content, max_bytes=settings.UPLOAD_MAX_BYTES)
    except EvidenceRejected as error:
        raise DomainError(error.message(_), field=field) from None
    return name, content, kind


def evidence_store(obj, checked) -> None:
    """Save a checked upload under a random token name, dropping the previous file."""
    name, content, kind = checked
    old = obj.evidence.name if obj.evidence else ""
    storage = obj.evidence.storage
    obj.evidence_kind = kind
    obj.evidence_token = secrets.token_hex(16)
    obj.evidence_name = (name.replace("\\", "/").rsplit("/", 1)[-1] or "evidence")[-200:]
    obj.evidence.save("evidence", ContentFile(content), save=False)
    obj.save()
    if old:
        transaction.on_commit(lambda: storage.delete(old))


def url_value(data, field: str) -> str:
    url = text_value(data, field, limit=300)
    if url and not url.lower().startswith(("https://", "http://")):
        raise DomainError(_("Give a web address starting with https://."), field=field)
    return url


def attribution_check(actor, organisation, partnership, previous=None) -> None:
    """Work counts toward a partnership's targets only when the cluster's managers or that
    partnership's coordinators say so (a coordinator of another partnership the cluster is in
    may not attribute it there)."""
    from clusterloom.core.permissions import (
        coordinated_partnership_ids,
        is_admin,
        managed_organisation_ids,
    )

    if partnership is None or partnership == previous or is_admin(actor):
        return
    if organisation.pk in managed_organisation_ids(actor):
        return
    if partnership.pk in coordinated_partnership_ids(actor):
        return
    raise DomainError(
        _("Only the cluster's managers or the coordinators of %(p)s may count this for %(p)s.")
        % {"p": partnership.acronym},
        field="partnership",
    )
