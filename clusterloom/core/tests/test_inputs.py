"""Ids from user input: what a database can hold, or None (never an exception)."""

from types import SimpleNamespace

import pytest

from clusterloom.core.inputs import MAX_ID, id_value


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
