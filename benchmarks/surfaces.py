"""Surface benchmark: prints figures, asserts nothing.

1. an 8x8x3 AX-terminated FAPbBr3 slab built and checked (pymatgen), cold process;
2. 64 PE/2-pentyl ligands placed on it in BM3 (includes the ligand's conformer search),
   cold cache, and again in the same process (pose search again, conformers memoised);
3. a 12 nm CsPbBr3 cube built and its sites counted.

Target (issue 3): slab + 64 ligands under 2 s on the 2-core development machine.
Usage: python benchmarks/surfaces.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

CODE = """
import time
t0 = time.perf_counter()
import ligandlab as ll
t1 = time.perf_counter()
slab = ll.build_slab("FAPbBr3", size=(8, 8), layers=3, termination="AX")
t2 = time.perf_counter()
lig = ll.build_ligand("PE", 2, "C5")
iface = ll.place_ligands(slab, lig, coverage=1.0, mode="BM3")
t3 = time.perf_counter()
slab2 = ll.build_slab("FAPbBr3", size=(8, 8), layers=3, termination="AX")
iface = ll.place_ligands(slab2, lig, coverage=1.0, mode="BM3")
t4 = time.perf_counter()
nc = ll.build_nanocrystal("CsPbBr3", edge_nm=12.0)
t5 = time.perf_counter()
capped = ll.cap_nanocrystal(ll.build_nanocrystal("CsPbBr3", edge_nm=8.0), lig, 0.5)
t6 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, len(iface.placements),
      iface.min_intermolecular_distance(), len(nc.atoms), nc.n_sites,
      t6 - t5, capped.n_ligands, len(capped.atoms))
"""


def main() -> None:
    print(f"cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "LIGANDLAB_CACHE": os.path.join(tmp, "cache")}
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        wall = time.perf_counter() - t
    imp, slab, place, again, cube = (float(x) for x in out[:5])
    n, dmin, natoms, nsites = int(out[5]), float(out[6]), int(out[7]), int(out[8])
    print(f"import ligandlab: {imp:.2f} s")
    print(f"8x8x3 FAPbBr3 slab (built + pymatgen checks): {slab:.2f} s")
    print(f"{n} PE/2-C5 ligands placed in BM3, cold cache: {place:.2f} s")
    print(f"slab + {n} ligands, cold: {slab + place:.2f} s  [target < 2 s]")
    print(f"slab + {n} ligands again in the same process: {again:.2f} s")
    print(f"closest atoms of two ligands: {dmin:.2f} A")
    print(f"12 nm CsPbBr3 cube ({natoms} atoms, {nsites} surface A-sites): {cube:.2f} s")
    capped, n_capped, capped_atoms = float(out[9]), int(out[10]), int(out[11])
    print(f"8 nm CsPbBr3 cube capped with {n_capped} C5-PEA ({capped_atoms} atoms): {capped:.2f} s")
    print(f"whole process: {wall:.2f} s")


if __name__ == "__main__":
    main()
