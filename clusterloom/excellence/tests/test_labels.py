"""Recording labels: defaults, rules of each level, bad input, certificates, edit and delete."""

import datetime

import pytest

from clusterloom.core.errors import DomainError
from clusterloom.core.models import AuditEntry
from clusterloom.excellence import selectors
from clusterloom.excellence import services as s
from clusterloom.excellence.models import ClusterLabel

from .conftest import PDF, TODAY, bench, documented, label, png

pytestmark = pytest.mark.django_db
D = datetime.date


def test_bronze_label_valid_until_end_of_the_month_24_months_later(world):
    bench(world, world.a, D(2026, 2, 20))
    got = label(world, world.a, awarded_on=D(2026, 3, 10))
    assert got.valid_until == D(2028, 3, 31)
    assert got.awarding_body.startswith("European Secretariat")
    assert selectors.status_of(got) == "valid"
    assert AuditEntry.objects.filter(action="excellence.label_recorded").count() == 1


def test_validity_months_follow_the_setting(world, settings):
    settings.LABEL_VALIDITY_MONTHS = 12
    bench(world, world.a, D(2026, 2, 20))
    assert label(world, world.a, awarded_on=D(2026, 3, 10)).valid_until == D(2027, 3, 31)


def test_status_on_the_page_day(world):
    bench(world, world.a, D(2024, 2, 1))
    got = label(world, world.a, awarded_on=D(2024, 2, 10), valid_until=D(2027, 2, 20))
    assert selectors.status_of(got) == "expiring"  # 90 days from 22 Nov 2026
    assert selectors.status_of(got, D(2026, 11, 21)) == "valid"
    assert selectors.status_of(got, D(2027, 2, 21)) == "expired"
    rows = ClusterLabel.objects.all()
    assert list(selectors.status_filter(rows, "expiring")) == [got]
    assert not selectors.status_filter(rows, "valid").exists()


def test_bronze_without_benchmarking_is_refused_naming_the_rule(world):
    with pytest.raises(DomainError) as error:
        label(world, world.a)
    assert error.value.field == "level"
    assert "benchmarking" in error.value.message
    assert not ClusterLabel.objects.exists()


def test_a_label_that_expires_before_it_is_awarded_is_refused(world):
    bench(world, world.a, D(2026, 2, 20))
    with pytest.raises(DomainError) as error:
        label(world, world.a, awarded_on=D(2026, 3, 10), valid_until=D(2026, 3, 9))
    assert error.value.field == "valid_until"
    assert "before it is awarded" in error.value.message
    assert not ClusterLabel.objects.exists()


def test_future_award_date_is_refused(world):
    bench(world, world.a, D(2026, 2, 20))
    with pytest.raises(DomainError) as error:
        label(world, world.a, awarded_on=TODAY + datetime.timedelta(days=1))
    assert error.value.field == "awarded_on"


def test_non_cluster_organisation_is_refused(world):
    with pytest.raises(DomainError) as error:
        label(world, world.sme, partnership=None)
    assert error.value.field == "organisation"


def test_partnership_must_be_one_of_the_cluster(world):
    bench(world, world.a, D(2026, 2, 20))
    with pytest.raises(DomainError) as error:
        label(world, world.a, partnership=world.other)
    assert error.value.field == "partnership"


def test_silver_lists_every_unmet_rule(world):
    bench(world, world.a, D(2024, 1, 15))
    with pytest.raises(s.LabelRulesUnmet) as error:
        label(world, world.a, level="silver", awarded_on=D(2025, 1, 1))
    codes = [rule for rule, _field, _text in error.value.failures]
    assert codes == ["label.second_benchmarking", "label.improvement_areas"]


@pytest.mark.parametrize(("n", "ok"), [(2, False), (3, True)])
def test_silver_needs_three_documented_improvements(world, n, ok):
    first = bench(world, world.a, D(2024, 1, 15))
    documented(world, first, n)
    second = bench(world, world.a, D(2025, 7, 15))
    if ok:
        got = label(world, world.a, "silver", D(2025, 9, 1), benchmarking=second.pk)
        assert got.level == "silver"
    else:
        with pytest.raises(s.LabelRulesUnmet):
            label(world, world.a, "silver", D(2025, 9, 1), benchmarking=second.pk)


def test_silver_second_benchmarking_a_day_too_early(world):
    first = bench(world, world.a, D(2024, 1, 15))
    documented(world, first, 3)
    bench(world, world.a, D(2025, 7, 14))
    with pytest.raises(s.LabelRulesUnmet) as error:
        label(world, world.a, "silver", D(2025, 9, 1))
    assert [f[0] for f in error.value.failures] == ["label.second_benchmarking"]


def test_improvement_in_progress_does_not_count(world):
    first = bench(world, world.a, D(2024, 1, 15))
    documented(world, first, 2)
    s.improvement_create(
        actor=world.admin, benchmarking=first, data={"title": "x", "status": "in_progress"}
    )
    bench(world, world.a, D(2025, 8, 1))
    with pytest.raises(s.LabelRulesUnmet):
        label(world, world.a, "silver", D(2025, 9, 1))


