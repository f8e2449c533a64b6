"""Every write to partnerships: profile fields, composition, targets, and the ECCP import."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.bounds import MAX_PROFILE_TEXT, MAX_TARGET
from clusterloom.core.errors import DomainError
from clusterloom.core.inputs import bounded_text
from clusterloom.core.text import squash
from clusterloom.directory.models import Organisation
from clusterloom.directory.services import (
    organisation_update,
    website_normalise,
)
from clusterloom.taxonomy.models import Term

from . import consortium
from .models import (
    Action,
    ExpectedResult,
    PartnerRole,
    Partnership,
    PartnershipMember,
    Programme,
    Target,
    TargetCode,
    TargetStatus,
)

#: Profile fields a caller may set (create, update, structured import).
PARTNERSHIP_FIELDS = (
    "acronym",
    "slug",
    "title",
    "programme",
    "start_date",
    "duration_months",
    "stated_partner_count",
    "planned_exchanges",
    "origin",
    "objectives",
    "target_groups",
    "other_partner_members",
    "key_partners_networks",
    "website",
    "source",
    "is_published",
)
PROFILE_TEXT_FIELDS = (
    "origin",
    "objectives",
    "target_groups",
    "other_partner_members",
    "key_partners_networks",
)
#: Bounds of a partnership's figures (core.bounds); a target's `value` has MAX_TARGET.
_COUNT_LIMITS = {
    "duration_months": 600,
    "stated_partner_count": 1000,
    "planned_exchanges": MAX_TARGET,
}


def _count(value, name: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value:
        limit = _COUNT_LIMITS.get(name, MAX_TARGET)
        if value > limit:
            raise DomainError(
                _("Give a number between 0 and %(max)s.") % {"max": f"{limit:,}"}, field=name
            )
        return value
    raise DomainError(_("Enter a whole number, 0 or more."), field=name)


def _date(value, name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(_("Enter a date as YYYY-MM-DD."), field=name) from None


def _clean(data: dict[str, Any], current: Partnership | None) -> dict[str, Any]:
    """Check and convert the given profile fields; only keys present in `data` come back."""
    unknown = set(data) - set(PARTNERSHIP_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise DomainError(_("Unknown field “%(field)s”.") % {"field": name}, field=name)
    out: dict[str, Any] = {}
    if "acronym" in data or current is None:
        acronym = squash(data.get("acronym"))
        if not acronym:
            raise DomainError(_("A partnership needs an acronym."), field="acronym")
        if len(acronym) > 40:
            raise DomainError(
                _("The acronym is too long (40 characters at most)."), field="acronym"
            )
        clash = Partnership.objects.filter(acronym__iexact=acronym)
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if clash.exists():
            raise DomainError(_("Another partnership has this acronym."), field="acronym")
        out["acronym"] = acronym
    if "slug" in data and data["slug"]:
        slug = slugify(str(data["slug"]))[:60]
        if not slug:
            raise DomainError(_("Not a valid slug."), field="slug")
        clash = Partnership.objects.filter(slug=slug)
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if clash.exists():
            raise DomainError(_("Another partnership has this slug."), field="slug")
        out["slug"] = slug
    if "title" in data or current is None:
        title = squash(data.get("title"))
        if not title:
            raise DomainError(_("A partnership needs a title."), field="title")
        if len(title) > 400:
            raise DomainError(_("The title is too long (400 characters at most)."), field="title")
        out["title"] = title
    if "programme" in data:
        programme = data["programme"] or Programme.OTHER
        if programme not in Programme.values:
            raise DomainError(
                _("Unknown programme “%(value)s”.") % {"value": programme}, field="programme"
            )
        out["programme"] = programme
    if "start_date" in data:
        out["start_date"] = _date(data["start_date"], "start_date")
    for name in ("duration_months", "stated_partner_count", "planned_exchanges"):
        if name in data:
            out[name] = _count(data[name], name)
    for name in PROFILE_TEXT_FIELDS:
        if name in data:
            out[name] = bounded_text(
                data[name], name, limit=MAX_PROFILE_TEXT, current=getattr(current, name, None)
            )
    if "website" in data:
        out["website"] = website_normalise(data["website"])
    if "source" in data:
        out["source"] = str(data["source"] or "").strip()[:300]
    if "is_published" in data:
        if data["is_published"] not in (True, False):
            raise DomainError(_("Answer yes or no."), field="is_published")
        out["is_published"] = data["is_published"]
    return out


def _json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _unique_slug(acronym: str) -> str:
    base = slugify(acronym)[:55] or "partnership"
    slug, n = base, 1
    while Partnership.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def partnership_create(*, actor, data: dict[str, Any]) -> Partnership:
    """Create a partnership from checked profile fields; the slug comes from the acronym."""
    fields = _clean(data, None)
    partnership = Partnership(**fields)
    if not partnership.slug:
        partnership.slug = _unique_slug(partnership.acronym)
    partnership.save()
    audit(
        actor,
        "partnership.created",
        partnership,
        changes={k: _json(v) for k, v in fields.items()},
    )
    return partnership


#: The profile's ordered lists, edited as a whole: data key -> model.
PROFILE_LISTS = {"actions": Action, "results_expected": ExpectedResult}
MAX_LIST_ITEMS = 50
MAX_LIST_ITEM_LENGTH = 2000


def _clean_lines(key: str, value: Any) -> list[str]:
    """A list of non-empty texts (one action or result each), checked."""
    if not isinstance(value, list | tuple):
        raise DomainError(_("Give a list of texts."), field=key)
    if len(value) > MAX_LIST_ITEMS:
        raise DomainError(_("At most %(count)s items.") % {"count": MAX_LIST_ITEMS}, field=key)
    lines = []
    for number, item in enumerate(value, start=1):
        text = squash(item)
        if not text:
            raise DomainError(_("Item %(number)s is empty.") % {"number": number}, field=key)
        if len(text) > MAX_LIST_ITEM_LENGTH:
            raise DomainError(
                _("Item %(number)s is too long (%(max)s characters at most).")
                % {"number": number, "max": MAX_LIST_ITEM_LENGTH},
                field=key,
            )
        lines.append(text)
    return lines


@transaction.atomic
def partnership_update(*, actor, partnership: Partnership, data: dict[str, Any]) -> Partnership:
    """Change the given profile fields, actions and expected results; the audit entry lists
    each changed field."""
    lists = {key: _clean_lines(key, data[key]) for key in PROFILE_LISTS if key in data}
    fields = _clean({k: v for k, v in data.items() if k not in PROFILE_LISTS}, partnership)
    changes = {}
    for name, value in fields.items():
        old = getattr(partnership, name)
        if old != value:
            changes[name] = [_json(old), _json(value)]
            setattr(partnership, name, value)
    for key, lines in lists.items():
        model = PROFILE_LISTS[key]
        old = list(
            model.objects.filter(partnership=partnership)
            .order_by("order", "id")
            .values_list("text", flat=True)
        )
        if old != lines:
            lines_set(partnership=partnership, model=model, texts=lines)
            changes[key] = [old, lines]
    if changes:
        partnership.save()
        audit(actor, "partnership.updated", partnership, changes=changes)
    return partnership


@transaction.atomic
def partnership_member_set(
    *,
    actor,
    partnership: Partnership,
    organisation: Organisation,
    role: str,
    order: int,
    listed_name: str | None = None,
    role_inferred: bool = False,
) -> PartnershipMember:
    """Add an organisation to the partnership, or change its role and place in the list."""
    if role not in PartnerRole.values:
        raise DomainError(_("Unknown role “%(value)s”.") % {"value": role}, field="role")
    order = _count(order, "order")
    if order is None or order > 32767:
        raise DomainError(_("Enter a whole number, 0 or more."), field="order")
    member = PartnershipMember.objects.filter(
        partnership=partnership, organisation=organisation
    ).first()
    wanted = {"role": role, "order": order, "role_inferred": role_inferred}
    if listed_name is not None:
        wanted["listed_name"] = " ".join(listed_name.split())[:255]
    if member is None:
        member = PartnershipMember.objects.create(
            partnership=partnership, organisation=organisation, **wanted
        )
        audit(actor, "partnership.member_added", member, to_state=role, changes=wanted)
        return member
    changes = {k: [getattr(member, k), v] for k, v in wanted.items() if getattr(member, k) != v}
    if changes:
        before = member.role
        for name, (_old, new) in changes.items():
            setattr(member, name, new)
        member.save()
        audit(
            actor,
            "partnership.member_changed",
            member,
            from_state=before,
            to_state=member.role,
            changes=changes,
        )
    return member


def _target_value(value, name: str = "value") -> int:
    value = _count(value, name)
    if value is None:
        raise DomainError(_("Enter the target as a whole number."), field=name)
    return value


@transaction.atomic
def target_set(
    *, actor, partnership: Partnership, code: str, value, source_text: str = ""
) -> Target:
    """A coordinator sets a target: it is confirmed with that value. `source_text`, when
    given, is the profile sentence the coordinator read it from (a listed commitment)."""
    if code not in TargetCode.values:
        raise DomainError(_("Unknown target “%(value)s”.") % {"value": code}, field="code")
    value = _target_value(value)
    source_text = (source_text or "").strip()
    target = Target.objects.filter(partnership=partnership, code=code).first()
    if target is None:
        target = Target.objects.create(
            partnership=partnership,
            code=code,
            value=value,
            status=TargetStatus.CONFIRMED,
            source_text=source_text,
        )
        audit(
            actor, "target.set", target, to_state=TargetStatus.CONFIRMED, changes={"value": value}
        )
        return target
    before = (target.status, target.value, target.source_text)
    target.value, target.status = value, TargetStatus.CONFIRMED
    target.source_text = source_text or target.source_text
    if before != (target.status, target.value, target.source_text):
        target.save()
        audit(
            actor,
            "target.set",
            target,
            from_state=before[0],
            to_state=target.status,
            changes={"value": [before[1], value]},
        )
    return target


@transaction.atomic
def commitment_dismiss(*, actor, partnership: Partnership, source_text: str, value) -> Partnership:
    """A coordinator says a listed commitment is not a target: it is no longer listed (and
    stays so when the profile is imported again)."""
    from .selectors import partnership_profile

    value = _target_value(value)
    source_text = (source_text or "").strip()
    # Locked, so two coordinators dismissing at once both keep theirs.
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    listed = partnership_profile(partnership).commitments
    if not any((c.source_text, c.value) == (source_text, value) for c in listed):
        raise DomainError(
            _("This sentence is not listed among the commitments that match no target."),
            field="source_text",
        )
    partnership.dismissed_commitments = [
        *(partnership.dismissed_commitments or []),
        {"source_text": source_text, "value": value},
    ]
    partnership.save(update_fields=["dismissed_commitments", "updated_at"])
    audit(
        actor,
        "target.commitment_dismissed",
        partnership,
        changes={"source_text": source_text, "value": value},
    )
    return partnership


@transaction.atomic
def target_confirm(*, actor, target: Target, value=None) -> Target:
    """Confirm a proposed target, optionally correcting its value."""
    before = (target.status, target.value)
    if value is not None:
        target.value = _target_value(value)
    target.status = TargetStatus.CONFIRMED
    if before != (target.status, target.value):
        target.save()
        audit(
            actor,
            "target.confirmed",
            target,
            from_state=before[0],
            to_state=target.status,
            changes={"value": [before[1], target.value]},
        )
    return target


def target_propose(
    *, actor, partnership: Partnership, code: str, value: int, source_text: str, warnings: list
) -> Target:
    """A target read from a profile: proposed, unless a coordinator already confirmed one."""
    target = Target.objects.filter(partnership=partnership, code=code).first()
    if target is None:
        target = Target.objects.create(
            partnership=partnership, code=code, value=value, source_text=source_text
        )
        audit(actor, "target.proposed", target, to_state=target.status, changes={"value": value})
        return target
    if target.status == TargetStatus.CONFIRMED:
        if target.value != value:
            warnings.append(
                _("Target %(code)s stays at the confirmed %(kept)s (the profile says %(new)s).")
                % {"code": code, "kept": target.value, "new": value}
            )
        if not target.source_text:
            target.source_text = source_text
            target.save(update_fields=["source_text", "updated_at"])
        return target
    if (target.value, target.source_text) != (value, source_text):
        old = target.value
        target.value, target.source_text = value, source_text
        target.save()
        audit(
            actor,
            "target.proposed",
            target,
            to_state=target.status,
            changes={"value": [old, value]},
        )
    return target


def lines_set(*, partnership: Partnership, model, texts: list[str]) -> None:
    """Replace a partnership's ordered actions or expected results, keeping rows in place."""
    existing = list(model.objects.filter(partnership=partnership).order_by("order", "id"))
    for order, text in enumerate(texts):
        if order < len(existing):
            row = existing[order]
            if (row.order, row.text) != (order, text):
                row.order, row.text = order, text
                row.save()
        else:
            model.objects.create(partnership=partnership, order=order, text=text)
    for row in existing[len(texts) :]:
        row.delete()


