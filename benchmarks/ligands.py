"""Ligand-building benchmark: prints figures, asserts nothing.

1. ligands built per second (assembly + validation + classification, no 3D);
2. conformers + descriptors for one C16 phospholipid (PE/2/hexadecyl), cold cache;
3. the whole default library (all heads x bridges x tails) described, cold and warm cache.

Each timing runs in a fresh interpreter so in-process memos do not hide the cost.
Usage: python benchmarks/ligands.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUILD = """
import time, ligandlab as ll
from ligandlab.chem import assembly, ligand
t = time.perf_counter(); ligs = ll.enumerate_ligands(); dt = time.perf_counter() - t
print(len(ligs), dt)
"""

ONE = """
import time, ligandlab as ll
t = time.perf_counter()
lig = ll.build_ligand("PE", 2, "C16")
ens = ll.conformers(lig.smiles, n=30)
d = ll.describe(lig)
print(len(ens), time.perf_counter() - t)
"""

LIBRARY = """
import os, time, ligandlab as ll
from ligandlab.chem import descriptors
log = os.environ.get("BENCH_JOB_LOG")
if log:  # CPU seconds of each head-model / tail job, from the pool's (forked) workers
    job = descriptors._job
    def timed(j):
        c = time.process_time()
        out = job(j)
        with open(log, "a") as f:
            f.write(f"{j[0]}\\t{j[2] or j[1]}\\t{time.process_time() - c:.3f}\\n")
        return out
    descriptors._job = timed
t = time.perf_counter()
ligs = ll.enumerate_ligands()
ds = ll.describe_many(ligs)
print(len(ds), time.perf_counter() - t)
"""


def run(code: str, cache: str, **extra: str) -> list[str]:
    env = {**os.environ, "LIGANDLAB_CACHE": cache, **extra}
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - t
    return [*out.stdout.split(), f"{wall:.2f}"]


def main() -> None:
    print(f"cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        n, dt, _ = run(BUILD, os.path.join(tmp, "a"))
        print(
            f"ligands built per second: {int(n) / float(dt):.0f} ({n} ligands in {float(dt):.2f} s)"
        )
        n, dt, _ = run(ONE, os.path.join(tmp, "b"))
        print(f"conformers ({n}) + descriptors, one C16 phospholipid: {float(dt):.2f} s")
        cache = os.path.join(tmp, "c")
        log = os.path.join(tmp, "jobs.tsv")
        n, cold, cold_wall = run(LIBRARY, cache, BENCH_JOB_LOG=log)
        n, warm, warm_wall = run(LIBRARY, cache)
        print(
            f"default library ({n} ligands) cold: {float(cold):.1f} s "
            f"(process incl. import {cold_wall} s)  [target < 60 s]"
        )
        print(
            f"default library ({n} ligands) warm: {float(warm):.2f} s "
            f"(process incl. import {warm_wall} s)  [target < 2 s]"
        )
        print(cpu_breakdown(log))


def cpu_breakdown(log: str) -> str:
    """Where the cold run's CPU went: head models (the bis-PE ones apart) and tails."""
    jobs = [line.split("\t") for line in Path(log).read_text().splitlines()]
    heads = [(name, float(s)) for kind, name, s in jobs if kind == "head"]
    tails = [(name, float(s)) for kind, name, s in jobs if kind == "tail"]
    bis = [s for name, s in heads if name.startswith("bisPE")]
    big = max(tails, key=lambda t: t[1])
    return (
        f"cold CPU: {len(heads)} head models {sum(s for _, s in heads):.1f} s "
        f"({len(bis)} bis-PE {sum(bis):.1f} s), {len(tails)} tails "
        f"{sum(s for _, s in tails):.1f} s (slowest {big[1]:.1f} s: {big[0][:32]})"
    )


if __name__ == "__main__":
    main()
