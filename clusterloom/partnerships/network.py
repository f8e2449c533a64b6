"""Bipartite network of partnerships and their partner clusters, laid out and drawn as SVG.

Pure module: no Django. The view turns models into `NetworkNode`/edge tuples, this module
places them (partnerships in the left column, clusters in the right) and writes the SVG.
Layout is deterministic: the same input always gives the same picture.
"""

from dataclasses import dataclass, field
from html import escape

#: Geometry of the drawing, in SVG user units.
WIDTH = 900
ROW = 34
MARGIN_Y = 40
LEFT_X = 300
RIGHT_X = 600
NODE_R = 9


@dataclass(frozen=True)
class NetworkNode:
    """A partnership or a cluster, as given to the layout."""

    key: str
    label: str
    href: str = ""
    #: Longer name shown as the tooltip (e.g. the full name behind a short name).
    tooltip: str = ""


@dataclass
class PlacedNode:
    """A node with its position and whether it is shared by several partnerships."""

    key: str
    label: str
    href: str
    x: float
    y: float
    side: str  # "partnership" or "cluster"
    tooltip: str = ""
    degree: int = 0
    shared: bool = False


@dataclass
class PlacedEdge:
    """A line from a partnership to one of its clusters."""

    source: str
    target: str
    x1: float
    y1: float
    x2: float
    y2: float
    shared: bool = False


@dataclass
class NetworkLayout:
    """Positions of every node and edge, and the size of the drawing."""

    width: int
    height: int
    partnerships: list[PlacedNode] = field(default_factory=list)
    clusters: list[PlacedNode] = field(default_factory=list)
    edges: list[PlacedEdge] = field(default_factory=list)

    @property
    def shared_clusters(self) -> list[PlacedNode]:
        """Clusters that take part in more than one partnership."""
        return [node for node in self.clusters if node.shared]


def _column(count: int, rows: int) -> list[float]:
    """Y positions for `count` nodes, centred in a column of `rows` rows."""
    offset = (rows - count) * ROW / 2
    return [MARGIN_Y + offset + i * ROW + ROW / 2 for i in range(count)]


def layout(
    partnerships: list[NetworkNode],
    clusters: list[NetworkNode],
    edges: list[tuple[str, str]],
) -> NetworkLayout:
    """Place partnerships left and clusters right; clusters sit near their partnerships.

    Partnerships are sorted by label. Each cluster is placed by the mean row of the
    partnerships it belongs to (barycentre heuristic, fewer crossings), ties broken by label,
    so clusters shared by two partnerships land between them.
    """
    p_keys = {node.key for node in partnerships}
    c_keys = {node.key for node in clusters}
    clean_edges = sorted({(p, c) for p, c in edges if p in p_keys and c in c_keys})

    p_sorted = sorted(partnerships, key=lambda n: (n.label.casefold(), n.key))
    p_row = {node.key: i for i, node in enumerate(p_sorted)}
    links: dict[str, list[int]] = {node.key: [] for node in clusters}
    for p, c in clean_edges:
        links[c].append(p_row[p])

    def barycentre(node: NetworkNode) -> tuple[float, str, str]:
        rows = links[node.key]
        centre = sum(rows) / len(rows) if rows else float(len(p_sorted))
        return (centre, node.label.casefold(), node.key)

    c_sorted = sorted(clusters, key=barycentre)
    rows = max(len(p_sorted), len(c_sorted), 1)
    height = int(2 * MARGIN_Y + rows * ROW)

    placed_p = [
        PlacedNode(n.key, n.label, n.href, LEFT_X, y, "partnership", n.tooltip or n.label)
        for n, y in zip(p_sorted, _column(len(p_sorted), rows), strict=True)
    ]
    placed_c = [
        PlacedNode(n.key, n.label, n.href, RIGHT_X, y, "cluster", n.tooltip or n.label)
        for n, y in zip(c_sorted, _column(len(c_sorted), rows), strict=True)
    ]
    by_key_p = {n.key: n for n in placed_p}
    by_key_c = {n.key: n for n in placed_c}
    for p, c in clean_edges:
        by_key_p[p].degree += 1
        by_key_c[c].degree += 1
    for node in placed_c:
        node.shared = node.degree > 1

    placed_edges = [
        PlacedEdge(
            p,
            c,
            by_key_p[p].x,
            by_key_p[p].y,
            by_key_c[c].x,
            by_key_c[c].y,
            shared=by_key_c[c].shared,
        )
        for p, c in clean_edges
    ]
    return NetworkLayout(WIDTH, height, placed_p, placed_c, placed_edges)


def _label(node: PlacedNode, text: str, anchor: str, dx: int) -> str:
    label = (
        f'<text x="{node.x + dx:.1f}" y="{node.y + 4:.1f}" text-anchor="{anchor}" '
        f'class="net-label">{escape(text)}</text>'
    )
    if node.href:
        return f'<a href="{escape(node.href)}">{label}</a>'
    return label


def render_svg(
    net: NetworkLayout,
    *,
    title: str,
    description: str,
    shared_note: str = "",
) -> str:
    """The layout as an accessible SVG string (title and desc; shared clusters marked)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {net.width} {net.height}" '
        f'width="100%" role="img" aria-labelledby="net-title net-desc" class="network-svg">',
        f'<title id="net-title">{escape(title)}</title>',
        f'<desc id="net-desc">{escape(description)}</desc>',
        "<style>.net-edge{stroke:#9fb3cf;stroke-width:1.5}"
        ".net-edge.shared{stroke:#e0a526;stroke-width:2.5}"
        ".net-p{fill:#1d3f6e}.net-c{fill:#fff;stroke:#1d3f6e;stroke-width:2}"
        ".net-c.shared{fill:#e0a526;stroke:#8a5a00}"
        ".net-label{font:13px sans-serif;fill:#1b1b1b}</style>",
        '<g class="net-edges">',
    ]
    for edge in net.edges:
        css = "net-edge shared" if edge.shared else "net-edge"
        mid = (edge.x1 + edge.x2) / 2
        parts.append(
            f'<path class="{css}" fill="none" data-source="{escape(edge.source)}" '
            f'data-target="{escape(edge.target)}" d="M{edge.x1:.1f},{edge.y1:.1f} '
            f'C{mid:.1f},{edge.y1:.1f} {mid:.1f},{edge.y2:.1f} {edge.x2:.1f},{edge.y2:.1f}"/>'
        )
    parts.append("</g>")
    for node in net.partnerships:
        parts.append(
            f'<g class="net-node partnership" data-key="{escape(node.key)}">'
            f"<title>{escape(node.tooltip)}</title>"
            f'<rect class="net-p" x="{node.x - NODE_R:.1f}" y="{node.y - NODE_R:.1f}" '
            f'width="{2 * NODE_R}" height="{2 * NODE_R}" rx="3"/>'
            f"{_label(node, node.label, 'end', -NODE_R - 6)}</g>"
        )
    for node in net.clusters:
        css = "net-c shared" if node.shared else "net-c"
        text = f"{node.label} ★" if node.shared else node.label
        tooltip = f"{node.tooltip} — {shared_note}" if node.shared and shared_note else node.tooltip
        parts.append(
            f'<g class="net-node cluster{" shared" if node.shared else ""}" '
            f'data-key="{escape(node.key)}"><title>{escape(tooltip)}</title>'
            f'<circle class="{css}" cx="{node.x:.1f}" cy="{node.y:.1f}" r="{NODE_R}"/>'
            f"{_label(node, text, 'start', NODE_R + 6)}</g>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
