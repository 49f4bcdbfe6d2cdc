"""What a scorer is and what it returns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from ligandlab.errors import ScorerError

if TYPE_CHECKING:
    from ligandlab.scoring.candidate import Candidate, Context

Need = Literal["ligand", "surface", "solvent", "simulation"]
NEEDS: tuple[str, ...] = ("ligand", "surface", "solvent", "simulation")
COSTS: tuple[str, ...] = ("fast", "slow")


@dataclass(frozen=True)
class ScoreResult:
    """One scorer's verdict on one candidate: ``value`` in [0, 1] (higher is better), the
    ``raw`` quantity behind it with its ``unit``, and ``details`` for the curious."""

    value: float
    raw: float
    unit: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        v = self.value
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
            raise ScorerError(f"score value must be a finite number, got {v!r}")
        if not 0.0 <= v <= 1.0:
            raise ScorerError(f"score value must be within [0, 1], got {v:g}")


@runtime_checkable
class Scorer(Protocol):
    """The scorer contract (DESIGN.md, "Plugins").

    ``needs`` says which of ligand / surface / solvent / simulation it uses (a candidate
    without a solvent skips scorers that need one); ``cost`` is "fast" or "slow";
    ``params`` are the settings that change its results (part of the cache key). A scorer
    should not raise for a chemically unsuitable candidate: it returns a low value and says
    why in ``details``. If it raises anyway, that candidate records a failure.
    """

    name: str
    version: str
    needs: frozenset[str]
    cost: str
    params: dict[str, Any]

    def score(self, candidate: Candidate, context: Context) -> ScoreResult: ...


def check_scorer(obj: Any, origin: str) -> Scorer:
    """Validate a plugin's scorer object; a clear error names the plugin and the problem."""
    missing = [a for a in ("name", "version", "needs", "cost", "score") if not hasattr(obj, a)]
    if missing:
        raise ScorerError(f"scorer from {origin} lacks {', '.join(missing)}")
    name = obj.name
    if not isinstance(name, str) or not name.isidentifier():
        raise ScorerError(f"scorer from {origin} has an invalid name {name!r} (use an identifier)")
    needs = frozenset(obj.needs)
    if not needs <= set(NEEDS):
        raise ScorerError(
            f"scorer {name!r} needs {sorted(needs - set(NEEDS))}; allowed: {', '.join(NEEDS)}"
        )
    if obj.cost not in COSTS:
        raise ScorerError(f"scorer {name!r} has cost {obj.cost!r}; use fast or slow")
    if not callable(obj.score):
        raise ScorerError(f"scorer {name!r}: score is not callable")
    if not hasattr(obj, "params"):
        try:
            obj.params = {}
        except AttributeError as exc:
            raise ScorerError(f"scorer {name!r} has no params") from exc
    return obj
