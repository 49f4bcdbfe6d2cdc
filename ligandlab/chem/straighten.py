"""Upright, rod-like conformers of a ligand's tail, for dense surface placement.

ETKDG + MMFF ensembles of long or branched tails are coils: a handful of them rarely holds
a pose slim enough for neighbouring sites at the coverages a monolayer reaches. RDKit has
no "extend this chain" search, so this module adds one. Every rotatable single bond of the
tail (acyclic, not conjugated, with the binding groups on one side only) is set to anti,
gauche+ or gauche- by greedy coordinate descent, keeping the setting that makes the tail
slimmest about the line from the binding groups through the tail, without steric clashes.
Branches end up side by side (the two chains of C8C12 or of a diacyl lipid run parallel,
as they pack in a monolayer) instead of splayed. The head's own conformation is kept.
"""

from __future__ import annotations

import numpy as np
from rdkit import Chem
from rdkit.Chem import AllChem, rdMolTransforms
from scipy.spatial.distance import pdist

from ligandlab.chem.conformers import set_dielectric

ROD_VERSION = "2"  # bump when the search or its input changes: cached rods are keyed by it
TORSIONS = (180.0, 60.0, -60.0)  # anti first: ties keep the extended setting
SWEEPS = 3
# Closest allowed non-bonded distances (Angstrom) between atoms more than three bonds
# apart: about 0.4 A inside the sums of Bondi radii (C...C 3.4, H...H 2.4), an estimate
# that admits gauche contacts and rejects overlaps.
CLASH_HEAVY = 3.0
CLASH_H = 2.0
# Weight (A^2) of the rod axis' cosine squared with the ``across`` line: a 30 degree lean
# costs as much as 1.2 A^2 of lateral spread (an estimate, a few percent of a chain's).
ACROSS_WEIGHT = 20.0


def _tail_torsions(mol: Chem.Mol, head: set[int]) -> list[tuple[int, int, int, int]]:
    """(a, b, c, d) for every rotatable tail bond b-c, with b on the head's side: turning
    the dihedral moves only the far side (d's), which holds no head atom."""
    dist = Chem.GetDistanceMatrix(mol)
    heavy = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() > 1]
    to_head = {i: min(dist[i, h] for h in head) for i in heavy}
    out: list[tuple[float, tuple[int, int, int, int]]] = []
    for bond in mol.GetBonds():
        if bond.GetBondType() != Chem.BondType.SINGLE or bond.IsInRing() or bond.GetIsConjugated():
            continue
        b, c = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
        if b not in to_head or c not in to_head:
            continue
        if to_head[c] < to_head[b]:
            b, c = c, b
        if c in head:
            continue
        far = _side(mol, c, b)
        if far & head:
            continue
        a_nb = [n.GetIdx() for n in mol.GetAtomWithIdx(b).GetNeighbors() if n.GetIdx() != c]
        d_nb = [n.GetIdx() for n in mol.GetAtomWithIdx(c).GetNeighbors() if n.GetIdx() != b]
        a_heavy = [i for i in a_nb if i in to_head]
        d_heavy = [i for i in d_nb if i in to_head]
        if not a_heavy or not d_heavy:
            continue  # a terminal methyl or an H-only end: nothing to extend
        a = min(a_heavy, key=lambda i: (to_head[i], i))
        d = max(d_heavy, key=lambda i: (len(_side(mol, i, c)), -i))
        out.append((to_head[b], (a, b, c, d)))
    out.sort()
    return [t for _, t in out]


def _side(mol: Chem.Mol, start: int, blocked: int) -> set[int]:
    """Atoms reached from ``start`` without passing ``blocked``."""
    seen = {start}
    stack = [start]
    while stack:
        i = stack.pop()
        for n in mol.GetAtomWithIdx(i).GetNeighbors():
            j = n.GetIdx()
            if j != blocked and j not in seen:
                seen.add(j)
                stack.append(j)
    return seen


