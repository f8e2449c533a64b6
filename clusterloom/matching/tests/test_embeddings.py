"""The semantic extra: the bundled model loads offline and gives meaningful unit vectors."""

import numpy as np
import pytest

from clusterloom.matching import embeddings
from clusterloom.matching.index import PartnerIndex, Profile, Query, Weights

needs_extra = pytest.mark.skipif(
    not embeddings.available(),
    reason="the semantic extra is not installed (pip install -e '.[semantic]')",
)


def test_embedder_refuses_clearly_without_the_extra(monkeypatch):
    monkeypatch.setattr(embeddings, "available", lambda: False)
    with pytest.raises(RuntimeError, match="semantic extra"):
        embeddings.SentenceTransformerEmbedder()


@pytest.fixture(scope="module")
def embedder():
    if not embeddings.available():
        pytest.skip("the semantic extra is not installed (pip install -e '.[semantic]')")
    return embeddings.SentenceTransformerEmbedder()


@needs_extra
def test_model_is_loaded_from_the_installed_package_offline(embedder, monkeypatch):
    import os

    assert (embeddings.model_path() / "model.safetensors").exists()
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert embedder.dimension == 384


@needs_extra
def test_vectors_are_unit_and_similar_texts_are_closer(embedder):
    v = embedder.encode(
        ["car seat fabric maker", "textiles for vehicle interiors", "olive oil", ""]
    )
    assert v.shape == (4, 384)
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-5)
    assert not v[3].any()
    assert v[0] @ v[1] > v[0] @ v[2]


@needs_extra
def test_long_texts_are_read_to_the_end(embedder):
    filler = "general text " * 300
    a, b = embedder.encode([filler + "lithium battery recycling", filler + "opera singing"])
    assert a @ b < 0.9999


@needs_extra
def test_semantic_signal_finds_a_match_without_a_shared_word(embedder):
    # hand-set weights with a semantic share: the learned ones give a title none (the
    # Horizon Europe titles taught no gain from it, docs/PERFORMANCE.md)
    ix = PartnerIndex(
        [
            Profile("seats", "We weave covers for automobile seating"),
            Profile("oil", "Olive oil pressing cooperative"),
        ],
        embedder=embedder,
        weights=Weights(),
        short_weights=Weights(),
    )
    found = ix.search(Query("car upholstery textiles"), k=2)
    assert found[0].id == "seats"
    assert found[0].explanation.components["semantic"] > 0


@pytest.mark.skipif(
    not (embeddings.available() and embeddings.cpu_has_bf16()),
    reason="needs the semantic extra and a processor with native bfloat16",
)
def test_bfloat16_vectors_match_the_float32_ones(embedder):
    assert embedder.bfloat16  # the default where the processor computes bfloat16 natively
    exact = embeddings.SentenceTransformerEmbedder(bfloat16=False)
    texts = ["car seat fabric maker", "recycled plastics for injection moulding " * 20]
    cosines = (embedder.encode(texts) * exact.encode(texts)).sum(axis=1)
    assert cosines.min() > 0.995
