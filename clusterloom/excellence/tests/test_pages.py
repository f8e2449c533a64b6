"""Excellence pages: what each role sees, forms that refuse bad input, the charts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clusterloom.excellence.models import (
    Benchmarking,
    ClusterLabel,
    ClusterService,
    ImprovementArea,
    IndicatorSet,
)

from .conftest import PDF, bench, documented, label, label_post

pytestmark = pytest.mark.django_db
D = datetime.date


def test_label_list_filters_and_hides_unpublished_from_the_public(client, world):
    bench(world, world.a, D(2024, 2, 1))
    bench(world, world.b, D(2026, 1, 1))
    label(world, world.a, awarded_on=D(2024, 3, 1))  # valid until 31 Mar 2026: expired
    label(world, world.b, awarded_on=D(2026, 2, 1), is_published=False)
    page = client.get("/excellence/").content.decode()
    assert "Alpha Textile Cluster" in page and "Beta Textile Cluster" not in page
    assert "Alpha" not in client.get("/excellence/?status=valid").content.decode()
    assert "Alpha" in client.get("/excellence/?status=expired&partnership=xtex").content.decode()
    assert "Alpha" not in client.get("/excellence/?level=silver").content.decode()
    client.force_login(world.manager_b)
    assert "Beta Textile Cluster" in client.get("/excellence/").content.decode()


def test_organisation_page_shows_labels_history_charts_improvements_services(client, world):
    first = bench(world, world.a, D(2024, 1, 15), (50, 60, 40, 70, 65, 55))
    documented(world, first, 3)
    bench(world, world.a, D(2025, 8, 1), (60, 70, 50, 80, 70, 60))
    bench(world, world.b, D(2025, 5, 1), (40, 40, 40, 40, 40, 40))
    bench(world, world.c, D(2025, 6, 1), (80, 80, 80, 80, 80, 80))
    label(world, world.a, "silver", D(2025, 9, 1))
    page = client.get("/excellence/organisations/alpha/").content.decode()
    assert "Silver" in page and "Improvement 0" in page
    assert 'id="chart-previous-' in page and 'id="chart-peers-' in page
    assert 'data-series="Partners&#x27; mean" data-area="Structure of the cluster" ' in page
    assert 'data-value="60.0"' in page  # mean of B (40) and C (80)
    assert "Beta Textile Cluster" not in page  # no individual peer scores for the public
    assert "Record a label" not in page
    client.force_login(world.coordinator)
    page = client.get("/excellence/organisations/alpha/").content.decode()
    assert "Beta Textile Cluster" in page and "Record a label" in page
    assert 'id="rule-check"' in page
    client.force_login(world.manager_a)
    page = client.get("/excellence/organisations/alpha/").content.decode()
    assert "Beta Textile Cluster" not in page  # a cluster manager sees aggregates only
    assert "Record a label" in page


def test_peer_chart_needs_two_peers(client, world):
    bench(world, world.a, D(2025, 8, 1))
    bench(world, world.b, D(2025, 5, 1), (40, 40, 40, 40, 40, 40))
    page = client.get("/excellence/organisations/alpha/").content.decode()
    assert "chart-peers" not in page


def test_label_form_shows_the_rule_check_and_refuses_unmet_rules(client, world):
    bench(world, world.a, D(2024, 1, 15))
    client.force_login(world.manager_a)
    page = client.get("/excellence/organisations/alpha/labels/new/").content.decode()
    assert 'id="rules-silver"' in page and "rules not met" in page
    response = label_post(client, "silver", awarded_on="2025-02-01")
    assert response.status_code == 400
    text = response.content.decode()
    assert "A second benchmarking 18 to 24 months after the first" in text
    assert "3 documented improvement areas" in text
    assert not ClusterLabel.objects.exists()


def test_label_form_refuses_expiry_before_award_naming_the_field(client, world):
    bench(world, world.a, D(2024, 1, 15))
    client.force_login(world.coordinator)
    response = label_post(client, awarded_on="2024-02-01", valid_until="2024-01-31")
    assert response.status_code == 400
    assert "before it is awarded" in response.content.decode()
    assert not ClusterLabel.objects.exists()


def test_label_recorded_with_certificate_then_downloaded(client, world):
    bench(world, world.a, D(2024, 1, 15))
    client.force_login(world.manager_a)
    response = label_post(
        client,
        awarded_on="2024-02-01",
        partnership="xtex",
        is_published="on",
        certificate=SimpleUploadedFile("bronze.pdf", PDF),
    )
    assert response.status_code == 302
    got = ClusterLabel.objects.get()
    assert got.valid_until == D(2026, 2, 28) and got.partnership == world.partnership
    download = client.get(f"/excellence/labels/{got.pk}/certificate/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "bronze.pdf" in download["Content-Disposition"]
    download.close()


def test_label_edit_and_delete_pages(client, world):
    bench(world, world.a, D(2024, 1, 15))
    got = label(world, world.a, awarded_on=D(2024, 2, 1))
    client.force_login(world.manager_b)
    assert client.get(f"/excellence/labels/{got.pk}/edit/").status_code == 403
    client.force_login(world.manager_a)
    assert client.get(f"/excellence/labels/{got.pk}/edit/").status_code == 200
    data = {"level": "bronze", "awarding_body": "ESCA", "awarded_on": "2024-02-01"}
    data["notes"] = "Renewal planned."
    assert client.post(f"/excellence/labels/{got.pk}/edit/", data).status_code == 302
    got.refresh_from_db()
    assert got.notes == "Renewal planned." and got.awarding_body == "ESCA"
    assert client.post(f"/excellence/labels/{got.pk}/delete/").status_code == 302
    assert not ClusterLabel.objects.exists()


def test_benchmarking_form_records_scores_and_refuses_bad_ones(client, world):
    client.force_login(world.manager_a)
    url = "/excellence/organisations/alpha/benchmarkings/new/"
    page = client.get(url).content.decode()
    assert "Financing of the cluster management" in page
    data = {"held_on": "2025-03-01", "assessor": "ESCA", "partnership": "xtex"}
    boxes = {f"score_a{a.pk}": "70" for a in world.areas}
    bad = {**data, **boxes, f"score_a{world.areas[2].pk}": "101"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "Give a score from 0 to 100." in response.content.decode()
    assert not Benchmarking.objects.exists()
    bad[f"score_a{world.areas[2].pk}"] = "lots"
    assert "is not a number" in client.post(url, bad).content.decode()
    boxes[f"score_a{world.areas[0].pk}"] = "40"
    response = client.post(url, {**data, **boxes})
    assert response.status_code == 302
    got = Benchmarking.objects.get()
    assert str(got.total_score) == "65.00"
    page = client.get(f"/excellence/benchmarkings/{got.pk}/").content.decode()
    assert "65.00 %" in page


def test_improvement_documented_needs_evidence(client, world):
    first = bench(world, world.a, D(2024, 1, 15))
    client.force_login(world.manager_a)
    url = f"/excellence/benchmarkings/{first.pk}/improvements/new/"
    response = client.post(url, {"title": "Member survey", "status": "documented"})
    assert response.status_code == 400
    assert "needs its evidence" in response.content.decode()
    response = client.post(
        url,
        {
            "title": "Member survey",
            "status": "documented",
            "evidence": SimpleUploadedFile("survey.pdf", PDF),
        },
    )
    assert response.status_code == 302
    improvement = ImprovementArea.objects.get()
    assert improvement.status == "documented" and improvement.documented_on is not None
    response = client.get(f"/excellence/improvements/{improvement.pk}/evidence/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    response.close()


def test_service_pages(client, world):
    client.force_login(world.coordinator)
    url = "/excellence/organisations/beta/services/new/"
    response = client.post(
        url, {"name": "Digital textile lab", "novelty": "new", "built_with": [world.a.pk]}
    )
    assert response.status_code == 302
    service = ClusterService.objects.get()
    assert list(service.built_with.all()) == [world.a]
    assert "Digital textile lab" in client.get("/excellence/organisations/beta/").content.decode()
    assert client.post(url, {"name": "", "novelty": "new"}).status_code == 400
    client.force_login(world.other_coordinator)
    assert client.get(url).status_code == 403


def test_indicator_set_pages(client, world):
    client.force_login(world.coordinator)
    url = "/excellence/sets/new/?partnership=xtex"
    outline = "Strategy\n- Written strategy | 60\n- Yearly review\nServices\n"
    response = client.post(url, {"name": "XTEX quality", "outline": outline})
    assert response.status_code == 302
    created = IndicatorSet.objects.get(name="XTEX quality")
    assert [a.name for a in created.areas.all()] == ["Strategy", "Services"]
    page = client.get(f"/excellence/sets/{created.pk}/").content.decode()
    assert "Written strategy" in page and "threshold 60.00 %" in page
    response = client.post(url, {"name": "Bad", "outline": "- orphan indicator"})
    assert response.status_code == 400 and "before any area" in response.content.decode()
    # the preloaded set is read-only for coordinators
    assert client.get(f"/excellence/sets/{world.bronze.pk}/edit/").status_code == 403
    client.force_login(world.other_coordinator)
    assert client.get(f"/excellence/sets/{created.pk}/edit/").status_code == 403


def test_partnership_section_lists_labels_and_services(client, world):
    bench(world, world.a, D(2026, 1, 10))
    label(world, world.a, awarded_on=D(2026, 2, 1))
    label(world, world.a, awarded_on=D(2026, 3, 1), is_published=False)
    from clusterloom.excellence.services import service_create

    service_create(
        actor=world.admin, organisation=world.b, data={"name": "Lab", "novelty": "improved"}
    )
    page = client.get("/partnerships/xtex/").content.decode()
    assert 'id="excellence"' in page
    assert page.count('class="label-row"') == 1
    assert 'data-organisation="beta"' in page
    client.force_login(world.coordinator)
    page = client.get("/partnerships/xtex/").content.decode()
    assert page.count('class="label-row"') == 2


def test_too_large_certificate_is_refused_before_reading(client, world, settings):
    bench(world, world.a, D(2024, 1, 15))
    settings.UPLOAD_MAX_BYTES = 20
    client.force_login(world.manager_a)
    response = label_post(
        client, awarded_on="2024-02-01", certificate=SimpleUploadedFile("big.pdf", PDF)
    )
    assert response.status_code == 400
    assert "big.pdf is larger than" in response.content.decode()
    assert not ClusterLabel.objects.exists()
