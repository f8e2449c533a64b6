"""Imports into the directory: a cluster's member list (CSV or XLSX) and CORDIS organisations.

Both are all-or-nothing (one transaction; every row is checked before anything is written),
idempotent on re-run, and name the row of every problem.

Member list columns (header row first, names case-insensitive, in any order):

- name (required; also "organisation", "organization", "member", "company", "... name")
- country (required; ISO code or English name; also "country code", "nation")
- kind (sme, large company, rto, university, public authority, cluster, business network,
  other, or the labels shown in the app; also "type", "category", "organisation type")
- city (also "town", "location")
- website (also "web site", "url", "web", "homepage", "www")
- sme (yes/no, true/false, 1/0, x; also "is sme", "sme?")

A missing kind is "sme" when the sme column says yes, else "other". Row numbers are spreadsheet
row numbers: the header is row 1, the first member row 2.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError, ImportFailed
from clusterloom.core.text import squash
from clusterloom.core.uploads import upload_read_rows
from clusterloom.geo.models import Country
from clusterloom.geo.selectors import city_lookup, country_lookup

from .cordis_files import CordisFile, CordisRow, cordis_file_read
from .memberships import membership_check, organisations_above
from .models import Cluster, ClusterMembership, Organisation, OrganisationKind
from .names import fold, name_key
from .services import (
    NameIndex,
    organisation_create,
    organisation_get_or_create_by_name,
    website_normalise,
)

#: Largest member list, in rows (a cluster has hundreds of members, not hundreds of thousands).
MAX_MEMBER_ROWS = 20_000

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "organisation",
        "organization",
        "organisation name",
        "organization name",
        "member",
        "member name",
        "company",
        "company name",
    ),
    "kind": ("kind", "type", "category", "organisation type", "organization type", "member type"),
    "country": ("country", "country code", "nation"),
    "city": ("city", "town", "location"),
    "website": ("website", "web site", "url", "web", "homepage", "home page", "www"),
    "sme": ("sme", "is sme", "is_sme", "sme?"),
}
REQUIRED_COLUMNS = ("name", "country")

KIND_ALIASES: dict[str, str] = {
    "cluster": OrganisationKind.CLUSTER,
    "cluster organisation": OrganisationKind.CLUSTER,
    "cluster organization": OrganisationKind.CLUSTER,
    "business network": OrganisationKind.BUSINESS_NETWORK,
    "network": OrganisationKind.BUSINESS_NETWORK,
    "sme": OrganisationKind.SME,
    "small company": OrganisationKind.SME,
    "large company": OrganisationKind.LARGE_COMPANY,
    "large": OrganisationKind.LARGE_COMPANY,
    "large enterprise": OrganisationKind.LARGE_COMPANY,
    "rto": OrganisationKind.RTO,
    "research": OrganisationKind.RTO,
    "research organisation": OrganisationKind.RTO,
    "research organization": OrganisationKind.RTO,
    "research or technology organisation": OrganisationKind.RTO,
    "technology centre": OrganisationKind.RTO,
    "technology center": OrganisationKind.RTO,
    "university": OrganisationKind.UNIVERSITY,
    "higher education": OrganisationKind.UNIVERSITY,
    "public authority": OrganisationKind.PUBLIC_AUTHORITY,
    "public body": OrganisationKind.PUBLIC_AUTHORITY,
    "public": OrganisationKind.PUBLIC_AUTHORITY,
    "other": OrganisationKind.OTHER,
}
#: Yes and no in the partners' languages, compared after folding case and accents
#: ("sì", "sí", "não", "hayır", "áno" are accepted as written).
YES = {"yes", "y", "true", "1", "x", "ja", "si", "oui", "ano", "evet", "sim"}
NO = {"no", "n", "false", "0", "nein", "ne", "nie", "non", "hayir", "nao"}


class MemberImportFailed(ImportFailed):
    """A member list with problems; `problems` holds every one, nothing was imported."""

    def __init__(self, problems: list[str], *, line: int | None = None):
        count = len(problems)
        head = _("%(count)d problem(s) in the member list, nothing was imported: ") % {
            "count": count
        }
        super().__init__(head + "; ".join(problems[:50]), line=line)
        self.problems = problems


@dataclass
class MemberImportResult:
    """What a member-list import did."""

    rows: int = 0
    created: int = 0  #: organisations new to the directory
    added: int = 0  #: memberships new to the cluster
    already: int = 0  #: rows that were members already
    members: list[Organisation] = field(default_factory=list)


def _kind_key(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").replace("-", " ").split())


def _header_map(header: list[str]) -> dict[str, int]:
    """Column name -> index; raises on unknown, duplicate or missing columns."""
    lookup = {alias: column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}
    found: dict[str, int] = {}
    problems = []
    for index, raw in enumerate(header):
        label = " ".join(str(raw).strip().lower().split())
        if not label:
            continue
        column = lookup.get(label)
        if column is None:
            problems.append(
                _("row 1, column %(col)d: unknown column “%(name)s” (expected: %(known)s)")
                % {"col": index + 1, "name": raw, "known": ", ".join(COLUMN_ALIASES)}
            )
        elif column in found:
            problems.append(
                _("row 1, column %(col)d: column “%(name)s” appears twice")
                % {"col": index + 1, "name": column}
            )
        else:
            found[column] = index
    for column in REQUIRED_COLUMNS:
        if column not in found:
            problems.append(_("row 1: the column “%(name)s” is missing") % {"name": column})
    if problems:
        raise MemberImportFailed(problems, line=1)
    return found


@dataclass
class _MemberRow:
    row: int
    name: str
    country: Country
    kind: str
    city: str
    website: str
    is_sme: bool | None


def _parse_member_rows(rows: list[list[str]]) -> list[_MemberRow]:
    if not rows or not any(str(c).strip() for c in rows[0]):
        raise MemberImportFailed([_("row 1: the header row is missing")], line=1)
    columns = _header_map(rows[0])
    if len(rows) - 1 > MAX_MEMBER_ROWS:
        raise ImportFailed(
            _("The list has more than %(max)d rows.") % {"max": MAX_MEMBER_ROWS}, line=1
        )
    problems: list[str] = []
    problem_rows: list[int] = []
    parsed: list[_MemberRow] = []
    countries: dict[str, Country | None] = {}

    for number, row in enumerate(rows[1:], start=2):

        def cell(column: str, row=row) -> str:
            index = columns.get(column)
            if index is None or index >= len(row):
                return ""
            return " ".join(str(row[index]).split())

        if not any(str(c).strip() for c in row):
            continue  # blank lines between members are harmless

        def problem(column: str, message: str, number=number) -> None:
            problem_rows.append(number)
            problems.append(
                _("row %(row)d, column %(column)s: %(message)s")
                % {"row": number, "column": column, "message": message}
            )

        name = cell("name")
        if not name:
            problem("name", _("the name is empty"))
        elif len(name) > 255:
            problem("name", _("the name is longer than 255 characters"))
        country_text = cell("country")
        if country_text not in countries:
            countries[country_text] = country_lookup(country_text) if country_text else None
        country = countries[country_text]
        if not country_text:
            problem("country", _("the country is empty"))
        elif country is None:
            problem("country", _("unknown country '%(value)s'") % {"value": country_text})
        sme_text = fold(cell("sme"))
        is_sme = None
        if sme_text in YES:
            is_sme = True
        elif sme_text in NO:
            is_sme = False
        elif sme_text:
            problem("sme", _("'%(value)s' is not yes or no") % {"value": cell("sme")})
        kind_text = cell("kind")
        kind = KIND_ALIASES.get(_kind_key(kind_text)) or (
            _kind_key(kind_text).replace(" ", "_")
            if _kind_key(kind_text).replace(" ", "_") in OrganisationKind.values
            else None
        )
        if not kind_text:
            kind = OrganisationKind.SME if is_sme else OrganisationKind.OTHER
        elif kind is None:
            problem(
                "kind",
                _("unknown kind '%(value)s' (use one of: %(kinds)s)")
                % {"value": kind_text, "kinds": ", ".join(OrganisationKind.values)},
            )
        website = ""
        if cell("website"):
            try:
                website = website_normalise(cell("website"))
            except DomainError:
                problem(
                    "website", _("'%(value)s' is not a web address") % {"value": cell("website")}
                )
        if name and country and kind:
            parsed.append(
                _MemberRow(number, name, country, kind, cell("city")[:200], website, is_sme)
            )
    if problems:
        raise MemberImportFailed(problems, line=problem_rows[0])
    if not parsed:
        raise MemberImportFailed([_("row 2: the list has no members")], line=2)
    return parsed


def cluster_members_import(
    *, actor, cluster: Cluster, file_name: str, content: bytes
) -> MemberImportResult:
    """Import a cluster's member list from CSV or XLSX: all rows or none, idempotent.

    Members are matched to existing organisations by name within their country (see
    `organisation_get_or_create_by_name`), so a re-run adds no duplicates.
    """
    # Read and checked before the transaction: nothing is locked while the file is parsed.
    parsed = _parse_member_rows(upload_read_rows(file_name, content, max_rows=MAX_MEMBER_ROWS + 1))
    result = MemberImportResult(rows=len(parsed))
    with transaction.atomic():
        existing = set(cluster.memberships.values_list("organisation_id", flat=True))
        above = organisations_above(cluster)
        indexes: dict[str, NameIndex] = {}
        for row in parsed:
            if row.country.code not in indexes:
                indexes[row.country.code] = NameIndex(row.country)
            defaults: dict[str, Any] = {"website": row.website, "is_sme": row.is_sme}
            if row.city:
                defaults["city"] = row.city
            try:
                organisation, created = organisation_get_or_create_by_name(
                    name=row.name,
                    country=row.country,
                    kind=row.kind,
                    actor=actor,
                    defaults=defaults,
                    index=indexes[row.country.code],
                )
            except DomainError as exc:
                raise MemberImportFailed(
                    [
                        _("row %(row)d, column %(column)s: %(message)s")
                        % {"row": row.row, "column": exc.field or "name", "message": exc.message}
                    ],
                    line=row.row,
                ) from None
            try:
                membership_check(cluster, organisation, field="name", above=above)
            except DomainError as exc:
                raise MemberImportFailed(
                    [
                        _("row %(row)d, column %(column)s: %(message)s")
                        % {"row": row.row, "column": "name", "message": exc.message}
                    ],
                    line=row.row,
                ) from None
            result.created += int(created)
            if organisation.pk in existing:
                result.already += 1
                continue
            membership = ClusterMembership.objects.create(
                cluster=cluster, organisation=organisation
            )
            existing.add(organisation.pk)
            result.added += 1
            result.members.append(organisation)
            audit(actor, "cluster.member_added", membership)
        audit(
            actor,
            "cluster.members_imported",
            cluster,
            changes={
                "file": file_name,
                "rows": result.rows,
                "added": result.added,
                "created": result.created,
            },
        )
    return result


# --- CORDIS -----------------------------------------------------------------------------------

#: CORDIS writes two countries differently from ISO 3166.
CORDIS_COUNTRY_CODES = {"EL": "GR", "UK": "GB"}
CORDIS_KINDS = {
    "HES": OrganisationKind.UNIVERSITY,
    "REC": OrganisationKind.RTO,
    "PUB": OrganisationKind.PUBLIC_AUTHORITY,
    "OTH": OrganisationKind.OTHER,
}


@dataclass
class CordisImportResult:
    """What a CORDIS import did."""

    rows: int = 0
    organisations: int = 0
    created: int = 0
    updated: int = 0


def _cordis_single(value: Any) -> str:
    """CORDIS repeats values for merged records ("PRC;PRC", "FI;FI"): the first one."""
    return str(value or "").split(";")[0].strip()


def cordis_kind(activity_type: str, sme: bool | None) -> str:
    """The kind for a CORDIS activity type.

    PRC (private for-profit) is an SME when CORDIS says SME, a large company when it says not an
    SME, and "other" when the SME flag is empty: guessing "large company" would bar a possible
    SME from ClusterXchange visits, guessing "SME" would grant rights not proven.
    """
    if activity_type == "PRC":
        if sme is None:
            return OrganisationKind.OTHER
        return OrganisationKind.SME if sme else OrganisationKind.LARGE_COMPANY
    return CORDIS_KINDS.get(activity_type, OrganisationKind.OTHER)


def _cordis_load(path_or_data) -> list[CordisRow]:
    """The participation rows of a CORDIS organisation export: a path (.json, .csv, .xlsx),
    JSON bytes, a parsed JSON list or an already read `CordisFile`."""
    if isinstance(path_or_data, CordisFile):
        data = path_or_data
    elif isinstance(path_or_data, list):
        data = CordisFile(
            "organization.json",
            [],
            [
                CordisRow("organization.json", n, r if isinstance(r, dict) else r)
                for n, r in enumerate(path_or_data, start=1)
            ],
        )
    elif isinstance(path_or_data, bytes | bytearray):
        data = cordis_file_read("organization.json", content=bytes(path_or_data))
    else:
        data = cordis_file_read(path_or_data)
    if data.columns:
        data.require("organisationID", "name", "country")
    return data.rows


@dataclass
class _CordisOrganisation:
    cordis_id: int
    first_row: int
    name: str = ""
    short_name: str = ""
    activity_type: str = ""
    sme: bool | None = None
    country: Country | None = None
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    website: str = ""
    projects: set[str] = field(default_factory=set)


#: How CORDIS writes the SME flag: JSON booleans, or text in its CSV and XLSX files.
_SME_VALUES = {"true": True, "false": False, "": None, "none": None}


def _cordis_parse(
    rows: list[CordisRow], acronyms: dict[str, str] | None = None
) -> dict[int, _CordisOrganisation]:
    """One record per organisationID; later rows fill what earlier rows left empty.

    A row names its project by `projectAcronym`, or (Horizon Europe files without it) by
    `projectID`, looked up in `acronyms` (project id -> acronym, from the project file)."""
    countries: dict[str, Country | None] = {}
    found: dict[int, _CordisOrganisation] = {}
    for index, row in enumerate(rows):
        values = row.values
        if not isinstance(values, dict):
            row.fail(_("not a JSON object"))
        try:
            cordis_id = int(str(values.get("organisationID")).strip())
        except (TypeError, ValueError):
            row.fail(_("organisationID is missing or not a number"), "organisationID")
        name = squash(values.get("name"))
        if not name:
            row.fail(_("the name is empty"), "name")
        code = _cordis_single(values.get("country")).upper()
        code = CORDIS_COUNTRY_CODES.get(code, code)
        if code not in countries:
            countries[code] = Country.objects.filter(code=code).first() if code else None
        if countries[code] is None:
            row.fail(_("unknown country '%(value)s'") % {"value": code}, "country")
        activity = _cordis_single(values.get("activityType")).upper()
        if activity not in ("PRC", "HES", "REC", "OTH", "PUB", ""):
            row.fail(_("unknown activityType '%(value)s'") % {"value": activity}, "activityType")
        sme_value = values.get("SME")
        if not isinstance(sme_value, bool):
            sme_value = _SME_VALUES.get(str(sme_value or "").strip().lower(), "bad")
        if sme_value == "bad":
            row.fail(_("SME must be true, false or empty"), "SME")
        latitude = longitude = None
        geolocation = str(values.get("geolocation") or "").strip().strip("()")
        if geolocation:
            try:
                lat_text, lon_text = geolocation.split(",")
                latitude, longitude = float(lat_text), float(lon_text)
            except ValueError:
                latitude = None
            if latitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                row.fail(
                    _("geolocation '%(value)s' is not 'lat,lon'") % {"value": geolocation},
                    "geolocation",
                )
        try:
            website = website_normalise(str(values.get("organizationURL") or ""))
        except DomainError:
            website = ""  # CORDIS carries free text here at times; the rest of the row is good
        acronym = str(values.get("projectAcronym") or "").strip()
        if not acronym and str(values.get("projectID") or "").strip():
            project_id = str(values.get("projectID")).strip()
            acronym = (acronyms or {}).get(project_id, "")
            if not acronym:
                row.fail(
                    _(
                        "project %(id)s is not known: import its project file with it, or give "
                        "the projectAcronym column"
                    )
                    % {"id": project_id},
                    "projectID",
                )
        record = found.get(cordis_id)
        if record is None:
            record = found[cordis_id] = _CordisOrganisation(cordis_id, index, name=name)
        record.short_name = record.short_name or squash(values.get("shortName"))
        record.activity_type = record.activity_type or activity
        if sme_value in (True, False):
            record.sme = sme_value  # the latest stated flag wins
        record.country = record.country or countries[code]
        record.city = record.city or squash(values.get("city"))[:200]
        if record.latitude is None and latitude is not None:
            record.latitude, record.longitude = latitude, longitude
        record.website = record.website or website
        if acronym:
            record.projects.add(acronym[:100])
    return found


def _cordis_unlinked_by_key(countries: set[str]) -> dict[tuple[str, str], int]:
    """(country, name key) -> id of organisations not yet linked to CORDIS, for name matches."""
    index: dict[tuple[str, str], int] = {}
    unlinked = Organisation.objects.filter(cordis_id__isnull=True, country__in=countries)
    for pk, country, name in unlinked.values_list("pk", "country_id", "name"):
        index.setdefault((country, name_key(name)), pk)
    return index


def cordis_organisations_import(
    *, actor, path_or_data, acronyms: dict[str, str] | None = None
) -> CordisImportResult:
    """Import CORDIS organization.json (a path, bytes or the parsed list) in one transaction.

    One organisation per organisationID. Idempotent: an organisation is found again by its
    CORDIS id, or else by its name within its country among organisations not yet linked to
    CORDIS (so a cluster entered by hand becomes one record with its CORDIS data). Existing
    organisations keep what users entered; CORDIS fills only empty fields and adds projects.
    """
    rows = _cordis_load(path_or_data)
    records = _cordis_parse(rows, acronyms)
    result = CordisImportResult(rows=len(rows), organisations=len(records))
    with transaction.atomic():
        by_id = {
            org.cordis_id: org for org in Organisation.objects.filter(cordis_id__in=list(records))
        }
        unlinked = _cordis_unlinked_by_key({r.country.code for r in records.values()})
        for record in records.values():
            organisation = by_id.get(record.cordis_id)
            if organisation is None:
                pk = unlinked.pop((record.country.code, name_key(record.name)), None)
                organisation = Organisation.objects.get(pk=pk) if pk else None
            if organisation is None:
                organisation = organisation_create(
                    actor=actor,
                    data={
                        "name": record.name,
                        "short_name": record.short_name,
                        "kind": cordis_kind(record.activity_type, record.sme),
                        "country": record.country,
                        "city": record.city,
                        "latitude": record.latitude,
                        "longitude": record.longitude,
                        "website": record.website,
                        "is_sme": record.sme,
                    },
                )
                organisation.cordis_id = record.cordis_id
                organisation.cordis_projects = sorted(record.projects)
                organisation.save(update_fields=["cordis_id", "cordis_projects", "updated_at"])
                result.created += 1
                continue
            if _cordis_fill(actor, organisation, record):
                result.updated += 1
    return result


def _cordis_fill(actor, organisation: Organisation, record: _CordisOrganisation) -> bool:
    """Fill an existing organisation's empty fields from CORDIS; True when something changed."""
    changes: dict[str, Any] = {}

    def fill(field_name: str, value: Any) -> None:
        if value not in (None, "") and getattr(organisation, field_name) in (None, ""):
            changes[field_name] = [None, value]
            setattr(organisation, field_name, value)

    fill("short_name", record.short_name[:100])
    fill("website", record.website)
    fill("is_sme", record.sme)
    if organisation.latitude is None and record.latitude is not None:
        fill("latitude", record.latitude)
        fill("longitude", record.longitude)
    if organisation.kind == OrganisationKind.OTHER:
        kind = cordis_kind(record.activity_type, record.sme)
        if kind != OrganisationKind.OTHER:
            changes["kind"] = [organisation.kind, kind]
            organisation.kind = kind
    if not organisation.city_id and not organisation.city_name and record.city:
        organisation.city = city_lookup(record.city, country=record.country)
        organisation.city_name = record.city
        changes["city"] = [None, record.city]
    if organisation.cordis_id != record.cordis_id:
        changes["cordis_id"] = [organisation.cordis_id, record.cordis_id]
        organisation.cordis_id = record.cordis_id
    projects = sorted(set(organisation.cordis_projects or []) | record.projects)
    if projects != sorted(organisation.cordis_projects or []):
        changes["cordis_projects"] = [organisation.cordis_projects, projects]
        organisation.cordis_projects = projects
    if not changes:
        return False
    organisation.save()
    audit(actor, "organisation.updated_from_cordis", organisation, changes=changes)
    return True