@pytest.mark.parametrize(
    ("values", "ok"),
    [((80, 80, 80, 80, 80, 79.94), False), ((80, 80, 80, 80, 80, 80), True)],
)
def test_gold_needs_80_percent(world, values, ok):
    bench(world, world.a, D(2026, 1, 10), values)
    if ok:
        assert label(world, world.a, "gold", D(2026, 2, 1)).level == "gold"
    else:
        with pytest.raises(s.LabelRulesUnmet) as error:
            label(world, world.a, "gold", D(2026, 2, 1))
        assert "79.99" in error.value.message


def test_certificate_upload_is_checked_by_content_and_stored_under_a_token(world):
    bench(world, world.a, D(2026, 2, 20))
    got = s.label_create(
        actor=world.manager_a,
        organisation=world.a,
        data={"level": "bronze", "awarded_on": D(2026, 3, 1)},
        certificate=("certificate.pdf", PDF),
    )
    assert got.evidence_kind == "pdf" and got.evidence_name == "certificate.pdf"
    assert "certificate" not in got.evidence.name and got.evidence_token in got.evidence.name
    s.label_certificate_set(actor=world.manager_a, label=got, file_name="c.png", content=png())
    got.refresh_from_db()
    assert got.evidence_kind == "png"
    with pytest.raises(DomainError) as error:
        s.label_certificate_set(
            actor=world.manager_a, label=got, file_name="c.pdf", content=b"hello"
        )
    assert error.value.field == "certificate"
    assert "text file" in error.value.message


def test_bad_certificate_writes_nothing(world):
    bench(world, world.a, D(2026, 2, 20))
    with pytest.raises(DomainError):
        s.label_create(
            actor=world.admin,
            organisation=world.a,
            data={"level": "bronze", "awarded_on": D(2026, 3, 1)},
            certificate=("c.pdf", b"MZ\x90\x00"),
        )
    assert not ClusterLabel.objects.exists()


def test_edit_rechecks_rules_and_clears_the_reminder_when_renewed(world):
    bench(world, world.a, D(2026, 2, 20))
    got = label(world, world.a, awarded_on=D(2026, 3, 1))
    ClusterLabel.objects.filter(pk=got.pk).update(expiry_reminder_sent_on=TODAY)
    got = s.label_update(actor=world.coordinator, label=got, data={"notes": "On-site check done."})
    assert got.notes == "On-site check done." and got.expiry_reminder_sent_on == TODAY
    got = s.label_update(actor=world.coordinator, label=got, data={"valid_until": D(2028, 6, 30)})
    assert got.expiry_reminder_sent_on is None
    with pytest.raises(s.LabelRulesUnmet):
        s.label_update(actor=world.coordinator, label=got, data={"level": "gold"})
    got.refresh_from_db()
    assert got.level == "bronze"
    changes = AuditEntry.objects.filter(action="excellence.label_changed").count()
    assert changes == 2


def test_delete_is_audited(world):
    bench(world, world.a, D(2026, 2, 20))
    got = label(world, world.a, awarded_on=D(2026, 3, 1))
    s.label_delete(actor=world.manager_a, label=got)
    assert not ClusterLabel.objects.exists()
    assert AuditEntry.objects.filter(action="excellence.label_deleted").exists()


def test_personal_data_export_and_erase(world):
    from clusterloom.excellence.label_personal_data import (
        personal_data_erase,
        personal_data_export,
    )

    bench(world, world.a, D(2026, 2, 20))
    s.label_create(
        actor=world.manager_a,
        organisation=world.a,
        data={"level": "bronze", "awarded_on": D(2026, 3, 1)},
    )
    assert personal_data_export(world.coordinator) is None
    exported = personal_data_export(world.manager_a)
    assert exported["labels_recorded"][0]["awarded_on"] == "2026-03-01"
    personal_data_erase(world.manager_a)
    assert personal_data_export(world.manager_a) is None
    assert ClusterLabel.objects.get().recorded_by is None


def test_a_coordinator_counts_work_only_for_their_own_partnership(world):
    from clusterloom.partnerships.tests.factories import PartnershipMemberFactory

    PartnershipMemberFactory(partnership=world.other, organisation=world.a)  # A in both
    bench(world, world.a, D(2026, 1, 10))
    data = {"level": "bronze", "awarded_on": D(2026, 2, 1)}
    with pytest.raises(DomainError) as error:
        s.label_create(
            actor=world.other_coordinator,
            organisation=world.a,
            data={**data, "partnership": "xtex"},
        )
    assert error.value.field == "partnership" and "XTEX" in error.value.message
    got = s.label_create(
        actor=world.other_coordinator, organisation=world.a, data={**data, "partnership": "other"}
    )
    got = s.label_update(actor=world.coordinator, label=got, data={"notes": "x"})  # unchanged
    assert got.partnership == world.other
    s.label_update(actor=world.manager_a, label=got, data={"partnership": "xtex"})
    got.refresh_from_db()
    assert got.partnership == world.partnership
