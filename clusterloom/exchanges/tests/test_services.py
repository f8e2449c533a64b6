"""ClusterXchange calls, visitor registrations and hosting offers, through their services."""

import datetime
from decimal import Decimal

import pytest

from clusterloom.core.errors import DomainError, PermissionDenied
from clusterloom.core.models import AuditEntry
from clusterloom.directory.models import ClusterMembership, OrganisationKind
from clusterloom.directory.tests.factories import OrganisationFactory, country
from clusterloom.exchanges import services
from clusterloom.exchanges.errors import IneligibleError
from clusterloom.exchanges.lifecycle import exchange_confirm, exchange_propose
from clusterloom.exchanges.models import ExchangeApplication, ExchangeCall, HostingOffer
from clusterloom.exchanges.selectors import calls_visible_to

from .conftest import (
    application_data,
    hosting_offer,
    member_user,
    rules,
    visitor_application,
)


def call_data(**overrides):
    """A valid call form."""
    data = {
        "title": "Second call",
        "opens_on": "2027-01-10",
        "closes_on": "2027-03-10",
        "exchanges_from": "2027-04-01",
        "exchanges_until": "2027-10-31",
        "daily_rates": {"ES": "130"},
    }
    data.update(overrides)
    return data


# -- calls -------------------------------------------------------------------------------------


def test_a_new_call_is_a_draft_with_the_partnerships_exchange_targets(xworld):
    w = xworld
    call = services.call_create(actor=w.coordinator, partnership=w.partnership, data=call_data())
    assert call.status == "draft"
    assert (call.target_exchanges, call.target_sme, call.target_non_member) == (59, 30, 17)
    assert call.slug == "xtex-second-call"
    entry = AuditEntry.objects.get(action="exchanges.call_created", object_id=str(call.pk))
    assert (entry.actor, entry.to_state) == (w.coordinator, "draft")


def test_a_call_states_its_own_share_of_the_targets(xworld):
    w = xworld
    data = call_data(target_exchanges="10", target_sme=4, target_non_member="3")
    call = services.call_create(actor=w.coordinator, partnership=w.partnership, data=data)
    assert (call.target_exchanges, call.target_sme, call.target_non_member) == (10, 4, 3)


def test_daily_rates_typed_as_lines_are_read_per_country(xworld):
    w = xworld
    data = call_data(daily_rates="es 130\nIT: 140,50\n\nCZ=110")
    call = services.call_create(actor=w.coordinator, partnership=w.partnership, data=data)
    assert call.daily_rates == {"CZ": "110.00", "ES": "130.00", "IT": "140.50"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"opens_on": "2027-03-11"}, "closes_on"),
        ({"exchanges_until": "2027-03-31"}, "exchanges_until"),
        ({"target_exchanges": 5, "target_sme": 6}, "target_sme"),
        ({"target_exchanges": 5, "target_sme": 2, "target_non_member": 6}, "target_non_member"),
        ({"daily_rates": {"ES": "130", "XX": "90"}}, "daily_rates"),
        ({"daily_rates": "US 130"}, "daily_rates"),
        ({"daily_rates": "ES"}, "daily_rates"),
        ({"daily_rates": {"ES": "a lot"}}, "daily_rates"),
        ({"daily_rates": {}, "default_daily_rate": ""}, "daily_rates"),
        ({"budget": "fifty thousand"}, "budget"),
        ({"default_daily_rate": "-5"}, "default_daily_rate"),
        ({"cap_per_organisation": "NaN"}, "cap_per_organisation"),
        ({"target_exchanges": "many"}, "target_exchanges"),
        ({"opens_on": "2027-02-30"}, "opens_on"),
        ({"exchanges_from": ""}, "exchanges_from"),
        ({"title": "   "}, "title"),
    ],
)
def test_a_call_with_a_mistake_is_refused_naming_the_field(xworld, overrides, field):
    w = xworld
    before = ExchangeCall.objects.count()
    with pytest.raises(DomainError) as caught:
        services.call_create(
            actor=w.coordinator, partnership=w.partnership, data=call_data(**overrides)
        )
    assert caught.value.field == field
    assert ExchangeCall.objects.count() == before


