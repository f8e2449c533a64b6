"""The ClusterXchange part of the demo: an EXTRATEX call with hosting offers and visitors in
every state, from a registration awaiting validation to a paid exchange. Safe to repeat: once
the call exists nothing is added."""

import datetime
import io

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from clusterloom.directory.models import Organisation
from clusterloom.directory.services import cluster_get_or_create
from clusterloom.partnerships.models import Partnership

from . import lifecycle, services
from .eligibility import working_days
from .models import ExchangeCall

CALL_SLUG = "extratex-clusterxchange-2026-27"

#: (host organisation name, partnership, title, topics, capacity, validated)
OFFERS = [
    (
        "AECIM",
        "EXTRATEX",
        "Metal and automotive suppliers of the Region of Murcia",
        "Supplier development for automotive interiors, metalworking SMEs, cluster services for "
        "internationalisation",
        3,
        True,
    ),
    (
        "OTIR2020-TFC - Next Technology Tecnotessile",
        "EXTRATEX",
        "Technical-textile finishing and testing labs in Prato",
        "Functional finishing of technical textiles, textile testing, circular textiles, "
        "recycled fibres",
        2,
        True,
    ),
    (
        "Slovenský plastikársky klaster",
        "EXTRATEX",
        "Plastics recycling for textile composites",
        "Recycling of plastics and composites, polymer processing, textile-reinforced plastics",
        2,
        True,
    ),
    (
        "CITEVE",
        "Hi-Tech-TEX",
        "Smart textiles and wearables at CITEVE",
        "Smart textiles, e-textiles, wearables, certification of technical textiles",
        2,
        True,
    ),
    (
        "ABB AG",
        "EXTRATEX",
        "Industrial automation for textile production lines",
        "Automation and robotics for textile and plastics production",
        1,
        False,
    ),
]

#: (visitor organisation name, cluster it is a member of, final state)
VISITORS = [
    ("CLUTEX - klastr technicke textilie, z.s.", None, "paid", "OTIR2020-TFC"),
    ("ACORDE TECHNOLOGIES SA", "AECIM", "validated", "OTIR2020-TFC"),
    ("AITEK SPA", "OTIR2020-TFC - Next Technology Tecnotessile", "reported", "AECIM"),
    ("AGILEO AUTOMATION", "CITEVE", "committed", "Slovenský"),
    ("ANTEVERTA-MW BV", "CITEVE", "matched", "AECIM"),
    ("AITIA INTERNATIONAL INFORMATIKAI ZARTKORUEN MUKODO RT", "AECIM", "proposed", "CITEVE"),
    ("Slovenský plastikársky klaster", None, "registered", None),
    ("AKTING INGENIARITZA SL", "AECIM", "submitted", None),
    ("ASYGN", "CITEVE", "rejected", None),
]


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), (31, 111, 139)).save(buffer, format="PNG")
    return buffer.getvalue()


def _week(monday: datetime.date, country: str) -> tuple[datetime.date, datetime.date]:
    """Monday to Friday from `monday` on, moved a week on while holidays leave < 4 days."""
    for _ in range(10):
        friday = monday + datetime.timedelta(days=4)
        if working_days(monday, friday, country) >= 4:
            return monday, friday
        monday += datetime.timedelta(days=7)
    return monday, monday + datetime.timedelta(days=4)


def _org(name: str) -> Organisation:
    return Organisation.objects.filter(name__istartswith=name).order_by("pk").first()


