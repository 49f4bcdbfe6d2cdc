"""Shared test set-up: a per-session cache directory so tests never touch ~/.cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Reuse a cache across runs of the suite (descriptors of library tails cost seconds);
    # tests that check caching itself use their own temporary directory.
    os.environ.setdefault(
        "LIGANDLAB_CACHE", str(Path(config.rootpath) / ".pytest_cache" / "ligandlab")
    )


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory for this test only."""
    monkeypatch.setenv("LIGANDLAB_CACHE", str(tmp_path / "cache"))
    from ligandlab.chem import descriptors

    monkeypatch.setattr(descriptors, "_HEAD_MEMO", {})
    monkeypatch.setattr(descriptors, "_TAIL_MEMO", {})
    return tmp_path / "cache"