def test_a_default_daily_rate_alone_is_enough(xworld):
    w = xworld
    data = call_data(daily_rates="", default_daily_rate="95")
    call = services.call_create(actor=w.coordinator, partnership=w.partnership, data=data)
    assert call.daily_rates == {}
    assert call.default_daily_rate == Decimal("95.00")


def test_call_status_opens_closes_and_reopens_with_an_audit_trail(xworld):
    w = xworld
    call = services.call_create(actor=w.coordinator, partnership=w.partnership, data=call_data())
    for status in ("open", "closed", "open"):
        services.call_status_set(actor=w.coordinator, call=call, status=status)
    call.refresh_from_db()
    assert call.status == "open"
    trail = AuditEntry.objects.filter(action="exchanges.call_status", object_id=str(call.pk))
    assert sorted(trail.values_list("from_state", "to_state")) == [
        ("closed", "open"),
        ("draft", "open"),
        ("open", "closed"),
    ]
    with pytest.raises(DomainError) as caught:
        services.call_status_set(actor=w.coordinator, call=call, status="archived")
    assert caught.value.field == "status"


def test_a_call_with_applications_cannot_go_back_to_draft(xworld):
    w = xworld
    visitor_application(w, validate=False)
    with pytest.raises(DomainError, match="back to draft"):
        services.call_status_set(actor=w.coordinator, call=w.call, status="draft")
    w.call.refresh_from_db()
    assert w.call.status == "open"


def test_updating_a_call_keeps_what_is_not_given_and_audits_the_changes(xworld):
    w = xworld
    services.call_update(actor=w.coordinator, call=w.call, data={"daily_rates": "ES 150"})
    w.call.refresh_from_db()
    assert w.call.daily_rates == {"ES": "150.00"}
    assert w.call.title == "First call"
    entry = AuditEntry.objects.get(action="exchanges.call_updated")
    assert entry.changes == {"daily_rates": "{'ES': '150.00'}"}


def test_a_draft_call_is_seen_only_by_its_coordinators_and_admins(xworld, anonymous):
    w = xworld
    draft = services.call_create(actor=w.coordinator, partnership=w.partnership, data=call_data())
    for user in (anonymous, w.stranger, w.visitor_it, w.other_coordinator):
        assert draft not in calls_visible_to(user)
        assert w.call in calls_visible_to(user)
        assert not user.has_perm("exchanges.view_exchangecall", draft)
    for user in (w.coordinator, w.admin):
        assert draft in calls_visible_to(user)
        assert user.has_perm("exchanges.view_exchangecall", draft)


@pytest.mark.parametrize("who", ["other_coordinator", "stranger", "visitor_it", "host_es", None])
def test_only_the_partnerships_coordinator_creates_and_changes_its_calls(xworld, anonymous, who):
    w = xworld
    actor = getattr(w, who) if who else anonymous
    with pytest.raises(PermissionDenied):
        services.call_create(actor=actor, partnership=w.partnership, data=call_data())
    with pytest.raises(PermissionDenied):
        services.call_update(actor=actor, call=w.call, data={"title": "Hijacked"})
    with pytest.raises(PermissionDenied):
        services.call_status_set(actor=actor, call=w.call, status="closed")
    w.call.refresh_from_db()
    assert (w.call.title, w.call.status) == ("First call", "open")


def test_an_admin_may_create_and_change_any_call(xworld):
    w = xworld
    call = services.call_create(actor=w.admin, partnership=w.partnership, data=call_data())
    services.call_status_set(actor=w.admin, call=call, status="open")
    assert ExchangeCall.objects.get(pk=call.pk).status == "open"


# -- visitor registrations ---------------------------------------------------------------------


def test_a_member_registers_its_organisation_as_a_visitor(xworld):
    w = xworld
    application = services.application_submit(
        actor=w.visitor_it, call=w.call, data=application_data()
    )  # the only organisation the user acts for is taken
    assert application.organisation == w.sme_it
    assert application.status == "submitted"
    assert application.submitted_by == w.visitor_it
    assert application.person == w.visitor_it.person
    assert application.preferred_start == datetime.date(2027, 2, 1)
    assert application.languages == ["en", "it"]
    entry = AuditEntry.objects.get(action="exchanges.application_submitted")
    assert entry.to_state == "submitted"


