"""The JSON API at /api/ (OpenAPI at /api/docs): each app contributes its router."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from clusterloom.activities.api import router as activities_router
from clusterloom.core.errors import DomainError
from clusterloom.directory.api import router as directory_router
from clusterloom.events.api import router as events_router
from clusterloom.excellence.api import router as excellence_router
from clusterloom.excellence.strategy_api import router as strategies_router
from clusterloom.exchanges.api import partnership_router as exchanges_partnership_router
from clusterloom.exchanges.api import router as exchanges_router
from clusterloom.exchanges.errors import IneligibleError
from clusterloom.matching.api import router as matching_router
from clusterloom.partnerships.api import router as partnerships_router
from clusterloom.reporting.api import router as reporting_router

#: What each error status means, for the operations that may answer it (see _declare_errors).
ERROR_STATUSES = {
    400: "A rule the input breaks, a malformed or too large body: `detail`, `field`, `line`.",
    401: "No valid session or token.",
    403: "The caller may not do this.",
    404: "No such object (or one the caller may not see), or no such path.",
    422: "Input of the wrong type or shape: `detail` lists each problem.",
    429: "Too many failed logins or unknown tokens from this address: try again later.",
    503: "The database is busy with another change (a lock held longer than "
    "DATABASE_LOCK_TIMEOUT): try again after `Retry-After` seconds.",
}
#: Methods that write: only they wait for a lock, so only they may answer 503.
WRITE_METHODS = {"post", "put", "patch", "delete"}
VALIDATION_ERROR = {
    "title": "ValidationErrorOut",
    "type": "object",
    "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
    "required": ["detail"],
}


class ClusterloomAPI(NinjaAPI):
    """The API, whose OpenAPI document declares every error status an operation can answer."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Ninja's document, with the error statuses of each operation added."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _declare_errors(schema)
        return schema


def _declare_errors(schema) -> None:
    """Add to each operation the error statuses it can answer, whatever its router declared:
    400 and 404 for every one (bad body, unknown path), 422 where it takes input, 401/403/429
    where it authenticates, 503 where it writes."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ValidationErrorOut", VALIDATION_ERROR)
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            codes = {400, 404}
            if operation.get("parameters") or operation.get("requestBody"):
                codes.add(422)
            if operation.get("security"):
                codes |= {401, 403, 429}
            if method in WRITE_METHODS:
                codes.add(503)
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                if str(code) in responses or code in responses:
                    continue
                body = {"$ref": "#/components/schemas/ValidationErrorOut"} if code == 422 else error
                responses[code] = {
                    "description": ERROR_STATUSES[code],
                    "content": {"application/json": {"schema": body}},
                }


api = ClusterloomAPI(
    title="clusterloom API",
    version="1",
    description=(
        "Partnerships, organisations and clusters. Reads of public data need no login; writes "
        "need a session or an API token (`Authorization: Bearer ...`) with the right role."
    ),
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    """A rule the caller broke: its message and where, never a stack trace."""
    body = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    if exc.line is not None:
        body["line"] = exc.line
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(IneligibleError)
def ineligible_error(request: HttpRequest, exc: IneligibleError):
    """A ClusterXchange rule not met: the message and field, plus every failing rule."""
    body = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    body["failures"] = [
        {"rule": rule, "field": field, "message": message} for rule, field, message in exc.failures
    ]
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError):
    """No valid session or token."""
    return api.create_response(request, {"detail": "Authentication required."}, status=401)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    """Malformed input: which field and why."""
    return api.create_response(request, {"detail": exc.errors}, status=422)


api.add_router("/partnerships", partnerships_router)
# ClusterXchange: /api/exchanges/... and /api/partnerships/{slug}/exchange-progress.
api.add_router("/exchanges", exchanges_router)
api.add_router("/partnerships", exchanges_partnership_router)
api.add_router("/organisations", directory_router)
# Matchmaking events: /api/events/... (meetings, participants, schedule under each event).
api.add_router("/events", events_router)
# Partner matching: /api/match/... and /api/organisations/{id}/suggestions.
api.add_router("", matching_router)
# Excellence: /api/excellence/... (labels, benchmarkings, indicator sets, cluster services).
api.add_router("/excellence", excellence_router)
# Strategies and roadmaps: /api/strategies/...
api.add_router("/strategies", strategies_router)
# Joint activities: /api/activities/...
api.add_router("/activities", activities_router)
# KPIs and reports: /api/partnerships/{slug}/kpis and /api/reporting/...
api.add_router("", reporting_router)
