"""Keep match profiles in step with the directory: a change queues a refresh on commit."""

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import PartnershipMember

#: Organisations with a refresh waiting for commit, per thread: one save touches an
#: organisation several times (row, terms, ...) and it is refreshed once.
_pending = threading.local()


def _pending_ids() -> set[int]:
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    return _pending.ids


def _refresh_once(organisation_id: int) -> None:
    pending = _pending_ids()
    if organisation_id not in pending:
        return  # an earlier callback of this commit queued it
    pending.discard(organisation_id)
    from .tasks import match_profile_refresh

    match_profile_refresh.delay(organisation_id)


def profile_refresh_on_commit(organisation_id: int | None) -> None:
    """Queue `match_profile_refresh` for an organisation once the transaction commits."""
    if organisation_id is None:
        return
    _pending_ids().add(organisation_id)
    # Every change registers its callback (a rolled-back one leaves nothing behind); the
    # first to run queues the refresh. robust: a failing refresh is logged, never turning the
    # user's saved change into an error.
    transaction.on_commit(lambda: _refresh_once(organisation_id), robust=True)


def _organisation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        profile_refresh_on_commit(instance.pk)


def _organisation_deleted(sender, instance, **kwargs):
    profile_refresh_on_commit(instance.pk)


def _organisation_terms_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        profile_refresh_on_commit(instance.pk)
    else:  # term.organisations.add(...): the organisations are in pk_set
        for pk in pk_set or ():
            profile_refresh_on_commit(pk)


def _membership_changed(sender, instance, raw=False, **kwargs):
    """A partner joined or left: its activity and every co-member's partners change."""
    if raw:
        return
    co_members = PartnershipMember.objects.filter(partnership_id=instance.partnership_id)
    for organisation_id in {
        instance.organisation_id,
        *co_members.values_list("organisation_id", flat=True),
    }:
        profile_refresh_on_commit(organisation_id)


def connect() -> None:
    """Connect the signals (called from MatchingConfig.ready)."""
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="match_org_save")
    post_delete.connect(_organisation_deleted, sender=Organisation, dispatch_uid="match_org_del")
    m2m_changed.connect(
        _organisation_terms_changed,
        sender=Organisation.terms.through,
        dispatch_uid="match_org_terms",
    )
    post_save.connect(_membership_changed, sender=PartnershipMember, dispatch_uid="match_pm_save")
    post_delete.connect(
        _membership_changed, sender=PartnershipMember, dispatch_uid="match_pm_delete"
    )
