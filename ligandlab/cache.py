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
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ligandlab.errors import LigandLabError

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


# Namespaces ligandlab itself writes; md_binding holds run directories, the rest pickles.
BUILTIN_NAMESPACES = ("conformers", "descriptors", "scores", "gaff2", "md_binding")


def _is_cache_shaped(directory: Path) -> bool:
    """Only pickles (and temporary files) below: safe to delete even under a mistaken root."""
    return all(p.suffix in {".pkl", ".tmp"} for p in directory.rglob("*") if p.is_file())


def usage() -> dict[str, tuple[int, int]]:
    """Files and bytes per namespace of the cache ({} when the cache is off or empty)."""
    root = cache_dir()
    if root is None or not root.is_dir():
        return {}
    out: dict[str, tuple[int, int]] = {}
    for ns in sorted(p for p in root.iterdir() if p.is_dir()):
        files = [p for p in ns.rglob("*") if p.is_file()]
        out[ns.name] = (len(files), sum(p.stat().st_size for p in files))
    return out


def clear(namespaces: list[str] | None = None) -> dict[str, int]:
    """Delete namespaces (all of ligandlab's when ``None``); returns the bytes freed per one.

    Without names only ligandlab's own namespaces, and others that hold nothing but
    pickles, are removed, so a ``LIGANDLAB_CACHE`` pointed at the wrong folder loses nothing
    else. Unknown names raise ``LigandLabError`` listing the present ones.
    """
    root = cache_dir()
    if root is None:
        raise LigandLabError("the cache is off (LIGANDLAB_CACHE=off): nothing to clear")
    present = usage()
    if namespaces is None:
        chosen = [ns for ns in present if ns in BUILTIN_NAMESPACES or _is_cache_shaped(root / ns)]
    else:
        unknown = [ns for ns in namespaces if ns not in present]
        if unknown:
            have = ", ".join(present) or "none"
            raise LigandLabError(
                f"no cache namespace {', '.join(unknown)} in {root}; present: {have}"
            )
        chosen = list(dict.fromkeys(namespaces))
    freed = {}
    for ns in chosen:
        shutil.rmtree(root / ns, ignore_errors=True)
        freed[ns] = present[ns][1]
    return freed
