"""pi_stacking: can aromatic tails on neighbouring sites reach a stacking geometry?

Criteria from SCIENCE.md section 3: parallel-displaced (interplanar 3.4-3.8 A) or
edge-to-face (centroids 4.5-5.5 A). Neighbouring anchors sit one A-A spacing s apart,
measured on the built slab. Two rings must close the gap s - 5.0 A by tilting their
linkers toward each other. The linker's lateral reach is 0.72 A per bond between the
tail's attachment point and the ring: 1.26 A per bond along an all-trans chain, times
sin 35 deg of tilt (an estimate). The reach fraction is min(1, 2 x reach / gap).

value = 0 without an aromatic ring. With rings,
value = 0.5 + 0.5 x reach fraction x (1 - 0.5^rings), so a larger pi system stacks more
strongly. rings counts the pi system nearest the anchor: that ring and the rings fused or
biaryl-bonded to it (biphenyl, naphthalene: 2). Rings set apart by sp3 carbons, like the
pendant phenyls of polystyrene, are separate pi systems and add nothing.
raw = the gap to close (A).

Limits: no electrostatics (for example fluorinated rings) and no ring substituent sterics.
"""

from __future__ import annotations

from typing import Any

from rdkit import Chem

import ligandlab as ll

STACK_CENTROID_A = 5.0  # upper end of parallel-displaced / middle of edge-to-face
REACH_PER_BOND_A = 0.72


class PiStacking:
    name = "pi_stacking"
    version = "2"  # 2: rings of the nearest pi system, not every ring of the tail
    needs = frozenset({"ligand", "surface"})
    cost = "fast"
    bonus = True  # a missing ring costs nothing in the aggregate; a stacking ring adds

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def score(self, candidate: ll.Candidate, context: ll.Context) -> ll.ScoreResult:
        desc = context.descriptors(candidate.ligand)
        tail = desc.tail
        if tail is None or tail.aromatic_rings == 0:
            return ll.ScoreResult(0.0, 0.0, "A", {"reason": "no aromatic ring in the tail"})
        key = (self.name, tail.tail_smiles, candidate.surface)
        return context.memo(key, lambda: self._score(candidate, context, tail))

    def _score(self, cand: ll.Candidate, context: ll.Context, tail: Any) -> ll.ScoreResult:
        geo = context.site_geometry(*cand.surface)
        linker, rings = _nearest_pi_system(tail.tail_smiles)
        gap = max(0.0, geo.a_a_spacing - STACK_CENTROID_A)
        reach = REACH_PER_BOND_A * linker
        frac = 1.0 if gap == 0 else min(1.0, 2 * reach / gap)
        strength = 1.0 - 0.5**rings
        value = 0.5 + 0.5 * frac * strength
        details = {
            "aromatic_rings": tail.aromatic_rings,
            "stacking_rings": rings,
            "neighbour_spacing_A": round(geo.a_a_spacing, 3),
            "linker_bonds": linker,
            "lateral_reach_A": round(reach, 3),
            "gap_A": round(gap, 3),
            "geometry": "edge-to-face or parallel-displaced" if frac >= 1 else "partial",
        }
        return ll.ScoreResult(value, gap, "A", details)


def _nearest_pi_system(tail_smiles: str) -> tuple[int, int]:
    """(bonds from the attachment point [*] to the nearest aromatic atom, rings of that
    atom's pi system): its ring plus every ring reached through aromatic atoms only (fused
    rings share atoms, a biaryl bond joins two aromatic atoms). (0, 0) without a ring."""
    mol = Chem.MolFromSmiles(tail_smiles)
    star = next(a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 0)
    dist = Chem.GetDistanceMatrix(mol)[star]
    arom = [a.GetIdx() for a in mol.GetAtoms() if a.GetIsAromatic()]
    if not arom:
        return 0, 0
    first = min(arom, key=lambda i: (dist[i], i))
    system, stack = {first}, [first]
    while stack:
        for n in mol.GetAtomWithIdx(stack.pop()).GetNeighbors():
            if n.GetIsAromatic() and n.GetIdx() not in system:
                system.add(n.GetIdx())
                stack.append(n.GetIdx())
    rings = sum(1 for ring in mol.GetRingInfo().AtomRings() if set(ring) <= system)
    return int(dist[first]), rings
