"""Science probe (issue 5): does the bridge order hang on which phosphate O is measured?

``fit_geometry`` measures a zwitterion's N...O span to the *nearest* anionic O of each
conformer (descriptors ``d_no``). In BM3 either free O of the phosphate could take the X
site, so this script also scores the ensemble by the *best* O per conformer (the larger
Gaussian weight of the two). Same ensembles (the scorer's HEAD_CONFORMERS MMFF minima,
seed 0), same sigma and target span (read from the scorer's own details). Prints the span
fraction P per bridge and halide under both readings. Asserts nothing.

    python benchmarks/science_bridge_anyo.py [--materials CsPbBr3 CsPbI3 ...]
"""

from __future__ import annotations

import argparse

import numpy as np

import ligandlab as ll
from ligandlab.chem.assembly import head_model, resolve_bridge
from ligandlab.chem.conformers import conformers
from ligandlab.chem.descriptors import HEAD_CONFORMERS
from ligandlab.chem.ligand import Ligand
from ligandlab.scoring import get_scorer

BRIDGES = (2, 3, 4)
MATERIALS = ("CsPbBr3", "MAPbBr3", "FAPbBr3", "CsPbI3", "MAPbI3", "FAPbI3")


def n_o_distances(bridge: int) -> np.ndarray:
    """N...O distances (A), conformers x anionic O, of the PE head model with ``bridge``."""
    record, n = resolve_bridge("PE", bridge)
    smiles = head_model(record.id, n).smiles
    model = Ligand.from_smiles(smiles)
    xyz = conformers(smiles, n=HEAD_CONFORMERS, seed=0).all_positions()
    n_idx = model.cations[0].center
    o_idx = [o for a in model.anions for o in a.binding]
    return np.linalg.norm(xyz[:, o_idx] - xyz[:, n_idx][:, None, :], axis=-1)


def weight(d: np.ndarray, target: float, sigma: float) -> np.ndarray:
    """The scorer's Gaussian weight of spans ``d`` around ``target``."""
    return np.exp(-((d - target) ** 2) / (2 * sigma**2))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--materials", nargs="+", default=list(MATERIALS))
    args = ap.parse_args()
    sigma = get_scorer("fit_geometry").params["span_sigma_a"]
    dist = {b: n_o_distances(b) for b in BRIDGES}
    print(f"span fraction P (sigma {sigma} A, {HEAD_CONFORMERS} conformers, seed 0)")
    print("material  target_A  nearest O: C2 / C3 / C4   best O: C2 / C3 / C4")
    for material in args.materials:
        card = ll.score(ll.build_ligand(head="PE", bridge=2, tail="C8C12"), material=material)
        target = card.scores["fit_geometry"].details["target_span_A"]
        near = [float(weight(dist[b].min(1), target, sigma).mean()) for b in BRIDGES]
        best = [float(weight(dist[b], target, sigma).max(1).mean()) for b in BRIDGES]
        print(
            f"{material:9} {target:7.3f}   "
            + " / ".join(f"{x:.3f}" for x in near)
            + "          "
            + " / ".join(f"{x:.3f}" for x in best)
        )


if __name__ == "__main__":
    main()
