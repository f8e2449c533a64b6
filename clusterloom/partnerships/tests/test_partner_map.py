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
