"""Science probe (issue 5): is fit_geometry's bridge order a property of one conformer seed?

``fit_geometry`` scores a zwitterion's N...O span by the fraction P of its head model's
conformer ensemble (HEAD_CONFORMERS MMFF minima, 4r dielectric, seed 0) near the slab's
target span. On every halide it puts C3 above C2, against the paper on the bromides
(docs/scorers/fit_geometry.md). This script regenerates the PE head ensembles with other
seeds and rescores them exactly as the scorer does (its sigma, P_ref and pocket term, the
target span read from the scorer's own details), to tell a seed artefact from a property of
the minima ensemble. Prints P and the fit_geometry value per bridge (mean, sd, range over
seeds) and in how many seeds C3 beats C2. Asserts nothing. ``--conformers`` sets the
ensemble size per seed, to see how the seed-to-seed spread falls with it.

    python benchmarks/science_bridge_seeds.py [--seeds 8] [--conformers 400]
        [--materials CsPbBr3 CsPbI3 ...]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

import ligandlab as ll
from ligandlab.chem.assembly import head_model, resolve_bridge
from ligandlab.chem.conformers import conformers
from ligandlab.chem.descriptors import HEAD_CONFORMERS, _compute_head
from ligandlab.chem.ligand import Ligand

BRIDGES = (2, 3, 4)


def spans(bridge: int, seed: int, n_conf: int = HEAD_CONFORMERS) -> np.ndarray:
    """N...O spans (A) of the PE head model with ``bridge`` over one seed's ensemble."""
    record, n = resolve_bridge("PE", bridge)
    smiles = head_model(record.id, n).smiles
    ens = conformers(smiles, n=n_conf, seed=seed)
    return np.asarray(_compute_head(Ligand.from_smiles(smiles), ens, "probe").d_no)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument(
        "--conformers", type=int, default=HEAD_CONFORMERS, help="ensemble size per seed"
    )
    ap.add_argument(
        "--materials", nargs="+", default=["CsPbBr3", "MAPbBr3", "FAPbBr3", "CsPbI3", "FAPbI3"]
    )
    args = ap.parse_args()
    params = ll.scoring.get_scorer("fit_geometry").params
    sigma, p_ref, scale = params["span_sigma_a"], params["p_ref"], params["protrusion_scale_a"]
    t0 = time.perf_counter()
    ens = {(b, s): spans(b, s, args.conformers) for b in BRIDGES for s in range(args.seeds)}
    print(
        f"{len(ens)} head ensembles ({args.conformers} conformers) in "
        f"{time.perf_counter() - t0:.1f} s; sigma {sigma} A, P_ref {p_ref}"
    )
    for mat in args.materials:
        print(mat)
        values: dict[int, list[float]] = {}
        for b in BRIDGES:
            fit = ll.score(
                ll.build_ligand("PE", b, "C8C12"), material=mat, scorers=["fit_geometry"]
            ).scores["fit_geometry"]
            target = fit.details["target_span_A"]
            h = 10.0 * fit.details.get("protrusion_nm", 0.0)
            pocket = math.exp(-((h / scale) ** 2))
            probs = [
                float(np.mean(np.exp(-((ens[b, s] - target) ** 2) / (2 * sigma**2))))
                for s in range(args.seeds)
            ]
            values[b] = [pocket * (0.5 + 0.5 * min(1.0, p / p_ref)) for p in probs]
            print(
                f"  C{b}: target {target:.2f} A  P {np.mean(probs):.3f} +- {np.std(probs):.3f} "
                f"[{min(probs):.3f}, {max(probs):.3f}]  fit_geometry {np.mean(values[b]):.3f} "
                f"+- {np.std(values[b]):.3f}"
            )
        wins = sum(values[3][s] > values[2][s] for s in range(args.seeds))
        print(f"  C3 above C2 in {wins}/{args.seeds} seeds")


if __name__ == "__main__":
    main()
