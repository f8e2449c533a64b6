"""Every write to the directory: organisations, clusters, people (GDPR export and erasure).

Imports of member lists and CORDIS data live in `imports.py` and are re-exported here.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.bounds import MAX_MANAGEMENT_FTE, MAX_MEMBERS, MAX_SMES
from clusterloom.core.errors import DomainError
from clusterloom.core.inputs import bounded_text
from clusterloom.core.text import squash
from clusterloom.geo.models import City, Country, Region
from clusterloom.geo.selectors import city_lookup, country_lookup, region_lookup
from clusterloom.taxonomy.models import Term

from .models import Cluster, Organisation, OrganisationKind, OrganisationSize, Person
from .names import name_key, name_keys
from .pictures import picture_data_url, picture_drop

#: Fields a caller may set on an organisation (create and update).
ORGANISATION_FIELDS = (
    "name",
    "short_name",
    "kind",
    "country",
    "region",
    "city",
    "city_name",
    "latitude",
    "longitude",
    "website",
    "description",
    "offers",
    "requests",
    "size",
    "is_sme",
)
CLUSTER_FIELDS = (
    "member_count",
    "sme_count",
    "management_fte",
    "declared_member_kinds",
    "website_in_english",
)

_url_validator = URLValidator(schemes=["http", "https"])


def website_normalise(text: str | None) -> str:
    """A website as a full URL: the first of several, "https://" added when missing.

    Raises DomainError (field "website") when it is not a web address.
    """
    text = (text or "").strip()
    if not text:
        return ""
    for separator in (" / ", ";", ",", " "):
        text = text.split(separator)[0].strip()
    if "://" not in text:
        text = "https://" + text
    try:
        _url_validator(text)
    except ValidationError:
        raise DomainError(
            _("“%(value)s” is not a web address.") % {"value": text}, field="website"
        ) from None
    if len(text) > 300:
        raise DomainError(_("The web address is too long."), field="website")
    return text


def slug_unique(text: str, *, exclude_pk: int | None = None) -> str:
    """A slug for an organisation's name that no other organisation uses."""
    base = slugify(text)[:100].strip("-") or "organisation"
    slug, n = base, 1
    taken = Organisation.objects.filter(slug__startswith=base)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    used = set(taken.values_list("slug", flat=True))
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _country(value) -> Country:
    if isinstance(value, Country):
        return value
    found = country_lookup(str(value or "").strip()) if value else None
    if found is None:
        raise DomainError(
            _("Unknown country “%(value)s”.") % {"value": value or ""}, field="country"
        )
    return found


def _region(value, country: Country) -> Region | None:
    if value in (None, ""):
        return None
    region = value if isinstance(value, Region) else region_lookup(str(value), country=country)
    if region is None or region.country_id != country.code:
        raise DomainError(
            _("Unknown region “%(value)s” in %(country)s.") % {"value": value, "country": country},
            field="region",
        )
    return region


def _kind(value) -> str:
    value = (value or OrganisationKind.OTHER).strip() if isinstance(value, str) else value
    if value not in OrganisationKind.values:
        raise DomainError(_("Unknown kind “%(value)s”.") % {"value": value}, field="kind")
    return value


