"""Progress against the exchange targets: what counts, for whom, and when."""

import pytest

from clusterloom.exchanges import lifecycle, services
from clusterloom.exchanges.selectors import call_counts, call_progress, partnership_progress
from clusterloom.partnerships.tests.factories import PartnershipMemberFactory

from .conftest import advance, hosting_offer, second_call, visitor_application


def table(rows) -> dict[str, tuple]:
    """code -> (target, done, under way)."""
    return {r.code: (r.target, r.done, r.under_way) for r in rows}


@pytest.fixture
def two(cross):
    """The Italian member SME matched with the Spanish host (of the OTHER partnership) and the
    Czech non-member SME matched with the Portuguese host (of XTEX), both in XTEX's call."""
    w = cross
    w.offer_pt = hosting_offer(w, actor=w.host_pt, organisation=w.large_pt)
    w.application_cz = visitor_application(w, actor=w.visitor_cz, organisation=w.sme_cz)
    exchange = lifecycle.exchange_propose(
        actor=w.visitor_cz, application=w.application_cz, offer=w.offer_pt
    )
    w.exchange_cz = lifecycle.exchange_confirm(actor=w.host_pt, exchange=exchange)
    w.signers_cz = {
        "visitor": w.visitor_cz,
        "host": w.host_pt,
        "visitor_partnership": w.coordinator,
        "host_partnership": w.coordinator,
    }
    return w


def test_matched_exchanges_are_under_way_not_done(two):
    w = two
    assert table(partnership_progress(w.partnership)) == {
        "exchanges": (59, 0, 2),
        "exchanges_sme": (30, 0, 2),
        "exchanges_non_member": (17, 0, 1),
    }


def test_a_proposed_match_is_not_yet_under_way(xworld):
    w = xworld
    application = visitor_application(w)
    lifecycle.exchange_propose(actor=w.coordinator, application=application, offer=hosting_offer(w))
    assert table(partnership_progress(w.partnership))["exchanges"] == (59, 0, 0)


def test_validated_and_paid_exchanges_count_for_the_visitors_partnership_only(two, media):
    w = two
    advance(w, w.exchange, "validated")
    advance(w, w.exchange_cz, "paid", signers=w.signers_cz)
    assert table(partnership_progress(w.partnership)) == {
        "exchanges": (59, 2, 0),
        "exchanges_sme": (30, 2, 0),
        "exchanges_non_member": (17, 1, 0),
    }
    # the Spanish host's partnership hosted one of them: it does not count there
    assert [r.done + r.under_way for r in partnership_progress(w.other)] == [0, 0, 0]
    rows = {r.code: r for r in partnership_progress(w.partnership)}
    assert (rows["exchanges"].percent, rows["exchanges"].missing) == (3, 57)


def test_committed_and_reported_exchanges_are_still_under_way(two, media):
    w = two
    advance(w, w.exchange, "committed")
    advance(w, w.exchange_cz, "reported", signers=w.signers_cz)
    assert table(partnership_progress(w.partnership))["exchanges"] == (59, 0, 2)


def test_an_exchange_hosted_in_the_same_partnership_counts_once(matched, media):
    w = matched  # visitor's and host's partnership are both XTEX
    advance(w, w.exchange, "validated")
    assert table(partnership_progress(w.partnership))["exchanges"] == (59, 1, 0)


def test_declined_and_cancelled_exchanges_do_not_count(two, media):
    w = two
    lifecycle.exchange_cancel(actor=w.coordinator, exchange=w.exchange_cz, reason="Withdrew.")
    # the Italian visitor's match is cancelled too and it finds another host
    lifecycle.exchange_cancel(actor=w.visitor_it, exchange=w.exchange, reason="Host closed.")
    again = lifecycle.exchange_propose(
        actor=w.visitor_it, application=w.application, offer=w.offer_pt
    )
    lifecycle.exchange_decline(actor=w.host_pt, exchange=again, reason="Full.")
    third = lifecycle.exchange_propose(actor=w.visitor_it, application=w.application, offer=w.offer)
    third = lifecycle.exchange_confirm(actor=w.host_es, exchange=third)
    advance(w, third, "validated")
    assert table(partnership_progress(w.partnership)) == {
        "exchanges": (59, 1, 0),
        "exchanges_sme": (30, 1, 0),
        "exchanges_non_member": (17, 0, 0),
    }
    counts = call_counts(w.call)
    assert (counts["exchanges_cancelled"], counts["exchanges_declined"]) == (2, 1)
    assert (counts["exchanges_validated"], counts["applications_validated"]) == (1, 2)


def test_sme_and_membership_count_as_they_were_at_validation(two, media):
    w = two
    # CLUTEX joins the partnership after the Czech SME was validated as a non-member
    PartnershipMemberFactory(partnership=w.partnership, organisation=w.cz_cluster.organisation)
    w.sme_cz.is_sme = False
    w.sme_cz.save()
    advance(w, w.exchange_cz, "validated", signers=w.signers_cz)
    assert table(partnership_progress(w.partnership))["exchanges_non_member"] == (17, 1, 0)
    assert table(partnership_progress(w.partnership))["exchanges_sme"] == (30, 1, 1)


def test_call_progress_reads_the_calls_share_of_the_targets(two, media):
    w = two
    services.call_update(
        actor=w.coordinator,
        call=w.call,
        data={"target_exchanges": 4, "target_sme": 2, "target_non_member": 1},
    )
    w.call.refresh_from_db()
    advance(w, w.exchange_cz, "validated", signers=w.signers_cz)
    rows = {r.code: r for r in call_progress(w.call)}
    assert table(rows.values()) == {
        "exchanges": (4, 1, 1),
        "exchanges_sme": (2, 1, 1),
        "exchanges_non_member": (1, 1, 0),
    }
    assert [rows[c].percent for c in rows] == [25, 50, 100]
    assert [rows[c].missing for c in rows] == [3, 1, 0]
    # another call of the partnership adds to the partnership, not to this call
    second = second_call(w, open_it=False, default_daily_rate="100")
    assert table(call_progress(second))["exchanges"] == (59, 0, 0)
    assert table(partnership_progress(w.partnership))["exchanges"] == (59, 1, 1)
