"""Keep match profiles in step with the directory: a change queues a refresh on commit."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from clusterloom.directory.models import Organisation
from clusterloom.partnerships.models import PartnershipMember


def profile_refresh_on_commit(organisation_id: int | None) -> None:
    """Queue `match_profile_refresh` for an organisation once the transaction commits."""
    if organisation_id is None:
        return
    from .tasks import match_profile_refresh

    # robust: a failing refresh is logged and never turns the user's saved change into an error.
    transaction.on_commit(lambda: match_profile_refresh.delay(organisation_id), robust=True)


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
