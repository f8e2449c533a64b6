"""Counts typed by users: digits other than 0-9 ("²", "١") are refused with the field's
message, not passed to int()."""

import pytest

from clusterloom.core.errors import DomainError
from clusterloom.directory.services import _non_negative_int
from clusterloom.partnerships.services import _count


@pytest.mark.parametrize("odd", ["²", "١٢", "3²"])
def test_non_ascii_digits_are_a_field_error(odd):
    with pytest.raises(DomainError) as caught:
        _non_negative_int(odd, "member_count")
    assert caught.value.field == "member_count"
    with pytest.raises(DomainError):
        _count(odd, "members")


def test_plain_digits_still_count():
    assert _non_negative_int(" 42 ", "member_count") == 42
    assert _count("42", "members") == 42
