"""Scoring candidates with every registered scorer, and ranking them.

Aggregate: the weighted geometric mean of the scorer values,
total = exp(sum_i w_i ln max(v_i, FLOOR) / sum_i w_i), over the scorers that apply to the
candidate (a scorer needing a solvent is skipped when there is none). A geometric mean
lets one poor property sink a candidate, as one poor property sinks a ligand in the
flask. A scorer that declares ``bonus = True`` (pi_stacking: most good ligands have no
ring) enters as (1 + v) / 2, so its 0 does not sink a candidate and its 1 lifts one.
The ``limiting`` scorer is the non-bonus scorer with the lowest value among those
weighted.
A scorer that raises or returns a value outside [0, 1] is a failure for that candidate:
its message is kept, the total uses the other scorers, and the row is flagged.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ligandlab import cache
from ligandlab.chem.assembly import as_ligand, as_ligands
from ligandlab.chem.ligand import Ligand
from ligandlab.errors import LigandLabError, WeightError
from ligandlab.scoring.candidate import Candidate, Context
from ligandlab.scoring.fingerprint import code_fingerprint, inputs_fingerprint
from ligandlab.scoring.manager import get_scorer, scorers
from ligandlab.scoring.types import Scorer, ScoreResult

FLOOR = 1e-3  # values below this count as this in the geometric mean (ln 0 is -inf)


@dataclass(frozen=True)
class ScoreCard:
    """All scores of one candidate, the aggregate and what limits it."""

    candidate: Candidate
    scores: dict[str, ScoreResult]
    failures: dict[str, str] = field(default_factory=dict)
    total: float = math.nan
    limiting: str | None = None

    def __repr__(self) -> str:
        c = self.candidate
        where = f"{c.material} ({c.facet}) {c.termination}" + (
            f" in {c.solvent}" if c.solvent else ""
        )
        parts = [f"{k} {v.value:.3f}" for k, v in self.scores.items()]
        parts += [f"{k} failed" for k in self.failures]
        return (
            f"ScoreCard({c.ligand.name} on {where}: total {self.total:.3f}, limited by "
            f"{self.limiting}; {', '.join(parts)})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per scorer: value, raw, unit, details, and the message of a scorer that
        failed (value NaN); the Python twin of ``ligandlab score``."""
        rows = [
            {
                "scorer": name,
                "value": res.value,
                "raw": res.raw,
                "unit": res.unit,
                "details": res.details,
                "failed": "",
            }
            for name, res in self.scores.items()
        ]
        rows += [
            {
                "scorer": n,
                "value": math.nan,
                "raw": math.nan,
                "unit": "",
                "details": {},
                "failed": m,
            }
            for n, m in self.failures.items()
        ]
        columns = ["scorer", "value", "raw", "unit", "details", "failed"]
        return pd.DataFrame(rows, columns=columns).set_index("scorer")

    def summary(self) -> dict[str, object]:
        out: dict[str, object] = {
            "name": self.candidate.ligand.name,
            "total": round(self.total, 4),
            "limiting": self.limiting,
        }
        out.update({k: round(v.value, 4) for k, v in self.scores.items()})
        out.update({f"{k} (failed)": msg for k, msg in self.failures.items()})
        return out


def check_weights(weights: dict[str, float] | None, names: Sequence[str]) -> dict[str, float]:
    """Weights for ``names``: those given, 1 for every scorer not named. Unknown names,
    negative or all-zero weights raise a clear error."""
    out = {n: 1.0 for n in names}
    if weights is None:
        return out
    known = set(scorers())
    for name, w in weights.items():
        if name not in known:
            get_scorer(name)  # raises UnknownScorerError listing the known names
        if name not in out:
            raise WeightError(f"weight given for {name!r}, which is not among the scorers run")
        if not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0:
            raise WeightError(f"weight of {name!r} must be a finite number >= 0, got {w!r}")
        out[name] = float(w)
    if not any(out.values()):
        raise WeightError("all weights are zero; give at least one positive weight")
    return out


