"""Country names in the platform's languages, from the ISO 3166 catalogues pycountry ships.

The catalogues are read through gettext from pycountry's own locale directory (nothing is
copied into the project); a language or country they lack shows the English name.
"""

import gettext
from functools import lru_cache

import pycountry


@lru_cache(maxsize=32)
def _catalogue(language: str) -> gettext.NullTranslations | None:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return None


@lru_cache(maxsize=4096)
def country_label(code: str, name: str, language: str | None) -> str:
    """The name of the country `code` in `language` ("it", "pt-br"); `name` (English) when
    the catalogue has none."""
    base = (language or "en").lower().replace("_", "-").split("-")[0]
    if base == "en":
        return name
    record = pycountry.countries.get(alpha_2=code)
    catalogue = _catalogue(base)
    if record is None or catalogue is None:
        return name
    for english in (getattr(record, "common_name", None), record.name):
        if english:
            translated = catalogue.gettext(english)
            if translated != english:
                return translated
    return name
