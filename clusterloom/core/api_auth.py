"""API authentication: the browser session (with CSRF) or a bearer API token."""

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

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


#: Writes accept a logged-in browser session or an API token.
WRITE_AUTH = [TokenAuth(), django_auth]
