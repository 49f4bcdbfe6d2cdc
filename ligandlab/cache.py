"""A small content-addressed disk cache shared by every expensive computation.

Entries are keyed by a hash of everything that determines the result (canonical SMILES,
method, counts, seeds, code version) and written atomically (temporary file +
``os.replace``), so concurrent workers and interrupted runs never see half a file.
``LIGANDLAB_CACHE`` moves the cache; ``LIGANDLAB_CACHE=off`` disables it.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

_DEFAULT = Path.home() / ".cache" / "ligandlab"


def cache_dir() -> Path | None:
    """The cache root (created on demand), or ``None`` when caching is switched off."""
    env = os.environ.get("LIGANDLAB_CACHE")
    if env is not None and env.strip().lower() in {"off", "0", "none", ""}:
        return None
    root = Path(env).expanduser() if env else _DEFAULT
    return root


def key_of(*parts: Any) -> str:
    """A stable hex key from JSON-serialisable parts."""
    blob = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def _path(namespace: str, key: str, suffix: str) -> Path | None:
    root = cache_dir()
    if root is None:
        return None
    return root / namespace / key[:2] / f"{key}{suffix}"


def load(namespace: str, key: str) -> Any | None:
    """The cached object for ``key`` in ``namespace``, or ``None`` when absent or unreadable."""
    path = _path(namespace, key, ".pkl")
    if path is None or not path.exists():
        return None
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except Exception:  # a corrupt entry is a miss, never an error
        return None


def store(namespace: str, key: str, value: Any) -> None:
    """Write ``value`` atomically; an unwritable cache is skipped silently (it is only a cache)."""
    path = _path(namespace, key, ".pkl")
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        return
