"""A whole partnership as YAML or JSON: export, and an all-or-nothing, idempotent import.

The document holds every profile field, the partnership's terms, its partners with their
organisation data (country as ISO alpha-2, region as NUTS code, cluster member and SME counts),
their role and order, the actions, the expected results and the targets with status and source.
Export, import into an empty database and export again gives the same document.
"""

import datetime
import json
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.bounds import MAX_TARGET
from clusterloom.core.errors import DomainError, ImportFailed
from clusterloom.directory.models import Cluster, Organisation, OrganisationKind
from clusterloom.directory.services import (
    cluster_get_or_create,
    cluster_update,
    organisation_get_or_create_by_name,
)
from clusterloom.geo.selectors import country_lookup, region_lookup
from clusterloom.taxonomy.models import Term, Vocabulary
from clusterloom.taxonomy.services import term_get_or_create

from .models import Action, ExpectedResult, PartnerRole, Partnership, TargetCode, TargetStatus
from .services import (
    PARTNERSHIP_FIELDS,
    ImportOutcome,
    lines_set,
    organisation_terms_add,
    partnership_create,
    partnership_member_set,
    partnership_update,
)

FORMAT = "clusterloom.partnership/1"
_ORGANISATION_KEYS = (
    "name",
    "short_name",
    "kind",
    "country",
    "region",
    "city",
    "website",
    "description",
)


def _term_dict(term: Term) -> dict[str, str]:
    return {"vocabulary": term.vocabulary, "name": term.name, "category": term.category}


def _terms_out(terms) -> list[dict[str, str]]:
    return sorted(
        (_term_dict(t) for t in terms), key=lambda t: (t["vocabulary"], t["category"], t["name"])
    )


def partnership_export(partnership: Partnership) -> dict[str, Any]:
    """The partnership as plain data (dicts, lists, strings, numbers, booleans)."""
    data: dict[str, Any] = {"format": FORMAT}
    for name in PARTNERSHIP_FIELDS:
        value = getattr(partnership, name)
        data[name] = value.isoformat() if isinstance(value, datetime.date) else value
    data["terms"] = _terms_out(partnership.terms.all())
    data["actions"] = [a.text for a in partnership.actions.order_by("order", "id")]
    data["results"] = [r.text for r in partnership.expected_results.order_by("order", "id")]
    data["targets"] = [
        {"code": t.code, "value": t.value, "status": t.status, "source_text": t.source_text}
        for t in partnership.targets.order_by("code")
    ]
    partners = []
    members = partnership.members.select_related("organisation__city").order_by("order", "id")
    for member in members:
        organisation = member.organisation
        cluster = Cluster.objects.filter(organisation=organisation).first()
        partners.append(
            {
                "role": member.role,
                "role_inferred": member.role_inferred,
                "order": member.order,
                "listed_name": member.listed_name,
                "organisation": {
                    "name": organisation.name,
                    "short_name": organisation.short_name,
                    "kind": organisation.kind,
                    "country": organisation.country_id,
                    "region": organisation.region_id or "",
                    "city": organisation.city_label,
                    "website": organisation.website,
                    "description": organisation.description,
                    "terms": _terms_out(organisation.terms.all()),
                    "member_count": cluster.member_count if cluster else None,
                    "sme_count": cluster.sme_count if cluster else None,
                },
            }
        )
    data["partners"] = partners
    return data


def export_yaml(partnership: Partnership) -> str:
    """The partnership as a YAML document."""
    return yaml.safe_dump(
        partnership_export(partnership), allow_unicode=True, sort_keys=False, width=100
    )


def export_json(partnership: Partnership) -> str:
    """The partnership as a JSON document."""
    return json.dumps(partnership_export(partnership), ensure_ascii=False, indent=2) + "\n"


