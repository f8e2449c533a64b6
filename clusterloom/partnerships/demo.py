"""The demo a fresh install shows: reference data, the two seed partnerships, CORDIS
organisations, region categories and one login per role. Every step is safe to repeat."""

import io
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from clusterloom.core.page_cache import content_changed
from clusterloom.geo.models import Region, RegionCategory

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
CORDIS_ORGANISATIONS = settings.BASE_DIR / "data" / "cordis" / "organization.json"
#: Horizon Europe projects on textiles and circular materials, with their participants
CORDIS_HE_DEMO = (
    settings.BASE_DIR / "data" / "cordis-he" / "projects.csv",
    settings.BASE_DIR / "data" / "cordis-he" / "participants.csv",
)

#: Categories of the seed partnerships' NUTS 2 regions under cohesion policy 2021-27
#: (Commission Implementing Decision (EU) 2021/1130). Demo values a coordinator can change;
#: only set while a region's category is still unknown.
DEMO_REGION_CATEGORIES = {
    "CZ05": RegionCategory.LESS_DEVELOPED,  # Severovýchod
    "PT11": RegionCategory.LESS_DEVELOPED,  # Norte
    "ES52": RegionCategory.TRANSITION,  # Comunitat Valenciana
    "ES30": RegionCategory.MORE_DEVELOPED,  # Comunidad de Madrid
    "ES51": RegionCategory.MORE_DEVELOPED,  # Cataluña
    "ITI1": RegionCategory.MORE_DEVELOPED,  # Toscana
    "SK01": RegionCategory.MORE_DEVELOPED,  # Bratislavský kraj
}


@dataclass
class SetupReport:
    """What a setup run did, for the operator."""

    lines: list[str] = field(default_factory=list)
    #: Logins created in this run with their generated passwords (printed once).
    new_logins: list[tuple[str, str, str]] = field(default_factory=list)


def region_categories_demo() -> int:
    """Set the demo categories of the seed regions where nobody has set one yet."""
    changed = 0
    for code, category in DEMO_REGION_CATEGORIES.items():
        changed += Region.objects.filter(code=code, category=RegionCategory.UNKNOWN).update(
            category=category
        )
    if changed:
        content_changed()
    return changed


def seed_partnerships_import(actor=None) -> list[str]:
    """Import EXTRATEX from its ECCP page text and Hi-Tech-TEX from its structured file."""
    from clusterloom.partnerships.serialization import partnership_import_structured
    from clusterloom.partnerships.services import partnership_import_eccp

    extratex = partnership_import_eccp(
        actor=actor,
        text=(SEEDS_DIR / "extratex-eccp.txt").read_text(encoding="utf-8"),
        source="ECCP partnership profile page (text)",
    )
    data = yaml.safe_load((SEEDS_DIR / "hi-tech-tex.yaml").read_text(encoding="utf-8"))
    hitechtex = partnership_import_structured(actor=actor, data=data)
    return [extratex.partnership.acronym, hitechtex.partnership.acronym]