def aggregate(
    values: dict[str, float], weights: dict[str, float], bonus: frozenset[str] = frozenset()
) -> tuple[float, str | None]:
    """(weighted geometric mean, limiting scorer) over the weighted scorers present;
    ``bonus`` scorers enter as (1 + v) / 2."""
    names = list(values)
    row = np.array([values[n] for n in names], float).reshape(1, len(names))
    totals, limiting = aggregate_many(row, names, weights, bonus)
    return float(totals[0]), limiting[0]


def aggregate_many(
    values: np.ndarray,
    names: Sequence[str],
    weights: dict[str, float],
    bonus: frozenset[str] = frozenset(),
) -> tuple[np.ndarray, list[str | None]]:
    """``aggregate`` for a (candidates x scorers) array, NaN where a scorer has no value:
    (totals, limiting scorer per row). Vectorised, since a screen ranks 10^5 rows."""
    v = np.asarray(values, float).reshape(len(values), len(names))
    if not names:  # no scorer: nothing to aggregate
        return np.full(len(v), np.nan), [None] * len(v)
    is_bonus = np.array([n in bonus for n in names], bool)
    w = np.array([weights.get(n, 0.0) for n in names], float)
    x = np.where(is_bonus, (1.0 + v) / 2, v)
    used = ~np.isnan(x) & (w > 0)
    wu = np.where(used, w, 0.0)
    total_w = wu.sum(axis=1)
    logs = np.log(np.maximum(np.where(used, x, 1.0), FLOOR))
    with np.errstate(invalid="ignore", divide="ignore"):
        totals = np.exp((wu * logs).sum(axis=1) / total_w)
    totals[total_w == 0] = np.nan
    # limiting: the lowest used non-bonus value (bonus ones only if nothing else is used),
    # ties to the alphabetically first name: columns are visited in name order
    essential = used & ~is_bonus
    pool = np.where(essential.any(axis=1, keepdims=True), essential, used)
    order = np.argsort(np.array(names, dtype=object), kind="stable")
    lowest = np.argmin(np.where(pool, x, np.inf)[:, order], axis=1)
    any_used = np.asarray(used.any(axis=1), bool).tolist()
    limiting: list[str | None] = [
        names[order[j]] if ok else None for j, ok in zip(lowest.tolist(), any_used, strict=True)
    ]
    return totals, limiting


class ScoreStore:
    """Results cached by (candidate key, scorer name, version, params, code, inputs): one
    table per scorer version, parameters, source file (``code_fingerprint``) and inputs
    (``inputs_fingerprint``), kept in memory and (``persist``) on disk (``ligandlab.cache``).
    Campaigns use an in-memory store: their SQLite store is the record, and many worker
    processes rewriting one pickled table would be wasted work."""

    def __init__(self, persist: bool = True) -> None:
        self.persist = persist
        self._tables: dict[str, dict[str, ScoreResult]] = {}
        self._dirty: set[str] = set()

    @staticmethod
    def table_key(scorer: Scorer) -> str:
        return cache.key_of(
            scorer.name,
            scorer.version,
            sorted(scorer.params.items()),
            code_fingerprint(type(scorer)),
            inputs_fingerprint(),
        )

    def table(self, scorer: Scorer) -> dict[str, ScoreResult]:
        key = self.table_key(scorer)
        if key not in self._tables:
            self._tables[key] = (cache.load("scores", key) if self.persist else None) or {}
        return self._tables[key]

    def touched(self, scorer: Scorer) -> None:
        """Mark a scorer's table as changed (after writing into ``table(scorer)``)."""
        self._dirty.add(self.table_key(scorer))

    def flush(self) -> None:
        if not self.persist:
            self._dirty.clear()
            return
        for key in self._dirty:
            cache.store("scores", key, self._tables[key])
        self._dirty.clear()


_STORE = ScoreStore()


