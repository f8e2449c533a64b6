"""The /api/organisations endpoints: filters, detail, writes per role, member upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clusterloom.core.models import ApiToken
from clusterloom.directory.models import Organisation
from clusterloom.taxonomy.models import Term

from .factories import OrganisationFactory

ROLES = ["anonymous", "member", "other_manager", "manager", "coordinator", "admin"]


@pytest.fixture
def as_role(client, request, organisation):
    """Log the test client in as the given role; returns the client."""

    def login(role):
        if role != "anonymous":
            fixture = {"other_manager": "other_manager_user"}.get(role, f"{role}_user")
            client.force_login(request.getfixturevalue(fixture))
        return client

    return login


def test_list_filters_and_shape(client, organisation):
    OrganisationFactory(
        name="AECIM",
        kind="cluster",
        country_id="ES",
        region_id="ES30",
        terms=[Term.objects.get(vocabulary="sectoral", name="Automotive")],
    )
    body = client.get("/api/organisations", {"country": "ES"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["name"], item["country"], item["region"], item["kind"]) == (
        "AECIM",
        "ES",
        "ES30",
        "cluster",
    )
    assert item["terms"] == [
        {
            "vocabulary": "sectoral",
            "name": "Automotive",
            "label": "Automotive",
            "slug": "automotive",
        }
    ]
    assert client.get("/api/organisations", {"region": "ES3"}).json()["count"] == 1
    assert client.get("/api/organisations", {"sector": "automotive"}).json()["count"] == 1
    assert client.get("/api/organisations", {"q": "klastr"}).json()["items"][0]["slug"] == "clutex"
    assert client.get("/api/organisations", {"kind": "university"}).json()["count"] == 0
    assert client.get("/api/organisations", {"page": "abc"}).status_code == 422


def test_detail_and_404(client, organisation):
    body = client.get("/api/organisations/clutex").json()
    assert body["name"] == organisation.name and body["city"] == "Liberec"
    missing = client.get("/api/organisations/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("member", 403),
        ("other_manager", 403),
        ("manager", 200),
        ("coordinator", 200),
        ("admin", 200),
    ],
)
def test_patch_per_role(as_role, organisation, role, status):
    response = as_role(role).patch(
        "/api/organisations/clutex",
        {
            "description": "Technical textiles",
            "terms": [{"vocabulary": "sectoral", "name": "Textiles"}],
        },
        content_type="application/json",
    )
    assert response.status_code == status, response.content
    organisation.refresh_from_db()
    changed = organisation.description == "Technical textiles"
    assert changed is (status == 200)
    if changed:
        assert [t.name for t in organisation.terms.all()] == ["Textiles"]
        assert response.json()["terms"][0]["name"] == "Textiles"


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("member", 403), ("manager", 201), ("coordinator", 201), ("admin", 201)],
)
def test_create_per_role(as_role, role, status):
    response = as_role(role).post(
        "/api/organisations",
        {"name": "Textil Liberec s.r.o.", "kind": "sme", "country": "CZ", "city": "Liberec"},
        content_type="application/json",
    )
    assert response.status_code == status, response.content
    assert Organisation.objects.filter(name="Textil Liberec s.r.o.").exists() is (status == 201)


def test_create_with_bad_data_is_400_with_field(as_role):
    response = as_role("admin").post(
        "/api/organisations", {"name": "X", "country": "Atlantis"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "country" and "Atlantis" in response.json()["detail"]
    response = as_role("admin").patch(
        "/api/organisations/clutex", {"kind": "spaceship"}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["field"] == "kind"


def test_token_auth_writes(client, manager_user):
    _token, raw = ApiToken.issue(manager_user, "ci")
    response = client.patch(
        "/api/organisations/clutex",
        {"website": "clutex.cz"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 200 and response.json()["website"] == "https://clutex.cz"


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("member", 403), ("manager", 200), ("coordinator", 200), ("admin", 200)],
)
def test_member_upload_per_role(as_role, cluster, role, status):
    upload = SimpleUploadedFile("members.csv", b"name,kind,country\nTextil a.s.,sme,CZ\n")
    response = as_role(role).post("/api/organisations/clutex/members", {"file": upload})
    assert response.status_code == status, response.content
    assert cluster.memberships.count() == (1 if status == 200 else 0)


def test_member_upload_problems(as_role, cluster):
    upload = SimpleUploadedFile("members.csv", b"name,country\nA,Atlantis\n")
    response = as_role("manager").post("/api/organisations/clutex/members", {"file": upload})
    assert response.status_code == 400
    assert response.json()["problems"] == ["row 2, column country: unknown country 'Atlantis'"]
    disguised = SimpleUploadedFile("members.xlsx", b"name,country\nA,CZ\n")
    response = as_role("manager").post("/api/organisations/clutex/members", {"file": disguised})
    assert response.status_code == 400 and "not an Excel workbook" in response.json()["detail"]
    assert cluster.memberships.count() == 0


def test_an_xlsx_bomb_is_refused_at_once_and_nothing_is_imported(as_role, cluster):
    import io
    import time
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr(
            "xl/sharedStrings.xml", "<sst><si><t>" + "A" * 60_000_000 + "</t></si></sst>"
        )
    upload = SimpleUploadedFile("members.xlsx", out.getvalue())
    started = time.process_time()
    response = as_role("manager").post("/api/organisations/clutex/members", {"file": upload})
    assert time.process_time() - started < 1
    assert response.status_code == 400
    assert "unpacks to more than" in response.json()["detail"]
    assert cluster.memberships.count() == 0
