"""The OpenAPI document names each schema once: two routers' schemas of different shapes under
one name would show one of them wrongly in /api/docs and in generated clients."""

from collections import defaultdict

from ninja import Schema


def _schemas(cls, found):
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("clusterloom."):
            found[sub.__name__].add((tuple(sorted(sub.model_fields)), sub.__module__))
        _schemas(sub, found)
    return found


def test_no_two_api_schemas_of_different_shapes_share_a_name():
    import clusterloom.api  # noqa: F401 - every router and its schemas

    found = _schemas(Schema, defaultdict(set))
    clashes = {
        name: sorted(module for _fields, module in rows)
        for name, rows in found.items()
        if len({fields for fields, _module in rows}) > 1
    }
    assert clashes == {}


def test_the_openapi_document_builds(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "ErrorOut" in response.json()["components"]["schemas"]


def test_api_errors_are_json_everywhere(client, admin_user, settings):
    from .api_roles import bearer

    for path in ("/api/strategies/abc", "/api/strategies/abc/versions/1", "/api/no-such-thing"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found."}, path
    body = b'{"title": "' + b"a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}'
    response = client.post(
        "/api/partnerships", body, content_type="application/json", headers=bearer(admin_user)
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request body is larger than")


def test_every_operation_declares_the_errors_it_can_answer(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    create = paths["/api/partnerships"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "422", "429"} <= set(map(str, create))
    assert "ValidationErrorOut" in str(create["422"])
    for methods in paths.values():
        for operation in methods.values():
            assert {"400", "404"} <= set(map(str, operation["responses"]))
