"""Writes of partner requests: post, edit, close, follow, express interest, notify the poster."""

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.bounds import MAX_TEXT
from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.names import display_name
from clusterloom.core.permissions import has_rule_perm, is_admin, organisations_of_coordinated
from clusterloom.directory.models import Organisation

from .models import PartnerInterest, PartnerRequest, RequestStatus
from .selectors import term_keys_resolve, user_organisations

REQUEST_FIELDS = ("title", "sought", "offered", "terms", "deadline", "is_public")


def organisations_for_requests(user):
    """Organisations a user may post a request for (an admin: any)."""
    if is_admin(user):
        return Organisation.objects.order_by("name")
    ids = {o.pk for o in user_organisations(user)} | organisations_of_coordinated(user)
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def _deny_unless(user, perm: str, obj=None, message: str | None = None) -> None:
    if not has_rule_perm(user, perm, obj):
        raise PermissionDenied(message or _("You are not allowed to do this."))


def _clean(data: dict[str, Any], *, partial: bool, current=None) -> dict[str, Any]:
    """Check a request's fields; missing ones are left out when `partial`. A text longer than
    core.bounds.MAX_TEXT is refused unless it is the `current` request's own (saved before
    the bound: it stays editable)."""
    clean: dict[str, Any] = {}
    for name in ("title", "sought", "offered"):
        if name in data or not partial:
            clean[name] = str(data.get(name) or "").strip()
    if "title" in clean:
        if not clean["title"]:
            raise DomainError(_("A request needs a title."), field="title")
        if len(clean["title"]) > 200:
            raise DomainError(_("The title is too long (200 characters at most)."), field="title")
    if "sought" in clean and not clean["sought"]:
        raise DomainError(_("Say what kind of partner you are looking for."), field="sought")
    for name in ("sought", "offered"):
        text = clean.get(name, "")
        if len(text) > MAX_TEXT and text != getattr(current, name, None):
            raise DomainError(
                _("Too long: %(limit)s characters at most.") % {"limit": f"{MAX_TEXT:,}"},
                field=name,
            )
    if "terms" in data or not partial:
        terms = data.get("terms") or []
        clean["terms"] = [
            t if hasattr(t, "vocabulary") else term_keys_resolve([t])[0] for t in terms
        ]
    if "deadline" in data or not partial:
        deadline = data.get("deadline")
        if isinstance(deadline, str) and deadline:
            try:
                deadline = datetime.date.fromisoformat(deadline)
            except ValueError:
                raise DomainError(
                    _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": deadline},
                    field="deadline",
                ) from None
        if deadline and deadline < timezone.localdate():
            raise DomainError(_("The deadline lies in the past."), field="deadline")
        clean["deadline"] = deadline or None
    if "is_public" in data or not partial:
        clean["is_public"] = bool(data.get("is_public", True))
    return clean


