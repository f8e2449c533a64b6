"""The partners of a partnership on a small map, drawn on the server as SVG (pure: no Django).

No tile server and no outlines: a graticule every 5 degrees, one dot per partner at its
coordinates (a hollow dot where only its country's largest city is known), labelled. The
projection is equirectangular with longitudes scaled by the cosine of the middle latitude, so
Europe keeps its proportions.
"""

import math
from dataclasses import dataclass
from html import escape

WIDTH = 640
PADDING = 2.0  # degrees around the partners
MIN_SPAN = 12.0  # degrees of latitude at least, so two neighbours do not fill the map


@dataclass(frozen=True)
class MapPoint:
    """A partner on the map."""

    label: str
    latitude: float
    longitude: float
    #: Only the country is known: the dot stands at its largest city.
    approximate: bool = False
    link: str = ""


def _box(points: list[MapPoint]) -> tuple[float, float, float, float]:
    south = min(p.latitude for p in points) - PADDING
    north = max(p.latitude for p in points) + PADDING
    west = min(p.longitude for p in points) - PADDING
    east = max(p.longitude for p in points) + PADDING
    if north - south < MIN_SPAN:
        middle = (north + south) / 2
        south, north = middle - MIN_SPAN / 2, middle + MIN_SPAN / 2
    scale = math.cos(math.radians((north + south) / 2))
    if (east - west) * scale < (north - south):
        middle, half = (east + west) / 2, (north - south) / scale / 2
        west, east = middle - half, middle + half
    return south, north, west, east


def partner_map_svg(points: list[MapPoint], *, title: str) -> str:
    """The SVG of the map, or "" without a partner to show."""
    if not points:
        return ""
    south, north, west, east = _box(points)
    scale = math.cos(math.radians((north + south) / 2))
    height = round(WIDTH * (north - south) / ((east - west) * scale))

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (
            round((lon - west) / (east - west) * WIDTH, 1),
            round((north - lat) / (north - south) * height, 1),
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" class="partner-map" aria-labelledby="partner-map-title">'
        f'<title id="partner-map-title">{escape(title)}</title>'
        f'<rect width="{WIDTH}" height="{height}" fill="#f4f7fb"/>'
    ]
    for lat in range(math.ceil(south / 5) * 5, math.floor(north) + 1, 5):
        y = xy(lat, west)[1]
        parts.append(f'<line x1="0" y1="{y}" x2="{WIDTH}" y2="{y}" stroke="#dde5f0"/>')
        parts.append(f'<text x="4" y="{y - 3}" font-size="10" fill="#8a99ad">{lat}°N</text>')
    for lon in range(math.ceil(west / 5) * 5, math.floor(east) + 1, 5):
        x = xy(south, lon)[0]
        parts.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="#dde5f0"/>')
        label = f"{abs(lon)}°{'E' if lon >= 0 else 'W'}"
        parts.append(
            f'<text x="{x + 3}" y="{height - 4}" font-size="10" fill="#8a99ad">{label}</text>'
        )
    seen: dict[tuple[float, float], int] = {}
    for point in sorted(points, key=lambda p: -p.latitude):
        x, y = xy(point.latitude, point.longitude)
        # Partners at the same place: one dot, their labels one under the other.
        shift = seen.get((x, y), 0)
        seen[(x, y)] = shift + 1
        fill = "#ffffff" if point.approximate else "#1d3f6e"
        # Labels of dots in the right third go to the left of the dot, inside the map.
        left = x > WIDTH * 2 / 3
        anchor = f'x="{x - 9}" text-anchor="end"' if left else f'x="{x + 9}"'
        dot = (
            f'<circle cx="{x}" cy="{y}" r="6" fill="{fill}" stroke="#1d3f6e" stroke-width="2"/>'
            f'<text {anchor} y="{y + 4 + 15 * shift}" font-size="13" fill="#1b2733" '
            f'paint-order="stroke" stroke="#f4f7fb" stroke-width="3">{escape(point.label)}</text>'
        )
        if point.link:
            dot = f'<a href="{escape(point.link)}">{dot}</a>'
        parts.append(f"<g>{dot}</g>")
    parts.append("</svg>")
    return "".join(parts)