def organisation_terms_add(*, actor, organisation: Organisation, terms: list[Term]) -> None:
    """Add taxonomy terms to an organisation (through the directory's service)."""
    current = list(organisation.terms.all())
    missing = [t for t in terms if t not in current]
    if missing:
        organisation_update(
            actor=actor, organisation=organisation, data={"terms": current + missing}
        )


@dataclass
class ImportOutcome:
    """What an import did: the partnership, whether it is new, and what to check by hand."""

    partnership: Partnership
    created: bool
    warnings: list[str] = field(default_factory=list)


def consortium_check(partnership: Partnership) -> list[consortium.RuleResult]:
    """The consortium rules of the ESCP call applied to the partnership's listed partners."""
    partners = []
    members = partnership.members.select_related(
        "organisation__country", "organisation__region"
    ).order_by("order", "id")
    for member in members:
        organisation = member.organisation
        region = organisation.region
        partners.append(
            consortium.PartnerFacts(
                name=organisation.name,
                kind=organisation.kind,
                country_code=organisation.country_id,
                country_eligible=organisation.country.is_eu or organisation.country.is_cosme,
                region_name=str(region) if region else "",
                region_category=region.effective_category() if region else "",
            )
        )
    results = consortium.check_consortium(partners)
    for result in results:
        result.message = _(result.template) % result.params
    return results


from .eccp_import import partnership_import_eccp  # noqa: E402

__all__ = [
    "ImportOutcome",
    "consortium_check",
    "lines_set",
    "organisation_terms_add",
    "partnership_create",
    "partnership_import_eccp",
    "partnership_member_set",
    "partnership_update",
    "target_confirm",
    "target_propose",
    "commitment_dismiss",
    "target_set",
]