@override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
@transaction.atomic
def demo_exchanges() -> str:
    """Create the demo call, its offers, registrations and exchanges (once; no e-mails)."""
    if ExchangeCall.objects.filter(slug=CALL_SLUG).exists():
        return "ClusterXchange demo: already there"
    extratex = Partnership.objects.filter(acronym="EXTRATEX").first()
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    if extratex is None or admin is None:
        return "ClusterXchange demo: skipped (no EXTRATEX or no admin)"
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    call = services.call_create(
        actor=admin,
        partnership=extratex,
        data={
            "title": "ClusterXchange 2026-27",
            "description": "Short visits of cluster and SME staff to textile, automotive and "
            "plastics clusters in other countries: 3 working days to one month.",
            "opens_on": today - datetime.timedelta(days=90),
            "closes_on": today + datetime.timedelta(days=120),
            "exchanges_from": monday - datetime.timedelta(days=84),
            "exchanges_until": today + datetime.timedelta(days=300),
            "budget": "60000",
            "daily_rates": {"ES": "130", "IT": "140", "SK": "110", "CZ": "110", "PT": "120"},
            "default_daily_rate": "120",
            "cap_per_organisation": "1100",
        },
    )
    call.status = "open"
    call.save(update_fields=["status"])
    offers = {}
    for name, acronym, title, topics, capacity, validated in OFFERS:
        host = _org(name)
        partnership = Partnership.objects.filter(acronym=acronym).first()
        if host is None or partnership is None:
            continue
        offer = services.hosting_offer_submit(
            actor=admin,
            partnership=partnership,
            data={
                "organisation": host.pk,
                "title": title,
                "topics": topics,
                "offers": "",
                "capacity": capacity,
                "languages": "en",
                "available_from": call.exchanges_from,
                "available_until": call.exchanges_until,
            },
        )
        if validated:
            services.hosting_offer_review(actor=admin, offer=offer, decision="validate")
        offers[name.split()[0]] = offer
    for n, (name, member_of, state, host_key) in enumerate(VISITORS):
        visitor = _org(name)
        if visitor is None:
            continue
        cluster = None
        if member_of:
            cluster_org = _org(member_of)
            cluster, _created = cluster_get_or_create(actor=admin, organisation=cluster_org)
        application = services.application_submit(
            actor=admin,
            call=call,
            data={
                "organisation": visitor.pk,
                "member_of": cluster.pk if cluster else None,
                "goals": "Meet the host's members and learn how they work with technical "
                "textiles, automotive suppliers and plastics recyclers.",
                "offers": visitor.offers or visitor.description[:300],
                "seeks": "Partners for joint projects on technical textiles and composites.",
                "languages": "en",
            },
        )
        if state == "submitted":
            continue
        if state == "rejected":
            services.application_review(
                actor=admin,
                application=application,
                decision="reject",
                note="The membership of the cluster could not be confirmed.",
            )
            continue
        services.application_review(actor=admin, application=application, decision="validate")
        if host_key is None or host_key not in offers:
            continue
        offer = offers[host_key]
        done = state in ("paid", "validated", "reported")
        first = monday + datetime.timedelta(weeks=(-10 + n) if done else (6 + n))
        start, end = _week(first, offer.organisation.country_id)
        exchange = lifecycle.exchange_propose(
            actor=coordinator or admin,
            application=application,
            offer=offer,
            origin="prior_agreement" if state == "proposed" else "suggestion",
            start=start,
            end=end,
        )
        if state == "proposed":
            continue
        exchange = lifecycle.exchange_confirm(actor=admin, exchange=exchange)
        if state == "matched":
            continue
        exchange = lifecycle.commitment_update(
            actor=admin,
            exchange=exchange,
            data={
                "objectives": "Meet five member companies; agree one joint project idea.",
                "agenda": "Day 1: the cluster and its services. Days 2-4: company visits. "
                "Day 5: workshop and next steps.",
            },
        )
        for role in ("visitor", "host", "visitor_partnership", "host_partnership"):
            exchange = lifecycle.commitment_sign(actor=admin, exchange=exchange, role=role)
        if state == "committed":
            continue
        lifecycle.evidence_add(
            actor=admin,
            exchange=exchange,
            file_name="boarding-pass.png",
            content=_png(),
            description="Boarding pass",
        )
        exchange = lifecycle.exchange_report(
            actor=admin,
            exchange=exchange,
            report="Visited the host's members; two follow-up meetings agreed.",
        )
        if state == "reported":
            continue
        exchange = lifecycle.exchange_validate(actor=admin, exchange=exchange, approve=True)
        if state == "paid":
            lifecycle.exchange_mark_paid(actor=admin, exchange=exchange, reference="DEMO-001")
    return (
        f"ClusterXchange demo: call “{call.title}” with {call.applications.count()} "
        f"registrations and {len(offers)} hosting offers"
    )