def _login(report: SetupReport, username: str, role: str, **extra):
    """Get or create a login; a new one gets a random password, reported once."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None:
        return user
    password = extra.pop("password", None) or secrets.token_urlsafe(12)
    user = user_model.objects.create_user(username=username, password=password, **extra)
    report.new_logins.append((role, username, password))
    return user


@transaction.atomic
def demo_logins(report: SetupReport) -> None:
    """One login per role: admin, EXTRATEX coordinator, CLUTEX cluster manager, a member."""
    import os

    from clusterloom.directory.models import Organisation, Person
    from clusterloom.partnerships.models import Partnership

    admin = _login(
        report,
        os.environ.get("CLUSTERLOOM_ADMIN_USERNAME", "admin"),
        "platform admin",
        password=os.environ.get("CLUSTERLOOM_ADMIN_PASSWORD") or None,
        is_staff=True,
        is_superuser=True,
        email="admin@example.org",
    )
    del admin
    coordinator = _login(report, "coordinator", "EXTRATEX coordinator", email="coord@example.org")
    extratex = Partnership.objects.filter(acronym="EXTRATEX").first()
    if extratex:
        extratex.coordinators.add(coordinator)
    manager = _login(report, "clutex", "CLUTEX cluster manager", email="clutex@example.org")
    clutex = Organisation.objects.filter(name__istartswith="CLUTEX").first()
    if clutex:
        clutex.managers.add(manager)
    member = _login(report, "member", "member at AECIM", email="member@example.org")
    aecim = Organisation.objects.filter(name="AECIM").first()
    if aecim and not hasattr(member, "person"):
        Person.objects.create(
            organisation=aecim,
            user=member,
            first_name="Lucía",
            last_name="Demo",
            email="member@example.org",
            job_title="Innovation manager",
            languages=["es", "en"],
        )


def demo_contact_person(report: SetupReport, *, assign: bool = True):
    """A person at CLUTEX who agreed to a public profile (not to a public e-mail address),
    EXTRATEX's contact person unless `assign` is False or it already has one."""
    from clusterloom.directory.models import Organisation, Person
    from clusterloom.partnerships.models import Partnership

    clutex = Organisation.objects.filter(name__istartswith="CLUTEX").first()
    if clutex is None:
        return None
    person, _created = Person.objects.get_or_create(
        organisation=clutex,
        first_name="Jana",
        last_name="Nováková",
        defaults={
            "job_title": "Project manager",
            "email": "jana.novakova@example.org",
            "languages": ["cs", "en", "de"],
            "consent_public": True,
        },
    )
    extratex = Partnership.objects.filter(acronym="EXTRATEX").first()
    if assign and extratex is not None and extratex.contact_person_id is None:
        extratex.contact_person = person
        extratex.save(update_fields=["contact_person", "updated_at"])
        report.lines.append(f"contact person of EXTRATEX: {person}")
    return person


def setup_all(*, cities: bool = True) -> SetupReport:
    """Everything `make run` needs after migrating; safe to run again."""
    from clusterloom.directory.imports import cordis_organisations_import
    from clusterloom.geo.services import reference_data_load
    from clusterloom.taxonomy.services import reference_terms_load

    report = SetupReport()
    counts = reference_data_load(cities=cities)
    counts["taxonomy terms"] = reference_terms_load()
    report.lines.append("reference data: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    report.lines.append(f"region categories set for the demo: {region_categories_demo()}")
    report.lines.append("seed partnerships: " + ", ".join(seed_partnerships_import()))
    if CORDIS_ORGANISATIONS.exists():
        result = cordis_organisations_import(actor=None, path_or_data=CORDIS_ORGANISATIONS)
        report.lines.append(
            f"CORDIS organisations: {result.organisations} from {result.rows} rows "
            f"({result.created} new, {result.updated} updated)"
        )
    demo_logins(report)
    demo_contact_person(report)
    # Apps above this one (matching, exchanges, events, excellence, activities, reporting) add
    # their own steps through their commands, so this module imports none of them.
    if apps.is_installed("clusterloom.matching"):
        out = io.StringIO()
        if all(path.exists() for path in CORDIS_HE_DEMO):
            call_command("import_cordis", *map(str, CORDIS_HE_DEMO), "--no-index", stdout=out)
            report.lines.append("CORDIS Horizon Europe slice: " + " ".join(out.getvalue().split()))
            out = io.StringIO()
        call_command("rebuild_match_index", stdout=out)
        report.lines.append("partner index: " + " ".join(out.getvalue().split()))
    # The KPI snapshots come last: they count what the demos before them recorded.
    for app, command in (
        ("clusterloom.exchanges", "demo_exchanges"),
        ("clusterloom.events", "demo_events"),
        ("clusterloom.excellence", "demo_excellence"),
        ("clusterloom.activities", "demo_activities"),
        ("clusterloom.reporting", "kpi_snapshots"),
    ):
        if apps.is_installed(app):
            out = io.StringIO()
            call_command(command, stdout=out)
            report.lines.append(out.getvalue().strip())
    return report
