"""Suggestions of whom to meet at an event: reciprocal (each side fits the other's needs),
within the organisers' rules, without pairs that already have a request or a meeting, without
one's own organisation and without profiles kept private; each with its reasons."""

import pytest

from clusterloom.events import meetings as m
from clusterloom.events import services
from clusterloom.events.recommend import suggestions_for

from .conftest import ask, member, register

pytestmark = pytest.mark.django_db


def _names(participant, k=10):
    return [s.participant.name for s in suggestions_for(participant, k=k)]


def test_buyers_are_suggested_suppliers_best_fit_first_with_reasons(eworld):
    w = eworld
    suggestions = suggestions_for(w.p_es)
    assert [s.participant.name for s in suggestions] == ["Giulia Bianchi", "Petr Novák"]
    best = suggestions[0].result
    assert best.organisation == w.orgs["it"]
    assert best.score > suggestions[1].result.score > 0
    # Why: the words of her request that the Italian weaver's offer and profile share.
    assert {"technical", "textiles", "seats"} <= set(best.matched_words)
    assert best.components and best.explanation_dict()["matched_words"] == best.matched_words
    # Reciprocal: the Italian weaver is suggested the Spanish buyer first.
    assert _names(w.p_it)[0] == "Lucía García"


def test_the_rules_decide_who_is_suggested(eworld):
    w = eworld
    for buyer in (w.p_es, w.p_sk):
        assert set(_names(buyer)) <= {"Giulia Bianchi", "Petr Novák"}
    for supplier in (w.p_it, w.p_cz):
        assert set(_names(supplier)) <= {"Lucía García", "Ján Kováč"}
    # Without any rule, a supplier may also be suggested the other supplier.
    services.group_rule_set(
        actor=w.organiser, event=w.event, group_a=w.buyers, group_b=w.suppliers, allowed=False
    )
    assert "Petr Novák" in _names(w.p_it)


def test_pairs_with_a_live_request_are_left_out_until_it_ends(eworld):
    w = eworld
    meeting = ask(w)
    assert "Giulia Bianchi" not in _names(w.p_es)
    assert "Lucía García" not in _names(w.p_it)
    m.meeting_decline(actor=w.buyer_es, meeting=meeting)
    assert "Giulia Bianchi" in _names(w.p_es)


def test_ones_own_organisation_and_private_profiles_are_left_out(eworld):
    w = eworld
    colleague = register(
        w,
        member(w.orgs["es"], "colleague_es", "Pablo", "Ruiz"),
        w.orgs["es"],
        group=w.suppliers.pk,
        profile="Technical textiles for car seats, made in our own plant.",
        items=[{"kind": "offer", "title": "Technical textiles for car seats"}],
    )
    assert "Pablo Ruiz" not in _names(w.p_es)
    assert "Lucía García" not in _names(colleague)
    # A supplier who keeps the profile private is suggested to nobody, but still gets
    # suggestions.
    services.registration_update(
        actor=w.supplier_it, participant=w.p_it, data={"consent_public": False}
    )
    assert "Giulia Bianchi" not in _names(w.p_es)
    assert "Lucía García" in _names(w.p_it)


def test_only_approved_participants_get_and_are_given_suggestions(eworld):
    w = eworld
    from clusterloom.directory.tests.factories import OrganisationFactory, country

    organisation = OrganisationFactory(name="Tecidos Técnicos", country=country("PT"))
    waiting = register(
        w,
        member(organisation, "waiting_pt"),
        organisation,
        group=w.suppliers.pk,
        approve=False,
        profile="Technical textiles for car seats.",
    )
    assert suggestions_for(waiting) == []
    assert "waiting_pt" not in " ".join(_names(w.p_es))
    assert len(_names(w.p_es)) == 2
    assert _names(w.p_es, k=1) == ["Giulia Bianchi"]


def test_agreed_meetings_are_needs_for_learn_ranking(eworld):
    """learn-ranking learns from who agreed to meet: what the requester seeks, answered by the
    organisation of the one who accepted; requests not (yet) accepted teach nothing."""
    from clusterloom.matching.ranking_services import meeting_needs

    w = eworld
    assert meeting_needs() == []
    meeting = ask(w)  # the Italian supplier asks the Spanish buyer
    assert meeting_needs() == []  # not accepted yet
    m.meeting_accept(actor=w.p_es.user, meeting=meeting)
    needs = meeting_needs()
    assert [n.source for n in needs] == ["meeting"]
    need = needs[0].need
    assert need.answers == frozenset({str(w.p_es.organisation_id)})
    # The supplier lists offers and no request: its profile says what it seeks.
    assert need.text == "We weave technical textiles for car seats."
    assert needs[0].on == meeting.created_at.date()
