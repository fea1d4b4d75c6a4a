"""The local embedder: WordLlama's static embeddings, shipped inside its wheel.

Nothing is downloaded: the weights come with the pinned PyPI package and their
sha256 is checked before they are used. 256 dimensions, thousands of texts a
second on one core; weaker than a transformer, but it runs anywhere.
"""

import hashlib
import threading
from functools import cache
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from waywo.clients.embedder import Embeddings
from waywo.errors import ConfigurationError
from waywo.settings import LOCAL_EMBEDDER_MODEL

WEIGHTS_FILE = Path("weights") / "l2_supercat_256.safetensors"
# One model per process, shared by every LocalEmbedder; threadpool limits are
# process-wide too, so calls go one at a time.
MODEL_LOCK = threading.Lock()
# wordllama 0.4.0.post1, as pinned in pyproject.toml.
WEIGHTS_SHA256 = "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5"


class LocalEmbedder:
    """Embeds texts in this process; safe to share between threads."""

    model = LOCAL_EMBEDDER_MODEL
    dimension = 256

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._model = _load_wordllama()

    def close(self) -> None:
        """Release nothing: the model is shared by the process."""

    def embed(self, texts: list[str]) -> Embeddings:
        """Return one float32 vector per text, using at most ``threads`` cores."""
        with MODEL_LOCK, threadpool_limits(limits=self.threads):
            vectors = np.asarray(self._model.embed(texts), dtype=np.float32)
        return Embeddings(vectors.reshape(len(texts), self.dimension), self.model)


def check_weights(path: Path, expected: str = WEIGHTS_SHA256) -> None:
    """Refuse weights whose sha256 is not the pinned one."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ConfigurationError(f"Cannot read the local embedder at {path}") from exc
    if digest != expected:
        raise ConfigurationError(
            f"The local embedder's weights at {path} are not the pinned ones "
            f"(sha256 {digest[:12]}…, expected {expected[:12]}…); reinstall waywo"
        )


@cache
def _load_wordllama():  # type: ignore[no-untyped-def]
    """Load the model from the package's own folder, never from the network."""
    import wordllama  # imported late: only processes that embed pay for it

    package_dir = Path(wordllama.__file__).parent
    check_weights(package_dir / WEIGHTS_FILE)
    # cache_dir must be the package folder: without it WordLlama looks in the
    # user's cache and tries to download.
    return wordllama.WordLlama.load(cache_dir=package_dir, disable_download=True)
