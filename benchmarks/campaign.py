"""Campaign benchmark (issue 7): store-and-executor overhead per candidate, and the speed-up
of the fast stage from one to two local workers. Prints figures, asserts nothing.

- overhead: the same candidates scored (a) by plain ``score_candidates`` in one process and
  (b) by a campaign with one worker (in-process: the store's cost) and with two (process
  pool: store + executor), all with a warm descriptor cache, so only scoring is left;
  overhead = (campaign time x workers - plain time) / candidates.
- speed-up: the fast stage from a cold cache (conformers, descriptors and site geometry
  computed) with 1 and with 2 workers, each in a fresh process with its own cache.

Usage: python benchmarks/campaign.py [n_ligands]   (default 100 ligands x 3 materials x 4 solvents)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

SPEC = """
import sys, time, json
import ligandlab as ll
n = int(sys.argv[2])
# library names, so ligands keep their head/bridge/tail parts (descriptors per part)
ligs = [l.name for l in ll.enumerate_ligands()][:: max(1, 748 // n)][:n]
spec = dict(ligands=[{"smiles": ligs}], materials=["FAPbBr3", "CsPbBr3", "CsPbI3"],
            solvents=["toluene", "hexane", "PGMEA", "ethanol"], output=sys.argv[1])
camp = ll.Campaign(spec)
cands = camp.candidates()
mode = sys.argv[3]
t = time.perf_counter()
if mode == "plain":
    from ligandlab.scoring import Context, ScoreStore, score_candidates
    names = camp.spec.scorer_names()
    score_candidates(cands, names, {k: 1.0 for k in names}, Context(), ScoreStore(persist=False))
else:
    camp.run(workers=int(mode), progress=False)
print(len(cands), time.perf_counter() - t)
"""


def run(out: str, n: int, mode: str, cache: str) -> tuple[int, float]:
    env = {**os.environ, "LIGANDLAB_CACHE": cache}
    res = subprocess.run(
        [sys.executable, "-c", SPEC, out, str(n), mode],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    count, seconds = res.stdout.split()
    return int(count), float(seconds)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    print(f"cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        warm = os.path.join(tmp, "warm")
        run(os.path.join(tmp, "w0"), n, "1", warm)  # fills the descriptor cache
        count, plain = run(os.path.join(tmp, "p"), n, "plain", warm)
        _, one = run(os.path.join(tmp, "w1"), n, "1", warm)
        _, two = run(os.path.join(tmp, "w2"), n, "2", warm)
        print(f"{count} candidates ({n} ligands x 3 materials x 4 solvents), warm cache:")
        print(f"  plain score_candidates: {plain:.2f} s ({1000 * plain / count:.2f} ms/candidate)")
        print(
            f"  campaign, 1 worker (store only): {one:.2f} s; overhead "
            f"{1000 * (one - plain) / count:.2f} ms/candidate [target <= 5]"
        )
        print(
            f"  campaign, 2 workers (store + pool): {two:.2f} s; overhead "
            f"{1000 * (2 * two - plain) / count:.2f} ms/candidate-worker [target <= 5]"
        )
        t = time.perf_counter()
        _, cold1 = run(os.path.join(tmp, "c1"), n, "1", os.path.join(tmp, "cold1"))
        _, cold2 = run(os.path.join(tmp, "c2"), n, "2", os.path.join(tmp, "cold2"))
        print(
            f"  cold fast stage: 1 worker {cold1:.1f} s, 2 workers {cold2:.1f} s, "
            f"speed-up {cold1 / cold2:.2f}x [target >= 1.7]  ({time.perf_counter() - t:.0f} s)"
        )


if __name__ == "__main__":
    main()
