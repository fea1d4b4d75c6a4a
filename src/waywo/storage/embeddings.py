"""How an embedding is stored: a float32 little-endian blob."""

from collections.abc import Sequence

import numpy as np

FLOAT32 = np.dtype("<f4")


def to_blob(vector: Sequence[float] | np.ndarray) -> bytes:
    """Encode a vector as the bytes stored in ``projects.embedding``."""
    return np.asarray(vector, dtype=FLOAT32).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    """Decode a stored embedding into a float32 array."""
    return np.frombuffer(blob, dtype=FLOAT32)
