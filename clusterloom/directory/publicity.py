"""What a person publishes about themselves: name and job title on public pages (a public
profile), and the e-mail address where they are a partnership's contact person."""

from django.db import transaction

from clusterloom.core.audit import audit
from clusterloom.core.permissions import require

from .models import Person


@transaction.atomic
def person_publicity_set(*, actor, person: Person, consent_public: bool, email_public: bool):
    """The person's own choice (or an admin's); no e-mail address without a public profile."""
    require(actor, "directory.publish_person", person)
    wanted = {"consent_public": bool(consent_public)}
    wanted["email_public"] = bool(email_public) and wanted["consent_public"]
    changes = {k: [getattr(person, k), v] for k, v in wanted.items() if getattr(person, k) != v}
    if changes:
        for name, (_old, new) in changes.items():
            setattr(person, name, new)
        person.save(update_fields=[*changes, "updated_at"])
        audit(actor, "person.publicity_set", person, changes=changes)
    return person
