"""Ion-model lattice check: bulk NPT lattice constant of every model and variant against
experiment (issue 6). Prints one line per (model, variant); figures go to docs/validation.md.

Usage: python benchmarks/lattice.py [ps]   (default 10 ps per run, 4x4x4 cubic supercell)
"""

from __future__ import annotations

import sys
import time

from ligandlab.simulate import ion_models
from ligandlab.simulate.lattice import bulk_lattice


def main() -> None:
    ps = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    print(
        f"{'model':34s} {'variant':20s} {'material':8s} {'a NPT (A)':>12s} "
        f"{'exp (A)':>8s} {'dev %':>6s}  time"
    )
    for model in ion_models().values():
        for mat in model.materials:
            for variant in model.variants:
                t = time.perf_counter()
                r = bulk_lattice(mat, model=model.id, variant=variant, ps=ps)
                print(
                    f"{model.id:34s} {variant:20s} {mat:8s} {r.a_model_A:7.3f}+-{r.a_std_A:.3f} "
                    f"{r.a_experiment_A or float('nan'):8.3f} {r.deviation_pct:+6.2f}  "
                    f"{time.perf_counter() - t:.0f} s ({r.atoms} atoms, {r.ps:g} ps, "
                    f"{r.temperature_k:g} K)"
                )


if __name__ == "__main__":
    main()
