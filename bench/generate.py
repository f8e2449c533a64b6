"""Generate benchmark data: organisations of every kind, their clusters, and partnerships.

Run with DATABASE_URL and CLUSTERLOOM_VAR_DIR pointing at a migrated database that holds the
reference data (`clusterloom load_reference_data --no-cities`):

    .venv/bin/python bench/generate.py --organisations 10000 --partnerships 100 \
        --manifest /tmp/manifest.json

Everything is drawn from one seeded random generator, so two runs with the same seed write the
same rows. Rows go in with bulk_create: 10,000 organisations take a few seconds. The manifest
lists what the load generator needs to build realistic URLs (partnership slugs, search words,
countries and kinds that have organisations).
"""

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

#: Sector words used in names and descriptions; the search queries are drawn from them too.
SECTOR_WORDS = [
    "Textile",
    "Automotive",
    "Aerospace",
    "Digital",
    "Health",
    "Agrifood",
    "Energy",
    "Mobility",
    "Materials",
    "Photonics",
    "Logistics",
    "Maritime",
    "Creative",
    "Wood",
    "Plastics",
    "Chemicals",
    "Robotics",
    "Water",
    "Tourism",
    "Fashion",
    "Furniture",
    "Packaging",
    "Biotech",
    "Medtech",
    "Microelectronics",
    "Construction",
    "Rail",
    "Space",
    "Wine",
    "Dairy",
]
ADJECTIVES = [
    "Advanced",
    "Smart",
    "Green",
    "Nordic",
    "Alpine",
    "Baltic",
    "Danube",
    "Atlantic",
    "Mediterranean",
    "Central",
    "United",
    "Regional",
    "Innovative",
    "Circular",
    "Sustainable",
]
SYLLABLES = ["ka", "lo", "ver", "tex", "mar", "no", "vi", "sa", "ri", "den", "tor", "ben", "ul"]
COMPANY_SUFFIXES = ["Ltd", "GmbH", "S.r.l.", "S.L.", "s.r.o.", "S.A.", "AB", "Oy", "B.V.", "SAS"]
ACTIONS = [
    "Train cluster managers in {w} value-chain analysis",
    "Run a benchmarking of cluster management for every partner",
    "Organise a {w} matchmaking event with SMEs from all partner regions",
    "Write a joint strategy and roadmap on {w} and {v}",
    "Host study visits to {w} technology centres",
    "Prepare partner clusters for the silver label",
    "Launch ClusterXchange calls for {w} SMEs",
    "Map competences of members in {w} and {v}",
    "Disseminate results at European {w} fairs",
]
RESULTS = [
    "Stronger cluster management in {w}",
    "New cross-regional {w} value chains",
    "A joint {w} strategy adopted by all partners",
    "SMEs connected to {v} partners in other countries",
    "Cluster-management labels for the partners",
]
TARGET_CODES = [
    ("exchanges", 20, 80),
    ("exchanges_sme", 10, 40),
    ("exchanges_non_member", 5, 20),
    ("labels_bronze", 1, 6),
    ("labels_silver", 1, 6),
    ("cluster_strategies", 3, 8),
    ("joint_strategies", 1, 1),
    ("learning_events", 1, 4),
    ("matchmaking_events", 1, 4),
]
#: Kinds and their share of the generated organisations (clusters are a minority, as in ECCP).
KIND_WEIGHTS = [
    ("cluster", 12),
    ("business_network", 3),
    ("sme", 45),
    ("large_company", 10),
    ("rto", 10),
    ("university", 10),
    ("public_authority", 6),
    ("other", 4),
]
SIZE_BY_KIND = {
    "sme": ["micro", "small", "medium"],
    "large_company": ["large"],
}


def _setup_django() -> None:
    """Configure Django from the environment, as manage.py does."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterloom.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()


def _company_word(rng: random.Random) -> str:
    """A made-up company name stem like 'Veltorka'."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _organisation_name(rng: random.Random, kind: str, sector: str, country: str) -> str:
    """A plausible name for an organisation of this kind."""
    if kind in ("cluster", "business_network"):
        word = "Cluster" if kind == "cluster" else "Network"
        return f"{rng.choice(ADJECTIVES)} {sector} {word} {country}"
    if kind == "university":
        return f"University of {_company_word(rng)} ({sector} faculty)"
    if kind == "rto":
        return f"{_company_word(rng)} {sector} Research Institute"
    if kind == "public_authority":
        return f"{_company_word(rng)} Regional {sector} Agency"
    return f"{_company_word(rng)} {sector} {rng.choice(COMPANY_SUFFIXES)}"