def score_candidates(
    candidates: Iterable[Candidate],
    names: Sequence[str],
    weights: dict[str, float],
    context: Context | None = None,
    store: ScoreStore | None = None,
) -> list[ScoreCard]:
    """Score each candidate with each named scorer; failures are isolated per candidate."""
    context = context or Context()
    store = store or _STORE
    objs = [get_scorer(n) for n in names]
    keys = [s.name for s in objs]
    tables = [store.table(s) for s in objs]
    bonus = frozenset(s.name for s in objs if getattr(s, "bonus", False))
    changed: set[str] = set()
    scored: list[tuple[Candidate, dict[str, ScoreResult], dict[str, str]]] = []
    rows: list[list[float]] = []  # scorer values, NaN where none: the input of the totals
    plan = [(s, t, "solvent" in s.needs) for s, t in zip(objs, tables, strict=True)]
    for cand in candidates:
        key = cand.key
        results: dict[str, ScoreResult] = {}
        failures: dict[str, str] = {}
        for scorer, table, needs_solvent in plan:
            if needs_solvent and cand.solvent is None:
                continue  # e.g. solvent_match when no solvent was given
            hit = table.get(key)
            if hit is None:
                try:
                    hit = scorer.score(cand, context)
                    if not isinstance(hit, ScoreResult):
                        raise LigandLabError(f"returned {type(hit).__name__}, not a ScoreResult")
                except Exception as exc:  # one scorer failing one candidate is recorded
                    failures[scorer.name] = f"{type(exc).__name__}: {exc}"
                    continue
                table[key] = hit
                changed.add(scorer.name)
            results[scorer.name] = hit
        scored.append((cand, results, failures))
        rows.append([r.value if (r := results.get(n)) is not None else np.nan for n in keys])
    values = np.array(rows, float).reshape(len(rows), len(keys))
    totals, limiting = aggregate_many(values, keys, weights, bonus)
    cards = [
        ScoreCard(cand, results, failures, float(t), lim)
        for (cand, results, failures), t, lim in zip(scored, totals, limiting, strict=True)
    ]
    for scorer in objs:
        if scorer.name in changed:
            store.touched(scorer)
    store.flush()
    return cards


def _as_list(x: str | Sequence[str] | None) -> list[str | None]:
    if x is None:
        return [None]
    return [x] if isinstance(x, str) else list(x)


def _scorer_names(names: Sequence[str] | None, cost: str | None) -> list[str]:
    if names is None:
        return scorers(cost)
    for n in names:
        get_scorer(n)
    return list(names)


def score(
    ligand: Ligand | str,
    material: str = "CsPbBr3",
    solvent: str | None = None,
    facet: str = "100",
    termination: str = "AX",
    weights: dict[str, float] | None = None,
    scorers: Sequence[str] | None = None,
) -> ScoreCard:
    """Score one ligand on one surface (and in one solvent) with every fast scorer."""
    names = _scorer_names(scorers, "fast")
    w = check_weights(weights, names)
    lig = as_ligand(ligand)
    material = _validate_surface(material, facet, termination, solvent)
    return score_candidates([Candidate(lig, material, facet, termination, solvent)], names, w)[0]


def _validate_surface(material: str, facet: str, termination: str, solvent: str | None) -> str:
    """Check the surface and solvent; the material's name as the library spells it
    (``CsPbBr₃`` -> ``CsPbBr3``), so one material is one candidate key."""
    from ligandlab.chem.solvents import Solvent
    from ligandlab.materials.material import Material
    from ligandlab.materials.slab import check_surface

    name = Material.get(material).name
    check_surface(facet, termination)
    if solvent is not None:
        Solvent.get(solvent)
    return name


def rank(
    ligands: object,
    material: str | Sequence[str] = "CsPbBr3",
    solvent: str | Sequence[str] | None = None,
    facet: str = "100",
    termination: str = "AX",
    weights: dict[str, float] | None = None,
    scorers: Sequence[str] | None = None,
    cost: str | None = "fast",
) -> pd.DataFrame:
    """Rank ligands (Ligand objects, library or reference names, or SMILES) on one or more
    materials and solvents. Returns a DataFrame sorted best first: name, smiles, material,
    solvent, total, one column per scorer, ``limiting``, ``pareto`` (the front of each
    material and solvent) and ``failed``.

    A ligand given twice (the same canonical SMILES under two names) and a repeated
    material or solvent are ranked once, under the first name."""
    names = _scorer_names(scorers, cost)
    w = check_weights(weights, names)
    ligs = list(dict.fromkeys(as_ligands(ligands)))  # Ligand equality is canonical SMILES
    sols = list(dict.fromkeys(_as_list(solvent)))
    mats = list(  # library spellings: CsPbBr3 and CsPbBr₃ are one material
        dict.fromkeys(
            _validate_surface(str(m), facet, termination, s)
            for m in _as_list(material)
            for s in sols
        )
    )
    context = Context()
    context.prefetch(ligs)
    cands = [
        Candidate(lig, str(m), facet, termination, s) for lig in ligs for m in mats for s in sols
    ]
    cards = score_candidates(cands, names, w, context)
    return table(cards, names)


