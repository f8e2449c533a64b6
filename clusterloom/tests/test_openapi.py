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


#: Operations that the events and ClusterXchange clients rely on, as (path, method).
OPERATIONS = [
    ("/api/events", "get"),
    ("/api/events", "post"),
    ("/api/events/{slug}", "patch"),
    ("/api/events/{slug}/tables", "put"),
    ("/api/events/{slug}/participants/import", "post"),
    ("/api/events/{slug}/participants/{participant_id}/review", "post"),
    ("/api/events/{slug}/suggestions", "get"),
    ("/api/events/{slug}/meetings/{meeting_id}/reschedule", "post"),
    ("/api/events/{slug}/schedule", "post"),
    ("/api/events/{slug}/schedule/publish", "post"),
    ("/api/events/{slug}/statistics", "get"),
    ("/api/exchanges/calls", "post"),
    ("/api/exchanges/calls/{slug}/applications", "post"),
    ("/api/exchanges/applications/{application_id}/suggestions", "get"),
    ("/api/exchanges/offers/{offer_id}", "patch"),
    ("/api/exchanges/exchanges/{exchange_id}/evidence", "post"),
    ("/api/exchanges/exchanges/{exchange_id}/paid", "post"),
    ("/api/partnerships/{slug}/exchange-progress", "get"),
    ("/api/partnerships/{slug}", "get"),
]
#: Of these, the POSTs that take a file (multipart).
UPLOADS = [
    "/api/events/{slug}/participants/import",
    "/api/exchanges/exchanges/{exchange_id}/evidence",
]
#: Fields of each app's error schema beyond the detail.
ERROR_FIELDS = {
    "EventErrorOut": {"detail", "field", "line"},
    "ExchangeErrorOut": {"detail", "field", "failures"},
}


def test_the_event_and_exchange_operations_are_documented(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert [(path, method) for path, method in OPERATIONS if method not in paths[path]] == []
    for path in UPLOADS:
        assert "multipart/form-data" in paths[path]["post"]["requestBody"]["content"], path
    for name, fields in ERROR_FIELDS.items():
        assert fields <= set(schema["components"]["schemas"][name]["properties"]), name


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