def generate(*, organisations: int, partnerships: int, seed: int) -> dict:
    """Write the organisations, clusters and partnerships; return the manifest."""
    from django.db import transaction

    from clusterloom.directory.models import (
        Cluster,
        ClusterMembership,
        Organisation,
    )
    from clusterloom.geo.models import Country, Region
    from clusterloom.partnerships.models import (
        Action,
        ExpectedResult,
        Partnership,
        PartnershipMember,
        Programme,
        Target,
    )
    from clusterloom.taxonomy.models import Term

    rng = random.Random(seed)
    countries = list(Country.objects.filter(is_cosme=True).order_by("code"))
    if len(countries) < 3:
        raise SystemExit("reference data missing: run `clusterloom load_reference_data` first")
    regions_by_country: dict[str, list[str]] = defaultdict(list)
    for code, country_id in Region.objects.filter(level=2).values_list("code", "country_id"):
        regions_by_country[country_id].append(code)
    term_ids = list(Term.objects.order_by("id").values_list("id", flat=True))
    kinds = [k for k, _w in KIND_WEIGHTS]
    weights = [w for _k, w in KIND_WEIGHTS]

    started = time.perf_counter()
    with transaction.atomic():
        orgs = []
        for i in range(organisations):
            kind = rng.choices(kinds, weights)[0]
            country = rng.choice(countries)
            sector, other = rng.sample(SECTOR_WORDS, 2)
            name = _organisation_name(rng, kind, sector, country.name)
            regions = regions_by_country.get(country.code)
            orgs.append(
                Organisation(
                    name=name,
                    short_name=name.split()[0][:20].upper() if kind == "cluster" else "",
                    slug=f"org-{i:05d}",
                    kind=kind,
                    country_id=country.code,
                    region_id=rng.choice(regions) if regions and rng.random() < 0.9 else None,
                    city_name=_company_word(rng),
                    website=f"https://org-{i:05d}.example.eu",
                    description=(
                        f"{name} works in {sector.lower()} and {other.lower()}: "
                        f"research, production and services for {rng.choice(SECTOR_WORDS)} "
                        f"markets in {country.name} and abroad."
                    ),
                    offers=f"{sector} know-how, testing facilities, {other.lower()} components",
                    requests=f"Partners in {rng.choice(SECTOR_WORDS).lower()} for joint projects",
                    size=rng.choice(SIZE_BY_KIND.get(kind, [""])),
                    is_sme=kind == "sme" if rng.random() < 0.8 else None,
                )
            )
        Organisation.objects.bulk_create(orgs, batch_size=1000)
        # bulk_create sets primary keys on PostgreSQL and SQLite >= 3.35 (RETURNING).
        orgs = list(Organisation.objects.order_by("slug"))

        Through = Organisation.terms.through
        links = []
        for org in orgs:
            for term_id in rng.sample(term_ids, rng.randint(1, 4)):
                links.append(Through(organisation_id=org.id, term_id=term_id))
        Through.objects.bulk_create(links, batch_size=2000)
        # bulk_create sends no signal: fill the directory search's texts as a write would.
        from clusterloom.directory.search_index import search_index_rebuild

        search_index_rebuild()

        cluster_orgs = [o for o in orgs if o.kind == "cluster"]
        Cluster.objects.bulk_create(
            [
                Cluster(
                    organisation=o,
                    member_count=rng.randint(15, 400),
                    sme_count=rng.randint(10, 300),
                    management_fte=rng.randint(1, 20) / 2,
                    declared_member_kinds=["sme", "rto", "university"],
                    website_in_english=rng.random() < 0.8,
                )
                for o in cluster_orgs
            ],
            batch_size=1000,
        )
        clusters = list(Cluster.objects.select_related("organisation").order_by("id"))
        members_by_country: dict[str, list[Organisation]] = defaultdict(list)
        for org in orgs:
            if not org.is_cluster_like:
                members_by_country[org.country_id].append(org)
        memberships = []
        for cluster in clusters:
            pool = members_by_country[cluster.organisation.country_id]
            for member in rng.sample(pool, min(len(pool), rng.randint(0, 12))):
                memberships.append(ClusterMembership(cluster=cluster, organisation=member))
        ClusterMembership.objects.bulk_create(memberships, batch_size=2000)

        programmes = [p for p, _label in Programme.choices]
        rows = []
        for i in range(partnerships):
            sector, other = rng.sample(SECTOR_WORDS, 2)
            acronym = f"{sector[:3].upper()}{other[:3].upper()}-{i:03d}"
            rows.append(
                Partnership(
                    acronym=acronym,
                    slug=acronym.lower(),
                    title=f"{rng.choice(ADJECTIVES)} {sector} and {other} partnership",
                    programme=rng.choice(programmes),
                    start_date=date(2020, 2, 3) + timedelta(days=rng.randint(0, 900)),
                    duration_months=rng.choice([20, 24, 30]),
                    planned_exchanges=rng.randint(20, 80),
                    origin=f"The partners met at a European {sector.lower()} forum.",
                    objectives=(
                        f"Raise cluster-management excellence in {sector.lower()} and "
                        f"{other.lower()}; connect SMEs across borders; write a joint strategy."
                    ),
                    target_groups="Cluster managers, member SMEs, research organisations.",
                    website=f"https://{acronym.lower()}.example.eu",
                    source="generated by bench/generate.py",
                )
            )
        Partnership.objects.bulk_create(rows, batch_size=500)
        rows = list(Partnership.objects.filter(source="generated by bench/generate.py"))

        members, actions, results, targets, p_terms = [], [], [], [], []
        PThrough = Partnership.terms.through
        for p in rows:
            n = rng.randint(3, 8)
            chosen = rng.sample(cluster_orgs, n)
            p.stated_partner_count = n
            for order, org in enumerate(chosen):
                members.append(
                    PartnershipMember(
                        partnership=p,
                        organisation=org,
                        role="coordinator" if order == 0 else "partner",
                        order=order,
                        listed_name=org.name,
                    )
                )
            for order in range(rng.randint(5, 9)):
                w, v = rng.sample(SECTOR_WORDS, 2)
                text = rng.choice(ACTIONS).format(w=w.lower(), v=v.lower())
                actions.append(Action(partnership=p, order=order, text=text))
            for order in range(rng.randint(3, 5)):
                w, v = rng.sample(SECTOR_WORDS, 2)
                text = rng.choice(RESULTS).format(w=w.lower(), v=v.lower())
                results.append(ExpectedResult(partnership=p, order=order, text=text))
            for code, low, high in rng.sample(TARGET_CODES, rng.randint(4, len(TARGET_CODES))):
                targets.append(Target(partnership=p, code=code, value=rng.randint(low, high)))
            for term_id in rng.sample(term_ids, rng.randint(2, 5)):
                p_terms.append(PThrough(partnership_id=p.id, term_id=term_id))
        Partnership.objects.bulk_update(rows, ["stated_partner_count"], batch_size=500)
        PartnershipMember.objects.bulk_create(members, batch_size=2000)
        Action.objects.bulk_create(actions, batch_size=2000)
        ExpectedResult.objects.bulk_create(results, batch_size=2000)
        Target.objects.bulk_create(targets, batch_size=2000)
        PThrough.objects.bulk_create(p_terms, batch_size=2000)

    # A production database has planner statistics; after a bulk load they must be gathered.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    countries_used = sorted({o.country_id for o in orgs})
    return {
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 2),
        "counts": {
            "organisations": len(orgs),
            "organisation_terms": len(links),
            "clusters": len(clusters),
            "cluster_memberships": len(memberships),
            "partnerships": len(rows),
            "partnership_members": len(members),
            "actions": len(actions),
            "expected_results": len(results),
            "targets": len(targets),
        },
        "partnership_slugs": sorted(p.slug for p in rows),
        "organisation_slugs": [o.slug for o in orgs[:: max(1, len(orgs) // 500)]],
        "search_words": [w.lower() for w in SECTOR_WORDS],
        "countries": countries_used,
        "kinds": kinds,
    }


def main() -> None:
    """Parse arguments, generate, write the manifest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--partnerships", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--manifest", type=Path, required=True)
    args = parser.parse_args()
    _setup_django()
    manifest = generate(
        organisations=args.organisations, partnerships=args.partnerships, seed=args.seed
    )
    args.manifest.write_text(json.dumps(manifest, indent=1))
    print(
        f"generated in {manifest['seconds']} s: "
        + ", ".join(f"{n} {k}" for k, n in manifest["counts"].items())
    )


if __name__ == "__main__":
    main()
