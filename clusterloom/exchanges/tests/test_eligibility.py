"""ClusterXchange eligibility rules: each rule passes and fails at its boundary."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterloom.exchanges.eligibility import (
    HOST_ONLY_KINDS,
    MESSAGES,
    MIN_WORKING_DAYS,
    VISITOR_KINDS,
    ExchangeFacts,
    RuleFailure,
    check_exchange,
    check_visitor,
    holidays_between,
    latest_end,
    working_days,
)

COSME = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
    "IS AL BA XK ME MK RS TR AM MD UA".split()
)

#: An SME from Belgium visiting an Italian university Monday to Wednesday (no holidays).
GOOD = ExchangeFacts(
    visitor_organisation="org-visitor",
    visitor_country="BE",
    visitor_kind="sme",
    visitor_is_cluster_member=True,
    host_organisation="org-host",
    host_country="IT",
    host_kind="university",
    start=date(2026, 3, 9),
    end=date(2026, 3, 11),
    cosme_countries=COSME,
)


def rules(failures: list[RuleFailure]) -> list[str]:
    """The rule codes, in the order reported."""
    return [failure.rule for failure in failures]


def only(failures: list[RuleFailure], rule: str) -> RuleFailure:
    """The one failure reported, checked to be `rule`, its message checked to format."""
    assert rules(failures) == [rule]
    assert failures[0].message()  # every reported rule's template fits its params
    return failures[0]


def test_a_good_exchange_passes_every_rule():
    assert check_visitor(GOOD) == []
    assert check_exchange(GOOD) == []


# visitor country


def test_visitor_outside_cosme_is_refused_naming_the_country():
    failure = only(check_visitor(replace(GOOD, visitor_country="US")), "visitor_country_not_cosme")
    assert failure.field == "organisation"
    assert "United States" in failure.message()
    assert "US" in failure.message()


def test_visitor_in_an_associated_cosme_country_passes():
    assert check_exchange(replace(GOOD, visitor_country="TR")) == []


def test_visitor_without_a_country_is_refused():
    only(check_visitor(replace(GOOD, visitor_country="")), "visitor_country_unknown")


# visitor kind and membership


@pytest.mark.parametrize("kind", sorted(HOST_ONLY_KINDS))
def test_host_only_kinds_are_refused_as_visitors(kind):
    failure = only(check_visitor(replace(GOOD, visitor_kind=kind)), "visitor_kind_host_only")
    assert failure.message() == (
        "Large companies, public authorities and training providers may only host."
    )


@pytest.mark.parametrize("kind", sorted(HOST_ONLY_KINDS))
def test_host_only_kinds_may_host(kind):
    assert check_exchange(replace(GOOD, host_kind=kind)) == []


@pytest.mark.parametrize("kind", sorted(VISITOR_KINDS))
def test_every_visitor_kind_may_visit_as_a_cluster_member(kind):
    assert check_exchange(replace(GOOD, visitor_kind=kind)) == []


def test_unknown_visitor_kind_is_refused_naming_it():
    failure = only(check_visitor(replace(GOOD, visitor_kind="startup")), "visitor_kind_unknown")
    assert "startup" in failure.message()


def test_unknown_host_kind_is_refused_naming_it():
    failure = only(check_exchange(replace(GOOD, host_kind="ngo")), "host_kind_unknown")
    assert failure.field == "host"
    assert "ngo" in failure.message()


@pytest.mark.parametrize("kind", ["sme", "rto", "university", "other"])
def test_non_cluster_visitors_must_be_cluster_members(kind):
    facts = replace(GOOD, visitor_kind=kind, visitor_is_cluster_member=False)
    failure = only(check_visitor(facts), "visitor_not_cluster_member")
    assert "member of a cluster" in failure.message()


@pytest.mark.parametrize("kind", ["cluster", "business_network"])
def test_cluster_organisations_need_no_membership(kind):
    facts = replace(GOOD, visitor_kind=kind, visitor_is_cluster_member=False)
    assert check_exchange(facts) == []


# host


def test_missing_host_fails_the_exchange_but_not_the_registration():
    facts = replace(GOOD, host_organisation=None, host_country=None, host_kind=None)
    assert check_visitor(facts) == []
    assert only(check_exchange(facts), "host_missing").field == "host"


def test_host_outside_cosme_is_refused():
    failure = only(check_exchange(replace(GOOD, host_country="US")), "host_country_not_cosme")
    assert "United States" in failure.message()


def test_host_without_a_country_is_refused():
    only(check_exchange(replace(GOOD, host_country="")), "host_country_unknown")


def test_host_in_the_visitors_country_is_refused():
    failure = only(check_exchange(replace(GOOD, host_country="BE")), "host_same_country")
    assert "Belgium" in failure.message()


def test_host_cannot_be_the_visiting_organisation():
    facts = replace(GOOD, host_organisation="org-visitor", host_country="BE")
    assert rules(check_exchange(facts)) == ["host_is_visitor", "host_same_country"]


# dates


def test_missing_dates_are_reported_per_field():
    failures = check_exchange(replace(GOOD, start=None, end=None))
    assert [(f.rule, f.field) for f in failures] == [
        ("start_missing", "start"),
        ("end_missing", "end"),
    ]
    assert check_visitor(replace(GOOD, start=None, end=None)) == []


def test_end_before_start_says_which_dates():
    facts = replace(GOOD, start=date(2026, 3, 11), end=date(2026, 3, 9))
    failure = only(check_exchange(facts), "dates_in_wrong_order")
    assert "2026-03-09" in failure.message()
    assert "2026-03-11" in failure.message()


def test_exactly_three_working_days_pass():
    assert working_days(date(2026, 3, 9), date(2026, 3, 11), "IT") == MIN_WORKING_DAYS
    assert check_exchange(GOOD) == []


def test_one_day_stay_is_too_short():
    facts = replace(GOOD, start=date(2026, 3, 9), end=date(2026, 3, 9))
    assert only(check_exchange(facts), "too_few_working_days").params["days"] == 1


def test_friday_to_monday_holds_two_working_days_and_fails():
    facts = replace(GOOD, start=date(2026, 3, 6), end=date(2026, 3, 9))
    failure = only(check_exchange(facts), "too_few_working_days")
    assert failure.params["days"] == 2
    assert "there are 2 working days" in failure.message()
    assert "at least 3" in failure.message()


def test_easter_monday_at_an_italian_host_drops_below_three_and_is_named():
    facts = replace(GOOD, start=date(2026, 4, 6), end=date(2026, 4, 8))
    failure = only(check_exchange(facts), "too_few_working_days")
    assert failure.params["days"] == 2
    assert "Easter Monday (2026-04-06)" in failure.message()
    assert "Italy" in failure.message()


def test_the_same_dates_pass_with_a_host_where_easter_monday_is_a_working_day():
    facts = replace(GOOD, host_country="PT", start=date(2026, 4, 6), end=date(2026, 4, 8))
    assert check_exchange(facts) == []


def test_holidays_between_lists_only_weekday_holidays():
    # Easter Sunday (5 April) and Liberation Day (Saturday 25 April) fall on weekends.
    assert holidays_between(date(2026, 4, 1), date(2026, 4, 30), "IT") == [
        (date(2026, 4, 6), "Easter Monday")
    ]


@pytest.mark.parametrize("country", ["", "ZZ"])
def test_working_days_without_known_holidays_count_weekdays(country):
    assert working_days(date(2026, 4, 6), date(2026, 4, 12), country) == 5
    assert holidays_between(date(2026, 4, 6), date(2026, 4, 12), country) == []


def test_working_days_across_new_year():
    # 29 Dec 2025 (Mon) to 2 Jan 2026 (Fri); 1 January is a holiday in Italy.
    assert working_days(date(2025, 12, 29), date(2026, 1, 2), "IT") == 4


def test_working_days_of_reversed_dates_is_zero():
    assert working_days(date(2026, 3, 11), date(2026, 3, 9), "IT") == 0


@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 1)),
    st.integers(min_value=0, max_value=70),
)
def test_working_days_match_a_day_by_day_count(start, length):
    end = start + timedelta(days=length)
    holidays = {day for day, _name in holidays_between(start, end, "DE")}
    expected = sum(
        1
        for i in range(length + 1)
        if (day := start + timedelta(days=i)).weekday() < 5 and day not in holidays
    )
    assert working_days(start, end, "DE") == expected


# at most one month


@pytest.mark.parametrize(
    ("start", "latest"),
    [
        (date(2026, 3, 10), date(2026, 4, 9)),
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 1, 29), date(2026, 2, 28)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),
        (date(2026, 12, 15), date(2027, 1, 14)),
        (date(2026, 12, 31), date(2027, 1, 30)),
    ],
)
def test_latest_end_is_one_month_less_a_day(start, latest):
    assert latest_end(start) == latest


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 11, 30)))
def test_latest_end_is_between_four_weeks_and_a_month_later(start):
    assert 27 <= (latest_end(start) - start).days <= 30


def test_ending_on_latest_end_passes():
    facts = replace(GOOD, start=date(2026, 3, 10), end=date(2026, 4, 9))
    assert check_exchange(facts) == []


def test_ending_a_day_after_latest_end_fails_naming_the_latest_end():
    facts = replace(GOOD, start=date(2026, 3, 10), end=date(2026, 4, 10))
    failure = only(check_exchange(facts), "too_long")
    assert failure.field == "end"
    assert "2026-04-09" in failure.message()


# once per visiting organisation


def test_first_exchange_of_the_visiting_organisation_passes():
    facts = replace(GOOD, other_exchanges_of_visitor_organisation=0)
    assert check_visitor(facts) == []


def test_second_exchange_of_the_visiting_organisation_fails():
    facts = replace(GOOD, other_exchanges_of_visitor_organisation=1)
    only(check_visitor(facts), "visitor_already_took_part")
    only(check_exchange(facts), "visitor_already_took_part")


# all together


def test_all_failures_are_reported_together_in_a_stable_order():
    facts = replace(
        GOOD,
        visitor_country="US",
        visitor_kind="large_company",
        host_organisation="org-visitor",
        host_country="US",
        start=date(2026, 3, 6),
        end=date(2026, 3, 9),
        other_exchanges_of_visitor_organisation=2,
    )
    expected = [
        "visitor_country_not_cosme",
        "visitor_kind_host_only",
        "host_is_visitor",
        "host_country_not_cosme",
        "too_few_working_days",
        "visitor_already_took_part",
    ]
    assert rules(check_exchange(facts)) == expected
    assert rules(check_visitor(facts)) == [expected[0], expected[1], expected[-1]]
    assert all(failure.message() for failure in check_exchange(facts))


def test_messages_go_through_the_given_translator():
    german = {MESSAGES["too_long"]: "Spätestens am %(latest)s enden, nicht am %(end)s."}
    facts = replace(GOOD, start=date(2026, 3, 10), end=date(2026, 4, 10))
    failure = only(check_exchange(facts), "too_long")
    assert failure.message(lambda s: german.get(s, s)) == (
        "Spätestens am 2026-04-09 enden, nicht am 2026-04-10."
    )
