"""md_binding (slow): BM3 population of the ligand's head on the slab from OpenMM.

Runs :func:`ligandlab.simulate.binding` on a tail-truncated model of the ligand (the first
``tail_carbons`` tail carbons, as the founding paper simulated C5-tail models) in the
candidate's solvent, with one ligand on a small slab started in BM3. The value is the BM3
population over the second half of production; details carry every mode's population
and the bound fraction. The run directory lives in the ligandlab cache, keyed by the
candidate, the parameters, the ligandlab version (the MD engine), the placement version
(start poses) and the library data (lattice, ion model), so a repeated call re-reads the
finished run and an upgrade runs it again.

Limits: one ligand, short runs (``protocol``), and only materials with an ion model
(``library/forcefields``); other materials are reported as failures with the reason.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import ligandlab as ll
from ligandlab import cache
from ligandlab.chem.truncate import truncate_tail
from ligandlab.materials.placement import PLACEMENT_VERSION


class MDBinding:
    name = "md_binding"
    # 2: start poses of placement version 2 (the key now holds PLACEMENT_VERSION). The key
    # also holds the truncated model's SMILES and PLACEMENT_VERSION, so changes in truncation
    # or placement re-run what they change without a version bump here.
    version = "2"
    needs = frozenset({"ligand", "surface", "solvent", "simulation"})
    cost = "slow"

    def __init__(
        self, protocol: str = "quick", tail_carbons: int = 5, size: int = 4, seed: int = 0
    ) -> None:
        self.params: dict[str, Any] = {
            "protocol": protocol,
            "tail_carbons": tail_carbons,
            "size": size,
            "seed": seed,
        }

    def score(self, candidate: ll.Candidate, context: ll.Context) -> ll.ScoreResult:
        from ligandlab.simulate import bm3_population

        p = self.params
        lig = candidate.ligand
        if not lig.anchors:
            return ll.ScoreResult(0.0, 0.0, "%", {"reason": "no charged binding group"})
        root = cache.cache_dir()
        # the simulated model itself joins the key, so a change in truncation re-runs
        model = truncate_tail(lig, p["tail_carbons"]).smiles
        key = cache.key_of(
            self.name,
            self.version,
            p,
            candidate.key,
            model,
            ll.__version__,
            PLACEMENT_VERSION,
            ll.library.fingerprint(),
        )
        directory = (
            root / "md_binding" / key if root else Path(tempfile.mkdtemp(prefix="md_binding-"))
        )
        bm3, details = bm3_population(
            lig,
            candidate.material,
            candidate.solvent,
            directory,
            protocol=p["protocol"],
            tail_carbons=p["tail_carbons"],
            size=p["size"],
            seed=p["seed"],
        )
        return ll.ScoreResult(bm3, round(100.0 * bm3, 2), "% BM3", details)