def test_one_cannot_register_an_organisation_one_does_not_act_for(xworld):
    w = xworld
    with pytest.raises(DomainError) as caught:
        services.application_submit(
            actor=w.visitor_it, call=w.call, data=application_data(organisation=w.sme_cz.pk)
        )
    assert caught.value.field == "organisation"
    assert not ExchangeApplication.objects.exists()


def test_a_visitor_outside_cosme_is_refused_with_the_rule(xworld):
    w = xworld
    w.us_org.kind = OrganisationKind.CLUSTER
    w.us_org.save()
    user = member_user(w.us_org, "visitor_us")
    with pytest.raises(IneligibleError) as caught:
        services.application_submit(actor=user, call=w.call, data=application_data())
    assert rules(caught.value) == ["visitor_country_not_cosme"]
    assert caught.value.field == "organisation"
    assert "does not take part in COSME" in caught.value.message
    assert not ExchangeApplication.objects.exists()


def test_a_large_company_may_host_but_not_visit(xworld):
    w = xworld
    with pytest.raises(IneligibleError) as caught:
        services.application_submit(actor=w.host_pt, call=w.call, data=application_data())
    assert rules(caught.value) == ["visitor_kind_host_only"]
    offer = hosting_offer(w, actor=w.host_pt, organisation=w.large_pt)
    assert offer.status == "validated"


def test_an_sme_must_be_a_cluster_member_to_visit(xworld):
    w = xworld
    loner = OrganisationFactory(
        name="Stoffwerk", kind=OrganisationKind.SME, is_sme=True, country=country("DE")
    )
    user = member_user(loner, "visitor_de")
    with pytest.raises(IneligibleError) as caught:
        services.application_submit(actor=user, call=w.call, data=application_data())
    assert rules(caught.value) == ["visitor_not_cluster_member"]
    # declaring the cluster it belongs to is enough
    application = services.application_submit(
        actor=user, call=w.call, data=application_data(member_of=w.cz_cluster.pk)
    )
    assert application.member_of == w.cz_cluster


def test_an_organisation_registers_once_per_call_until_it_withdraws(xworld):
    w = xworld
    first = visitor_application(w, validate=False)
    with pytest.raises(DomainError, match="already applied") as caught:
        visitor_application(w, validate=False)
    assert caught.value.field == "organisation"
    services.application_withdraw(actor=w.visitor_it, application=first)
    second = visitor_application(w, validate=False)
    assert second.status == "submitted"


@pytest.mark.parametrize("day", ["day before opening", "day after closing"])
def test_registrations_are_taken_only_while_the_call_accepts_them(xworld, monkeypatch, day):
    from django.utils import timezone

    w = xworld
    one = datetime.timedelta(days=1)
    when = w.call.opens_on - one if day == "day before opening" else w.call.closes_on + one
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: when)
    with pytest.raises(DomainError, match="accepted from") as caught:
        visitor_application(w, validate=False)
    assert caught.value.field == "call"
    assert not ExchangeApplication.objects.exists()


def test_a_closed_call_takes_no_registration(xworld):
    w = xworld
    services.call_status_set(actor=w.coordinator, call=w.call, status="closed")
    with pytest.raises(DomainError):
        visitor_application(w, validate=False)
    assert not ExchangeApplication.objects.exists()


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"preferred_start": "2026-11-30"}, "preferred_start"),
        ({"preferred_end": "2027-07-01"}, "preferred_end"),
        ({"preferred_start": "2027-02-05", "preferred_end": "2027-02-01"}, "preferred_end"),
        ({"preferred_start": "1 Feb"}, "preferred_start"),
    ],
)
def test_preferred_dates_must_lie_in_the_call_period_and_in_order(xworld, dates, field):
    w = xworld
    with pytest.raises(DomainError) as caught:
        visitor_application(w, validate=False, **dates)
    assert caught.value.field == field
    assert not ExchangeApplication.objects.exists()


def test_preferred_dates_are_optional(xworld):
    application = visitor_application(xworld, preferred_start="", preferred_end="")
    assert (application.preferred_start, application.preferred_end) == (None, None)


