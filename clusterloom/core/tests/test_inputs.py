"""Ids from user input: what a database can hold, or None (never an exception); a list's status
filter: a known status or nothing, else a refusal on the status field."""

from types import SimpleNamespace

import pytest

from clusterloom.core.errors import DomainError
from clusterloom.core.inputs import MAX_ID, id_value, status_filter


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        (12, 12),
        (SimpleNamespace(pk=5), 5),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("99999999999999999999999", None),
        ("²", None),
        ("١٢", None),
        ("1e3", None),
        ("-1", None),
        ("0", None),
        (0, None),
        (True, None),
        ("", None),
        (None, None),
        ("slug-text", None),
    ],
)
def test_id_value(given, expected):
    assert id_value(given) == expected


def test_a_status_filter_is_a_known_status_or_nothing():
    assert status_filter("open", ["draft", "open"]) == "open"
    assert status_filter("", ["draft", "open"]) == ""
    with pytest.raises(DomainError) as refused:
        status_filter("bogus", ["draft", "open"])
    assert refused.value.field == "status"
    assert refused.value.message == "Unknown status “bogus”; use one of: draft, open."


def test_bounded_text_refuses_a_new_text_beyond_its_bound_and_keeps_an_old_one():
    from clusterloom.core.inputs import bounded_text

    assert bounded_text("  Seat fabrics. ", "description") == "Seat fabrics."
    assert bounded_text("x" * 5_000, "description") == "x" * 5_000
    with pytest.raises(DomainError) as caught:
        bounded_text("x" * 5_001, "description")
    assert (caught.value.field, caught.value.message) == (
        "description",
        "Too long: 5,000 characters at most.",
    )
    old = "y" * 9_000
    assert bounded_text(old, "description", current=old) == old  # saved before the bound
    with pytest.raises(DomainError):
        bounded_text(old + "!", "description", current=old)