def _clean(data: dict[str, Any], current: Organisation | None) -> dict[str, Any]:
    """Check and convert the given fields; only the keys present in `data` are returned."""
    unknown = set(data) - set(ORGANISATION_FIELDS) - {"terms"}
    if unknown:
        raise DomainError(
            _("Unknown field “%(field)s”.") % {"field": sorted(unknown)[0]},
            field=sorted(unknown)[0],
        )
    out: dict[str, Any] = {}
    if "name" in data or current is None:
        name = squash(data.get("name"))
        if not name:
            raise DomainError(_("An organisation needs a name."), field="name")
        if len(name) > 255:
            raise DomainError(_("The name is too long (255 characters at most)."), field="name")
        out["name"] = name
    if "short_name" in data:
        out["short_name"] = squash(data["short_name"])[:100]
    if "kind" in data:
        out["kind"] = _kind(data["kind"])
    if "country" in data or current is None:
        out["country"] = _country(data.get("country"))
    country = out.get("country") or current.country
    if "region" in data:
        out["region"] = _region(data["region"], country)
    elif "country" in data and current and current.region_id:
        if current.region.country_id != country.code:
            out["region"] = None
    if "city" in data:
        city = data["city"]
        if isinstance(city, City):
            out["city"], out["city_name"] = city, city.name
        else:
            city_text = squash(city)[:200]
            out["city"] = city_lookup(city_text, country=country) if city_text else None
            out["city_name"] = city_text
    if "city_name" in data and "city" not in data:
        out["city_name"] = str(data["city_name"] or "")[:200]
    for coordinate, limit in (("latitude", 90), ("longitude", 180)):
        if coordinate in data:
            value = data[coordinate]
            if value in (None, ""):
                out[coordinate] = None
                continue
            try:
                value = float(value)
            except (TypeError, ValueError):
                value = None
            if value is None or not -limit <= value <= limit:
                raise DomainError(_("Not a valid coordinate."), field=coordinate)
            out[coordinate] = value
    if "website" in data:
        out["website"] = website_normalise(data["website"])
    for text_field in ("description", "offers", "requests"):
        if text_field in data:
            out[text_field] = bounded_text(
                data[text_field], text_field, current=getattr(current, text_field, None)
            )
    if "size" in data:
        size = data["size"] or ""
        if size not in OrganisationSize.values:
            raise DomainError(_("Unknown size “%(value)s”.") % {"value": size}, field="size")
        out["size"] = size
    if "is_sme" in data:
        if data["is_sme"] not in (True, False, None):
            raise DomainError(_("SME must be yes, no or unknown."), field="is_sme")
        out["is_sme"] = data["is_sme"]
    if "terms" in data:
        terms = list(data["terms"] or [])
        if any(not isinstance(term, Term) for term in terms):
            raise DomainError(_("Unknown taxonomy term."), field="terms")
        out["terms"] = terms
    return out


def _state(value) -> Any:
    """A JSON-friendly form of a field value, for the audit log."""
    if isinstance(value, Country | Region):
        return value.pk
    if isinstance(value, City):
        return value.name
    return value


@transaction.atomic
def organisation_create(*, actor, data: dict[str, Any]) -> Organisation:
    """Create an organisation from checked data; the slug is derived from the name."""
    fields = _clean(data, None)
    terms = fields.pop("terms", None)
    organisation = Organisation(**fields)
    organisation.slug = slug_unique(organisation.name)
    organisation.save()
    if terms:
        organisation.terms.set(terms)
    audit(
        actor,
        "organisation.created",
        organisation,
        changes={k: _state(v) for k, v in fields.items()},
    )
    return organisation


@transaction.atomic
def organisation_add(*, actor, data: dict[str, Any]) -> Organisation:
    """A user adds an organisation (page or API): refused when the directory already has one
    of the same name in that country; whoever adds it, unless an admin, becomes its manager."""
    country = _country(data.get("country"))
    wanted = name_key(str(data.get("name") or ""))
    for name in Organisation.objects.filter(country=country).values_list("name", flat=True):
        if wanted and name_key(name) == wanted:
            raise DomainError(
                _("“%(name)s” is already in the directory for %(country)s.")
                % {"name": name, "country": country.name},
                field="name",
            )
    organisation = organisation_create(actor=actor, data=data)
    if getattr(actor, "is_authenticated", False) and not actor.is_superuser:
        organisation_manager_add(actor=actor, organisation=organisation, user=actor)
    return organisation


@transaction.atomic
def organisation_manager_add(*, actor, organisation: Organisation, user) -> None:
    """Make a user a manager of the organisation (cluster manager role)."""
    organisation.managers.add(user)
    audit(actor, "organisation.manager_added", organisation, changes={"user": user.get_username()})


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    """Change the given fields of an organisation; the slug stays (links keep working)."""
    fields = _clean(data, organisation)
    terms = fields.pop("terms", None)
    changes = {}
    for field, value in fields.items():
        old = getattr(organisation, field)
        if old != value:
            changes[field] = [_state(old), _state(value)]
            setattr(organisation, field, value)
    if terms is not None:
        old_terms = sorted(str(t) for t in organisation.terms.all())
        new_terms = sorted(str(t) for t in terms)
        if old_terms != new_terms:
            organisation.terms.set(terms)
            changes["terms"] = [old_terms, new_terms]
    if changes:
        organisation.save()
        audit(actor, "organisation.updated", organisation, changes=changes)
    return organisation


