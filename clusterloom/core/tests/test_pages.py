"""core.pages: the one way a page changes something (form_page, step), its permission check,
the app's own error display, a context built from the bound form, and where a failed step goes."""

from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.test import RequestFactory

from clusterloom.core import pages
from clusterloom.core.errors import DomainError


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


class User(SimpleNamespace):
    """A logged-in user holding only the permissions it is given."""

    is_authenticated = True

    def has_perm(self, perm, obj=None):
        return (perm, obj) in self.perms


def request_of(user, method="get", data=None):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def rendered(monkeypatch):
    """What form_page renders: template, context and status instead of a page."""
    seen = {}

    def render(request, template, context, status=200):
        seen.update(template=template, context=context, status=status)
        return SimpleNamespace(status_code=status)

    monkeypatch.setattr(pages, "render", render)
    return seen


def texts(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


def never(*args, **kwargs):
    raise AssertionError("the change ran for someone without the permission")


def test_an_anonymous_visitor_is_sent_to_log_in_before_anything_changes():
    request = request_of(AnonymousUser(), "post", {"name": "x"})
    response = pages.form_page(
        request,
        NameForm(request.POST),
        permission=("app.change", "thing"),
        template="t.html",
        save=never,
        done="/done/",
    )
    assert response.status_code == 302 and "/somewhere/" in response.url
    assert pages.step(request, never, permission=("app.change", "thing"), done="/d/").status_code
    assert texts(request) == []


def test_a_user_without_the_permission_is_refused_and_nothing_changes():
    request = request_of(User(perms=set()), "post", {"name": "x"})
    with pytest.raises(PermissionDenied):
        pages.form_page(
            request,
            NameForm(request.POST),
            permission=("app.change", "thing"),
            template="t.html",
            save=never,
            done="/done/",
        )
    with pytest.raises(PermissionDenied):
        pages.step(request, never, permission=("app.change", "thing"), done="/done/")


def test_a_valid_form_is_saved_said_and_redirected_where_the_result_says():
    request = request_of(User(perms={("app.change", "thing")}), "post", {"name": "Ada"})
    saved = []
    response = pages.form_page(
        request,
        NameForm(request.POST),
        permission=("app.change", "thing"),
        template="t.html",
        save=lambda data: saved.append(data) or "ada",
        message=lambda result: f"Saved {result}.",
        done=lambda result: f"/people/{result}/",
    )
    assert saved == [{"name": "Ada"}]
    assert (response.status_code, response.url) == (302, "/people/ada/")
    assert texts(request) == ["Saved ada."]


def test_a_domain_error_goes_through_the_apps_error_display_with_the_forms_context(rendered):
    request = request_of(User(perms={("app.change", "thing")}), "post", {"name": "Ada"})
    shown = []

    def on_top(form, error):
        shown.append(error.message)
        form.add_error(None, error.message)

    def save(data):
        raise DomainError("Taken.", field="name")

    pages.form_page(
        request,
        NameForm(request.POST),
        permission=("app.change", "thing"),
        template="t.html",
        error=on_top,
        context=lambda form: {"bound": form.is_bound, "valid": not form.errors},
        save=save,
        done="/done/",
    )
    assert shown == ["Taken."]
    assert rendered["status"] == 400 and rendered["template"] == "t.html"
    assert rendered["context"]["form"].non_field_errors() == ["Taken."]
    assert rendered["context"]["bound"] is True and rendered["context"]["valid"] is False
    assert texts(request) == []


def test_without_an_error_display_the_error_goes_on_its_field(rendered):
    request = request_of(User(perms=set()), "post", {"name": "Ada"})

    def save(data):
        raise DomainError("Taken.", field="name")

    pages.form_page(request, NameForm(request.POST), template="t.html", save=save, done="/")
    assert rendered["status"] == 400
    assert rendered["context"]["form"].errors == {"name": ["Taken."]}


def test_a_failed_step_says_why_and_goes_where_failures_go():
    request = request_of(User(perms={("app.change", "thing")}), "post")

    def fail():
        raise DomainError("Not now.")

    response = pages.step(
        request,
        fail,
        permission=("app.change", "thing"),
        message="Done.",
        done="/done/",
        failed=("/failed/",),
    )
    assert response.url == "/failed/"
    assert texts(request) == ["Not now."]
    request = request_of(User(perms=set()), "post")
    response = pages.step(request, lambda: None, message="Done.", done="/done/", failed="/x/")
    assert response.url == "/done/"
    assert texts(request) == ["Done."]


def test_a_page_of_two_forms_saves_only_when_both_are_valid(rendered):
    request = request_of(User(perms=set()), "post", {"name": "Ada", "other-name": "far too long"})
    other = NameForm(request.POST, prefix="other")
    pages.form_page(
        request, NameForm(request.POST), also=[other], template="t.html", save=never, done="/"
    )
    assert rendered["status"] == 400 and list(other.errors) == ["name"]
    request = request_of(User(perms=set()), "post", {"name": "Ada", "other-name": "Bob"})
    other = NameForm(request.POST, prefix="other")
    response = pages.form_page(
        request,
        NameForm(request.POST),
        also=[other],
        template="t.html",
        save=lambda data: (data["name"], other.cleaned_data["name"]),
        done=lambda names: f"/{'/'.join(names)}/",
    )
    assert response.url == "/Ada/Bob/"


def test_errors_may_be_shown_with_the_pages_own_status_and_done_may_be_a_response(rendered):
    request = request_of(User(perms=set()), "post", {"name": ""})
    pages.form_page(
        request, NameForm(request.POST), template="t.html", save=never, done="/", invalid_status=200
    )
    assert rendered["status"] == 200 and rendered["context"]["form"].errors
    request = request_of(User(perms=set()), "post", {"name": "Ada"})
    back = HttpResponseRedirect("/back/?slot=3")
    response = pages.form_page(
        request,
        NameForm(request.POST),
        template="t.html",
        save=lambda data: None,
        done=lambda _result: back,
    )
    assert response is back
