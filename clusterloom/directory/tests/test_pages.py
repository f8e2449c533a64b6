"""Directory pages per role: search, organisation page, edit, member import, people (GDPR)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterloom.core.models import AuditEntry
from clusterloom.directory.models import ClusterMembership, Person

from .factories import OrganisationFactory, PersonFactory

EDIT_URL = "/organisations/clutex/edit/"
IMPORT_URL = "/organisations/clutex/members/import/"


@pytest.fixture
def as_role(client, request, organisation):
    def login(role):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(f"{role}_user"))
        return client

    return login


@pytest.fixture
def person(organisation):
    return PersonFactory(
        organisation=organisation,
        first_name="Jana",
        last_name="Nováková",
        email="jana@clutex.cz",
        phone="+420 111 222 333",
        consent_public=True,
    )


def test_list_without_js_and_htmx_partial(client, organisation):
    OrganisationFactory(name="AECIM", country_id="ES", kind="cluster")
    page = client.get("/organisations/", {"country": "CZ"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<form" in html and organisation.name in html and "AECIM" not in html
    partial = client.get("/organisations/", {"q": "aecim"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "AECIM" in body and "<html" not in body and organisation.name not in body


def test_list_survives_nonsense_input(client, organisation):
    response = client.get("/organisations/", {"page": "-5", "kind": "x" * 500, "region": "%%"})
    assert response.status_code == 200


def test_detail_shows_cluster_block_and_validity(client, cluster, organisation):
    cluster.member_count = 190
    cluster.sme_count = 170
    cluster.save()
    ClusterMembership.objects.create(
        cluster=cluster, organisation=OrganisationFactory(name="Textil a.s.")
    )
    html = client.get(reverse("organisation_detail", args=["clutex"])).content.decode()
    assert "190" in html and "170" in html and "Textil a.s." in html
    assert 'data-criterion="members" data-status="passed"' in html
    assert 'data-criterion="staff" data-status="unknown"' in html


def test_detail_lists_partnerships(client, coordinator_user):
    html = client.get("/organisations/clutex/").content.decode()
    assert "EXTRATEX" in html


@pytest.mark.parametrize(
    ("role", "sees_contact"),
    [
        ("anonymous", False),
        ("member", False),
        ("other_manager", False),
        ("manager", True),
        ("coordinator", True),
        ("admin", True),
    ],
)
def test_person_contact_details_only_for_allowed(as_role, person, role, sees_contact):
    html = as_role(role).get("/organisations/clutex/").content.decode()
    assert "Nováková" in html  # consented to a public profile
    assert ("jana@clutex.cz" in html) is sees_contact
    assert ("+420 111 222 333" in html) is sees_contact


def test_person_without_consent_is_hidden_from_public(client, organisation):
    PersonFactory(organisation=organisation, last_name="Hidden", consent_public=False)
    assert "Hidden" not in client.get("/organisations/clutex/").content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("member", 403),
        ("other_manager", 403),
        ("manager", 200),
        ("coordinator", 200),
        ("admin", 200),
    ],
)
def test_edit_and_import_pages_per_role(as_role, role, status):
    client = as_role(role)
    for url in (EDIT_URL, IMPORT_URL):
        response = client.get(url)
        assert response.status_code == status
        if status == 302:
            assert response["Location"].startswith("/accounts/login/")
    detail = client.get("/organisations/clutex/").content.decode()
    assert (EDIT_URL in detail) is (status == 200)
    assert (IMPORT_URL in detail) is (status == 200)


@pytest.mark.parametrize("role", ["member", "other_manager"])
def test_edit_post_refused_without_permission(as_role, organisation, role):
    response = as_role(role).post(EDIT_URL, {"name": "Hacked", "kind": "sme", "country": "CZ"})
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name != "Hacked"


def test_manager_edits_organisation_and_cluster(as_role, organisation, cluster):
    response = as_role("manager").post(
        EDIT_URL,
        {
            "name": "CLUTEX",
            "short_name": "CLUTEX",
            "kind": "cluster",
            "country": "CZ",
            "region": "CZ05",
            "city": "Liberec",
            "website": "clutex.cz",
            "size": "",
            "description": "Technical textiles.",
            "cluster-member_count": "40",
            "cluster-sme_count": "30",
            "cluster-management_fte": "0.5",
            "cluster-website_in_english": "true",
            "cluster-declared_member_kinds": ["sme", "university"],
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    cluster.refresh_from_db()
    assert organisation.region_id == "CZ05" and organisation.website == "https://clutex.cz"
    assert organisation.slug == "clutex"
    assert (cluster.member_count, str(cluster.management_fte)) == (40, "0.50")
    assert AuditEntry.objects.filter(action="organisation.updated").exists()
    html = as_role("manager").get("/organisations/clutex/").content.decode()
    assert "text-bg-success" in html and 'data-status="failed"' not in html


def test_edit_errors_show_on_the_form(as_role, organisation):
    response = as_role("manager").post(
        EDIT_URL,
        {
            "name": "CLUTEX",
            "kind": "cluster",
            "country": "CZ",
            "region": "ES30",
            "cluster-sme_count": "50",
            "cluster-member_count": "10",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unknown region" in html
    organisation.refresh_from_db()
    assert organisation.region_id is None


def test_import_page_reports_problems_and_imports(as_role, cluster):
    client = as_role("manager")
    bad = SimpleUploadedFile("m.csv", b"name,country\nA,CZ\nB,Atlantis\n")
    response = client.post(IMPORT_URL, {"file": bad})
    assert response.status_code == 400
    assert (
        "row 3, column country: unknown country &#x27;Atlantis&#x27;" in response.content.decode()
    )
    assert cluster.memberships.count() == 0
    good = SimpleUploadedFile("m.csv", b"name,country\nA,CZ\nB,SK\n")
    response = client.post(IMPORT_URL, {"file": good}, follow=True)
    assert "2 members added" in response.content.decode()
    assert cluster.memberships.count() == 2


def test_import_refuses_too_large_upload(as_role, cluster, settings):
    settings.UPLOAD_MAX_BYTES = 50
    big = SimpleUploadedFile("m.csv", b"name,country\n" + b"Member,CZ\n" * 10)
    response = as_role("manager").post(IMPORT_URL, {"file": big})
    assert response.status_code == 400 and "too large" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("member", 403), ("manager", 200), ("coordinator", 200), ("admin", 200)],
)
def test_person_export_per_role(as_role, person, role, status):
    response = as_role(role).get(f"/organisations/people/{person.pk}/export/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["email"] == "jana@clutex.cz"


def test_own_person_data_exportable_by_member(client, member_user):
    client.force_login(member_user)
    response = client.get(f"/organisations/people/{member_user.person.pk}/export/")
    assert response.status_code == 200 and response.json()["has_login"] is True


@pytest.mark.parametrize(("role", "erased"), [("member", False), ("manager", True)])
def test_person_erase(as_role, person, role, erased):
    response = as_role(role).post(f"/organisations/people/{person.pk}/erase/", {"confirm": "erase"})
    person.refresh_from_db()
    assert (person.email == "" and person.last_name != "Nováková") is erased
    assert response.status_code == (302 if erased else 403)
    if erased:
        assert AuditEntry.objects.filter(action="person.erased").exists()
        assert Person.objects.filter(pk=person.pk).exists()


def test_taxonomy_terms_are_grouped_by_vocabulary_on_the_edit_form(as_role, organisation):
    """A name in two vocabularies reads as two choices under two headings, not twice alike."""
    from clusterloom.taxonomy.services import term_get_or_create

    sectoral = term_get_or_create(vocabulary="sectoral", name="Biopharmaceuticals")
    emerging = term_get_or_create(vocabulary="emerging", name="Biopharmaceuticals")
    organisation.terms.add(emerging)
    html = as_role("manager").get(EDIT_URL).content.decode()
    assert '<optgroup label="Sectoral industry">' in html
    assert '<optgroup label="Emerging industry">' in html
    assert f'<option value="{sectoral.pk}">Biopharmaceuticals</option>' in html
    assert f'<option value="{emerging.pk}" selected>Biopharmaceuticals</option>' in html
    assert "Hold Ctrl" not in html
