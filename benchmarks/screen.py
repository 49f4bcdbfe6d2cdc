"""Screening benchmark: prints figures, asserts nothing.

The full default library x 9 APbX3 materials x 20 solvents with every fast scorer, in a
fresh process with an empty cache (cold), then again in a new process (warm: descriptors
and score tables read from the disk cache).

Targets (issue 5): under 120 s cold and under 10 s warm on the 2-core development machine.
Usage: python benchmarks/screen.py
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
ligs = ll.enumerate_ligands()
mats = [m for m in ll.material_names() if "Pb" in m and m.endswith(("Cl3", "Br3", "I3"))]
sols = [s.id for s in ll.Solvent.all() if s.nc_compatible][:20]
t1 = time.perf_counter()
df = ll.rank(ligs, material=mats, solvent=sols)
t2 = time.perf_counter()
print(len(df), len(ligs), len(mats), len(sols), t1 - t0, t2 - t1, int((df["failed"] != "").sum()))
"""


def run(cache: str) -> tuple[list[str], float]:
    env = {**os.environ, "LIGANDLAB_CACHE": cache}
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.split(), time.perf_counter() - t


def main() -> None:
    print(f"cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        for label in ("cold", "warm"):
            (n, nl, nm, ns, setup, dt, failed), wall = run(os.path.join(tmp, "cache"))
            print(
                f"{label}: {n} candidates ({nl} ligands x {nm} materials x {ns} solvents) "
                f"ranked in {float(dt):.1f} s = {int(n) / float(dt):.0f} candidates/s "
                f"(process {wall:.1f} s incl. import/setup {float(setup):.1f} s; "
                f"{failed} with a failed scorer)  "
                f"[target < {120 if label == 'cold' else 10} s]"
            )


if __name__ == "__main__":
    main()