def test_validation_snapshots_sme_and_membership_of_the_partnership(xworld):
    w = xworld
    italian = visitor_application(w)
    czech = visitor_application(w, actor=w.visitor_cz, organisation=w.sme_cz)
    italian.refresh_from_db()
    czech.refresh_from_db()
    assert italian.status == czech.status == "validated"
    assert (italian.is_sme, italian.is_member) == (True, True)  # member via NTT, a partner
    assert (czech.is_sme, czech.is_member) == (True, False)  # CLUTEX is not a partner
    assert italian.reviewed_by == w.coordinator and italian.reviewed_at is not None
    entry = AuditEntry.objects.filter(action="exchanges.application_reviewed").first()
    assert (entry.from_state, entry.to_state) == ("submitted", "validated")


def test_rejecting_a_registration_needs_a_reason(xworld):
    w = xworld
    application = visitor_application(w, validate=False)
    with pytest.raises(DomainError) as caught:
        services.application_review(
            actor=w.coordinator, application=application, decision="reject", note="  "
        )
    assert caught.value.field == "note"
    application.refresh_from_db()
    assert application.status == "submitted"
    services.application_review(
        actor=w.coordinator, application=application, decision="reject", note="Not an SME."
    )
    application.refresh_from_db()
    assert (application.status, application.review_note) == ("rejected", "Not an SME.")


@pytest.mark.parametrize("who", ["other_coordinator", "stranger", "visitor_it", "host_es"])
def test_only_the_calls_coordinator_reviews_registrations(xworld, who):
    w = xworld
    application = visitor_application(w, validate=False)
    with pytest.raises(PermissionDenied):
        services.application_review(
            actor=getattr(w, who), application=application, decision="validate"
        )
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_stranger_learns_nothing_from_reviewing_a_matched_registration(matched):
    w = matched
    with pytest.raises(PermissionDenied):
        services.application_review(
            actor=w.stranger, application=w.application, decision="reject", note="x"
        )


def test_a_registration_in_an_exchange_can_be_neither_rejected_nor_withdrawn(matched):
    w = matched
    with pytest.raises(DomainError, match="Cancel"):
        services.application_review(
            actor=w.coordinator, application=w.application, decision="reject", note="Late."
        )
    with pytest.raises(DomainError, match="Cancel"):
        services.application_withdraw(actor=w.visitor_it, application=w.application)
    w.application.refresh_from_db()
    assert w.application.status == "validated"


def test_a_registration_changes_only_while_awaiting_validation(xworld):
    w = xworld
    application = visitor_application(w, validate=False)
    services.application_update(
        actor=w.visitor_it, application=application, data={"goals": "Meet seat makers."}
    )
    application.refresh_from_db()
    assert application.goals == "Meet seat makers."
    assert application.preferred_end == datetime.date(2027, 2, 5)
    services.application_review(actor=w.coordinator, application=application, decision="validate")
    with pytest.raises(DomainError, match="awaiting validation"):
        services.application_update(
            actor=w.visitor_it, application=application, data={"goals": "Other"}
        )


def test_withdrawing_a_registration(xworld):
    w = xworld
    application = visitor_application(w)
    services.application_withdraw(actor=w.visitor_it, application=application)
    application.refresh_from_db()
    assert application.status == "withdrawn"
    entry = AuditEntry.objects.get(action="exchanges.application_withdrawn")
    assert (entry.from_state, entry.to_state) == ("validated", "withdrawn")
    with pytest.raises(PermissionDenied):
        services.application_withdraw(actor=w.visitor_cz, application=application)


# -- hosting offers ----------------------------------------------------------------------------


def test_a_host_registers_an_offer_that_awaits_validation(xworld):
    w = xworld
    offer = hosting_offer(w, validate=False, terms=[w.automotive])
    assert offer.status == "submitted"
    assert offer.organisation == w.es_cluster.organisation
    assert offer.partnership == w.partnership
    assert offer.submitted_by == w.host_es
    assert list(offer.terms.all()) == [w.automotive]
    assert (offer.capacity, offer.available_from) == (2, datetime.date(2026, 12, 1))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": 51}, "capacity"),
        ({"capacity": "two"}, "capacity"),
        ({"available_until": "2026-11-30"}, "available_until"),
        ({"available_from": ""}, "available_from"),
        ({"topics": ""}, "topics"),
    ],
)
def test_an_offer_with_a_mistake_is_refused_naming_the_field(xworld, overrides, field):
    with pytest.raises(DomainError) as caught:
        hosting_offer(xworld, validate=False, **overrides)
    assert caught.value.field == field
    assert not HostingOffer.objects.exists()


