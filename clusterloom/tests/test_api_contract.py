"""The API keeps its OpenAPI contract: schemathesis sends generated requests to every operation
as anonymous, member, coordinator and admin, and every answer is a declared status with a JSON
body of the declared schema, never a server error. Bounded for CI: API_CONTRACT_EXAMPLES
examples per operation and role (derandomised, so a run is repeatable)."""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clusterloom.directory.tests.factories import AdminFactory, MemberUserFactory, UserFactory
from clusterloom.partnerships.tests.factories import PartnershipFactory, PartnershipMemberFactory

from .api_roles import bearer
from .connections import wsgi_app_in_test_transaction

EXAMPLES = int(os.environ.get("API_CONTRACT_EXAMPLES", 2))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ["anonymous", "member", "coordinator", "admin"]


@pytest.fixture
def headers(db, request):
    """The Authorization header of the role (a partnership's coordinator, a member of one of
    its partners, an admin), with a published partnership for ids to point at."""
    role = request.param
    partnership = PartnershipFactory(acronym="XTEX", slug="xtex", is_published=True)
    if role == "anonymous":
        return {}
    if role == "member":
        user = MemberUserFactory(username="member")
        PartnershipMemberFactory(partnership=partnership, organisation=user.person.organisation)
    elif role == "coordinator":
        user = UserFactory(username="coordinator")
        partnership.coordinators.add(user)
    else:
        user = AdminFactory(username="admin")
    return bearer(user)


def _runner(operation, mode, headers, failures: list[str], calls: list[str]):
    """A hypothesis test sending EXAMPLES generated requests to one operation: valid ones
    (positive) or ones that break the schema (negative: wrong types, missing fields)."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        calls.append(operation.label)
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except Exception as error:  # noqa: BLE001 - collected, reported all at once
            failures.append(f"{operation.label} ({mode}): {str(error).strip()[:400]}")
            raise

    return run


def _failures(schema, headers) -> list[str]:
    failures: list[str] = []
    calls: list[str] = []
    for result in schema.get_all_operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _runner(result.ok(), mode, headers, failures, calls)()
            except Exception:  # noqa: BLE001, S112 - the failure is in `failures`
                continue
    assert len(set(calls)) > 100, "schemathesis reached too few operations"
    return failures


@pytest.mark.parametrize("headers", ROLES, indirect=True)
def test_every_operation_keeps_its_contract(headers):
    Client().get("/api/openapi.json")  # the first request loads the URL conf
    app = wsgi_app_in_test_transaction(get_wsgi_application())
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures = _failures(schema, headers)
    assert not failures, "\n".join(failures)
