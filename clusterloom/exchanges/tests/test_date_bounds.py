"""Dates that drive work are bounded before it: a visitor registration spanning millennia is
refused at once (holidays were looked up year by year: most of a minute)."""

import datetime
import time

from clusterloom.exchanges.eligibility import ExchangeFacts, check_exchange


def test_a_period_of_millennia_is_too_long_without_counting_its_holidays():
    facts = ExchangeFacts(
        visitor_organisation="Cluster A",
        visitor_country="IT",
        visitor_kind="cluster",
        visitor_is_cluster_member=False,
        host_organisation="Host",
        host_country="DE",
        host_kind="sme",
        start=datetime.date(1, 1, 2),
        end=datetime.date(9999, 1, 1),
        cosme_countries=frozenset({"IT", "DE"}),
    )
    started = time.process_time()
    rules = [f.rule for f in check_exchange(facts)]
    assert time.process_time() - started < 1
    assert "too_long" in rules


def test_dates_outside_1900_2999_are_refused_naming_the_field():
    import pytest

    from clusterloom.core.errors import DomainError
    from clusterloom.core.inputs import date_value

    with pytest.raises(DomainError) as caught:
        date_value("9999-12-31", "preferred_end")
    assert caught.value.field == "preferred_end"
    assert date_value("2027-05-03", "start") == datetime.date(2027, 5, 3)
    assert date_value("", "start") is None