def test_a_host_outside_cosme_is_refused(xworld):
    w = xworld
    user = member_user(w.us_org, "host_us")
    with pytest.raises(IneligibleError) as caught:
        hosting_offer(w, actor=user, organisation=w.us_org, validate=False)
    assert rules(caught.value) == ["host_country_not_cosme"]
    assert not HostingOffer.objects.exists()


def test_only_the_offers_partnership_coordinator_reviews_it(xworld):
    w = xworld
    offer = hosting_offer(w, partnership=w.other, validate=False)
    for actor in (w.coordinator, w.stranger, w.host_es):
        with pytest.raises(PermissionDenied):
            services.hosting_offer_review(actor=actor, offer=offer, decision="validate")
    offer.refresh_from_db()
    assert offer.status == "submitted"
    with pytest.raises(DomainError) as caught:
        services.hosting_offer_review(actor=w.other_coordinator, offer=offer, decision="reject")
    assert caught.value.field == "note"
    services.hosting_offer_review(
        actor=w.other_coordinator, offer=offer, decision="reject", note="No topics we fund."
    )
    offer.refresh_from_db()
    assert (offer.status, offer.reviewed_by) == ("rejected", w.other_coordinator)
    entry = AuditEntry.objects.get(action="exchanges.offer_reviewed")
    assert (entry.from_state, entry.to_state) == ("submitted", "rejected")


def test_an_offers_capacity_cannot_drop_below_its_matched_visitors(matched):
    w = matched
    czech = visitor_application(w, actor=w.visitor_cz, organisation=w.sme_cz)
    second = exchange_propose(actor=w.visitor_cz, application=czech, offer=w.offer)
    exchange_confirm(actor=w.host_es, exchange=second)
    with pytest.raises(DomainError, match="2 visitors") as caught:
        services.hosting_offer_update(actor=w.host_es, offer=w.offer, data={"capacity": 1})
    assert caught.value.field == "capacity"
    w.offer.refresh_from_db()
    assert w.offer.capacity == 2
    services.hosting_offer_update(actor=w.host_es, offer=w.offer, data={"capacity": "3"})
    w.offer.refresh_from_db()
    assert w.offer.capacity == 3


def test_only_the_host_changes_or_withdraws_its_offer(matched):
    w = matched
    for actor in (w.visitor_it, w.stranger, w.coordinator):
        with pytest.raises(PermissionDenied):
            services.hosting_offer_update(actor=actor, offer=w.offer, data={"title": "Mine"})
        with pytest.raises(PermissionDenied):
            services.hosting_offer_withdraw(actor=actor, offer=w.offer)
    services.hosting_offer_withdraw(actor=w.host_es, offer=w.offer)
    w.offer.refresh_from_db()
    assert w.offer.status == "withdrawn"
    w.exchange.refresh_from_db()
    assert w.exchange.status == "matched"  # matches already made stay


def test_a_cluster_does_not_register_as_a_member_of_its_own_cluster(xworld):
    w = xworld
    own = application_data(organisation=w.es_cluster.organisation.pk, member_of=w.es_cluster.pk)
    with pytest.raises(DomainError) as caught:
        services.application_submit(actor=w.host_es, call=w.call, data=own)
    assert caught.value.field == "member_of"
    assert caught.value.message == (
        "Clúster de Automoción de Aragón cannot be a member of its own cluster."
    )
    # Nor of a cluster that is already a member of its own (a circle).
    ClusterMembership.objects.create(cluster=w.es_cluster, organisation=w.cz_cluster.organisation)
    circle = {**own, "member_of": w.cz_cluster.pk}
    with pytest.raises(DomainError, match="cannot go in a circle") as caught:
        services.application_submit(actor=w.host_es, call=w.call, data=circle)
    assert caught.value.field == "member_of"
    assert not ExchangeApplication.objects.exists()