class NameIndex:
    """The name keys of one country's organisations, built once for many look-ups (imports)."""

    def __init__(self, country: Country):
        self.country_code = country.code
        self.full: dict[str, int] = {}
        self.any: dict[str, int] = {}
        rows = Organisation.objects.filter(country=country).order_by("pk")
        for pk, name, short_name in rows.values_list("pk", "name", "short_name"):
            self.add(pk, name, short_name)

    def add(self, pk: int, name: str, short_name: str = "") -> None:
        """Index one organisation (the first one indexed keeps a shared key)."""
        self.full.setdefault(name_key(name), pk)
        for key in name_keys(name, short_name):
            self.any.setdefault(key, pk)

    def find(self, name: str, short_name: str = "") -> int | None:
        """Id of the organisation answering to the name: full-name match first, then parts."""
        pk = self.full.get(name_key(name))
        if pk is not None:
            return pk
        found = [self.any[k] for k in name_keys(name, short_name) if k in self.any]
        return min(found) if found else None


def organisation_find_by_name(
    *, name: str, country: Country, short_name: str = "", index: NameIndex | None = None
) -> Organisation | None:
    """The organisation in `country` that answers to this name or short name, if any.

    An exact name key (case, accents, dashes and legal suffix ignored) wins over a match on a
    part ("CLUTEX" in "CLUTEX - klastr ...") or the short name. Pass an `index` when looking
    up many names in one country.
    """
    index = index or NameIndex(country)
    pk = index.find(name, short_name)
    return Organisation.objects.get(pk=pk) if pk is not None else None


@transaction.atomic
def organisation_get_or_create_by_name(
    *,
    name: str,
    country,
    kind: str = OrganisationKind.OTHER,
    short_name: str = "",
    actor=None,
    defaults: dict[str, Any] | None = None,
    index: NameIndex | None = None,
) -> tuple[Organisation, bool]:
    """The one organisation with this name in this country, created when there is none.

    Matching ignores case, accents, kinds of dashes and legal suffixes and also tries the short
    name, so an organisation listed by two partnerships is one record. Returns (organisation,
    created). An existing organisation keeps its data; only blank fields are filled from
    `defaults`, and a kind of "other" is replaced by the given kind. Imports pass a NameIndex
    of the country so that many rows need not scan the country's organisations each.
    """
    country = _country(country)
    if not squash(name):
        raise DomainError(_("An organisation needs a name."), field="name")
    if index is not None and index.country_code != country.code:
        index = None
    found = organisation_find_by_name(
        name=name, country=country, short_name=short_name, index=index
    )
    if found is None:
        data = {"name": name, "short_name": short_name, "kind": kind, "country": country}
        data.update(defaults or {})
        created = organisation_create(actor=actor, data=data)
        if index is not None:
            index.add(created.pk, created.name, created.short_name)
        return created, True
    fill: dict[str, Any] = {}
    if kind and kind != OrganisationKind.OTHER and found.kind == OrganisationKind.OTHER:
        fill["kind"] = kind
    if short_name and not found.short_name:
        fill["short_name"] = short_name
    for field, value in (defaults or {}).items():
        if field == "city":
            if value and not found.city_id and not found.city_name:
                fill["city"] = value
        elif field == "terms":
            continue
        elif value not in (None, "", []) and getattr(found, field, None) in (None, ""):
            fill[field] = value
    if fill:
        organisation_update(actor=actor, organisation=found, data=fill)
    return found, False


@transaction.atomic
def cluster_get_or_create(*, actor, organisation: Organisation) -> tuple[Cluster, bool]:
    """The cluster record of a cluster (or business-network) organisation."""
    existing = Cluster.objects.filter(organisation=organisation).first()
    if existing is not None:
        return existing, False
    if not organisation.is_cluster_like:
        raise DomainError(
            _("Only cluster and business-network organisations have members."), field="kind"
        )
    cluster = Cluster.objects.create(organisation=organisation)
    audit(actor, "cluster.created", cluster)
    return cluster, True


