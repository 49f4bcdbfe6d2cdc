"""Ligand descriptors from 3D conformer ensembles, factored by ligand part.

* Head descriptors (cation-anion anchor spans, cation size) are computed once per head +
  bridge on a truncated model whose tail is a methyl, and shared by every tail.
* Tail descriptors (extended length, cross-section, volume, flexibility, branching,
  unsaturation, aromatic rings) are computed once per tail on the methyl-capped tail R-CH3.

Ligands given as plain SMILES are split into the same two parts (``split_head_tail``), so a
phospholipid typed in by hand shares its cached descriptors with the built one.
All lengths in Angstrom unless the name says ``_nm``.
"""

from __future__ import annotations

import functools
import math
import os
import pickle
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
from rdkit import Chem
from rdkit.Chem import AllChem, rdMolDescriptors, rdMolTransforms
from scipy.sparse.csgraph import shortest_path
from scipy.spatial import ConvexHull

from ligandlab import cache, sourcehash
from ligandlab.chem.assembly import (
    CAP_ISOTOPE,
    as_ligand,
    head_label,
    head_model,
    resolve_bridge,
)
from ligandlab.chem.conformers import (
    METHOD_VERSION,
    ConformerEnsemble,
    conformers,
    set_dielectric,
    set_rdkit_threads,
    worker_threads,
)
from ligandlab.chem.fragments import Tail, cap_tail, resolve_tail
from ligandlab.chem.head import head_atoms
from ligandlab.chem.ligand import Ligand
from ligandlab.chem.straighten import ROD_VERSION, straightened
from ligandlab.chem.volume import vdw_volume
from ligandlab.errors import LigandLabError

# Holds the conformer method, so cached descriptors and scores (ranking keys on this) are
# recomputed when ensembles change. v2: an aromatic cation's ring system is head, so a
# chain on another ring atom (1-octyl-3-methylimidazolium) is a tail (2026-11-22). v3:
# computed from the cached (single-precision) ensemble on cold runs too (2026-11-22). v4:
# the tail cross-section is the slimmest straightened rod, not the stretched conformer's
# shadow (2026-11-22). v5: alkyl_run, the chain that can crystallise (2026-11-22). v6: the
# skeleton joining several anchors is head, so an alkylmalonate or a bis-PE read from
# SMILES keeps its tail (2026-11-22). v7: an amidinium's N-C-N core is head, so an
# N-alkylformamidinium or alkylguanidinium has a tail (2026-11-22). v8: the radius and N
# degree of every cationic group, not only the first (2026-11-22). v9: the head is
# chem.head.head_atoms, shared with truncation (terminal atoms on any charged centre). v10:
# built ligands are split from their structure like typed ones, and a bis-PE's glycerol
# CH2-O arm is head, so a typed bis-PE gets the built one's parts (2026-11-22). v11: the
# head piece is the one holding the head's atoms, so a tail with a nitro group is a tail
# (2026-11-23; every library ligand splits as before).
# Head ensemble size: 300 MMFF minima hold fit_geometry's seed-to-seed sd of a PE head at
# 0.014-0.033 (40 gave 0.021-0.078, 400 gives 0.010-0.030; benchmarks/science_bridge_seeds.py
# --conformers, 8 seeds, 2026-11-22). Cost, once per head model (cached): <= 2.5 s, a bis-PE
# head 6-12 s; describing the default library cold takes 65 CPU-s of head models (35 of
# them bis-PE) and 65 of tails, 66-69 s on 2 cores (benchmarks/ligands.py, 2026-11-23).
HEAD_CONFORMERS = 300
ROD_STARTS = 8  # conformers straightened per tail for its cross-section (cost ~0.3 s each)
TAIL_MAX_ITERS = 1000  # MMFF steps per tail conformer; neutral tails converge well within
# The sampling settings are part of the version, so changing one recomputes cached scores.
DESCRIPTOR_VERSION = (
    f"descriptors/v11+{METHOD_VERSION}+rod{ROD_VERSION}"
    f"+heads{HEAD_CONFORMERS}+rods{ROD_STARTS}+iters{TAIL_MAX_ITERS}"
)


