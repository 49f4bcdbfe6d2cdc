"""Which atoms of a ligand are its head: the charged groups and what joins them.

One definition serves the head/tail split of the descriptors (``split_head_tail``) and the
tail truncation of MD models (``truncate_tail``), so both agree on where the tail starts:

- every atom of a charged group, the terminal substituents of a charged centre (the methyls
  of PC) and the heteroatoms on an anion centre (the ester O of a phosphate);
- the whole ring system of an aromatic cation and the N-C-N core of an amidinium or
  guanidinium, over which their charge spreads;
- the shortest path between each cation and its nearest anion (the bridge), and the
  skeleton that joins all charged groups: shortest paths along the minimum spanning tree of
  their centres, so both carboxylates of a 2-alkylmalonate and the glycerol of a bis-PE
  are head, and a branch off that skeleton is the tail;
- on that skeleton, an arm -CH2-O- that carries a branch (the glycerol CH2-O of a bis-PE):
  tails come from alcohols R-OH, as in the synthesis, so the tail starts after the O. A
  bis-PE then splits into the library's parts whether it was built or typed.
"""

from __future__ import annotations

from rdkit import Chem

from ligandlab.chem.ligand import Ligand, aromatic_system


def head_atoms(lig: Ligand) -> set[int]:
    """Atom indices of the head of ``lig`` (empty for a ligand without charged groups)."""
    mol = lig.mol
    head: set[int] = set()
    for anchor in lig.anchors:
        head.update(anchor.atoms)
        for nb in mol.GetAtomWithIdx(anchor.center).GetNeighbors():
            terminal = nb.GetDegree() == 1
            if terminal or (anchor.role == "anion" and nb.GetSymbol() in ("O", "S", "N")):
                head.add(nb.GetIdx())
    for cat in lig.cations:
        head.update(aromatic_system(mol, cat.center))
        head.update(amidinium_core(mol, cat.center))
        if lig.anions:
            an = min(lig.anions, key=lambda x: len(Chem.GetShortestPath(mol, cat.center, x.center)))
            head.update(Chem.GetShortestPath(mol, cat.center, an.center))
    skeleton = anchor_skeleton(mol, [a.center for a in lig.anchors])
    head.update(skeleton)
    anchor_atoms = {i for a in lig.anchors for i in a.atoms}
    for s in skeleton - anchor_atoms:
        head.update(_alcohol_arm(mol, s, head))
    return head


def _alcohol_arm(mol: Chem.Mol, s: int, head: set[int]) -> set[int]:
    """The CH2 and ether/ester O of each arm S-CH2-O-R off skeleton atom ``s`` that leads
    on to a tail R (empty where there is none)."""
    arm: set[int] = set()
    for c in mol.GetAtomWithIdx(s).GetNeighbors():
        if c.GetIdx() in head or c.GetSymbol() != "C" or c.GetTotalNumHs() != 2:
            continue
        onward = [n for n in c.GetNeighbors() if n.GetIdx() != s]
        if len(onward) != 1 or onward[0].GetSymbol() != "O" or onward[0].GetIdx() in head:
            continue
        o = onward[0]
        if o.GetDegree() == 2 and o.GetFormalCharge() == 0:  # R-O-: an ether or ester O
            arm.update((c.GetIdx(), o.GetIdx()))
    return arm


def amidinium_core(mol: Chem.Mol, n_idx: int) -> set[int]:
    """The carbon of an amidinium or guanidinium N+=C and the N atoms on it (empty for
    any other cation): the charge is shared over N-C-N, so a chain on any of them is tail."""
    atom = mol.GetAtomWithIdx(n_idx)
    for bond in atom.GetBonds():
        c = bond.GetOtherAtom(atom)
        if bond.GetBondType() == Chem.BondType.DOUBLE and c.GetSymbol() == "C":
            return {c.GetIdx(), *(n.GetIdx() for n in c.GetNeighbors() if n.GetSymbol() == "N")}
    return set()


def anchor_skeleton(mol: Chem.Mol, centers: list[int]) -> set[int]:
    """Atoms on the shortest paths that join ``centers`` along their minimum spanning tree
    (topological distances; Prim's algorithm, as a handful of anchors needs nothing more)."""
    if len(centers) < 2:
        return set()
    dist = Chem.GetDistanceMatrix(mol)
    joined, left = [centers[0]], list(centers[1:])
    atoms: set[int] = set()
    while left:
        i, j = min(((i, j) for i in joined for j in left), key=lambda p: dist[p[0], p[1]])
        if dist[i, j] > mol.GetNumAtoms():  # separate fragments: nothing joins them
            break
        atoms.update(Chem.GetShortestPath(mol, i, j))
        joined.append(j)
        left.remove(j)
    return atoms
