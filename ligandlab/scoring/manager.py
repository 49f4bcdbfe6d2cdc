"""The plugin manager: every scorer, built-in or third-party, comes from the ``ligandlab``
entry-point group (pluggy's ``load_setuptools_entrypoints``)."""

from __future__ import annotations

import functools
from typing import Any

import pluggy

from ligandlab.errors import ScorerError, UnknownScorerError
from ligandlab.scoring import hookspecs
from ligandlab.scoring.types import Scorer, check_scorer


@functools.cache
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide manager with every installed plugin loaded."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.load_setuptools_entrypoints(hookspecs.PROJECT)
    return pm


def reload_plugins() -> None:
    """Forget loaded plugins (after installing or removing a plugin package)."""
    plugin_manager.cache_clear()
    registry.cache_clear()


@functools.cache
def registry() -> dict[str, Scorer]:
    """Scorer name -> scorer object, from every plugin's ``ligandlab_scorers`` hook."""
    pm = plugin_manager()
    out: dict[str, Scorer] = {}
    origin: dict[str, str] = {}
    for impl in pm.hook.ligandlab_scorers.get_hookimpls():
        where = impl.plugin_name
        try:
            provided: Any = impl.function()
        except Exception as exc:  # a broken plugin must not hide the others
            raise ScorerError(f"plugin {where!r} failed to list its scorers: {exc}") from exc
        for obj in provided or []:
            scorer = check_scorer(obj, f"plugin {where!r}")
            if scorer.name in out:
                raise ScorerError(
                    f"scorer {scorer.name!r} is provided by both {origin[scorer.name]!r} "
                    f"and {where!r}"
                )
            out[scorer.name] = scorer
            origin[scorer.name] = where
    return out


def scorers(cost: str | None = None) -> list[str]:
    """Names of every registered scorer (optionally only "fast" or "slow" ones)."""
    if cost not in (None, "fast", "slow"):
        raise ScorerError(f"unknown scorer cost {cost!r}; use 'fast', 'slow' or None (all)")
    return sorted(n for n, s in registry().items() if cost is None or s.cost == cost)


def get_scorer(name: str) -> Scorer:
    reg = registry()
    if name not in reg:
        raise UnknownScorerError("scorer", name, reg)
    return reg[name]


def scorer_info() -> list[dict[str, object]]:
    """One row per scorer: name, version, needs, cost, plugin module."""
    return [
        {
            "name": s.name,
            "version": s.version,
            "needs": ", ".join(sorted(s.needs)),
            "cost": s.cost,
            "module": type(s).__module__,
        }
        for s in (registry()[n] for n in scorers())
    ]
