"""The partnership network: pure layout and SVG, then the page that shows it."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from clusterloom.partnerships.network import NetworkNode, layout, render_svg

EXTRATEX = NetworkNode("p-extratex", "EXTRATEX")
HITECH = NetworkNode("p-hitech", "Hi-Tech-TEX")
CLUSTERS = [
    NetworkNode("c-aecim", "AECIM"),
    NetworkNode("c-clutex", "CLUTEX"),
    NetworkNode("c-ntt", "Next Technology Tecnotessile"),
    NetworkNode("c-citeve", "CITEVE"),
    NetworkNode("c-spk", "Slovenský plastikársky klaster"),
]
EDGES = [
    ("p-extratex", "c-aecim"),
    ("p-extratex", "c-clutex"),
    ("p-extratex", "c-ntt"),
    ("p-extratex", "c-spk"),
    ("p-hitech", "c-clutex"),
    ("p-hitech", "c-ntt"),
    ("p-hitech", "c-citeve"),
]


def test_shared_clusters_are_those_in_both_partnerships():
    net = layout([EXTRATEX, HITECH], CLUSTERS, EDGES)
    assert sorted(n.label for n in net.shared_clusters) == [
        "CLUTEX",
        "Next Technology Tecnotessile",
    ]
    assert all(e.shared == (e.target in {"c-clutex", "c-ntt"}) for e in net.edges)


def test_partnerships_left_clusters_right_and_shared_ones_between():
    net = layout([HITECH, EXTRATEX], CLUSTERS, EDGES)
    assert {n.x for n in net.partnerships} == {300}
    assert {n.x for n in net.clusters} == {600}
    order = [n.label for n in net.clusters]
    # EXTRATEX-only clusters come first, shared ones in the middle, Hi-Tech-TEX-only last.
    assert order.index("CITEVE") == len(order) - 1
    assert order.index("AECIM") < order.index("CLUTEX") < order.index("CITEVE")


def test_layout_is_deterministic_whatever_the_input_order():
    one = layout([EXTRATEX, HITECH], CLUSTERS, EDGES)
    two = layout([HITECH, EXTRATEX], list(reversed(CLUSTERS)), list(reversed(EDGES)))
    assert render_svg(one, title="t", description="d") == render_svg(
        two, title="t", description="d"
    )


def test_svg_is_accessible_and_escapes_labels():
    net = layout(
        [NetworkNode("p1", "A&B <Partnership>", href="/partnerships/ab/")],
        [NetworkNode("c1", 'Café "Cluster"')],
        [("p1", "c1")],
    )
    svg = render_svg(net, title="Network of partnerships", description="1 partnership")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert '<title id="net-title">Network of partnerships</title>' in svg
    assert '<desc id="net-desc">1 partnership</desc>' in svg
    assert 'role="img"' in svg
    assert "A&amp;B &lt;Partnership&gt;" in svg
    assert "<Partnership>" not in svg
    assert 'href="/partnerships/ab/"' in svg


def test_edges_to_unknown_nodes_are_ignored():
    net = layout([EXTRATEX], [CLUSTERS[0]], [("p-extratex", "c-aecim"), ("p-x", "c-aecim")])
    assert len(net.edges) == 1


names = st.text(min_size=1, max_size=12)


@given(
    st.lists(names, min_size=1, max_size=6, unique=True),
    st.lists(names, min_size=1, max_size=12, unique=True),
    st.data(),
)
def test_no_two_nodes_of_a_column_overlap_and_all_fit(p_labels, c_labels, data):
    ps = [NetworkNode(f"p{i}", label) for i, label in enumerate(p_labels)]
    cs = [NetworkNode(f"c{i}", label) for i, label in enumerate(c_labels)]
    edges = data.draw(
        st.lists(
            st.tuples(st.sampled_from([p.key for p in ps]), st.sampled_from([c.key for c in cs]))
        )
    )
    net = layout(ps, cs, edges)
    for column in (net.partnerships, net.clusters):
        ys = sorted(n.y for n in column)
        assert all(b - a >= 30 for a, b in zip(ys, ys[1:], strict=False))
        assert all(0 < y < net.height for y in ys)
    for node in net.clusters:
        linked = {p for p, c in edges if c == node.key}
        assert node.shared == (len(linked) > 1)


@pytest.mark.django_db
def test_network_page_shows_both_partnerships_and_marks_shared_clusters(client, seeds):
    response = client.get(reverse("network"))
    assert response.status_code == 200
    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "EXTRATEX" in svg and "Hi-Tech-TEX" in svg
    assert f'class="net-node cluster shared" data-key="c-{seeds.clutex.pk}"' in svg
    assert f'class="net-node cluster shared" data-key="c-{seeds.ntt.pk}"' in svg
    assert f'class="net-node cluster" data-key="c-{seeds.aecim.pk}"' in svg
    # The table alternative lists every cluster with its partnerships.
    table = html[html.index("</svg>") :]
    assert "<table" in table and "CLUTEX" in table and "AECIM" in table


@pytest.mark.django_db
def test_network_page_hides_unpublished_partnership_from_public(client, seeds):
    seeds.hitech.is_published = False
    seeds.hitech.save()
    html = client.get(reverse("network")).content.decode()
    assert "Hi-Tech-TEX" not in html
    assert "net-node cluster shared" not in html
