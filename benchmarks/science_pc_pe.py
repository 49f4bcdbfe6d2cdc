"""Science check (issue 6): PC against PE at full coverage, and single-ligand BM3 populations.

The founding paper (Morad et al. 2024) found that PE-type heads (primary ammonium) bind in
BM3 and hold a full monolayer on FAPbBr3, while PC (quaternary ammonium) does not fit the
A-site pocket, binds less well and leaves the surface to fail first at high coverage. This
script runs the same comparison with ``ll.simulate``:

1. ``coverage`` at 100 % (every A site of the top face carries one ligand in BM3) for the
   pentyl-tail PE (C5-PEA) and PC (C5-PC) ligands: surface integrity (fraction of top-face
   Pb keeping all their X neighbours), desorbed ligands and ions, rupture flag, BM3
   fraction;
2. ``binding`` of one PE and one PC ligand: mode populations over the second half of
   production.

Material: CsPbBr3 by default (the only composition with a published, validated ion model;
the FA model in the library is our approximation - pass ``--material FAPbBr3`` to run it).

    python benchmarks/science_pc_pe.py [--production-ps 100] [--size 4] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, replace
from pathlib import Path

from ligandlab.simulate import CoveragePoint, Protocol, binding, coverage


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
    args = ap.parse_args()
    proto = replace(Protocol.get("quick"), production_ps=args.production_ps)
    out = Path(args.out)
    summary: dict[str, object] = {
        "material": args.material,
        "solvent": args.solvent,
        "size": args.size,
        "protocol": asdict(proto),
    }
    print(f"{args.material} {args.size}x{args.size}, {args.solvent}, {proto}")
    maps: dict[str, list[CoveragePoint]] = {}
    for name in ("C5-PEA", "C5-PC"):
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
            seed=args.seed,
        )
        wall = time.perf_counter() - t0
        print(
            f"coverage 100 % {name}: {pt.n_ligands} ligands, integrity {pt.integrity:.3f}, "
            f"rupture at {pt.rupture_ps} ps, first desorption at {pt.first_desorption_ps} ps, "
            f"desorbed ligands {pt.desorbed}, desorbed ions {pt.desorbed_ions}, "
            f"ruptured {pt.ruptured}, BM3 fraction {pt.bm3_fraction:.3f} ({wall:.0f} s)",
            flush=True,
        )
        summary[f"coverage {name}"] = {**asdict(pt), "wall_s": round(wall, 1)}
        maps[name] = [pt]
    from ligandlab.simulate.plots import plot_coverage, plot_dn_dp, plot_modes

    png = plot_coverage(
        maps, out / "coverage-pc-pe.png", title=f"PE vs PC, 100 % coverage, {args.material}"
    )
    print(f"coverage plot: {png}")
    if args.skip_binding:
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
        return
    single = replace(proto, production_ps=args.binding_ps or args.production_ps)
    summary["binding protocol"] = asdict(single)
    for name in ("C5-PEA", "C5-PC"):
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
