"""Country names in the platform's languages (pycountry's ISO 3166 catalogues)."""

import pytest

from clusterloom.geo.labels import country_label
from clusterloom.geo.models import Country


@pytest.mark.parametrize(
    "language,czechia,italy",
    [
        ("en", "Czechia", "Italy"),
        ("it", "Cechia", "Italia"),
        ("es", "Chequia", "Italia"),
        ("cs", "Česko", "Itálie"),
        ("sk", "Česko", "Taliansko"),
        ("pt", "Chéquia", "Itália"),
        ("tr", "Çekya", "İtalya"),
        ("de", "Tschechien", "Italien"),
    ],
)
def test_country_names_in_each_language(language, czechia, italy):
    assert country_label("CZ", "Czechia", language) == czechia
    assert country_label("IT", "Italy", language) == italy


def test_unknown_countries_and_languages_show_the_english_name():
    assert country_label("XK", "Kosovo", "de") == "Kosovo"  # not in ISO 3166
    assert country_label("IT", "Italy", "xx") == "Italy"
    assert country_label("IT", "Italy", None) == "Italy"


@pytest.mark.django_db
def test_country_label_follows_the_active_language():
    from django.utils import translation

    country = Country.objects.get(code="DE")
    with translation.override("cs"):
        assert country.label == "Německo"
    assert country.label == country.name