def _non_negative_int(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    raise DomainError(_("Enter a whole number, 0 or more."), field=field)


@transaction.atomic
def cluster_update(*, actor, cluster: Cluster, data: dict[str, Any]) -> Cluster:
    """Change what a cluster declares: member and SME counts, staff, member kinds, website."""
    unknown = set(data) - set(CLUSTER_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError(_("Unknown field “%(field)s”.") % {"field": field}, field=field)
    fields: dict[str, Any] = {}
    for field, maximum in (("member_count", MAX_MEMBERS), ("sme_count", MAX_SMES)):
        if field in data:
            fields[field] = _non_negative_int(data[field], field)
            # A figure saved before the bound stays as it is until someone changes it.
            if (fields[field] or 0) > maximum and fields[field] != getattr(cluster, field):
                raise DomainError(
                    _("Give a number between 0 and %(max)s.") % {"max": f"{maximum:,}"},
                    field=field,
                )
    if "management_fte" in data:
        value = data["management_fte"]
        if value in (None, ""):
            fields["management_fte"] = None
        else:
            try:
                fte = Decimal(str(value))
            except InvalidOperation:
                fte = Decimal(-1)
            if not fte.is_finite() or fte < 0 or fte > MAX_MANAGEMENT_FTE:
                raise DomainError(_("Enter the staff in FTE, e.g. 1.5."), field="management_fte")
            fields["management_fte"] = fte.quantize(Decimal("0.01"))
    if "declared_member_kinds" in data:
        kinds = sorted({_kind(k) for k in data["declared_member_kinds"] or []})
        fields["declared_member_kinds"] = kinds
    if "website_in_english" in data:
        if data["website_in_english"] not in (True, False, None):
            raise DomainError(_("Answer yes, no or unknown."), field="website_in_english")
        fields["website_in_english"] = data["website_in_english"]
    member_count = fields.get("member_count", cluster.member_count)
    sme_count = fields.get("sme_count", cluster.sme_count)
    if member_count is not None and sme_count is not None and sme_count > member_count:
        raise DomainError(_("There cannot be more SMEs than members."), field="sme_count")
    changes = {}
    for field, value in fields.items():
        old = getattr(cluster, field)
        if old != value:
            changes[field] = [str(old) if old is not None else None, _json(value)]
            setattr(cluster, field, value)
    if changes:
        cluster.save()
        audit(actor, "cluster.updated", cluster, changes=changes)
    return cluster


def _json(value):
    return str(value) if isinstance(value, Decimal) else value


def person_export(*, person: Person) -> dict[str, Any]:
    """Everything the directory holds about a person, JSON-ready (GDPR Art. 15/20)."""
    return {
        "organisation": person.organisation.name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": person.phone,
        "job_title": person.job_title,
        "languages": person.languages,
        "consent_public": person.consent_public,
        "email_public": person.email_public,
        "photo": picture_data_url(person.photo),
        "has_login": person.user_id is not None,
        "created": person.created_at.isoformat(),
        "updated": person.updated_at.isoformat(),
    }


@transaction.atomic
def person_erase(*, actor, person: Person) -> Person:
    """Anonymise a person (GDPR Art. 17): the record stays for counts, nothing identifies them.

    The link to a login is cut; the login itself is the account owner's to delete. The photo
    file is deleted once the erasure is committed.
    """
    person.first_name = "—"
    person.last_name = _("(erased)")
    person.email = ""
    person.phone = ""
    person.job_title = ""
    person.languages = []
    person.consent_public = False
    person.email_public = False
    person.user = None
    picture_drop(person, "photo")
    person.save()
    audit(actor, "person.erased", person)
    return person


def cluster_members_import(*, actor, cluster: Cluster, file_name: str, content: bytes):
    """Import a cluster's member list (CSV or XLSX); see `imports.cluster_members_import`."""
    from .imports import cluster_members_import as run

    return run(actor=actor, cluster=cluster, file_name=file_name, content=content)


def cordis_organisations_import(*, actor, path_or_data):
    """Import CORDIS organization.json; see `imports.cordis_organisations_import`."""
    from .imports import cordis_organisations_import as run

    return run(actor=actor, path_or_data=path_or_data)


__all__ = [
    "cluster_get_or_create",
    "cluster_members_import",
    "cluster_update",
    "cordis_organisations_import",
    "organisation_create",
    "NameIndex",
    "organisation_find_by_name",
    "organisation_get_or_create_by_name",
    "organisation_update",
    "person_erase",
    "person_export",
    "website_normalise",
]
