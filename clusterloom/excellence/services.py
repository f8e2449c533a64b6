"""Writes of labels, benchmarkings, improvement areas and cluster services: every rule checked,
every change audited. Indicator sets are in `indicator_sets.py`."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError
from clusterloom.core.inputs import id_value, parse_date, required_date, text_value
from clusterloom.core.permissions import require
from clusterloom.directory.models import Organisation

from . import label_rules, selectors
from .checks import (
    attribution_check,
    cluster_check,
    evidence_checked,
    evidence_store,
    flag,
    not_future,
    partnership_of,
    today,
    url_value,
)
from .models import (
    Benchmarking,
    ClusterLabel,
    ClusterService,
    ImprovementArea,
    ImprovementStatus,
    LabelLevel,
    ServiceNovelty,
)
from .scores import scores_replace


class LabelRulesUnmet(DomainError):
    """A label whose rules are not met; `failures` holds (rule, field, message) per rule."""

    def __init__(self, failures):
        self.failures = failures
        super().__init__(" ".join(text for _rule, _field, text in failures), field="level")


# -- labels ----------------------------------------------------------------------------------


def _label_values(organisation, data, current=None) -> dict:
    get = (lambda k: data[k] if k in data else getattr(current, k)) if current else data.get
    level = str(get("level") or "")
    if level not in LabelLevel.values:
        raise DomainError(_("Choose bronze, silver or gold."), field="level")
    awarded_on = required_date({"awarded_on": get("awarded_on")}, "awarded_on")
    not_future(awarded_on, "awarded_on")
    valid_until = parse_date(get("valid_until"), "valid_until")
    if valid_until is None:
        valid_until = label_rules.default_valid_until(awarded_on, settings.LABEL_VALIDITY_MONTHS)
    if valid_until < awarded_on:
        raise DomainError(
            _("The label would expire (%(until)s) before it is awarded (%(on)s).")
            % {"until": valid_until.isoformat(), "on": awarded_on.isoformat()},
            field="valid_until",
        )
    benchmarking = get("benchmarking")
    if benchmarking not in (None, "") and not isinstance(benchmarking, Benchmarking):
        benchmarking = Benchmarking.objects.filter(pk=id_value(benchmarking) or 0).first()
        if benchmarking is None:
            raise DomainError(_("There is no such benchmarking."), field="benchmarking")
    if benchmarking and benchmarking.organisation_id != organisation.pk:
        raise DomainError(_("The benchmarking is of another organisation."), field="benchmarking")
    values = {
        "level": level,
        "awarding_body": text_value(
            {"awarding_body": get("awarding_body")}, "awarding_body", required=True, limit=200
        ),
        "awarded_on": awarded_on,
        "valid_until": valid_until,
        "benchmarking": benchmarking or None,
        "partnership": partnership_of(organisation, get("partnership")),
        "certificate_number": text_value(
            {"certificate_number": get("certificate_number")}, "certificate_number", limit=100
        ),
        "evidence_url": url_value({"evidence_url": get("evidence_url")}, "evidence_url"),
        "notes": text_value({"notes": get("notes")}, "notes"),
        "is_published": flag({"is_published": get("is_published")}, "is_published", True),
    }
    return values


def _rules_check(organisation, values) -> None:
    results = selectors.label_check(
        organisation,
        values["level"],
        on=values["awarded_on"],
        benchmarking_id=values["benchmarking"].pk if values["benchmarking"] else None,
    )
    failures = [
        ("label." + r.code, "level", f"{r.rule(_)} {r.message(_)}")
        for r in label_rules.unmet(results)
    ]
    if failures:
        raise LabelRulesUnmet(failures)


@transaction.atomic
def label_create(*, actor, organisation: Organisation, data: dict, certificate=None):
    """Record a label of a cluster; refused with every unmet rule of its level."""
    require(actor, "excellence.add_label", organisation)
    cluster_check(organisation)
    data = {"awarding_body": ClusterLabel._meta.get_field("awarding_body").default, **data}
    values = _label_values(organisation, data)
    attribution_check(actor, organisation, values["partnership"])
    checked = evidence_checked(certificate, "certificate")
    _rules_check(organisation, values)
    label = ClusterLabel.objects.create(
        organisation=organisation,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    if checked:
        evidence_store(label, checked)
    audit(actor, "excellence.label_recorded", label, to_state=label.level)
    return label


RULE_FIELDS = ("level", "awarded_on", "benchmarking")


@transaction.atomic
def label_update(*, actor, label: ClusterLabel, data: dict, certificate=None):
    """Change a label; its rules are checked again when its level, date or benchmarking change."""
    label = ClusterLabel.objects.select_for_update().get(pk=label.pk)
    require(actor, "excellence.change_label", label)
    values = _label_values(label.organisation, data, current=label)
    attribution_check(actor, label.organisation, values["partnership"], label.partnership)
    checked = evidence_checked(certificate, "certificate")
    changed_rules = any(values[k] != getattr(label, k) for k in RULE_FIELDS)
    if changed_rules:
        _rules_check(label.organisation, values)
    changes = {k: str(v) for k, v in values.items() if v != getattr(label, k)}
    if values["valid_until"] != label.valid_until:
        label.expiry_reminder_sent_on = None  # renewed: remind again before the new date
    before = label.level
    for key, value in values.items():
        setattr(label, key, value)
    label.save()
    if checked:
        evidence_store(label, checked)
        changes["certificate"] = label.evidence_name
    audit(
        actor,
        "excellence.label_changed",
        label,
        from_state=before,
        to_state=label.level,
        changes=changes,
    )
    return label


@transaction.atomic
def label_certificate_set(*, actor, label: ClusterLabel, file_name: str, content: bytes):
    """Attach (or replace) the label's certificate: PDF, JPEG or PNG, checked by content."""
    require(actor, "excellence.change_label", label)
    checked = evidence_checked((file_name, content), "certificate")
    evidence_store(label, checked)
    audit(actor, "excellence.label_certificate", label, changes={"file": label.evidence_name})
    return label


