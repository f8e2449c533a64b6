"""Section of the partnership page (filled in by the app)."""


def partnership_section(request, partnership) -> str:
    """Nothing yet."""
    return ""