def load_document(text: str, *, name: str = "") -> dict[str, Any]:
    """Read a YAML or JSON document (JSON is YAML too, but its errors read better as JSON)."""
    try:
        if name.endswith(".json") or text.lstrip().startswith("{"):
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(
            _("Not valid JSON: %(error)s") % {"error": error.msg}, line=error.lineno
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ImportFailed(
            _("Not valid YAML: %(error)s") % {"error": getattr(error, "problem", None) or error},
            line=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(data, dict):
        raise ImportFailed(_("The document must be a mapping of partnership fields."))
    return data


# --- import --------------------------------------------------------------------------------


def _fail(path: str, message: str) -> ImportFailed:
    return ImportFailed(message, field=path)


def _mapping(value, path: str) -> dict:
    if not isinstance(value, dict):
        raise _fail(path, _("expected a mapping"))
    return value


def _list(value, path: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(path, _("expected a list"))
    return value


def _text(value, path: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _fail(path, _("expected text"))
    return str(value)


def _terms_in(value, path: str) -> list[Term]:
    terms = []
    for i, item in enumerate(_list(value, path)):
        where = f"{path}[{i}]"
        item = _mapping(item, where)
        vocabulary = _text(item.get("vocabulary"), f"{where}.vocabulary")
        if vocabulary not in Vocabulary.values:
            raise _fail(
                f"{where}.vocabulary",
                _("unknown vocabulary “%(value)s”") % {"value": vocabulary},
            )
        name = _text(item.get("name"), f"{where}.name").strip()
        if not name or len(name) > 200:
            raise _fail(f"{where}.name", _("a term needs a name of at most 200 characters"))
        category = _text(item.get("category"), f"{where}.category")[:100]
        terms.append(term_get_or_create(vocabulary=vocabulary, name=name, category=category))
    return terms


def _count(value, path: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31:
        return value
    raise _fail(path, _("expected a whole number, 0 or more"))


def _organisation(actor, data: dict, path: str) -> Organisation:
    unknown = set(data) - set(_ORGANISATION_KEYS) - {"terms", "member_count", "sme_count"}
    if unknown:
        key = sorted(unknown)[0]
        raise _fail(f"{path}.{key}", _("unknown field"))
    name = " ".join(_text(data.get("name"), f"{path}.name").split())
    if not name:
        raise _fail(f"{path}.name", _("an organisation needs a name"))
    country_text = _text(data.get("country"), f"{path}.country").strip()
    country = country_lookup(country_text) if country_text else None
    if country is None:
        raise _fail(f"{path}.country", _("unknown country “%(value)s”") % {"value": country_text})
    kind = _text(data.get("kind"), f"{path}.kind") or OrganisationKind.OTHER
    if kind not in OrganisationKind.values:
        raise _fail(f"{path}.kind", _("unknown kind “%(value)s”") % {"value": kind})
    region_text = _text(data.get("region"), f"{path}.region").strip()
    region = region_lookup(region_text, country=country) if region_text else None
    if region_text and region is None:
        raise _fail(
            f"{path}.region",
            _("unknown region “%(value)s” in %(country)s")
            % {"value": region_text, "country": country.code},
        )
    defaults = {"region": region} if region else {}
    for key in ("city", "website", "description"):
        value = _text(data.get(key), f"{path}.{key}").strip()
        if value:
            defaults[key] = value
    members = _count(data.get("member_count"), f"{path}.member_count")
    smes = _count(data.get("sme_count"), f"{path}.sme_count")
    terms = _terms_in(data.get("terms"), f"{path}.terms")
    try:
        organisation, _created = organisation_get_or_create_by_name(
            name=name,
            country=country,
            kind=kind,
            short_name=_text(data.get("short_name"), f"{path}.short_name"),
            actor=actor,
            defaults=defaults,
        )
        if organisation.is_cluster_like and (members is not None or smes is not None):
            cluster, _new = cluster_get_or_create(actor=actor, organisation=organisation)
            counts = {}
            if members is not None:
                counts["member_count"] = members
            if smes is not None:
                counts["sme_count"] = smes
            cluster_update(actor=actor, cluster=cluster, data=counts)
        organisation_terms_add(actor=actor, organisation=organisation, terms=terms)
    except DomainError as error:
        where = f"{path}.{error.field}" if error.field else path
        raise _fail(where, error.message) from None
    return organisation


def _partnership_fields(data: dict) -> dict[str, Any]:
    fields = {}
    for name in PARTNERSHIP_FIELDS:
        if name in data:
            fields[name] = data[name]
    if fields.get("website") is None and "website" in fields:
        fields["website"] = ""
    return fields


@transaction.atomic
def partnership_import_structured(*, actor, data: dict[str, Any]) -> ImportOutcome:
    """Create or update a partnership from an exported document (all or nothing, idempotent).

    Organisations are matched by name in their country (as the directory does); data the
    directory already holds about them is kept, the document only fills gaps. Partners not in
    the document stay, a confirmed target stays confirmed.
    """
    data = _mapping(data, "document")
    known = set(PARTNERSHIP_FIELDS) | {"format", "terms", "actions", "results", "targets"}
    unknown = set(data) - known - {"partners"}
    if unknown:
        raise _fail(sorted(unknown)[0], _("unknown field"))
    if data.get("format", FORMAT) != FORMAT:
        raise _fail("format", _("unsupported format “%(value)s”") % {"value": data["format"]})
    acronym = " ".join(_text(data.get("acronym"), "acronym").split())
    if not acronym:
        raise _fail("acronym", _("a partnership needs an acronym"))
    fields = _partnership_fields(data)
    partnership = Partnership.objects.filter(acronym__iexact=acronym).first()
    created = partnership is None
    try:
        if created:
            partnership = partnership_create(actor=actor, data=fields)
        else:
            partnership = partnership_update(actor=actor, partnership=partnership, data=fields)
    except DomainError as error:
        raise _fail(error.field or "document", error.message) from None
    partnership.terms.add(*_terms_in(data.get("terms"), "terms"))
    for key, model in (("actions", Action), ("results", ExpectedResult)):
        if key in data:
            texts = [_text(t, f"{key}[{i}]").strip() for i, t in enumerate(_list(data[key], key))]
            lines_set(partnership=partnership, model=model, texts=[t for t in texts if t])
    for i, item in enumerate(_list(data.get("partners"), "partners")):
        path = f"partners[{i}]"
        item = _mapping(item, path)
        organisation = _organisation(
            actor, _mapping(item.get("organisation"), f"{path}.organisation"), path
        )
        role = _text(item.get("role"), f"{path}.role") or PartnerRole.PARTNER
        if role not in PartnerRole.values:
            raise _fail(f"{path}.role", _("unknown role “%(value)s”") % {"value": role})
        order = _count(item.get("order", i), f"{path}.order")
        partnership_member_set(
            actor=actor,
            partnership=partnership,
            organisation=organisation,
            role=role,
            order=i if order is None else order,
            listed_name=_text(item.get("listed_name"), f"{path}.listed_name"),
            role_inferred=item.get("role_inferred") is True,
        )
    warnings: list[str] = []
    for i, item in enumerate(_list(data.get("targets"), "targets")):
        _target_in(actor, partnership, _mapping(item, f"targets[{i}]"), f"targets[{i}]", warnings)
    audit(actor, "partnership.imported", partnership, changes={"source": "structured document"})
    return ImportOutcome(partnership=partnership, created=created, warnings=warnings)


def _target_in(actor, partnership, item: dict, path: str, warnings: list) -> None:
    code = _text(item.get("code"), f"{path}.code")
    if code not in TargetCode.values:
        raise _fail(f"{path}.code", _("unknown target “%(value)s”") % {"value": code})
    value = _count(item.get("value"), f"{path}.value")
    if value is None:
        raise _fail(f"{path}.value", _("a target needs a value"))
    if value > MAX_TARGET:
        raise _fail(
            f"{path}.value",
            _("Give a number between 0 and %(max)s.") % {"max": f"{MAX_TARGET:,}"},
        )
    status = _text(item.get("status"), f"{path}.status") or TargetStatus.PROPOSED
    if status not in TargetStatus.values:
        raise _fail(f"{path}.status", _("unknown status “%(value)s”") % {"value": status})
    source_text = _text(item.get("source_text"), f"{path}.source_text")
    target = partnership.targets.filter(code=code).first()
    if target is not None and target.status == TargetStatus.CONFIRMED:
        if status == TargetStatus.PROPOSED:
            if target.value != value:
                warnings.append(
                    _("Target %(code)s stays at the confirmed %(kept)s.")
                    % {"code": code, "kept": target.value}
                )
            return
    before = (target.status, target.value, target.source_text) if target else None
    if target is None:
        target = partnership.targets.create(
            code=code, value=value, status=status, source_text=source_text
        )
    elif before != (status, value, source_text):
        target.status, target.value, target.source_text = status, value, source_text
        target.save()
    else:
        return
    audit(
        actor,
        "target.imported",
        target,
        from_state=before[0] if before else "",
        to_state=status,
        changes={"value": value},
    )
