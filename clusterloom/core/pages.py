"""One way to write a page that changes something, for every app's views.

A form page binds its form on POST, calls the service with the cleaned data, shows a
DomainError on the form, says what happened and redirects; otherwise it renders the form (with
status 400 when it has errors). A step page (a POST button: open, close, approve) calls the
service, says what happened or what went wrong, and redirects. The views say only what differs:
the permission, the form, the service call, the message and where to go.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from .errors import DomainError
from .forms import form_error
from .permissions import page_permission

#: Where to go after a change: a URL name and its arguments, a URL, or a response.
Target = Any


def _go(target: Target, result):
    target = target(result) if callable(target) else target
    if isinstance(target, HttpResponseBase):
        return target
    if isinstance(target, (tuple, list)):
        return redirect(*target)
    return redirect(target)


def form_page(
    request,
    form,
    *,
    template: str,
    save: Callable[[dict], Any],
    done: Target,
    message: str | Callable[[Any], str] = "",
    context: dict | Callable[[Any], dict] | None = None,
    permission: tuple | None = None,
    error: Callable[[Any, DomainError], None] = form_error,
    also: Sequence = (),
    invalid_status: int = 400,
):
    """Validate `form` on POST and `save(cleaned_data)`; then `message` and redirect to `done`
    (each may be a function of what `save` returned). A DomainError goes on the form (by
    `error`), which is shown again with status `invalid_status`; `context` may be a function of
    the form. `also` are further forms of the page that must be valid too (`save` reads them).
    `permission` is (perm, object): without it the user is sent to log in or refused first."""
    if permission is not None:
        refused = page_permission(request, *permission)
        if refused:
            return refused
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in also):
        try:
            result = save(form.cleaned_data)
        except DomainError as failure:
            error(form, failure)
        else:
            text = message(result) if callable(message) else message
            if text:
                messages.success(request, text)
            return _go(done, result)
    status = invalid_status if form.errors or any(f.errors for f in also) else 200
    extra = context(form) if callable(context) else context or {}
    return render(request, template, {"form": form, **extra}, status=status)


def step(
    request,
    do: Callable[[], Any],
    *,
    done: Target,
    message: str | Callable[[Any], str] = "",
    permission: tuple | None = None,
    failed: Target = None,
):
    """Run one change (a POST button): say `message` when it worked, the DomainError's message
    when it did not, and redirect to `done` either way (to `failed` instead, when given, after
    a failure); `permission` as for form_page."""
    if permission is not None:
        refused = page_permission(request, *permission)
        if refused:
            return refused
    result = None
    try:
        result = do()
    except DomainError as error:
        messages.error(request, error.message)
        if failed is not None:
            return _go(failed, result)
    else:
        text = message(result) if callable(message) else message
        if text:
            messages.success(request, text)
    return _go(done, result)
