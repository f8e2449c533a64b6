"""URL patterns of an object's pages, for every app's URL conf.

Most pages of one object sit at the object's route plus a verb ("offers/<int:pk>/" + "edit/"),
are served by the view named after the object and the verb (`offer_edit`), and are named the
same way, with the app's prefix where it has one ("hosting_offer_edit"). `object_pages` writes
those patterns from the verbs, so that a URL conf spells out only the pages that differ.
"""

from types import ModuleType

from django.urls import URLPattern, path


def object_pages(
    route: str, views: ModuleType, entity: str, verbs: str, *, name: str = ""
) -> list[URLPattern]:
    """One pattern per verb of `verbs` (separated by spaces, in order): `route` + "<verb>/",
    served by `views.<entity>_<verb>` and named "<name>_<verb>" (`name` is `entity` unless
    given); a hyphen in a verb is an underscore in the view's and the pattern's names."""
    patterns = []
    for verb in verbs.split():
        word = verb.replace("-", "_")
        view = getattr(views, f"{entity}_{word}")
        patterns.append(path(f"{route}{verb}/", view, name=f"{name or entity}_{word}"))
    return patterns
