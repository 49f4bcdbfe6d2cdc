"""Science probe (issue 5): do neighbouring ligands make the bridge length lattice-specific?

The paper reports that iodide-rich nanocrystals are stable with C3 (PPA) or C4 (PBA)
bridges but not with C2 (PEA), while PEA holds a full monolayer on the bromides. A single
ligand on a rigid site (``fit_geometry``, ``benchmarks/science_bridge.py``) makes C2 the best
binder on both halide families. This script asks whether a full monolayer, in which every
ligand must fit next to its neighbours, changes that.

For each material and bridge, pentyl-tail ligands (C5-PEA, C5-PPA, C5-PBA) are placed in
BM3 on every top-face A site (100 % coverage) of an n x n, 3-layer slab, optionally with a
toluene layer, and run with ``ll.simulate.coverage``. Reported per run: surface integrity
(fraction of top-face Pb keeping all their X neighbours; the end value, the production
mean and the lowest), the BM3 fraction over the second half of production, and the
ligands unbound at the end. Means and standard errors are over seeds.

Default materials are the two methylammonium perovskites with published ion models
(Hata 2017 MAPbBr3, MYP 2015 MAPbI3), so that the bromide/iodide comparison does not rest
on our iodide transfer of the Pascazio set.

    python benchmarks/science_bridge_coverage.py [--seeds 2] [--workers 2] [--size 3]
        [--production-ps 40] [--solvent toluene|none] [--materials MAPbBr3 MAPbI3]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

BRIDGES = (2, 3, 4)
TAIL = "C5"


def one_run(job: tuple[str, int, int, int, float, str | None, str, int]) -> dict[str, object]:
    """One run with ``n`` ligands on the top face (n = size**2 is 100 %); the scalar results."""
    material, bridge, seed, size, production_ps, solvent, root, n = job
    import ligandlab as ll
    from ligandlab.simulate.run import Protocol

    protocol = Protocol(
        "bridge-coverage", nvt_ps=5.0, npt_ps=5.0, production_ps=production_ps, frame_ps=1.0
    )
    lig = ll.build_ligand("PE", bridge, TAIL)
    t0 = time.perf_counter()
    (point,) = ll.simulate.coverage(
        lig,
        material=material,
        coverages=[n / size**2],
        solvent=solvent,
        protocol=protocol,
        size=(size, size),
        directory=Path(root) / f"{material}-C{bridge}-n{n}-s{seed}",
        seed=seed,
    )
    series = np.asarray(point.integrity_series)
    half = len(series) // 2
    from ligandlab.simulate.analysis import populations
    from ligandlab.simulate.run import load_run

    done = load_run(point.directory)
    bm3 = populations(done.modes)["BM3"]
    return {
        "material": material,
        "bridge": bridge,
        "seed": seed,
        "n": n,
        "integrity_end": point.integrity,
        "integrity_mean": float(series.mean()) if len(series) else float("nan"),
        "integrity_min": float(series.min()) if len(series) else float("nan"),
        "integrity_2nd_half": float(series[half:].mean()) if len(series) else float("nan"),
        "bm3_2nd_half": float(np.mean(bm3[len(bm3) // 2 :])) if bm3 else float("nan"),
        # ammonium N and phosphorus heights above the surface plane (nm), second half
        "h_n": point.h_n_nm,
        "h_p": point.h_p_nm,
        "unbound_end": point.desorbed,
        "ions_displaced": point.desorbed_ions,
        "n_ligands": point.n_ligands,
        "seconds": time.perf_counter() - t0,
    }


def _mean_se(values: list[float]) -> str:
    a = np.asarray(values, dtype=float)
    if len(a) < 2:
        return f"{a.mean():.3f}"
    return f"{a.mean():.3f} +- {a.std(ddof=1) / np.sqrt(len(a)):.3f}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--materials", nargs="+", default=["MAPbBr3", "MAPbI3"])
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--no-control", action="store_true", help="skip the one-ligand runs")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--size", type=int, default=3)
    p.add_argument("--production-ps", type=float, default=40.0)
    p.add_argument("--solvent", default="toluene", help="a solvent name, or 'none' for vacuum")
    p.add_argument("--out", default=None, help="folder for the runs (default: a temporary one)")
    args = p.parse_args()
    solvent = None if args.solvent.lower() == "none" else args.solvent
    from ligandlab.campaign.executors import threads_per_worker

    os.environ["OPENMM_CPU_THREADS"] = threads_per_worker(args.workers)
    root = args.out or tempfile.mkdtemp(prefix="ligandlab-bridge-coverage-")
    full = args.size**2
    jobs = [
        (m, b, s, args.size, args.production_ps, solvent, root, full)
        for s in range(args.first_seed, args.first_seed + args.seeds)
        for m in args.materials
        for b in BRIDGES
    ]
    # control: one C2 ligand per slab, for the integrity of a nearly bare surface
    jobs += [
        (m, 2, s, args.size, args.production_ps, solvent, root, 1)
        for s in range(args.first_seed, args.first_seed + args.seeds)
        for m in args.materials
        if not args.no_control
    ]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        rows = list(pool.map(one_run, jobs))
    wall = time.perf_counter() - t0
    # every run's row is kept, so later calls with more seeds (--first-seed) add to the table
    log = Path(root) / "rows.jsonl"
    with log.open("a") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    rows = list(
        {
            (r["material"], r["bridge"], r["n"], r["seed"]): r
            for r in map(json.loads, log.read_text().splitlines())
        }.values()
    )
    rows.sort(key=lambda r: (r["n"] == 1, r["seed"], r["material"], r["bridge"]))
    for r in rows:
        print(
            f"{r['material']:9s} C{r['bridge']} x{r['n']} seed {r['seed']}: integrity end "
            f"{r['integrity_end']:.3f} mean {r['integrity_mean']:.3f} min "
            f"{r['integrity_min']:.3f}; BM3 (2nd half) {r['bm3_2nd_half']:.3f}; h_N "
            f"{r['h_n']:+.3f} h_P {r['h_p']:+.3f} nm; unbound "
            f"{r['unbound_end']}/{r['n_ligands']}; {r['seconds']:.0f} s"
        )
    print()
    print(
        f"100 % BM3 coverage, {args.size}x{args.size} slab, solvent {solvent}, "
        f"{args.production_ps:g} ps production (mean +- s.e. over seeds)"
    )
    print(
        "| material | ligands | seeds | integrity, 2nd half | lowest integrity | BM3, 2nd half "
        "| h_N (nm) | h_P (nm) | unbound |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for m in args.materials:
        for b, n in [(b, full) for b in BRIDGES] + [(2, 1)]:
            sel = [r for r in rows if r["material"] == m and r["bridge"] == b and r["n"] == n]
            if not sel:
                continue
            print(
                f"| {m} | {n} x C{b} | {len(sel)} | "
                f"{_mean_se([r['integrity_2nd_half'] for r in sel])} | "
                f"{_mean_se([r['integrity_min'] for r in sel])} | "
                f"{_mean_se([r['bm3_2nd_half'] for r in sel])} | "
                f"{_mean_se([r['h_n'] for r in sel])} | {_mean_se([r['h_p'] for r in sel])} | "
                f"{np.mean([r['unbound_end'] for r in sel]):.1f} |"
            )
    print(f"\n{len(jobs)} runs, {wall:.0f} s wall with {args.workers} workers; runs in {root}")


if __name__ == "__main__":
    main()
