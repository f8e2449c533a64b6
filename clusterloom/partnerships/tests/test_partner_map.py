"""The partners on a map drawn on the server: one dot per partner where its place is known,
hollow where only its country is, labels escaped; shown on the profile page."""

import pytest

from clusterloom.partnerships.partner_map import MapPoint, partner_map_svg


def test_no_partner_no_map():
    assert partner_map_svg([], title="Partners") == ""


def test_dots_sit_where_the_partners_are_and_labels_are_escaped():
    svg = partner_map_svg(
        [
            MapPoint("North <b>", 55.0, 10.0, link="/organisations/north/"),
            MapPoint("South", 40.0, 10.0, approximate=True),
            MapPoint("South twin", 40.0, 10.0, approximate=True),
        ],
        title="Partners of X & Y",
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert '<title id="partner-map-title">Partners of X &amp; Y</title>' in svg
    assert "North &lt;b&gt;" in svg and "<b>" not in svg
    assert '<a href="/organisations/north/">' in svg
    assert svg.count('fill="#ffffff"') == 2  # the two known only by their country
    ys = [float(part.split('cy="')[1].split('"')[0]) for part in svg.split("<circle")[1:]]
    assert ys[0] < ys[1] == ys[2]  # north above south; the twins share one place
    assert 'y="' in svg and "55°N" in svg and "10°E" in svg


@pytest.mark.django_db
def test_the_profile_shows_the_partners_on_a_map(client, seeds):
    html = client.get("/partnerships/extratex/").content.decode()
    assert 'id="partner-map"' in html and "<svg" in html
    assert "AECIM (ES)" in html


@pytest.mark.django_db
def test_partners_known_by_country_sit_at_its_largest_city_in_two_queries(
    django_assert_max_num_queries,
):
    """A partner with neither coordinates nor a city is placed (hollow) at its country's most
    populous city; looking those up costs two queries however many countries there are."""
    from clusterloom.directory.tests.factories import OrganisationFactory
    from clusterloom.geo.models import City, Country
    from clusterloom.partnerships.models import Partnership, PartnershipMember
    from clusterloom.partnerships.selectors import partners_on_map

    partnership = Partnership.objects.create(acronym="MAP", slug="map", title="Map")
    for n, code in enumerate(["XA", "XB", "XC", "XD"]):  # no real cities there
        country = Country.objects.get_or_create(code=code, defaults={"name": code})[0]
        City.objects.create(
            geonameid=100 + n, name=f"Big {code}", country=country, latitude=40 + n,
            longitude=10 + n, population=1_000_000,
        )  # fmt: skip
        City.objects.create(
            geonameid=200 + n, name=f"Small {code}", country=country, latitude=0, longitude=0,
            population=1_000,
        )  # fmt: skip
        organisation = OrganisationFactory(country=country, city=None, latitude=None)
        PartnershipMember.objects.create(partnership=partnership, organisation=organisation)
    with django_assert_max_num_queries(3):  # the members, then two for the four countries
        points = partners_on_map(partnership)
    assert sorted((p.latitude, p.longitude) for p in points) == [
        (40, 10), (41, 11), (42, 12), (43, 13)
    ]  # fmt: skip
    assert all(p.approximate for p in points)
