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

api = NinjaAPI(
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
