"""Build surfaces, place ligands and render the pictures in docs/surfaces.md.

Usage: python examples/surfaces.py [output folder, default docs/img]
"""

from __future__ import annotations

import sys
from pathlib import Path

import ligandlab as ll


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    slab = ll.build_slab("FAPbBr3", size=(8, 8), layers=3, termination="AX")
    print("FAPbBr3 8x8x3:", slab.composition(), slab.checks, slab.geometry.to_dict())
    slab.render(out / "slab_fapbbr3.png")

    pe = ll.build_ligand("PE", 2, "C5")
    full = ll.place_ligands(slab, pe, coverage=1.0, mode="BM3")
    full.render(out / "pe_full_fapbbr3.png")
    print(f"PE/2-C5 full coverage: closest ligand atoms {full.min_intermolecular_distance():.2f} A")

    paper = ll.build_slab("CsPbBr3", (8, 8), 3, ax_fraction=0.5, ligand_fraction=0.5)
    half = ll.place_ligands(paper, pe, mode="BM3")
    half.render(out / "lig05_abr05_cspbbr3.png")
    print("[Lig]=0.5, [ABr]=0.5:", half.modes(), half.composition())

    print("cation / anion centre above the A-plane (A), full coverage, BM3:")
    for name in ("CsPbBr3", "MAPbBr3", "FAPbBr3", "CsPbI3", "MAPbI3", "FAPbI3"):
        row = []
        for head in ("PE", "PC"):
            iface = ll.place_ligands(
                ll.build_slab(name, (4, 4), 3), ll.build_ligand(head, 2, "C5"), coverage=1.0
            )
            h = next(iter(iface.heights().values()))
            row.append(f"{head} {h['cation_height_A']:+.2f} / {h['anion_height_A']:+.2f}")
        print(f"  {name:8s} " + "   ".join(row))
    pc = ll.place_ligands(slab, ll.build_ligand("PC", 2, "C5"), coverage=0.5, mode="BM3")
    pc.render(out / "pc_half_fapbbr3.png")

    nc = ll.build_nanocrystal("CsPbBr3", edge_nm=8.0)
    amount = nc.ligand_amount(ll.build_ligand("PE", 2, "C8C12"), coverage=1.0, nc_mg=10.0)
    print("8 nm CsPbBr3 cube:", nc.summary())
    print("C8C12-PEA for 10 mg of crystals:", amount.to_dict())


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/img"))
