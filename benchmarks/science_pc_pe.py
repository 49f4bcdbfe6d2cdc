"""Science check (issue 6): PC against PE at full coverage, and single-ligand BM3 populations.

The founding paper (Morad et al. 2024) found that PE-type heads (primary ammonium) bind in
BM3 and hold a full monolayer on FAPbBr3, while PC (quaternary ammonium) does not fit the
A-site pocket, binds less well and leaves the surface to fail first at high coverage. This
script runs the same comparison with ``ll.simulate``:

1. ``coverage`` at 100 % (every A site of the top face carries one ligand in BM3) for the
   pentyl-tail PE (C5-PEA) and PC (C5-PC) ligands: surface integrity (fraction of top-face
   Pb keeping all their X neighbours), desorbed ligands and ions, rupture flag, BM3
   fraction, and the heights of the ligand N and P above the surface;
2. ``binding`` of one PE and one PC ligand: mode populations over the second half of
   production.

``--seeds 0 1 2`` repeats the coverage runs (step 1) with each seed, in ``OUT/seedN``, and
prints the mean, sd and range over seeds of each figure for PE and PC.

Material: CsPbBr3 by default (the only composition with a published, validated ion model;
the FA model in the library is our approximation - pass ``--material FAPbBr3`` to run it).

    python benchmarks/science_pc_pe.py [--production-ps 100] [--size 4] [--out DIR]
    python benchmarks/science_pc_pe.py --seeds 0 1 2 --production-ps 50
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from ligandlab.simulate import CoveragePoint, Protocol, binding, coverage

LIGANDS = ("C5-PEA", "C5-PC")


def run_coverage(args: argparse.Namespace, proto: Protocol, seed: int, out: Path) -> dict:
    """The 100 % coverage runs of PE and PC with one seed; their summaries by ligand."""
    summary: dict[str, Any] = {}
    maps: dict[str, list[CoveragePoint]] = {}
    for name in LIGANDS:
        t0 = time.perf_counter()
        (pt,) = coverage(
            name,
            material=args.material,
            coverages=[1.0],
            solvent=args.solvent,
            protocol=proto,
            size=(args.size, args.size),
            directory=out / f"coverage-{name}",
            platform=args.platform,
            seed=seed,
        )
        wall = time.perf_counter() - t0
        print(
            f"seed {seed}, coverage 100 % {name}: {pt.n_ligands} ligands, integrity "
            f"{pt.integrity:.3f}, rupture at {pt.rupture_ps} ps, first desorption at "
            f"{pt.first_desorption_ps} ps, desorbed ligands {pt.desorbed}, desorbed ions "
            f"{pt.desorbed_ions}, ruptured {pt.ruptured}, BM3 fraction {pt.bm3_fraction:.3f}, "
            f"N / P height {pt.h_n_nm:.3f} / {pt.h_p_nm:.3f} nm ({wall:.0f} s)",
            flush=True,
        )
        summary[f"coverage {name}"] = {**asdict(pt), "wall_s": round(wall, 1)}
        maps[name] = [pt]
    from ligandlab.simulate.plots import plot_coverage

    png = plot_coverage(
        maps, out / "coverage-pc-pe.png", title=f"PE vs PC, 100 % coverage, {args.material}"
    )
    print(f"coverage plot: {png}")
    return summary


def figures(point: dict[str, Any]) -> dict[str, float]:
    """The per-run figures compared across seeds, from one coverage summary."""
    series = point["integrity_series"]
    return {
        "integrity, end": point["integrity"],
        "integrity, mean": sum(series) / len(series),
        "integrity, lowest": min(series),
        "BM3 fraction": point["bm3_fraction"],
        "N height (nm)": point["h_n_nm"],
        "P height (nm)": point["h_p_nm"],
        "ligands unbound": point["desorbed"],
        "ions displaced": point["desorbed_ions"],
    }


def print_over_seeds(runs: dict[int, dict[str, Any]]) -> None:
    """Mean, sd and range over seeds of each figure, PE beside PC."""
    print(f"\nover seeds {sorted(runs)}: mean +- sd (min-max)")
    table = {name: [figures(run[f"coverage {name}"]) for run in runs.values()] for name in LIGANDS}
    for key in table[LIGANDS[0]][0]:
        cells = []
        for name in LIGANDS:
            values = [f[key] for f in table[name]]
            sd = statistics.stdev(values) if len(values) > 1 else 0.0
            cells.append(
                f"{name} {statistics.mean(values):.3f} +- {sd:.3f} "
                f"({min(values):.3f}-{max(values):.3f})"
            )
        print(f"  {key:18} " + "   ".join(cells))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--material", default="CsPbBr3")
    ap.add_argument("--solvent", default="toluene")
    ap.add_argument("--production-ps", type=float, default=100.0)
    ap.add_argument(
        "--binding-ps", type=float, default=None, help="production of the single-ligand runs"
    )
    ap.add_argument("--skip-binding", action="store_true", help="coverage runs only")
    ap.add_argument("--size", type=int, default=4)
    ap.add_argument("--platform", default=None)
    ap.add_argument("--out", default="results/science-pc-pe")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--seeds", type=int, nargs="+", help="coverage runs with each seed, then their spread"
    )
    args = ap.parse_args()
    proto = replace(Protocol.get("quick"), production_ps=args.production_ps)
    out = Path(args.out)
    head = {
        "material": args.material,
        "solvent": args.solvent,
        "size": args.size,
        "protocol": asdict(proto),
    }
    print(f"{args.material} {args.size}x{args.size}, {args.solvent}, {proto}")
    if args.seeds:
        runs = {}
        for seed in args.seeds:
            runs[seed] = run_coverage(args, proto, seed, out / f"seed{seed}")
            (out / f"seed{seed}" / "summary.json").write_text(
                json.dumps({**head, "seed": seed, **runs[seed]}, indent=2, default=str)
            )
        print_over_seeds(runs)
        return
    summary = {**head, **run_coverage(args, proto, args.seed, out)}
    if args.skip_binding:
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
        return
    from ligandlab.simulate.plots import plot_dn_dp, plot_modes

    single = replace(proto, production_ps=args.binding_ps or args.production_ps)
    summary["binding protocol"] = asdict(single)
    for name in LIGANDS:
        t0 = time.perf_counter()
        res = binding(
            name,
            material=args.material,
            solvent=args.solvent,
            protocol=single,
            size=(args.size, args.size),
            directory=out / f"binding-{name}",
            platform=args.platform,
            seed=args.seed,
        )
        wall = time.perf_counter() - t0
        pops = res.mean_populations(last=0.5)
        print(f"single {name}: populations (second half) {pops} ({wall:.0f} s)", flush=True)
        summary[f"binding {name}"] = {"populations": pops, "wall_s": round(wall, 1)}
        plot_modes(res.run, out / f"modes-{name}.png", title=f"single {name} on {args.material}")
        plot_dn_dp(res.run, out / f"dndp-{name}.png", title=f"single {name} on {args.material}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    print(f"summary: {out / 'summary.json'}")


if __name__ == "__main__":
    main()
