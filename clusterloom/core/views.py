"""The user's own account page: roles, API tokens, personal-data export and erasure."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from . import home, services, throttle
from .locks import busy_response_for_current_exception
from .names import display_name
from .permissions import roles_of


@login_required
def my_home(request):
    """The user's own page after login: what needs them, then their own things by role."""
    return render(
        request,
        "core/home.html",
        {
            "display_name": display_name(request.user),
            "roles": roles_of(request.user),
            "tasks": home.tasks_for(request.user),
            "sections": home.sections_for(request.user),
        },
    )


class LoginView(auth_views.LoginView):
    """Django's login, refusing an account or address after too many failed attempts (429,
    with the reason on the form) without checking the password."""

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")[:150]
        try:
            throttle.login_check(request, username)
        except throttle.Throttled as refused:
            # Bound to the name only: with no password the form never authenticates.
            form = self.form_class(request, data={"username": username})
            context = self.get_context_data(form=form, refused=refused.message)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.login_failed(self.request, self.request.POST.get("username", "")[:150])
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.failures_clear("login-user", self.request.POST.get("username", "")[:150])
        return super().form_valid(form)


@login_required
def account(request):
    """Show the user's roles and tokens; issue a token on POST."""
    new_token = None
    if request.method == "POST":
        name = (request.POST.get("token_name") or "").strip()[:100]
        if not name:
            messages.error(request, _("Give the token a name."))
        else:
            _token, new_token = services.api_token_issue(user=request.user, name=name)
    return render(
        request,
        "core/account.html",
        {
            "roles": roles_of(request.user),
            "tokens": request.user.api_tokens.all(),
            "new_token": new_token,
        },
    )


@login_required
def account_export(request):
    """Download everything the platform holds about the user (GDPR Art. 15/20)."""
    data = services.personal_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="clusterloom-my-data.json"'
    return response


@login_required
@require_POST
def account_erase(request):
    """Erase the user's personal data (GDPR Art. 17) after confirmation."""
    if request.POST.get("confirm") != "erase":
        messages.error(request, _("Tick the box to confirm the erasure."))
        return redirect("account")
    user = request.user
    logout(request)
    services.account_erase(user=user)
    messages.success(request, _("Your account and personal data have been erased."))
    return redirect("home")


def favicon(request):
    """Browsers ask for /favicon.ico on every site whatever the page links: send the icon."""
    from django.templatetags.static import static

    return redirect(static("img/favicon.ico"), permanent=True)


def healthz(request):
    """Liveness probe for load balancers, and the trivial view benchmarks compare against."""
    return HttpResponse("ok", content_type="text/plain")


def language_switch(request, code):
    """Switch the interface language (a cookie) and go back to the page the user was on.

    A plain link rather than Django's POST form, so public pages carry no CSRF token and can
    be served from the page cache.
    """
    languages = dict(settings.LANGUAGES)
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if code in languages:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    """400: JSON under /api/ (a body over DATA_UPLOAD_MAX_MEMORY_SIZE among others)."""
    if _is_api(request):
        from django.core.exceptions import RequestDataTooBig

        if isinstance(exception, RequestDataTooBig):
            detail = _("The request body is larger than %(max)d bytes.") % {
                "max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            }
        else:
            detail = _("Bad request.")
        return JsonResponse({"detail": detail}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception):
    """404: JSON under /api/ (a path no operation answers, such as a non-numeric id)."""
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500: JSON under /api/, Django's page elsewhere (never a stack trace); a write that ran
    into DATABASE_LOCK_TIMEOUT outside a view (a middleware's) answers 503 instead."""
    busy = busy_response_for_current_exception(request)
    if busy is not None:
        return busy
    if _is_api(request):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return defaults.server_error(request)