@transaction.atomic
def label_delete(*, actor, label: ClusterLabel) -> None:
    """Delete a label (and its certificate file)."""
    require(actor, "excellence.change_label", label)
    audit(actor, "excellence.label_deleted", label, from_state=label.level)
    if label.evidence:
        storage, path = label.evidence.storage, label.evidence.name
        transaction.on_commit(lambda: storage.delete(path))
    label.delete()


# -- benchmarkings ---------------------------------------------------------------------------


def _benchmarking_values(organisation, data, current=None) -> dict:
    get = (lambda k: data[k] if k in data else getattr(current, k)) if current else data.get
    held_on = required_date({"held_on": get("held_on")}, "held_on")
    not_future(held_on, "held_on")
    return {
        "held_on": held_on,
        "assessor": text_value({"assessor": get("assessor")}, "assessor", limit=200),
        "notes": text_value({"notes": get("notes")}, "notes"),
        "partnership": partnership_of(organisation, get("partnership")),
        "is_published": flag({"is_published": get("is_published")}, "is_published", False),
    }


@transaction.atomic
def benchmarking_create(*, actor, organisation: Organisation, data: dict) -> Benchmarking:
    """Record a benchmarking of a cluster with its scores; the total score is computed."""
    require(actor, "excellence.add_benchmarking", organisation)
    cluster_check(organisation)
    indicator_set = selectors.indicator_set_usable(organisation, data.get("indicator_set"))
    values = _benchmarking_values(organisation, data)
    attribution_check(actor, organisation, values["partnership"])
    benchmarking = Benchmarking.objects.create(
        organisation=organisation,
        indicator_set=indicator_set,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    scores_replace(benchmarking, data.get("scores") or [])
    audit(
        actor,
        "excellence.benchmarking_recorded",
        benchmarking,
        changes={"total_score": str(benchmarking.total_score)},
    )
    return benchmarking


@transaction.atomic
def benchmarking_update(*, actor, benchmarking: Benchmarking, data: dict) -> Benchmarking:
    """Change a benchmarking; scores given replace all its scores."""
    benchmarking = Benchmarking.objects.select_for_update().get(pk=benchmarking.pk)
    require(actor, "excellence.change_benchmarking", benchmarking)
    chosen = data.get("indicator_set")
    if chosen not in (None, "") and str(getattr(chosen, "pk", chosen)) != str(
        benchmarking.indicator_set_id
    ):
        raise DomainError(
            _("The indicator set of a benchmarking cannot change; record a new benchmarking."),
            field="indicator_set",
        )
    values = _benchmarking_values(benchmarking.organisation, data, current=benchmarking)
    attribution_check(
        actor, benchmarking.organisation, values["partnership"], benchmarking.partnership
    )
    for key, value in values.items():
        setattr(benchmarking, key, value)
    benchmarking.save()
    if data.get("scores") is not None:
        scores_replace(benchmarking, data["scores"])
    audit(
        actor,
        "excellence.benchmarking_changed",
        benchmarking,
        changes={"total_score": str(benchmarking.total_score)},
    )
    return benchmarking


@transaction.atomic
def benchmarking_delete(*, actor, benchmarking: Benchmarking) -> None:
    """Delete a benchmarking no label rests on."""
    require(actor, "excellence.change_benchmarking", benchmarking)
    if benchmarking.labels.exists():
        raise DomainError(
            _("A label rests on this benchmarking; delete or change the label first."),
            field="benchmarking",
        )
    audit(actor, "excellence.benchmarking_deleted", benchmarking)
    benchmarking.delete()


# -- improvement areas -----------------------------------------------------------------------


def _improvement_values(benchmarking, data, current=None) -> dict:
    get = (lambda k: data[k] if k in data else getattr(current, k)) if current else data.get
    status = str(get("status") or ImprovementStatus.IDENTIFIED)
    if status not in ImprovementStatus.values:
        raise DomainError(_("Choose identified, in progress or documented."), field="status")
    area = get("area")
    if area not in (None, ""):
        area = benchmarking.indicator_set.areas.filter(pk=id_value(area) or 0).first()
        if area is None:
            raise DomainError(_("Choose an area of the benchmarking's set."), field="area")
    return {
        "title": text_value({"title": get("title")}, "title", required=True, limit=200),
        "description": text_value({"description": get("description")}, "description"),
        "area": area or None,
        "status": status,
        "documented_on": parse_date(get("documented_on"), "documented_on"),
        "evidence_url": url_value({"evidence_url": get("evidence_url")}, "evidence_url"),
    }


def _improvement_save(actor, improvement, values, checked, action) -> ImprovementArea:
    before = improvement.status if improvement.pk else ""
    for key, value in values.items():
        setattr(improvement, key, value)
    has_file = bool(checked) or bool(improvement.evidence)
    if improvement.status == ImprovementStatus.DOCUMENTED:
        if not (has_file or improvement.evidence_url):
            raise DomainError(
                _("A documented improvement needs its evidence: a file or a link."),
                field="evidence",
            )
        improvement.documented_on = improvement.documented_on or today()
        not_future(improvement.documented_on, "documented_on")
    improvement.save()
    if checked:
        evidence_store(improvement, checked)
    audit(actor, action, improvement, from_state=before, to_state=improvement.status)
    return improvement


@transaction.atomic
def improvement_create(*, actor, benchmarking: Benchmarking, data: dict, evidence=None):
    """Add an improvement area a benchmarking asked for."""
    require(actor, "excellence.change_benchmarking", benchmarking)
    values = _improvement_values(benchmarking, data)
    checked = evidence_checked(evidence, "evidence")
    improvement = ImprovementArea(benchmarking=benchmarking)
    return _improvement_save(actor, improvement, values, checked, "excellence.improvement_added")


@transaction.atomic
def improvement_update(*, actor, improvement: ImprovementArea, data: dict, evidence=None):
    """Move an improvement area on (identified, in progress, documented with evidence)."""
    improvement = ImprovementArea.objects.select_for_update().get(pk=improvement.pk)
    require(actor, "excellence.change_benchmarking", improvement.benchmarking)
    values = _improvement_values(improvement.benchmarking, data, current=improvement)
    checked = evidence_checked(evidence, "evidence")
    return _improvement_save(actor, improvement, values, checked, "excellence.improvement_changed")


@transaction.atomic
def improvement_delete(*, actor, improvement: ImprovementArea) -> None:
    """Delete an improvement area."""
    require(actor, "excellence.change_benchmarking", improvement.benchmarking)
    audit(actor, "excellence.improvement_deleted", improvement, from_state=improvement.status)
    if improvement.evidence:
        storage, path = improvement.evidence.storage, improvement.evidence.name
        transaction.on_commit(lambda: storage.delete(path))
    improvement.delete()


# -- cluster services ------------------------------------------------------------------------


def _service_values(organisation, data, current=None) -> dict:
    get = (lambda k: data[k] if k in data else getattr(current, k)) if current else data.get
    novelty = str(get("novelty") or "")
    if novelty not in ServiceNovelty.values:
        raise DomainError(_("Choose new or improved."), field="novelty")
    return {
        "name": text_value({"name": get("name")}, "name", required=True, limit=200),
        "description": text_value({"description": get("description")}, "description"),
        "novelty": novelty,
        "launched_on": parse_date(get("launched_on"), "launched_on"),
        "target_groups": text_value(
            {"target_groups": get("target_groups")}, "target_groups", limit=300
        ),
        "partnership": partnership_of(organisation, get("partnership")),
        "is_published": flag({"is_published": get("is_published")}, "is_published", True),
    }


def _built_with(organisation, value):
    if value is None:
        return None
    ids = [getattr(v, "pk", v) for v in value]
    try:
        ids = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        raise DomainError(_("Give organisation ids."), field="built_with") from None
    # An id beyond the database's integers names no organisation (and would overflow the query).
    found = list(Organisation.objects.filter(pk__in=[i for i in ids if 0 < i < 2**63]))
    if len(found) != len(ids):
        raise DomainError(_("One of the organisations does not exist."), field="built_with")
    if organisation.pk in ids:
        raise DomainError(_("Name the partners, not the cluster itself."), field="built_with")
    return found


@transaction.atomic
def service_create(*, actor, organisation: Organisation, data: dict) -> ClusterService:
    """Add a service to a cluster's portfolio."""
    require(actor, "excellence.add_clusterservice", organisation)
    cluster_check(organisation)
    values = _service_values(organisation, data)
    attribution_check(actor, organisation, values["partnership"])
    partners = _built_with(organisation, data.get("built_with"))
    service = ClusterService.objects.create(organisation=organisation, **values)
    if partners:
        service.built_with.set(partners)
    audit(actor, "excellence.service_added", service, to_state=service.novelty)
    return service


@transaction.atomic
def service_update(*, actor, service: ClusterService, data: dict) -> ClusterService:
    """Change a service of the portfolio."""
    require(actor, "excellence.change_clusterservice", service)
    values = _service_values(service.organisation, data, current=service)
    attribution_check(actor, service.organisation, values["partnership"], service.partnership)
    partners = _built_with(service.organisation, data.get("built_with"))
    changes = {k: str(v) for k, v in values.items() if v != getattr(service, k)}
    for key, value in values.items():
        setattr(service, key, value)
    service.save()
    if partners is not None:
        service.built_with.set(partners)
    audit(actor, "excellence.service_changed", service, changes=changes)
    return service


@transaction.atomic
def service_delete(*, actor, service: ClusterService) -> None:
    """Remove a service from the portfolio."""
    require(actor, "excellence.change_clusterservice", service)
    audit(actor, "excellence.service_deleted", service)
    service.delete()
