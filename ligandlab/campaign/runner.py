"""``Campaign``: enumerate candidates, run the fast stage and the simulation funnel through
an executor, record everything in the store, and resume where a previous run stopped.

Resume rule: a (candidate, stage) is finished when the store has its ``done`` row under
the current work fingerprint (scorer names, versions and parameters for the fast stage;
protocol and model settings for the simulation stage). A restarted campaign skips those
and runs the rest; simulations cut short resume from their own checkpoints, since their
run folders live in the output folder. Weights only change totals, which are computed
when the table is read, so changing them never redoes work.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ligandlab import cache
from ligandlab.campaign.executors import Executor, make_executor
from ligandlab.campaign.results import CampaignResult
from ligandlab.campaign.sources import ligands_from_spec
from ligandlab.campaign.spec import CampaignSpec, load_spec, validate_spec
from ligandlab.campaign.store import Outcome, Store
from ligandlab.campaign.tasks import FastTask, SimTask, run_fast, run_sim
from ligandlab.chem.ligand import Ligand
from ligandlab.materials.placement import PLACEMENT_VERSION
from ligandlab.scoring.candidate import Candidate
from ligandlab.scoring.fingerprint import (
    code_fingerprint,
    inputs_fingerprint,
    release_fingerprint,
)
from ligandlab.scoring.manager import get_scorer

PACKAGES = ("ligandlab", "rdkit", "numpy", "pandas", "openmm", "ase", "pymatgen", "dask")


def provenance() -> dict[str, Any]:
    """Package versions, Python and host: what produced these results."""
    versions: dict[str, str | None] = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "versions": versions,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "host": platform.node(),
        "cpus": os.cpu_count(),
    }


class Campaign:
    """A design campaign: ``Campaign.from_yaml(path).run()`` or ``Campaign(spec).run()``."""

    def __init__(self, spec: CampaignSpec | dict[str, Any] | None = None, **fields: Any) -> None:
        if spec is None:
            spec = validate_spec(fields)
        elif isinstance(spec, dict):
            spec = validate_spec({**spec, **fields})
        elif fields:
            spec = validate_spec({**spec.model_dump(exclude_unset=True), **fields})
        self.spec: CampaignSpec = spec
        self._ligands: list[Ligand] | None = None

    @classmethod
    def from_yaml(cls, path: str | Path) -> Campaign:
        return cls(load_spec(path))

    # ------------------------------------------------------------------ enumeration

    def ligands(self) -> list[Ligand]:
        if self._ligands is None:
            self._ligands = ligands_from_spec(self.spec)
        return self._ligands

    def candidates(self) -> list[Candidate]:
        """Ligands x materials x surfaces (facet, termination) x solvents, in that nesting
        order; surfaces are ``spec.surfaces()``, the facet x termination pairs that exist."""
        s = self.spec
        sols: Sequence[str | None] = s.solvents if s.solvents else [None]
        surfaces = s.surfaces()
        return [
            Candidate(lig, m, f, t, sol)
            for lig in self.ligands()
            for m in s.materials
            for f, t in surfaces
            for sol in sols
        ]

    def fast_fingerprint(self) -> str:
        scorers = [get_scorer(n) for n in self.spec.scorer_names()]
        return cache.key_of(
            "fast",
            [
                (s.name, s.version, sorted(s.params.items()), code_fingerprint(type(s)))
                for s in scorers
            ],
            inputs_fingerprint(),
        )

    def sim_fingerprint(self) -> str:
        f = self.spec.funnel
        return cache.key_of(
            "sim",
            f.protocol,
            f.tail_carbons,
            f.size,
            f.seed,
            PLACEMENT_VERSION,
            release_fingerprint(),
        )

    # ------------------------------------------------------------------ running

    def run(
        self,
        executor: str | None = None,
        scheduler: str | None = None,
        workers: int | None = None,
        output: str | Path | None = None,
        progress: bool | None = None,
    ) -> CampaignResult:
        """Run (or resume) the campaign; returns its result. Arguments override the spec."""
        s = self.spec
        kind = executor or s.executor
        sched = scheduler if scheduler is not None else s.scheduler
        n_workers = workers or s.n_workers()
        out = Path(output) if output is not None else s.output
        candidates = self.candidates()  # fails on bad sources before anything is written
        store = Store(out)
        console = Console(stderr=True)
        show = console.is_terminal if progress is None else progress
        try:
            store.set_meta("spec", s.model_dump(mode="json"))
            store.set_meta("name", s.name)
            store.set_meta("scorers", s.scorer_names())
            store.add_candidates(_candidate_rows(candidates))
            prov = provenance() | {"executor": kind, "workers": n_workers, "scheduler": sched}
            run_id = store.start_run(prov)
            timings: dict[str, float] = {}
            status = "interrupted"
            ex = make_executor(kind, n_workers, sched)
            prov["workers"] = ex.workers
            try:
                with Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    TextColumn("ETA"),
                    TimeRemainingColumn(),
                    console=console,
                    disable=not show,
                ) as bar:
                    t0 = time.perf_counter()
                    self._fast_stage(store, ex, candidates, bar)
                    timings["fast_s"] = time.perf_counter() - t0
                    t0 = time.perf_counter()
                    self._sim_stage(store, ex, candidates, out, bar)
                    timings["simulation_s"] = time.perf_counter() - t0
                status = "finished"
            finally:
                ex.close()
                store.finish_run(run_id, status, prov | {"timings": timings})
        finally:
            store.close()
        return CampaignResult(out, weights=s.weights)

    def _fast_stage(
        self, store: Store, ex: Executor, candidates: list[Candidate], bar: Progress
    ) -> None:
        fp = self.fast_fingerprint()
        done = store.done_keys("fast", fp)
        todo = [c for c in candidates if c.key not in done]
        names = tuple(self.spec.scorer_names())
        # batch by ligand: every candidate of a ligand goes to the same worker
        by_ligand: dict[str, list[Candidate]] = {}
        for c in todo:
            by_ligand.setdefault(c.ligand.smiles, []).append(c)
        groups = list(by_ligand.values())
        k = self.spec.batch_size
        tasks = [
            FastTask(tuple(c for g in groups[i : i + k] for c in g), names)
            for i in range(0, len(groups), k)
        ]
        task_id = bar.add_task("fast scorers", total=len(candidates), completed=len(done))
        _drain(ex, run_fast, tasks, lambda t: list(t.candidates), store, "fast", fp, bar, task_id)

    def _sim_stage(
        self,
        store: Store,
        ex: Executor,
        candidates: list[Candidate],
        out: Path,
        bar: Progress,
    ) -> None:
        f = self.spec.funnel
        if f.top <= 0:
            return
        table = CampaignResult(out, weights=self.spec.weights, store=store).fast_table()
        ok = table[table["failed"] == ""]
        chosen = list(ok["key"].head(f.top))
        fp = self.sim_fingerprint()
        done = store.done_keys("sim", fp)
        by_key = {c.key: c for c in candidates}
        tasks = [
            SimTask(
                by_key[k],
                f.protocol,
                f.tail_carbons,
                f.size,
                f.seed,
                f.platform,
                str((out / "simulations" / f"{k}-{fp[:8]}").resolve()),
            )
            for k in chosen
            if k not in done
        ]
        task_id = bar.add_task("simulations", total=len(chosen), completed=len(chosen) - len(tasks))
        _drain(
            ex, run_sim, tasks, lambda t: [t.candidate], store, "sim", fp, bar, task_id, single=True
        )


def _drain(
    ex: Executor,
    fn: Callable[[Any], Any],
    tasks: Sequence[Any],
    members: Callable[[Any], list[Candidate]],
    store: Store,
    stage: str,
    fingerprint: str,
    bar: Progress,
    task_id: Any,
    single: bool = False,
) -> None:
    """Run tasks and write each one's outcomes to the store the moment it finishes. A task
    that fails as a whole (a crashed worker) is recorded as a failure of each of its
    candidates but not marked done, so the next run retries it."""
    for i, result, exc in ex.map_unordered(fn, tasks):
        if exc is not None:
            msg = f"task failed: {type(exc).__name__}: {exc}"
            outcomes = [Outcome(c.key, {}, {"*": msg}, finished=False) for c in members(tasks[i])]
        else:
            outcomes = [result] if single else list(result)
        store.record(stage, fingerprint, outcomes)
        bar.advance(task_id, len(outcomes))


def _candidate_rows(candidates: Sequence[Candidate]) -> list[dict[str, Any]]:
    rows = []
    for i, c in enumerate(candidates):
        parts = c.ligand.parts
        rows.append(
            {
                "key": c.key,
                "position": i,
                "name": c.ligand.name,
                "smiles": c.ligand.smiles,
                "material": c.material,
                "facet": c.facet,
                "termination": c.termination,
                "solvent": c.solvent,
                "head": parts.head if parts else None,
                "bridge": parts.bridge if parts else None,
                "tail": parts.tail if parts else None,
            }
        )
    return rows
