"""How people are named on pages and in messages: by their name, never by their login."""


def display_name(user) -> str:
    """The login's full name, else its person's first and last name, else the login name (the
    last resort, e.g. for the platform admin)."""
    if user is None:
        return ""
    if user.get_full_name():
        return user.get_full_name()
    person = getattr(user, "person", None)
    if person is not None and f"{person.first_name} {person.last_name}".strip():
        return f"{person.first_name} {person.last_name}".strip()
    return user.get_username()


def name_and_title(user) -> str:
    """The display name with the person's job title: "Lucía Demo, Innovation manager"."""
    person = getattr(user, "person", None)
    title = person.job_title if person is not None else ""
    return f"{display_name(user)}, {title}" if title else display_name(user)
