"""API authentication: the browser session (with CSRF) or a bearer API token."""

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cl_...`: acts as the token's user."""

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


class BrowserSessionAuth(SessionAuth):
    """The logged-in browser session, CSRF-checked; a caller without a session gets a 401."""

    def _get_key(self, request):
        if not request.COOKIES.get(self.param_name):
            return None  # no session at all: "authentication required", not a CSRF failure
        return super()._get_key(request)


#: Writes accept a logged-in browser session (with its CSRF token) or an API token.
WRITE_AUTH = [TokenAuth(), BrowserSessionAuth()]
