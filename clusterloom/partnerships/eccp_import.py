"""Creating or updating a partnership from the text of its ECCP profile page."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError, ImportFailed
from clusterloom.directory.models import Organisation
from clusterloom.directory.services import (
    cluster_get_or_create,
    cluster_update,
    organisation_get_or_create_by_name,
)
from clusterloom.geo.selectors import country_lookup, country_names_folded, region_lookup
from clusterloom.taxonomy.models import Term
from clusterloom.taxonomy.reference import ECCP_VALUE_CHAIN_CATEGORIES
from clusterloom.taxonomy.selectors import classify_term
from clusterloom.taxonomy.services import term_get_or_create

from .eccp_text import ParsedProfile, ProfileParseError, parse_profile
from .models import Action, ExpectedResult, PartnerRole, Partnership
from .services import (
    PROFILE_TEXT_FIELDS,
    ImportOutcome,
    lines_set,
    organisation_terms_add,
    partnership_create,
    partnership_member_set,
    partnership_update,
    target_propose,
)


def _in_place(error: DomainError, *, field: str, line: int | None = None) -> ImportFailed:
    where = f"{field}.{error.field}" if error.field else field
    return ImportFailed(error.message, field=where, line=line if line else error.line)


@transaction.atomic
def partnership_import_eccp(*, actor, text: str, source: str = "") -> ImportOutcome:
    """Create or update a partnership from the text of its ECCP profile page (all or nothing).

    Re-importing updates in place: the same partners, terms and targets, no duplicates; a target
    a coordinator confirmed keeps its value; fields the page leaves empty keep their value.
    """
    try:
        parsed = parse_profile(
            text,
            classify=classify_term,
            country_names=country_names_folded(),
            categories=list(ECCP_VALUE_CHAIN_CATEGORIES),
        )
    except ProfileParseError as error:
        raise ImportFailed(error.message, line=error.line) from None
    warnings = list(parsed.warnings)
    partnership = Partnership.objects.filter(acronym__iexact=parsed.acronym).first()
    created = partnership is None
    data = _profile_data(parsed, source)
    try:
        if created:
            partnership = partnership_create(actor=actor, data=data)
        else:
            data.pop("acronym")
            partnership = partnership_update(actor=actor, partnership=partnership, data=data)
    except DomainError as error:
        raise ImportFailed(error.message, field=error.field) from None
    partnership.terms.add(*_terms(parsed.terms))
    lines_set(partnership=partnership, model=Action, texts=parsed.actions)
    lines_set(partnership=partnership, model=ExpectedResult, texts=parsed.results)
    human_coordinator = partnership.members.filter(
        role=PartnerRole.COORDINATOR, role_inferred=False
    ).exists()
    for index, partner in enumerate(parsed.partners):
        organisation = _partner_organisation(actor, partner, index, warnings)
        existing = partnership.members.filter(organisation=organisation).first()
        if existing is not None and not existing.role_inferred:
            # A role set before (by hand or by a structured import) is not overridden.
            role, role_inferred = existing.role, False
        elif index == parsed.coordinator_index and not human_coordinator:
            role, role_inferred = PartnerRole.COORDINATOR, parsed.coordinator_inferred
        else:
            role, role_inferred = PartnerRole.PARTNER, False
        partnership_member_set(
            actor=actor,
            partnership=partnership,
            organisation=organisation,
            role=role,
            order=index,
            listed_name=partner.listed_name,
            role_inferred=role_inferred,
        )
    for target in parsed.targets:
        target_propose(
            actor=actor,
            partnership=partnership,
            code=target.code,
            value=target.value,
            source_text=target.source_text,
            warnings=warnings,
        )
    for commitment in parsed.commitments:
        warnings.append(
            _(
                "“%(phrase)s” looks like a commitment but matches no target kind; set it as a "
                "target on the partnership's page if it is one: %(sentence)s"
            )
            % {"phrase": commitment.phrase, "sentence": commitment.source_text}
        )
    audit(
        actor,
        "partnership.imported",
        partnership,
        changes={"source": source or "ECCP profile text", "partners": len(parsed.partners)},
    )
    return ImportOutcome(partnership=partnership, created=created, warnings=warnings)


def _profile_data(parsed: ParsedProfile, source: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "acronym": parsed.acronym,
        "title": parsed.title,
        "programme": parsed.programme,
        "source": source or "ECCP partnership profile",
    }
    for name in (
        "start_date",
        "duration_months",
        "stated_partner_count",
        "planned_exchanges",
        *PROFILE_TEXT_FIELDS,
    ):
        value = getattr(parsed, name)
        if value not in (None, ""):
            data[name] = value
    return data


def _terms(parsed_terms) -> list[Term]:
    return [
        term_get_or_create(vocabulary=t.vocabulary, name=t.name[:200], category=t.category[:100])
        for t in parsed_terms
    ]


def _partner_organisation(actor, partner, index: int, warnings: list) -> Organisation:
    where = f"partners[{index}]"
    country = country_lookup(partner.country_code) or country_lookup(partner.country)
    if country is None:
        raise ImportFailed(
            _("unknown country “%(value)s”") % {"value": partner.country},
            field=f"{where}.country",
            line=partner.line,
        )
    region = region_lookup(partner.region, country=country) if partner.region else None
    if partner.region and region is None:
        warnings.append(
            _("Region “%(region)s” of %(name)s is not a known NUTS region; left empty.")
            % {"region": partner.region, "name": partner.listed_name}
        )
    try:
        organisation, _created = organisation_get_or_create_by_name(
            name=partner.listed_name[:255],
            country=country,
            kind="cluster",
            short_name=partner.short_name,
            actor=actor,
            defaults={"region": region} if region else {},
        )
        if organisation.is_cluster_like:
            cluster, _new = cluster_get_or_create(actor=actor, organisation=organisation)
            cluster_update(
                actor=actor,
                cluster=cluster,
                data={"member_count": partner.member_count, "sme_count": partner.sme_count},
            )
        else:
            warnings.append(
                _("%(name)s is in the directory as “%(kind)s”, not as a cluster.")
                % {"name": organisation.name, "kind": organisation.get_kind_display()}
            )
        organisation_terms_add(actor=actor, organisation=organisation, terms=_terms(partner.terms))
    except DomainError as error:
        raise _in_place(error, field=where, line=partner.line) from None
    return organisation