def table(cards: Sequence[ScoreCard], names: Sequence[str]) -> pd.DataFrame:
    """The ranking table of scored candidates (best first; failed rows last)."""
    if not cards:
        return pd.DataFrame()
    cols: dict[str, list[Any]] = {
        "name": [c.candidate.ligand.name for c in cards],
        "smiles": [c.candidate.ligand.smiles for c in cards],
        "material": [c.candidate.material for c in cards],
        "solvent": [c.candidate.solvent for c in cards],
        "total": [c.total for c in cards],
    }
    for n in names:
        cols[n] = [r.value if (r := c.scores.get(n)) is not None else np.nan for c in cards]
    cols["limiting"] = [c.limiting for c in cards]
    cols["failed"] = ["; ".join(f"{k}: {v}" for k, v in c.failures.items()) for c in cards]
    df = pd.DataFrame(cols)
    for n in names:
        df[n] = df[n].astype(float)
    df["pareto"] = pareto_within(df, names)
    df["_bad"] = df["failed"] != ""
    df = df.sort_values(["_bad", "total"], ascending=[True, False], kind="stable")
    return df.drop(columns="_bad").reset_index(drop=True)


SURFACE_AND_SOLVENT = ("material", "facet", "termination", "solvent")


def pareto_within(df: pd.DataFrame, names: Sequence[str]) -> np.ndarray:
    """``pareto_front`` of ``df[names]`` taken separately for each surface and solvent.

    A chemist picks ligands for the crystal in hand and the solvent at hand, so a candidate
    on CsPbBr3 in ethanol is compared with the others on CsPbBr3 in ethanol, not with one
    on CsPbI3 in toluene. A table of many materials and solvents thus flags what ranking
    each surface and solvent alone would flag."""
    out = np.zeros(len(df), bool)
    if not len(df):
        return out
    values = df[list(names)].to_numpy(float)
    by = [c for c in SURFACE_AND_SOLVENT if c in df.columns]
    if not by:
        return pareto_front(values)
    for rows in df.groupby(by, dropna=False, sort=False).indices.values():
        out[rows] = pareto_front(values[rows])
    return out


def pareto_front(values: np.ndarray, block: int = 512) -> np.ndarray:
    """True for rows no other row dominates (>= in every column, > in one; NaN = worst).

    Distinct rows are taken in order of decreasing sum, since a row can only be dominated by
    a distinct row with a larger sum. The next ``block`` of them is culled to its
    non-dominated rows, which are certain front members (no later row can dominate them);
    every remaining row they dominate is then dropped at once. A screen's front is small,
    so this is O(n x front) array work.
    """
    v = np.where(np.isnan(values), -1.0, np.asarray(values, float))
    if v.shape[0] == 0:
        return np.zeros(0, bool)
    uniq, inverse = np.unique(v, axis=0, return_inverse=True)
    rest = np.argsort(-uniq.sum(axis=1), kind="stable")
    keep = np.zeros(len(uniq), bool)
    while len(rest):
        idx, rest = rest[:block], rest[block:]
        rows = uniq[idx]
        # rows are distinct, so ">= everywhere" by another row means dominated
        inner = np.all(rows[:, None, :] >= rows[None, :, :], axis=2)
        np.fill_diagonal(inner, False)
        new = ~inner.any(axis=0)
        keep[idx[new]] = True
        beaten = np.all(rows[new][:, None, :] >= uniq[rest][None, :, :], axis=2).any(axis=0)
        rest = rest[~beaten]
    return keep[np.asarray(inverse).reshape(-1)]