@functools.cache
def descriptor_version() -> str:
    """``DESCRIPTOR_VERSION`` plus the hash of the code that computes descriptors (this
    module and the ligandlab modules it uses, ``sourcehash.module_digest``). Cached
    descriptors and scores are keyed by it, so an edit to that code recomputes them even
    when nobody bumped ``DESCRIPTOR_VERSION``; the hand-bumped version stays the record of
    what changed."""
    return f"{DESCRIPTOR_VERSION}+src{sourcehash.module_digest(__name__)}"


# Bondi van der Waals radii (A. Bondi, J. Phys. Chem. 68, 441 (1964)).
VDW_RADIUS = {
    "H": 1.20,
    "C": 1.70,
    "N": 1.55,
    "O": 1.52,
    "F": 1.47,
    "P": 1.80,
    "S": 1.80,
    "Cl": 1.75,
    "Br": 1.85,
    "I": 1.98,
    "Si": 2.10,
    "B": 1.92,
}


def tail_conformer_count(n_atoms: int) -> int:
    """Conformers for a tail: 20 for tails up to 50 atoms, down to 5 for ~200-atom oligomers.

    Embedding cost grows steeply with size (a 197-atom PS oligomer: ~2 s for 4 conformers
    on 2 cores); the stretched conformer, not the ensemble size, sets the key descriptors.
    """
    return int(np.clip(1000 // max(n_atoms, 1), 4, 20))


@dataclass(frozen=True)
class HeadDescriptors:
    """Cation-anion geometry of a head group (from its methyl-tail model)."""

    model_smiles: str
    label: str
    cation_group: str | None
    anion_group: str | None
    # per conformer (left out of the repr, see ``span`` and ``summary``), Angstrom:
    d_no: tuple[float, ...] = field(repr=False)  # cationic N to nearest anionic O
    d_np: tuple[float, ...] = field(repr=False)  # cationic N to anion centre P/S/C
    cation_radius: float | None  # Angstrom, N to outermost atom of the cationic group + vdW
    n_conformers: int
    # every cationic group of the head model, in its atom order (a diammonium, a bis-PE):
    cation_radii: tuple[float, ...] = ()  # as cation_radius, Angstrom
    cation_heavy_degrees: tuple[int, ...] = ()  # heavy neighbours of each cationic N

    def span(self, which: str = "no", q: float = 95.0) -> float | None:
        """Percentile ``q`` of the N...O (``'no'``) or N...P (``'np'``) distance distribution."""
        values = self.d_no if which == "no" else self.d_np
        return float(np.percentile(values, q)) if values else None

    def summary(self) -> dict[str, float | str | None]:
        return {
            "head_model": self.label,
            "cation": self.cation_group,
            "anion": self.anion_group,
            "NO_min_A": _r(min(self.d_no)) if self.d_no else None,
            "NO_median_A": _r(self.span("no", 50)),
            "NO_p95_A": _r(self.span("no", 95)),
            "NP_p95_A": _r(self.span("np", 95)),
            "cation_radius_A": _r(self.cation_radius),
        }


@dataclass(frozen=True)
class TailDescriptors:
    """Size, shape and flexibility of a tail R (from the methyl-capped tail R-CH3)."""

    tail_smiles: str
    heavy_atoms: int
    carbons: int
    alkyl_run: int  # longest path through acyclic sp3 carbons bonded only to C and H
    extended_length_nm: float  # anchor to far surface, stretched conformer
    coil_length_nm: float  # Boltzmann-mean anchor-to-far-surface over the ensemble
    cross_section_nm2: float  # projected area normal to the long axis, slimmest upright rod
    volume_nm3: float  # van der Waals volume
    rotatable_bonds: int
    branch_points: int
    chain_ends: int
    unsaturations: int
    aromatic_rings: int
    halogens: int
    ether_oxygens: int
    n_conformers: int

    def summary(self) -> dict[str, float | int | None]:
        return {
            "length_nm": _r(self.extended_length_nm),
            "coil_nm": _r(self.coil_length_nm),
            "xsec_nm2": _r(self.cross_section_nm2),
            "volume_nm3": _r(self.volume_nm3),
            "rot_bonds": self.rotatable_bonds,
            "branches": self.branch_points,
            "unsat": self.unsaturations,
            "arom_rings": self.aromatic_rings,
        }


@dataclass(frozen=True)
class LigandDescriptors:
    """Head and tail descriptors of one ligand (either may be absent)."""

    ligand: Ligand
    head: HeadDescriptors | None
    tail: TailDescriptors | None

    def summary(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.head:
            out.update(self.head.summary())
        if self.tail:
            out.update(self.tail.summary())
        return out


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(float(x), nd)


# ---------------------------------------------------------------- head descriptors


def head_descriptors_for(head: str, bridge: int | None = None) -> HeadDescriptors:
    """Head descriptors of a library head + bridge (computed once, cached)."""
    record, n = resolve_bridge(head, bridge)
    model_smiles, _ = split_head_tail(head_model(record.id, n))
    assert model_smiles is not None  # every library head is charged
    return _head_descriptors(model_smiles, head_label(record, n))


_HEAD_MEMO: dict[str, HeadDescriptors] = {}
_TAIL_MEMO: dict[str, TailDescriptors] = {}


def _head_descriptors(model_smiles: str, label: str) -> HeadDescriptors:
    """Descriptors of a head model, labelled for this caller: the cached copy keeps the
    label of whoever computed it first, which need not name this ligand's head."""
    result = _HEAD_MEMO.get(model_smiles)
    if result is None:
        result = _head_descriptors_uncached(model_smiles, label)
        _HEAD_MEMO[model_smiles] = result
    return result if result.label == label else replace(result, label=label)


def _head_descriptors_uncached(model_smiles: str, label: str) -> HeadDescriptors:
    key = cache.key_of(descriptor_version(), "head", model_smiles, HEAD_CONFORMERS)
    hit = cache.load("descriptors", key)
    if isinstance(hit, HeadDescriptors):
        return hit
    lig = Ligand.from_smiles(model_smiles)
    ens = conformers(model_smiles, n=HEAD_CONFORMERS, seed=0)
    result = _compute_head(lig, ens, label)
    cache.store("descriptors", key, result)
    return result


def _compute_head(lig: Ligand, ens: ConformerEnsemble, label: str) -> HeadDescriptors:
    cations, anions = lig.cations, lig.anions
    xyz = ens.all_positions()
    d_no: list[float] = []
    d_np: list[float] = []
    if cations and anions:
        for cat in cations:
            n_pos = xyz[:, cat.center]
            o_idx = [o for a in anions for o in a.binding]
            d_o = np.linalg.norm(xyz[:, o_idx] - n_pos[:, None, :], axis=-1).min(axis=1)
            c_idx = [a.center for a in anions]
            d_c = np.linalg.norm(xyz[:, c_idx] - n_pos[:, None, :], axis=-1).min(axis=1)
            d_no.extend(d_o.tolist())
            d_np.extend(d_c.tolist())
    radii = tuple(_cation_radius(ens, c.center) for c in cations)
    degrees = tuple(
        sum(n.GetAtomicNum() > 1 for n in lig.mol.GetAtomWithIdx(c.center).GetNeighbors())
        for c in cations
    )
    radius = _cation_radius(ens, cations[0].center) if cations else None
    return HeadDescriptors(
        model_smiles=lig.smiles,
        label=label,
        cation_group=cations[0].group if cations else None,
        anion_group=anions[0].group if anions else None,
        d_no=tuple(round(x, 4) for x in d_no),
        d_np=tuple(round(x, 4) for x in d_np),
        cation_radius=radius,
        n_conformers=len(ens),
        cation_radii=radii,
        cation_heavy_degrees=degrees,
    )


def _cation_radius(ens: ConformerEnsemble, n_idx: int) -> float:
    """Radius of the cationic group: N to its outermost substituent atom plus that atom's
    Bondi radius, over the H atoms on N and the methyl groups on N (a Kieslich-style
    effective radius; a primary ammonium gives ~2.2 A, close to MA+ at 2.17 A)."""
    mol = ens.mol
    n_atom = mol.GetAtomWithIdx(n_idx)
    group: list[int] = []
    for nb in n_atom.GetNeighbors():
        if nb.GetIsotope() == CAP_ISOTOPE:  # the tail stand-in, not part of the cation
            continue
        heavy = [x for x in nb.GetNeighbors() if x.GetAtomicNum() > 1 and x.GetIdx() != n_idx]
        if nb.GetAtomicNum() == 1:
            group.append(nb.GetIdx())
        elif nb.GetAtomicNum() == 6 and not heavy:  # a methyl on N
            group.append(nb.GetIdx())
            group.extend(h.GetIdx() for h in nb.GetNeighbors() if h.GetAtomicNum() == 1)
    if not group:
        return VDW_RADIUS["N"]
    pos = ens.positions(0)
    radii = np.array([VDW_RADIUS.get(mol.GetAtomWithIdx(i).GetSymbol(), 1.7) for i in group])
    d = np.linalg.norm(pos[group] - pos[n_idx], axis=1)
    return float(np.max(d + radii))


# ---------------------------------------------------------------- tail descriptors


def tail_descriptors(tail: Tail | str) -> TailDescriptors:
    """Descriptors of a tail: a ``Tail``, a library tail id or alias (``C8C12``), or a tail
    SMILES with one ``[*]`` (computed once per canonical tail SMILES, cached on disk)."""
    return _tail_descriptors(resolve_tail(tail).smiles)


def _tail_descriptors(tail_smiles: str) -> TailDescriptors:
    if tail_smiles in _TAIL_MEMO:
        return _TAIL_MEMO[tail_smiles]
    result = _tail_descriptors_uncached(tail_smiles)
    _TAIL_MEMO[tail_smiles] = result
    return result


def _tail_descriptors_uncached(tail_smiles: str) -> TailDescriptors:
    n_atoms = Chem.AddHs(cap_tail(Tail(id="_", smiles=tail_smiles), "C")).GetNumAtoms()
    n_conf = tail_conformer_count(n_atoms)
    key = cache.key_of(descriptor_version(), "tail", tail_smiles, n_conf)
    hit = cache.load("descriptors", key)
    if isinstance(hit, TailDescriptors):
        return hit
    result = _compute_tail(tail_smiles, n_conf)
    cache.store("descriptors", key, result)
    return result


def _capped_with_anchor(tail_smiles: str) -> tuple[str, int]:
    """Canonical SMILES of R-CH3 and the index of the CH3 that replaced ``[*]`` in it."""
    mol = Chem.RWMol(Chem.MolFromSmiles(tail_smiles))
    dummy = next(a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() == 0)
    mol.GetAtomWithIdx(dummy).SetAtomicNum(6)
    capped = mol.GetMol()
    Chem.SanitizeMol(capped)
    smiles = Chem.MolToSmiles(capped)
    order = list(capped.GetPropsAsDict(True, True)["_smilesAtomOutputOrder"])
    return smiles, order.index(dummy)


def _compute_tail(tail_smiles: str, n_conf: int) -> TailDescriptors:
    capped_smiles, anchor = _capped_with_anchor(tail_smiles)
    capped = Chem.MolFromSmiles(capped_smiles)
    ens = conformers(capped_smiles, n=n_conf, seed=0, max_iters=TAIL_MAX_ITERS)
    mol = ens.mol
    symbols = [a.GetSymbol() for a in mol.GetAtoms()]
    radii = np.array([VDW_RADIUS.get(s, 1.7) for s in symbols])

    # coil: Boltzmann-weighted reach of the ensemble from the anchor atom
    xyz = ens.all_positions()
    reach = (np.linalg.norm(xyz - xyz[:, anchor : anchor + 1], axis=-1) + radii).max(axis=1)
    coil = float(np.dot(ens.boltzmann_weights(), reach))

    stretched = _stretched(mol, anchor)
    pos = stretched.GetConformer().GetPositions()
    extended = float((np.linalg.norm(pos - pos[anchor], axis=1) + radii).max())
    extended = max(extended, float(reach.max()))
    xsec = _rod_cross_section(mol, ens.all_positions(), anchor, radii)
    volume = vdw_volume(stretched, conf_id=0, grid_spacing=0.2)

    heavy = Chem.RemoveHs(Chem.Mol(capped))
    ri = heavy.GetRingInfo()
    branch = sum(
        1
        for a in heavy.GetAtoms()
        if a.GetDegree() >= 3
        and not a.IsInRing()
        and a.GetSymbol() == "C"
        and sum(1 for n in a.GetNeighbors() if n.GetSymbol() == "C") >= 3
    )
    ends = sum(1 for a in heavy.GetAtoms() if a.GetDegree() == 1 and a.GetIdx() != anchor)
    unsat = sum(
        1
        for b in heavy.GetBonds()
        if b.GetBondType() in (Chem.BondType.DOUBLE, Chem.BondType.TRIPLE)
        and b.GetBeginAtom().GetSymbol() == "C"
        and b.GetEndAtom().GetSymbol() == "C"
        and not b.GetIsAromatic()
    )
    arom = sum(
        1 for ring in ri.BondRings() if all(heavy.GetBondWithIdx(i).GetIsAromatic() for i in ring)
    )
    ether = len(heavy.GetSubstructMatches(Chem.MolFromSmarts("[OX2;!$(O-C=O)]([#6])[#6]")))
    return TailDescriptors(
        tail_smiles=tail_smiles,
        heavy_atoms=heavy.GetNumAtoms() - 1,
        carbons=sum(1 for a in heavy.GetAtoms() if a.GetSymbol() == "C") - 1,
        alkyl_run=_alkyl_run(heavy, anchor),
        extended_length_nm=extended / 10.0,
        coil_length_nm=coil / 10.0,
        cross_section_nm2=xsec / 100.0,
        volume_nm3=volume / 1000.0,
        rotatable_bonds=rdMolDescriptors.CalcNumRotatableBonds(heavy),
        branch_points=branch,
        chain_ends=ends,
        unsaturations=unsat,
        aromatic_rings=arom,
        halogens=sum(1 for a in heavy.GetAtoms() if a.GetSymbol() in ("F", "Cl", "Br", "I")),
        ether_oxygens=ether,
        n_conformers=len(ens),
    )


def _alkyl_run(heavy: Chem.Mol, anchor: int) -> int:
    """Carbons in the longest path of acyclic sp3 carbons that bond only to C and H (the
    cap ``anchor`` excluded): the chain that can crystallise. Palmitoyl gives 15, so a
    diacyl tail counts one chain, not both with the glycerol between them."""
    alkyl = [
        a.GetIdx()
        for a in heavy.GetAtoms()
        if a.GetSymbol() == "C"
        and a.GetIdx() != anchor
        and not a.IsInRing()
        and a.GetHybridization() == Chem.HybridizationType.SP3
        and all(n.GetSymbol() == "C" for n in a.GetNeighbors())
    ]
    if not alkyl:
        return 0
    # acyclic atoms form trees, so the longest shortest path is the longest chain
    hops = shortest_path(Chem.GetAdjacencyMatrix(heavy)[np.ix_(alkyl, alkyl)], unweighted=True)
    return int(hops[np.isfinite(hops)].max()) + 1


def _stretched(mol: Chem.Mol, anchor: int) -> Chem.Mol:
    """The lowest-energy conformer with every acyclic single bond on the longest path from
    the anchor set to anti (180 degrees), then briefly relaxed with MMFF."""
    out = Chem.Mol(mol, confId=0)
    heavy = [a.GetIdx() for a in out.GetAtoms() if a.GetAtomicNum() > 1]
    dist = Chem.GetDistanceMatrix(out)
    far = max(heavy, key=lambda i: (dist[anchor, i], -i))
    path = list(Chem.GetShortestPath(out, anchor, far)) if far != anchor else [anchor]
    c = out.GetConformer(0)
    for a, b, cc, d in zip(path, path[1:], path[2:], path[3:], strict=False):
        bond = out.GetBondBetweenAtoms(b, cc)
        if bond.GetBondType() != Chem.BondType.SINGLE or bond.IsInRing():
            continue
        rdMolTransforms.SetDihedralDeg(c, a, b, cc, d, 180.0)
    props = AllChem.MMFFGetMoleculeProperties(out)
    if props is not None:
        set_dielectric(props, "4r")
        ff = AllChem.MMFFGetMoleculeForceField(out, props, confId=0)
        for a, b, cc, d in zip(path, path[1:], path[2:], path[3:], strict=False):
            bond = out.GetBondBetweenAtoms(b, cc)
            if bond.GetBondType() == Chem.BondType.SINGLE and not bond.IsInRing():
                ff.MMFFAddTorsionConstraint(a, b, cc, d, False, 170.0, 190.0, 50.0)
        ff.Minimize(maxIts=500)
    return out


def _rod_cross_section(mol: Chem.Mol, xyz: np.ndarray, anchor: int, radii: np.ndarray) -> float:
    """Smallest shadow (A^2) of the tail made rod-like (``chem.straighten``) from each of the
    ``ROD_STARTS`` lowest-energy conformers: its footprint when packed upright in a monolayer.

    Straightening lays the chains of a branched or diacyl tail side by side; the greedy
    rotamer search is local, so several starts are tried and the slimmest rod kept.
    """
    heavy = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() > 1 and a.GetIdx() != anchor]
    best = math.inf
    for start in xyz[:ROD_STARTS]:
        rod = straightened(mol, start, {anchor}, heavy)
        best = min(best, _cross_section(rod[0] if rod is not None else start, radii))
    return best


def _cross_section(pos: np.ndarray, radii: np.ndarray) -> float:
    """Area (A^2) of the shadow the molecule casts on the plane normal to its long axis.

    The long axis is the first principal axis of the atom cloud; the shadow is the convex
    hull of the projected atom centres grown by the mean van der Waals radius of the hull
    atoms (Steiner formula: A + P r + pi r^2).
    """
    centred = pos - pos.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    plane = centred @ vt[1:3].T
    try:
        hull = ConvexHull(plane)
    except Exception:  # fewer than three non-collinear points
        r = float(radii.max())
        return float(np.pi * r * r)
    r = float(radii[hull.vertices].mean())
    return float(hull.volume + hull.area * r + np.pi * r * r)  # 2D: volume=area, area=perimeter


# ---------------------------------------------------------------- whole ligands


def split_head_tail(lig: Ligand) -> tuple[str | None, str | None]:
    """(methyl-capped head model SMILES, tail SMILES with ``[*]``) of any ligand.

    The head is ``chem.head.head_atoms``: the charged groups and the skeleton joining them
    (the bridge, an aromatic cation's rings, an amidinium's N-C-N). The tail is the largest
    remaining branch. A ligand without charged groups has neither part.
    """
    hit = _SPLIT_MEMO.get(lig.smiles)
    if hit is None:
        hit = _SPLIT_MEMO[lig.smiles] = _split_head_tail(lig)
    return hit


# The split depends on the molecule only; memoised so warm screens do not repeat it.
_SPLIT_MEMO: dict[str, tuple[str | None, str | None]] = {}


def _split_head_tail(lig: Ligand) -> tuple[str | None, str | None]:
    if not lig.anchors:
        return None, None
    mol = lig.mol
    head = head_atoms(lig)
    rest = [i for i in range(mol.GetNumAtoms()) if i not in head]
    if not rest:
        return lig.smiles, None
    sub = Chem.RWMol(mol)
    for bond in mol.GetBonds():
        i, j = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
        if (i in head) != (j in head):
            sub.RemoveBond(i, j)
    comps = Chem.GetMolFrags(sub.GetMol(), asMols=False, sanitizeFrags=False)
    tails = [c for c in comps if not head.intersection(c)]
    tail_atoms = max(tails, key=len)
    links = [
        b
        for b in mol.GetBonds()
        if (b.GetBeginAtomIdx() in head) != (b.GetEndAtomIdx() in head)
        and (b.GetBeginAtomIdx() in tail_atoms or b.GetEndAtomIdx() in tail_atoms)
    ]
    if len(links) != 1 or links[0].GetBondType() != Chem.BondType.SINGLE:
        return lig.smiles, None  # a tail fused to the head (rings): describe as one head
    frag = Chem.FragmentOnBonds(mol, [links[0].GetIdx()], addDummies=True)
    origin: list[tuple[int, ...]] = []
    pieces = Chem.GetMolFrags(frag, asMols=True, sanitizeFrags=True, fragsMolAtomMapping=origin)
    tail_smiles = head_smiles = None
    for piece, atoms in zip(pieces, origin, strict=True):
        for atom in piece.GetAtoms():
            if atom.GetAtomicNum() == 0:
                atom.SetIsotope(0)
        smi = Chem.MolToSmiles(piece)
        # the head is the piece with the head's atoms; a tail may carry formal charges of
        # its own (a nitro group, an N-oxide) without being a binding group
        if head.intersection(atoms):
            capped = Chem.RWMol(piece)
            for atom in capped.GetAtoms():
                if atom.GetAtomicNum() == 0:
                    atom.SetAtomicNum(6)
                    atom.SetIsotope(CAP_ISOTOPE)
            m = capped.GetMol()
            Chem.SanitizeMol(m)
            head_smiles = Chem.MolToSmiles(m)
        else:
            tail_smiles = smi
    return head_smiles, tail_smiles


def describe(lig: Ligand | str) -> LigandDescriptors:
    """Head and tail descriptors of a ligand (a ``Ligand``, a library or reference name
    such as ``C8C12-PEA``, or a SMILES), each computed once per part and cached."""
    return describe_many([lig], workers=1)[0]


def _parts(lig: Ligand) -> tuple[tuple[str, str] | None, str | None]:
    """((head model SMILES, label) or None, tail SMILES or None) of a ligand.

    Built and typed ligands are both split from their structure, so one molecule has one
    set of descriptors whichever way it came in; for every library ligand the split is its
    library parts (tested). Up to descriptors v9 a built ligand took its library parts and
    a typed bis-PE split differently; both share one cache key, so the first scored won.
    The library's parts only name the head.
    """
    head_smiles, tail_smiles = split_head_tail(lig)
    if head_smiles is None:
        return None, tail_smiles
    label = lig.name
    if lig.parts is not None:
        record, n = resolve_bridge(lig.parts.head, lig.parts.bridge)
        label = head_label(record, n)
    return (head_smiles, label), tail_smiles


def describe_many(
    ligands: Sequence[Ligand | str], workers: int | None = None
) -> list[LigandDescriptors]:
    """Descriptors of many ligands (``Ligand`` objects, names or SMILES); each distinct head
    model and tail is computed once, the missing ones in parallel over ``workers``
    processes (default: all cores). A part that cannot be described (no MMFF parameters, no
    3D embedding) raises its error once every other part is computed and cached."""
    out = describe_all(ligands, workers)
    for d in out:
        if isinstance(d, Exception):
            raise d
    return out  # type: ignore[return-value]


def describe_all(
    ligands: Sequence[Ligand | str], workers: int | None = None
) -> list[LigandDescriptors | Exception]:
    """As ``describe_many``, but a ligand whose head model or tail cannot be described gets
    that part's error in its place, so that a ranking records it for that ligand alone."""
    ligs = [as_ligand(lig) for lig in ligands]
    parts = [_parts(lig) for lig in ligs]
    heads = {h[0]: h[1] for h, _ in parts if h and h[0] not in _HEAD_MEMO}
    tails = {t for _, t in parts if t and t not in _TAIL_MEMO}
    jobs = [("head", smi, label) for smi, label in heads.items()]
    # biggest tails first, so the slowest jobs start early
    jobs += [("tail", t, "") for t in sorted(tails, key=lambda t: -len(t))]
    workers = workers or os.cpu_count() or 1
    if len(jobs) > 1 and workers > 1:
        with ProcessPoolExecutor(
            max_workers=workers,
            initializer=set_rdkit_threads,
            initargs=(worker_threads(workers),),
        ) as pool:
            results = list(pool.map(_isolated_job, jobs, chunksize=1))
    else:
        results = [_isolated_job(j) for j in jobs]
    failed: dict[str, Exception] = {}
    for (kind, smi, _), res in zip(jobs, results, strict=True):
        if isinstance(res, Exception):
            failed[smi] = res
        elif kind == "head":
            _HEAD_MEMO[smi] = res  # type: ignore[assignment]
        else:
            _TAIL_MEMO[smi] = res  # type: ignore[assignment]
    out: list[LigandDescriptors | Exception] = []
    for lig, (h, t) in zip(ligs, parts, strict=True):
        error = (failed.get(h[0]) if h else None) or (failed.get(t) if t else None)
        if error is not None:
            out.append(error)
            continue
        out.append(
            LigandDescriptors(
                lig,
                _head_descriptors(h[0], h[1]) if h else None,
                _tail_descriptors(t) if t else None,
            )
        )
    return out


def _isolated_job(job: tuple[str, str, str]) -> HeadDescriptors | TailDescriptors | Exception:
    """``_job``, with its error returned instead of raised: one part that fails neither
    stops the pool nor loses the parts computed beside it."""
    try:
        return _job(job)
    except Exception as exc:
        try:  # it travels back from a worker process: it must survive pickling
            pickle.loads(pickle.dumps(exc))
        except Exception:
            return LigandLabError(f"{type(exc).__name__}: {exc}")
        return exc


def _job(job: tuple[str, str, str]) -> HeadDescriptors | TailDescriptors:
    kind, smiles, label = job
    if kind == "head":
        return _head_descriptors_uncached(smiles, label)
    return _tail_descriptors_uncached(smiles)
