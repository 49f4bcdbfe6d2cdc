"""solvent_match: does the solvent disperse the tail? (Hansen matching, docs/solvents.md)

chi = 0.6 x V_solvent x Ra^2 / (4RT) (Lindvig 2002), computed from the tail's group-
contribution Hansen parameters; RED = sqrt(chi / 0.5), so RED 1 is the theta condition.
value = 1 / (1 + RED^4): 0.5 at theta, near 1 for a good solvent. A solvent that dissolves
the perovskite itself (DMF, DMSO, water...) scores at most 0.05, with the reason given.
raw = RED.
"""

from __future__ import annotations

import math
from typing import Any

import ligandlab as ll

THETA_CHI = 0.5


class SolventMatch:
    name = "solvent_match"
    # 1.1: a carbon-free species ([Br-], [NH4+]) fails with "no carbon" instead of being
    # matched as an organic C-Br or N group
    version = "1.1"
    needs = frozenset({"ligand", "solvent"})
    cost = "fast"

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def score(self, candidate: ll.Candidate, context: ll.Context) -> ll.ScoreResult:
        assert candidate.solvent is not None
        lig = candidate.ligand
        desc = context.descriptors(lig)
        tail_key = desc.tail.tail_smiles if desc.tail else lig.smiles
        key = (self.name, tail_key, candidate.solvent)
        return context.memo(key, lambda: self._score(lig, candidate.solvent or ""))

    def _score(self, lig: ll.Ligand, solvent_name: str) -> ll.ScoreResult:
        solvent = ll.Solvent.get(solvent_name)
        tail = ll.hansen(lig)
        chi = ll.flory_chi(tail, solvent)
        red = math.sqrt(max(chi, 0.0) / THETA_CHI)
        value = 1.0 / (1.0 + red**4)
        details: dict[str, Any] = {
            "solvent": solvent.name,
            "class": solvent.cls,
            "chi": round(chi, 4),
            "RED": round(red, 4),
            "tail_hansen": [round(x, 2) for x in (tail.d_d, tail.d_p, tail.d_h)],
        }
        if not solvent.nc_compatible:
            value = min(value, 0.05)
            details["reason"] = f"{solvent.name} dissolves the perovskite"
        return ll.ScoreResult(value, red, "RED", details)
