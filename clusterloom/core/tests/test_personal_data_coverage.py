"""Every field of every model that points at a user or a directory person is answered for by a
registered personal-data handler (exported and erased), so a new model cannot quietly keep
someone's data after erasure."""

from django.apps import apps
from django.contrib.auth import get_user_model

from clusterloom.core import personal_data
from clusterloom.directory.models import Person


def _personal_fields() -> set[str]:
    targets = {get_user_model(), Person}
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("clusterloom."):
            continue
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and field.is_relation:
                if field.related_model in targets:
                    found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_user_or_person_field_is_covered_by_a_handler():
    missing = _personal_fields() - personal_data.covered_fields()
    assert not missing, f"no personal-data handler exports and erases: {sorted(missing)}"


def test_covered_fields_exist():
    # A handler naming a field that is gone would hide a gap.
    assert personal_data.covered_fields() <= _personal_fields()


def test_every_app_with_such_fields_has_a_handler():
    names = {h.name for h in personal_data.handlers()}
    assert {"person", "events", "partner_matching", "clusterxchange", "activities"} <= names
