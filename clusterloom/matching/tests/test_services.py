"""Match profiles from the directory, and the index following directory changes."""

import pytest

from clusterloom.core.errors import ImportFailed
from clusterloom.directory.tests.factories import OrganisationFactory, country
from clusterloom.matching import live_index, services
from clusterloom.matching.models import CordisProject, MatchIndexState, MatchProfile
from clusterloom.partnerships.tests.factories import PartnershipMemberFactory
from clusterloom.taxonomy.services import term_get_or_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def others(django_capture_on_commit_callbacks):
    """Unrelated organisations in the index: scores are normalised over the candidates."""
    with django_capture_on_commit_callbacks(execute=True):
        return [
            OrganisationFactory(description="Tourism and hospitality services"),
            OrganisationFactory(description="Organic wine production", country=country("IT")),
        ]


def test_profile_holds_texts_place_projects_terms_and_activity():
    CordisProject.objects.create(
        acronym="TEXSHIELD", title="Protective smart textiles", objective="Fire-safe fabrics."
    )
    automotive = term_get_or_create(vocabulary="sectoral", name="Automotive")
    textiles = term_get_or_create(vocabulary="sectoral", name="Textile Manufacturing")
    org = OrganisationFactory(
        name="Tkalcovna Liberec",
        short_name="TKL",
        description="Weaving of technical fabrics.",
        offers="Flame-retardant fabrics",
        requests="Car seat makers",
        country=country("CZ"),
        city_name="Liberec",
        cordis_projects=["TEXSHIELD", "UNKNOWNPRJ"],
        terms=[automotive, textiles],
    )
    PartnershipMemberFactory(organisation=org)

    row = services.match_profile_refresh(organisation_id=org.pk)

    for part in (
        "Tkalcovna Liberec",
        "TKL",
        "Weaving of technical fabrics.",
        "Flame-retardant fabrics",
        "Car seat makers",
        "Liberec",
    ):
        assert part in row.text
    # each known project is a passage of its own (title and objective), not part of the text
    assert row.passages == ["Protective smart textiles. Fire-safe fabrics."]
    assert "Protective" not in row.text
    assert row.terms == ["sectoral:automotive", "sectoral:textile-manufacturing"]
    assert (row.country, row.kind) == ("CZ", "sme")
    assert (row.offers, row.requests) == ("Flame-retardant fabrics", "Car seat makers")
    assert row.activity == 3.0  # one partnership + two CORDIS projects


def test_unchanged_profile_keeps_its_version():
    org = OrganisationFactory(description="Plastics recycling")
    first = services.match_profile_refresh(organisation_id=org.pk)
    again = services.match_profile_refresh(organisation_id=org.pk)
    assert again.version == first.version