@transaction.atomic
def partner_request_create(*, actor, organisation: Organisation, data: dict) -> PartnerRequest:
    """Post a partner request for one of the actor's organisations."""
    _deny_unless(
        actor,
        "matching.add_partnerrequest",
        message=_("Only members, cluster managers and coordinators may post partner requests."),
    )
    if not organisations_for_requests(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied(
            _("You may post requests only for your own organisation."), field="organisation"
        )
    clean = _clean(data, partial=False)
    terms = clean.pop("terms")
    partner_request = PartnerRequest.objects.create(
        organisation=organisation, posted_by=actor, **clean
    )
    partner_request.terms.set(terms)
    audit(actor, "matching.request_posted", partner_request, to_state=RequestStatus.OPEN)
    return partner_request


@transaction.atomic
def partner_request_update(*, actor, partner_request: PartnerRequest, data: dict) -> PartnerRequest:
    """Change a request's texts, terms, deadline or visibility (its poster or an admin)."""
    _deny_unless(actor, "matching.change_partnerrequest", partner_request)
    clean = _clean(
        {k: v for k, v in data.items() if k in REQUEST_FIELDS},
        partial=True,
        current=partner_request,
    )
    changes = {}
    terms = clean.pop("terms", None)
    for name, value in clean.items():
        before = getattr(partner_request, name)
        if before != value:
            changes[name] = [str(before), str(value)]
            setattr(partner_request, name, value)
    partner_request.save()
    if terms is not None:
        before = sorted(str(t) for t in partner_request.terms.all())
        partner_request.terms.set(terms)
        after = sorted(str(t) for t in terms)
        if before != after:
            changes["terms"] = [before, after]
    audit(actor, "matching.request_updated", partner_request, changes=changes)
    return partner_request


@transaction.atomic
def partner_request_close(*, actor, partner_request: PartnerRequest) -> PartnerRequest:
    """Close a request: it stays readable and takes no more interest."""
    _deny_unless(
        actor,
        "matching.change_partnerrequest",
        partner_request,
        _("Only the poster or an admin may close this request."),
    )
    if not partner_request.is_open:
        raise DomainError(_("This request is already closed."), field="status")
    partner_request.status = RequestStatus.CLOSED
    partner_request.closed_at = timezone.now()
    partner_request.save(update_fields=["status", "closed_at", "updated_at"])
    audit(
        actor,
        "matching.request_closed",
        partner_request,
        from_state=RequestStatus.OPEN,
        to_state=RequestStatus.CLOSED,
    )
    return partner_request


@transaction.atomic
def partner_request_follow(*, actor, partner_request: PartnerRequest, follow: bool = True) -> bool:
    """Follow (or stop following) a request; returns whether the actor now follows it."""
    _deny_unless(
        actor,
        "matching.follow_partnerrequest",
        partner_request,
        _("Log in as a member to follow partner requests; you cannot follow your own."),
    )
    following = partner_request.followers.filter(pk=actor.pk).exists()
    if follow and not following:
        partner_request.followers.add(actor)
        audit(actor, "matching.request_followed", partner_request)
    elif not follow and following:
        partner_request.followers.remove(actor)
        audit(actor, "matching.request_unfollowed", partner_request)
    return follow


def partner_interest_express(
    *,
    actor,
    partner_request: PartnerRequest,
    message: str,
    organisation: Organisation | None = None,
) -> PartnerInterest:
    """Tell the poster the actor is interested; the poster gets an e-mail once this commits."""
    if partner_request.posted_by_id == getattr(actor, "pk", None):
        raise DomainError(_("You cannot express interest in your own request."), field="request")
    _deny_unless(
        actor,
        "matching.express_interest",
        partner_request,
        _("Log in as a member, cluster manager or coordinator to express interest."),
    )
    if not partner_request.is_open:
        raise DomainError(_("This request is closed."), field="request")
    if partner_request.deadline and partner_request.deadline < timezone.localdate():
        raise DomainError(_("The deadline of this request has passed."), field="request")
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Write a short message to the poster."), field="message")
    if len(message) > 5000:
        raise DomainError(_("The message is too long (5,000 characters at most)."), field="message")
    if organisation is None:
        organisations = user_organisations(actor)
        organisation = organisations[0] if organisations else None
    try:
        with transaction.atomic():
            interest = PartnerInterest.objects.create(
                request=partner_request, user=actor, organisation=organisation, message=message
            )
            audit(actor, "matching.interest_expressed", partner_request)
            from .tasks import partner_interest_notify

            interest_id = interest.pk
            transaction.on_commit(lambda: partner_interest_notify.delay(interest_id), robust=True)
    except IntegrityError:
        raise DomainError(
            _("You have already expressed interest in this request."), field="request"
        ) from None
    return interest


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def partner_interest_notify(*, interest_id: int) -> bool:
    """E-mail the poster about one expression of interest (once); False when nobody to tell."""
    interest = (
        PartnerInterest.objects.select_for_update(of=("self",))
        .select_related("request__posted_by", "user", "organisation")
        .filter(pk=interest_id)
        .first()
    )
    if interest is None or interest.notified_at is not None:
        return False
    poster = interest.request.posted_by
    if poster is None or not poster.email:
        return False
    who = display_name(interest.user)
    if interest.organisation:
        who = f"{who} ({interest.organisation.name})"
    url = _absolute(reverse("partner_request_detail", args=[interest.request.pk]))
    subject = _("New interest in your partner request “%(title)s”") % {
        "title": interest.request.title
    }
    body = _(
        "%(who)s is interested in your partner request “%(title)s”.\n\n"
        "Their message:\n%(message)s\n\nSee the request and reply: %(url)s\n"
    ) % {"who": who, "title": interest.request.title, "message": interest.message, "url": url}
    reply_to = [interest.user.email] if interest.user.email else None
    EmailMessage(
        subject=subject.replace("\n", " ")[:200],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[poster.email],
        reply_to=reply_to,
    ).send()
    interest.notified_at = timezone.now()
    interest.save(update_fields=["notified_at", "updated_at"])
    audit(None, "matching.interest_notified", interest.request, changes={"to": poster.pk})
    return True
