"""A partnership's contact person: one of its partners' people, chosen by a coordinator and
shown on the public profile without publishing an e-mail address the person did not agree to.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from clusterloom.core.audit import audit
from clusterloom.core.errors import DomainError
from clusterloom.core.permissions import require
from clusterloom.directory.models import Person

from .models import Partnership


def contact_candidates(partnership: Partnership):
    """The people a coordinator may choose: at a partner organisation, with a public profile."""
    return (
        Person.objects.filter(
            organisation__partnership_memberships__partnership=partnership, consent_public=True
        )
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
        .distinct()
    )


@transaction.atomic
def partnership_contact_set(*, actor, partnership: Partnership, person: Person | None):
    """Make `person` the partnership's contact person (None: no contact person)."""
    require(actor, "partnerships.change_partnership", partnership)
    if person is not None and not contact_candidates(partnership).filter(pk=person.pk).exists():
        name = f"{person.first_name} {person.last_name}"
        if person.organisation_id not in set(
            partnership.members.values_list("organisation_id", flat=True)
        ):
            message = _("%(name)s does not work at a partner of %(acronym)s.")
        else:
            message = _(
                "%(name)s has not agreed to a public profile; only a person who has can be the "
                "contact person."
            )
        raise DomainError(
            message % {"name": name, "acronym": partnership.acronym}, field="contact_person"
        )
    if partnership.contact_person_id != (person.pk if person else None):
        old = partnership.contact_person
        partnership.contact_person = person
        partnership.save(update_fields=["contact_person", "updated_at"])
        changes = {"contact_person": [str(old) if old else None, str(person) if person else None]}
        audit(actor, "partnership.contact_set", partnership, changes=changes)
    return partnership


def public_contact(partnership: Partnership, user) -> dict | None:
    """What the profile shows of its contact person, or None (none chosen, or the person has
    since withdrawn their public profile or left the partnership). The e-mail address only
    where the person agreed to show it publicly, or to a signed-in user."""
    person = partnership.contact_person
    if person is None or not contact_candidates(partnership).filter(pk=person.pk).exists():
        return None
    email = person.email or (person.user.email if person.user_id else "")
    shown = bool(email) and (person.email_public or user.is_authenticated)
    withheld = bool(email) and not shown
    return {"person": person, "email": email if shown else "", "withheld": withheld}


def contact_export(user):
    """The partnerships whose contact person the user is (GDPR)."""
    person = getattr(user, "person", None)
    if person is None:
        return None
    acronyms = list(
        Partnership.objects.filter(contact_person=person).values_list("acronym", flat=True)
    )
    return {"contact_person_of": acronyms} if acronyms else None


def contact_erase(user) -> None:
    """The user is nobody's contact person any more (GDPR)."""
    person = getattr(user, "person", None)
    if person is not None:
        # One by one (a handful at most): each save tells the page cache the profile changed.
        for partnership in Partnership.objects.filter(contact_person=person):
            partnership.contact_person = None
            partnership.save(update_fields=["contact_person", "updated_at"])