def test_changed_description_reaches_the_index_after_the_task(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        org = OrganisationFactory(description="Injection moulding of car parts")
    index = live_index.current_index()
    assert str(org.pk) in {m.id for m in index.search(_query("moulding"), k=10)}

    with django_capture_on_commit_callbacks(execute=True):
        org.description = "Recycling of polypropylene waste"
        org.save()

    index = live_index.current_index()
    assert str(org.pk) in {m.id for m in index.search(_query("polypropylene"), k=10)}
    assert str(org.pk) not in {m.id for m in index.search(_query("moulding"), k=10)}


def test_terms_change_reaches_the_index(django_capture_on_commit_callbacks):
    plastics = term_get_or_create(vocabulary="sectoral", name="Plastics")
    with django_capture_on_commit_callbacks(execute=True):
        org = OrganisationFactory(description="Workshop")
    with django_capture_on_commit_callbacks(execute=True):
        org.terms.add(plastics)
    assert MatchProfile.objects.get(organisation_id=org.pk).terms == ["sectoral:plastics"]
    found = live_index.current_index().search(_query("", terms=("sectoral:plastics",)), k=5)
    assert [m.id for m in found] == [str(org.pk)]


def test_deleted_organisation_leaves_the_index(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        keep = OrganisationFactory(description="Carbon fibre composites")
        gone = OrganisationFactory(description="Carbon fibre weaving")
    index = live_index.current_index()
    assert {m.id for m in index.search(_query("carbon fibre"), k=5)} == {
        str(keep.pk),
        str(gone.pk),
    }

    gone_id = gone.pk
    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()

    assert MatchProfile.objects.get(organisation_id=gone_id).removed
    index = live_index.current_index()
    assert {m.id for m in index.search(_query("carbon fibre"), k=5)} == {str(keep.pk)}


def test_rebuild_recomputes_all_and_purges_removed_rows(tmp_path):
    a = OrganisationFactory(description="Textile finishing", cordis_projects=["FIN"])
    b = OrganisationFactory(description="Metal stamping")
    MatchProfile.objects.create(organisation_id=999999, text="old", removed=True, version=1)
    projects = tmp_path / "project.json"
    projects.write_text('[{"acronym": "FIN", "title": "Finishing of fabrics"}]')
    generation = MatchIndexState.objects.filter(pk=1).values_list("generation", flat=True).first()

    result = services.match_index_rebuild(projects_path=projects)

    assert result.profiles == 4 and result.removed == 1 and result.project_titles == 1
    assert {a.pk, b.pk} <= set(MatchProfile.objects.values_list("organisation_id", flat=True))
    assert not MatchProfile.objects.filter(organisation_id=999999).exists()
    assert MatchProfile.objects.get(organisation_id=a.pk).passages == ["Finishing of fabrics"]
    assert MatchIndexState.objects.get(pk=1).generation != generation
    assert live_index.current_index().search(_query("stamping"), k=5)[0].id == str(b.pk)


def test_project_file_that_is_not_json_names_the_line(tmp_path):
    broken = tmp_path / "project.json"
    broken.write_text('[\n{"acronym": "A",\n oops}\n]')
    with pytest.raises(ImportFailed) as failure:
        services.match_index_rebuild(projects_path=broken)
    assert failure.value.line == 3


def _query(text, terms=()):
    from clusterloom.matching.index import Query

    return Query(text=text, terms=tuple(terms))


def test_one_save_touching_an_organisation_twice_refreshes_it_once(
    django_capture_on_commit_callbacks, monkeypatch
):
    from clusterloom.matching import tasks

    refreshed = []
    monkeypatch.setattr(tasks.match_profile_refresh, "delay", refreshed.append)
    plastics = term_get_or_create(vocabulary="sectoral", name="Plastics")
    with django_capture_on_commit_callbacks(execute=True):
        org = OrganisationFactory(description="Moulds")
        org.terms.add(plastics)
        org.save()
    assert refreshed == [org.pk]
    with django_capture_on_commit_callbacks(execute=True):
        org.save()
    assert refreshed == [org.pk, org.pk]


def test_rebuild_command(tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    projects = tmp_path / "project.json"
    projects.write_text('[{"acronym": "FIN", "title": "Finishing of fabrics"}]')
    out = StringIO()
    call_command("rebuild_match_index", "--projects", str(projects), stdout=out)
    assert "2 match profiles computed" in out.getvalue()
    assert "1 CORDIS project titles read" in out.getvalue()
    assert "sector affinities learned" in out.getvalue()
    with pytest.raises(CommandError, match="No such file"):
        call_command("rebuild_match_index", "--projects", str(tmp_path / "missing.json"))
    projects.write_text("{not json")
    with pytest.raises(CommandError, match="line 1"):
        call_command("rebuild_match_index", "--projects", str(projects))


def test_words_find_an_organisation_described_only_by_its_terms(
    django_capture_on_commit_callbacks,
):
    # A cluster from an ECCP composition table: a name and terms, no description.
    with django_capture_on_commit_callbacks(execute=True):
        cluster = OrganisationFactory(
            name="KLASTR TT",
            description="",
            kind="cluster",
            terms=[term_get_or_create(vocabulary="technology", name="Advanced Textile Materials")],
        )
    results = live_index.current_index().search(_query("technical textiles"), k=5)
    assert [m.id for m in results][:1] == [str(cluster.pk)]
    assert "textiles" in " ".join(results[0].explanation.matched_words).lower()
