"""Science probe: how far does a ligand's fit_geometry move with its head ensemble's seed?

``fit_geometry`` reads a head's N...O spans from one ensemble of HEAD_CONFORMERS MMFF
minima (seed 0). This script scores library ligands with their head ensemble regenerated
from other seeds and at other sizes, each in a fresh process with the cache off, and
prints the mean and sd over seeds per ligand, size and material: the sampling error that a
smaller (cheaper) ensemble would add. ``benchmarks/science_bridge_seeds.py`` does the same
for the PE head alone, rescoring spans without a process per seed. Asserts nothing.

    python benchmarks/science_head_seeds.py [--ligands C8C12-bisPE/2 ...] [--seeds 6]
        [--conformers 150 300] [--materials CsPbBr3 CsPbI3 FAPbBr3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

# One configuration, run in a fresh interpreter: the head ensemble of HEAD_CONFORMERS is
# swapped for one of the given size and seed; tails and everything else are as in a screen.
ONE = """
import sys
import ligandlab as ll
from ligandlab.chem import descriptors as D
size, head_seed, ligand, materials = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
plain = D.conformers
def head_ensemble(smiles, n=30, seed=0, **kw):
    if n == D.HEAD_CONFORMERS:
        n, seed = size, head_seed
    return plain(smiles, n=n, seed=seed, **kw)
D.conformers = head_ensemble
values = [ll.score(ligand, material=m, scorers=["fit_geometry"]).scores["fit_geometry"].value
          for m in materials]
print(*values)
"""


def run(size: int, seed: int, ligand: str, materials: list[str]) -> list[float]:
    env = {**os.environ, "LIGANDLAB_CACHE": "off", "LIGANDLAB_RDKIT_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", ONE, str(size), str(seed), ligand, *materials],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return [float(x) for x in out.stdout.split()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--ligands", nargs="+", default=["C8C12-bisPE/2", "C8C12-bisPE/3", "C8C12-bisPE/4"]
    )
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--conformers", type=int, nargs="+", default=[150, 300])
    ap.add_argument("--materials", nargs="+", default=["CsPbBr3", "CsPbI3", "FAPbBr3"])
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    configs = [
        (size, seed, lig)
        for size in args.conformers
        for lig in args.ligands
        for seed in range(args.seeds)
    ]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.workers) as pool:  # each job is its own process
        values = list(pool.map(lambda c: run(*c, args.materials), configs))
    print(
        f"{len(configs)} runs in {time.perf_counter() - t0:.0f} s; fit_geometry mean ± sd over "
        f"{args.seeds} head-ensemble seeds"
    )
    print(f"{'ligand':<16} {'conformers':>10}  " + "  ".join(f"{m:>13}" for m in args.materials))
    for size in args.conformers:
        for lig in args.ligands:
            rows = [v for c, v in zip(configs, values, strict=True) if c[0] == size and c[2] == lig]
            cells = [
                f"{statistics.mean(col):.3f} ± {statistics.stdev(col):.3f}"
                if len(col) > 1
                else f"{col[0]:.3f}"
                for col in zip(*rows, strict=True)
            ]
            print(f"{lig:<16} {size:>10}  " + "  ".join(f"{c:>13}" for c in cells))


if __name__ == "__main__":
    main()
