"""The work a campaign sends to its executor: picklable tasks and the functions that run them.

A fast task is a batch of ligands with all their candidates (every surface and solvent),
so a ligand-only quantity (conformers, descriptors) is computed once, in one worker. Each
worker process keeps one scoring ``Context`` across tasks, so a surface's site geometry
is built once per worker. A simulation task is one candidate through ``ll.simulate``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ligandlab.campaign.store import Outcome, worker_name
from ligandlab.errors import LigandLabError
from ligandlab.scoring.candidate import Candidate, Context
from ligandlab.scoring.manager import get_scorer
from ligandlab.scoring.ranking import ScoreStore, score_candidates

_CONTEXT: Context | None = None


def _context() -> Context:
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = Context()
    return _CONTEXT


@dataclass(frozen=True)
class FastTask:
    candidates: tuple[Candidate, ...]
    scorers: tuple[str, ...]


@dataclass(frozen=True)
class SimTask:
    candidate: Candidate
    protocol: str
    tail_carbons: int
    size: int
    seed: int
    platform: str | None
    directory: str


def run_fast(task: FastTask) -> list[Outcome]:
    """Score each candidate of the batch with every fast scorer (failures isolated)."""
    ctx = _context()
    store = ScoreStore(persist=False)
    names = list(task.scorers)
    versions = {n: get_scorer(n).version for n in names}
    weights = {n: 1.0 for n in names}
    who = worker_name()
    out = []
    for cand in task.candidates:
        t0 = time.perf_counter()
        (card,) = score_candidates([cand], names, weights, ctx, store)
        scores = {
            n: {
                "value": r.value,
                "raw": r.raw,
                "unit": r.unit,
                "details": r.details,
                "version": versions[n],
            }
            for n, r in card.scores.items()
        }
        out.append(Outcome(cand.key, scores, dict(card.failures), time.perf_counter() - t0, who))
    return out


def run_sim(task: SimTask) -> Outcome:
    """One candidate's binding simulation: BM3 population over the second half of
    production (the ``md_binding`` definition), with every mode's population."""
    from ligandlab.simulate.api import bm3_population

    cand = task.candidate
    t0 = time.perf_counter()
    who = worker_name()
    try:
        lig = cand.ligand
        if not lig.anchors:
            raise LigandLabError(f"{lig.name} has no charged binding group to simulate")
        bm3, details = bm3_population(
            lig,
            cand.material,
            cand.solvent,
            task.directory,
            protocol=task.protocol,
            tail_carbons=task.tail_carbons,
            size=task.size,
            seed=task.seed,
            platform=task.platform,
        )
    except Exception as exc:  # recorded for this candidate; the campaign goes on
        msg = f"{type(exc).__name__}: {exc}"
        return Outcome(cand.key, {}, {"md_binding": msg}, time.perf_counter() - t0, who)
    score = {
        "value": min(max(bm3, 0.0), 1.0),
        "raw": round(100.0 * bm3, 2),
        "unit": "% BM3",
        "details": details,
        "version": task.protocol,
    }
    return Outcome(cand.key, {"md_binding": score}, {}, time.perf_counter() - t0, who)
