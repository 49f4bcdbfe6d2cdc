"""Tail truncation: the ligand with only the first ``k`` tail carbons, for cheaper MD.

Morad et al. (Nature 626, 542, 2024) simulated C5-tail models of their phospholipids; the
binding head is what the simulation probes. The head is ``chem.head.head_atoms``, as in
``split_head_tail``: the charged groups (the methyls of PC, an aromatic cation's rings) and
the skeleton joining them (the bridge, the glycerol of a bis-PE). The tail starts at the
carbon nearest to the head that is not part of it; atoms more than ``k - 1`` bonds beyond
that carbon (by topological distance from the head) are removed and the cut bonds capped
with hydrogen. A ring system is never cut: one with any kept atom is kept whole (an aromatic
tail keeps its first ring system). Only single bonds are cut: an atom joined to a kept one
by a double or triple bond is kept too (an ester's carbonyl O, the far carbon of a C=C).
"""

from __future__ import annotations

from collections.abc import Collection

from rdkit import Chem

from ligandlab.chem.head import head_atoms
from ligandlab.chem.ligand import Ligand, ring_systems
from ligandlab.errors import LigandLabError


def truncate_tail(lig: Ligand, keep_carbons: int, keep: Collection[int] = ()) -> Ligand:
    """``lig`` with its tail cut after ``keep_carbons`` carbons (see the module docstring).

    Atoms in ``keep`` (indices into ``lig.mol``) are kept and count as head when distances
    are measured: a chelate's donor and the atoms between it and the anion stay, however
    far out on a ring they sit. A ligand whose tail is already that short is returned
    unchanged.
    """
    if keep_carbons < 1:
        raise LigandLabError(f"keep_carbons must be at least 1, got {keep_carbons}")
    mol = lig.mol
    head = head_atoms(lig)
    if not head:
        raise LigandLabError(f"{lig.name}: no charged group, so no head to keep the tail from")
    head |= set(keep)
    dist = Chem.GetDistanceMatrix(mol)
    from_head = [min(dist[i][h] for h in head) for i in range(mol.GetNumAtoms())]
    tail_carbons = [
        a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 6 and a.GetIdx() not in head
    ]
    if not tail_carbons:
        return lig
    first = min(from_head[i] for i in tail_carbons)
    cutoff = first + keep_carbons - 1
    keep = {i for i in range(mol.GetNumAtoms()) if from_head[i] <= cutoff}
    # never cut through a ring: a ring system with one kept atom is kept whole (cutting a
    # phenyl would leave aromatic atoms outside any ring)
    for system in ring_systems(mol):
        if system & keep:
            keep |= system
    # and never cut a double or triple bond: the carbonyl O of an ester or the far carbon
    # of a C=C follows its kept partner, so every cut is a single bond capped by one H
    # (cutting C=O left a radical carbon on lecithin's acyl chains)
    grew = True
    while grew:
        grew = False
        for bond in mol.GetBonds():
            if bond.GetBondType() == Chem.BondType.SINGLE:
                continue
            i, j = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
            if (i in keep) != (j in keep):
                keep |= {i, j}
                grew = True
    keep |= {  # hydrogens (explicit ones) follow their heavy atom
        a.GetIdx()
        for a in mol.GetAtoms()
        if a.GetAtomicNum() == 1 and any(nb.GetIdx() in keep for nb in a.GetNeighbors())
    }
    drop = sorted(set(range(mol.GetNumAtoms())) - keep, reverse=True)
    if not drop:
        return lig
    rw = Chem.RWMol(mol)
    for i in drop:
        for nb in rw.GetAtomWithIdx(i).GetNeighbors():
            if nb.GetIdx() not in drop:
                nb.SetNumExplicitHs(nb.GetTotalNumHs() + 1)
                nb.SetNoImplicit(True)
        rw.RemoveAtom(i)
    out = rw.GetMol()
    Chem.SanitizeMol(out)
    return Ligand.from_smiles(Chem.MolToSmiles(out), name=f"{lig.name}/C{keep_carbons}")
