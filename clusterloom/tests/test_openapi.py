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