class _Objective:
    """Slimness of the tail about its axis, plus a steep penalty for clashes."""

    def __init__(
        self,
        mol: Chem.Mol,
        head: set[int],
        tail: list[int],
        across: tuple[int, int] | None,
    ) -> None:
        n = mol.GetNumAtoms()
        dist = Chem.GetDistanceMatrix(mol)
        i, j = np.triu_indices(n, 1)  # the order of scipy's condensed distances
        self.far = dist[i, j] > 3
        heavy = np.array([a.GetAtomicNum() > 1 for a in mol.GetAtoms()])
        both = heavy[i[self.far]] & heavy[j[self.far]]
        self.limit = np.where(both, CLASH_HEAVY, CLASH_H)
        self.head = sorted(head)
        self.tail = tail
        self.across = across

    def __call__(self, pos: np.ndarray) -> float:
        origin = pos[self.head].mean(axis=0)
        rel = pos[self.tail] - origin
        axis = rel.mean(axis=0)
        axis = axis / (np.linalg.norm(axis) + 1e-9)
        perp = rel - np.outer(rel @ axis, axis)
        spread = float((perp**2).sum(axis=1).mean())
        if self.across is not None:
            line = pos[self.across[1]] - pos[self.across[0]]
            cos = float(axis @ line) / (float(np.linalg.norm(line)) + 1e-9)
            spread += ACROSS_WEIGHT * cos * cos
        # pdist of every pair, then the far ones: 5x faster than gathering the pairs' rows
        gap = pdist(pos)[self.far]
        close = gap < self.limit
        overlap = self.limit[close] - gap[close]
        return spread + 100.0 * float((overlap**2).sum())


def straightened(
    mol: Chem.Mol,
    xyz: np.ndarray,
    head: set[int],
    tail: list[int],
    across: tuple[int, int] | None = None,
) -> tuple[np.ndarray, float] | None:
    """Coordinates and MMFF energy (kcal/mol, 4r dielectric) of the conformer ``xyz`` of
    ``mol`` with its tail made rod-like; ``None`` when the tail has no rotatable bond.

    ``head`` holds the binding groups' atoms (kept as they are), ``tail`` the tail's heavy
    atoms whose spread about the axis is minimised. With ``across`` (two atoms, e.g. the
    cationic and anionic centres, which both lie on the surface in BM3) the rod is also
    turned perpendicular to the line between them, so it stands upright there.
    """
    torsions = _tail_torsions(mol, head)
    if not torsions or not tail:
        return None
    work = Chem.Mol(mol)
    work.RemoveAllConformers()
    conf = Chem.Conformer(work.GetNumAtoms())
    for i, p in enumerate(np.asarray(xyz, float)):
        conf.SetAtomPosition(i, p.tolist())
    work.AddConformer(conf, assignId=True)
    conf = work.GetConformer()
    score = _Objective(work, head, tail, across)
    for t in torsions:  # start from the all-anti chain
        rdMolTransforms.SetDihedralDeg(conf, *t, 180.0)
    best = score(conf.GetPositions())
    for _ in range(SWEEPS):
        changed = False
        for t in torsions:
            current = rdMolTransforms.GetDihedralDeg(conf, *t)
            keep = current
            for angle in TORSIONS:
                rdMolTransforms.SetDihedralDeg(conf, *t, angle)
                value = score(conf.GetPositions())
                if value < best - 1e-6:
                    best, keep, changed = value, angle, True
            rdMolTransforms.SetDihedralDeg(conf, *t, keep)
        if not changed:
            break
    props = AllChem.MMFFGetMoleculeProperties(work)
    if props is None:
        return np.asarray(conf.GetPositions()), 0.0
    set_dielectric(props, "4r")
    ff = AllChem.MMFFGetMoleculeForceField(work, props)
    for t in torsions:  # relax bonds and angles, keep the chosen rotamers
        angle = rdMolTransforms.GetDihedralDeg(conf, *t)
        ff.MMFFAddTorsionConstraint(*t, False, angle - 10.0, angle + 10.0, 50.0)
    ff.Minimize(maxIts=200)
    return np.asarray(conf.GetPositions()), float(ff.CalcEnergy())
