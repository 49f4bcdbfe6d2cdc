"""Hansen solubility parameters from structure (Hoftyzer–van Krevelen group contributions).

    dD = sum(Fd) / V     dP = s * sqrt(sum(Fp^2)) / V     dH = sqrt(sum(Eh) / V)

with the group values and Fedors molar volumes V in ``library/hansen_groups.yaml`` (each
with its source) and s the method's symmetry factor. RDKit has no solubility-parameter
estimator, so the group matching is written here on top of RDKit SMARTS.

Polymers and oligomers (three or more recognised repeat units, e.g. PEG, PPG, polystyrene)
follow the method's polymer rule: the polar term is evaluated per structural unit, so dP
does not fall as 1/sqrt(n) with chain length. We generalise it to chains with end groups as
dP^2 = sum(Fp^2) / (V * v_unit), where v_unit is the mean repeat-unit volume; for a small
molecule v_unit = V and this is the plain formula. dD and dH are additive and need no rule.

A tail is evaluated as R-H, the tail with its attachment point replaced by hydrogen.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rdkit import Chem

from ligandlab import library
from ligandlab.chem.ligand import Ligand, _quiet_rdkit
from ligandlab.errors import (
    HansenGroupError,
    InvalidSmilesError,
    LibraryError,
    LigandLabError,
    UnknownTailError,
)


@dataclass(frozen=True)
class HansenParameters:
    """Hansen solubility parameters (MPa^1/2) and the molar volume (cm3/mol) behind them."""

    d_d: float
    d_p: float
    d_h: float
    volume: float
    groups: dict[str, int] = field(default_factory=dict, compare=False)
    repeat_units: int = 0
    smiles: str = ""

    def __repr__(self) -> str:
        groups = ", ".join(f"{k} {v}" for k, v in self.groups.items())
        return (
            f"HansenParameters(dD={self.d_d:.2f}, dP={self.d_p:.2f}, dH={self.d_h:.2f} MPa^1/2, "
            f"V={self.volume:.1f} cm3/mol; {groups})"
        )

    @property
    def total(self) -> float:
        """Hildebrand parameter sqrt(dD^2 + dP^2 + dH^2)."""
        return math.sqrt(self.d_d**2 + self.d_p**2 + self.d_h**2)

    def as_tuple(self) -> tuple[float, float, float]:
        """(dD, dP, dH)."""
        return (self.d_d, self.d_p, self.d_h)

    def to_dict(self) -> dict[str, Any]:
        """Plain summary for tables and JSON."""
        return {
            "d_d": round(self.d_d, 2),
            "d_p": round(self.d_p, 2),
            "d_h": round(self.d_h, 2),
            "volume": round(self.volume, 1),
            "repeat_units": self.repeat_units,
            "groups": dict(self.groups),
        }


@dataclass(frozen=True)
class _Group:
    id: str
    name: str
    pattern: Chem.Mol
    atoms: int
    fd: float
    fp: float
    eh: float
    v: float


@functools.cache
def _table() -> tuple[tuple[_Group, ...], dict[str, Any], tuple[Chem.Mol, ...]]:
    raw = library.load_yaml("hansen_groups.yaml")
    groups = []
    for g in raw["groups"]:
        patt = Chem.MolFromSmarts(g["smarts"])
        if patt is None:
            raise LibraryError(f"hansen_groups.yaml: bad SMARTS for {g['id']}")
        groups.append(
            _Group(g["id"], g["name"], patt, g["atoms"], g["fd"], g["fp"], g["eh"], g["v"])
        )
    repeats = tuple(Chem.MolFromSmarts(r["smarts"]) for r in raw["repeat_units"])
    return tuple(groups), raw, repeats


def _describe_atom(mol: Chem.Mol, idx: int) -> str:
    atom = mol.GetAtomWithIdx(idx)
    nbrs = ",".join(sorted(n.GetSymbol() for n in atom.GetNeighbors() if n.GetAtomicNum() > 1))
    charge = f"{atom.GetFormalCharge():+d}" if atom.GetFormalCharge() else ""
    arom = "aromatic " if atom.GetIsAromatic() else ""
    return f"{arom}{atom.GetSymbol()}{charge} with {atom.GetTotalNumHs()} H bonded to [{nbrs}]"


def _uncovered_message(mol: Chem.Mol, idx: int, smiles: str) -> str:
    atom = mol.GetAtomWithIdx(idx)
    what = _describe_atom(mol, idx)
    hints = []
    if atom.GetFormalCharge():
        hints.append("ionic groups have no solubility-parameter contribution")
    elif atom.GetIsAromatic() and atom.GetSymbol() != "C":
        hints.append("of heteroaromatic atoms only pyridine-type N is in the table")
    elif atom.GetSymbol() == "N" and any(
        n.GetSymbol() == "C"
        and any(
            b.GetBondTypeAsDouble() == 2 and b.GetOtherAtom(n).GetSymbol() == "O"
            for b in n.GetBonds()
        )
        for n in atom.GetNeighbors()
    ):
        hints.append("amide")
    elif atom.GetSymbol() == "C" and any(b.GetBondTypeAsDouble() == 3 for b in atom.GetBonds()):
        hints.append("alkyne")
    elif atom.GetSymbol() == "P" or any(n.GetSymbol() == "P" for n in atom.GetNeighbors()):
        p = (
            atom
            if atom.GetSymbol() == "P"
            else next(n for n in atom.GetNeighbors() if n.GetSymbol() == "P")
        )
        oxygens = sum(1 for n in p.GetNeighbors() if n.GetSymbol() == "O")
        kinds = ("phosphine", "phosphine oxide", "phosphinate", "phosphonate")
        hints.append(kinds[oxygens] if oxygens < len(kinds) else "phosphate")
    elif atom.GetSymbol() == "S" and atom.GetDegree() > 2:
        hints.append("sulfoxide/sulfone")
    hint = f" ({'; '.join(hints)})" if hints else ""
    return (
        f"the Hansen group-contribution method has no group for {what}{hint} "
        f"in {smiles!r}; covered: alkyl, alkene, aromatic C, OH, ether, ketone, aldehyde, "
        "ester, acid, amine, nitrile, nitro, thioether, pyridine N, F, Cl, Br"
    )


def _match_groups(mol: Chem.Mol, smiles: str) -> list[tuple[_Group, tuple[int, ...]]]:
    groups, _, _ = _table()
    taken: set[int] = set()
    found: list[tuple[_Group, tuple[int, ...]]] = []
    for g in groups:
        # uniquify=False: a context atom (e.g. the partner of an alkene CH) must not hide
        # the match in which it is the group atom itself.
        for match in mol.GetSubstructMatches(g.pattern, uniquify=False, maxMatches=100000):
            own = match[: g.atoms]
            if taken.intersection(own):
                continue
            taken.update(own)
            found.append((g, own))
    left = [a for a in mol.GetAtoms() if a.GetAtomicNum() > 1 and a.GetIdx() not in taken]
    if left:  # name a charged atom first: it is the usual reason (ionic heads)
        first = min(left, key=lambda a: (a.GetFormalCharge() == 0, a.GetIdx()))
        raise HansenGroupError(_uncovered_message(mol, first.GetIdx(), smiles))
    return found


def _repeat_units(mol: Chem.Mol) -> list[tuple[int, ...]]:
    """Disjoint matches of the recognised repeat units (the most frequent kind wins)."""
    _, _, patterns = _table()
    best: list[tuple[int, ...]] = []
    for patt in patterns:
        taken: set[int] = set()
        units = []
        for match in mol.GetSubstructMatches(patt, uniquify=True):
            if taken.intersection(match):
                continue
            taken.update(match)
            units.append(match)
        if len(units) > len(best):
            best = units
    return best if len(best) >= 3 else []


def _symmetry_factor(mol: Chem.Mol, polar: list[tuple[int, ...]]) -> float:
    factors = _table()[1]["symmetry_factors"]
    if len(polar) < 2:
        return 1.0
    ranks = list(Chem.CanonicalRankAtoms(mol, breakTies=False))
    classes = Counter(tuple(sorted(ranks[i] for i in atoms)) for atoms in polar)
    n = max(classes.values())
    return float(factors[min(n, max(factors))])


def _cap_dummies(mol: Chem.Mol) -> Chem.Mol:
    if not any(a.GetAtomicNum() == 0 for a in mol.GetAtoms()):
        return mol
    rw = Chem.RWMol(mol)
    for atom in rw.GetAtoms():
        if atom.GetAtomicNum() == 0:
            atom.SetAtomicNum(1)
            atom.SetIsotope(0)
            atom.SetAtomMapNum(0)
    out = Chem.RemoveHs(rw.GetMol())
    Chem.SanitizeMol(out)
    return out


def hansen_from_smiles(smiles: str) -> HansenParameters:
    """Hansen parameters of one neutral molecule, or of a tail written with ``[*]``."""
    return _hansen_cached(Chem.MolToSmiles(_cap_dummies(_parse(smiles))))


@functools.lru_cache(maxsize=4096)
def _hansen_cached(smiles: str) -> HansenParameters:
    mol = Chem.MolFromSmiles(smiles)
    return _hansen(mol, smiles)


def _hansen(mol: Chem.Mol, smiles: str) -> HansenParameters:
    _, raw, _ = _table()
    found = _match_groups(mol, smiles)
    fd = sum(g.fd for g, _ in found)
    eh = sum(g.eh for g, _ in found)
    v = sum(g.v for g, _ in found)
    polar: list[tuple[float, tuple[int, ...]]] = [(g.fp, a) for g, a in found if g.fp]
    ring_info = mol.GetRingInfo()
    ring, arom = raw["ring"], raw["aromatic_ring"]
    for atoms in ring_info.AtomRings():
        if all(mol.GetAtomWithIdx(i).GetIsAromatic() for i in atoms):
            polar.append((arom["fp"], tuple(atoms)))
        else:
            fd += ring["fd"]
            v += ring["v"] if len(atoms) >= 5 else ring["v_small"]
    if v <= 0:
        raise HansenGroupError(f"molar volume estimate for {smiles!r} is not positive")
    fp2 = sum(fp * fp for fp, _ in polar)
    units = _repeat_units(mol)
    if units:
        unit_volume = v * sum(len(u) for u in units) / mol.GetNumHeavyAtoms() / len(units)
        d_p = math.sqrt(fp2 / (v * unit_volume))
    else:
        d_p = math.sqrt(fp2) / v * _symmetry_factor(mol, [a for _, a in polar])
    counts = Counter(g.id for g, _ in found)
    return HansenParameters(
        d_d=fd / v,
        d_p=d_p,
        d_h=math.sqrt(eh / v),
        volume=v,
        groups=dict(counts),
        repeat_units=len(units),
        smiles=smiles,
    )


def tail_smiles_of(ligand: Ligand) -> str:
    """The tail of a ligand with ``[*]``, split from its structure as the descriptors split
    it (built or typed alike; for a library ligand, its library tail)."""
    from ligandlab.chem.descriptors import split_head_tail

    _, tail = split_head_tail(ligand)
    if tail is None:
        if not any(a.GetSymbol() == "C" for a in ligand.mol.GetAtoms()):
            # a bare ion ([Br-], [NH4+]) is no organic ligand: no group sums to evaluate
            raise HansenGroupError(f"ligand {ligand.name!r} has no carbon, so no tail to evaluate")
        if not ligand.anchors:  # a neutral molecule is its own "tail"
            return ligand.smiles
        raise HansenGroupError(f"ligand {ligand.name!r} has no tail to evaluate")
    return tail


def hansen(obj: Ligand | str | Any, *, part: str = "tail") -> HansenParameters:
    """Hansen parameters of a ligand's tail (default) or of a whole neutral molecule.

    ``obj`` is a ``Ligand``, a library tail id, a ``Tail`` or tail record, a SMILES string
    (a tail with ``[*]`` or a neutral molecule such as a solvent), or a library or
    reference ligand name (``C8C12-PEA``, ``OAm``: its tail). ``part="molecule"``
    evaluates a ligand as a whole, which fails for ionic heads: solubility parameters do not
    describe charged groups.
    """
    if part not in ("tail", "molecule"):
        raise ValueError("part must be 'tail' or 'molecule'")
    if isinstance(obj, Ligand):
        smiles = tail_smiles_of(obj) if part == "tail" else obj.smiles
    elif hasattr(obj, "smiles"):
        smiles = obj.smiles
    elif isinstance(obj, str):
        try:
            smiles = library.tail(obj).smiles
        except UnknownTailError as exc:
            with _quiet_rdkit():
                parsed = Chem.MolFromSmiles(obj)
            if parsed is not None:
                smiles = obj
            else:  # a library or reference ligand name (C8C12-PEA, OAm): its tail
                from ligandlab.chem.assembly import parse_ligand

                try:
                    lig = parse_ligand(obj)
                except LigandLabError:
                    raise InvalidSmilesError(
                        f"{obj!r} is neither a library tail ({exc}), a library ligand name "
                        "(C8C12-PEA, OAm) nor a valid SMILES"
                    ) from None
                return hansen(lig, part=part)
    else:
        raise TypeError(f"cannot compute Hansen parameters of {type(obj).__name__}")
    canonical = Chem.MolToSmiles(_cap_dummies(_parse(smiles)))
    return _hansen_cached(canonical)


def _parse(smiles: str) -> Chem.Mol:
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise InvalidSmilesError(f"cannot parse SMILES {smiles!r}")
    if len(Chem.GetMolFrags(mol)) > 1:
        raise InvalidSmilesError(f"{smiles!r} has several molecules; give one")
    return mol


def estimator_errors() -> tuple[list[tuple[str, float, float, float]], list[str]]:
    """Signed errors (tabulated - estimated dD, dP, dH) on the library's tabulated solvents,
    and the solvents the method cannot cover. Estimated library entries are left out."""
    errors, skipped = [], []
    for s in library.solvents():
        if s.estimated:
            continue
        try:
            h = hansen_from_smiles(s.smiles)
        except HansenGroupError:
            skipped.append(s.id)
            continue
        errors.append((s.id, s.d_d - h.d_d, s.d_p - h.d_p, s.d_h - h.d_h))
    return errors, skipped
