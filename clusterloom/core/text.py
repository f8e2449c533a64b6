"""Cleaning text that users and imports give (pure: no Django)."""

from typing import Any


def squash(value: Any) -> str:
    """The value as text with runs of whitespace made single spaces and the ends trimmed;
    None and empty values become ""."""
    return " ".join(str(value or "").split())
