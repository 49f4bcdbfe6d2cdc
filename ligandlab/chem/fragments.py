"""Fragments with marked attachment points: tails, bridges and head-group pieces.

Attachment points are RDKit dummy atoms carrying atom-map numbers; fragments are joined
by ``Chem.molzip`` in ``assembly``, never by editing SMILES strings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from rdkit import Chem

from ligandlab import library
from ligandlab.chem.ligand import parse_smiles
from ligandlab.errors import FragmentError, InvalidSmilesError

TAIL_MAP = 1  # map number of the tail attachment point on head cores


@dataclass(frozen=True)
class Tail:
    """A tail R: canonical SMILES with exactly one ``[*]`` attachment point."""

    id: str
    smiles: str
    cls: str = "user"
    source: str = "user input"

    @classmethod
    def from_smiles(cls, smiles: str, id: str | None = None) -> Tail:
        """A user tail written with one attachment point, e.g. ``'[*]CCCCCC'`` or ``'*CCCC'``."""
        canonical = _canonical_tail(smiles)
        return cls(id=id or canonical, smiles=canonical)

    @classmethod
    def from_alcohol(cls, smiles: str, id: str | None = None) -> Tail:
        """The tail R of an alcohol R-OH, as the POCl3 route of SCIENCE.md section 2 uses it.

        The hydroxyl oxygen becomes the phosphate ester oxygen of the head, so R is attached
        at the carbon that carried the OH. The alcohol must have one aliphatic OH, or several
        that are symmetry-equivalent (e.g. PEG diols).
        """
        mol = parse_smiles(smiles, what="alcohol")
        patt = Chem.MolFromSmarts("[CX4:1]-[OX2H1:2]")
        matches = mol.GetSubstructMatches(patt)
        if not matches:
            phenol = mol.HasSubstructMatch(Chem.MolFromSmarts("c[OX2H1]"))
            why = (
                "it is a phenol; the route needs an aliphatic alcohol"
                if phenol
                else ("it has no aliphatic C-OH group")
            )
            raise FragmentError(f"cannot use {smiles!r} as an alcohol R-OH: {why}")
        ranks = list(Chem.CanonicalRankAtoms(mol, breakTies=False))
        classes = {ranks[o] for _, o in matches}
        if len(classes) > 1:
            raise FragmentError(
                f"alcohol {smiles!r} has {len(classes)} non-equivalent OH groups; "
                "give the tail as SMILES with one attachment point '[*]' instead"
            )
        _, oxygen = matches[0]
        rw = Chem.RWMol(mol)
        rw.GetAtomWithIdx(oxygen).SetAtomicNum(0)  # the OH oxygen becomes the attachment point
        rw.GetAtomWithIdx(oxygen).SetNoImplicit(True)
        rw.GetAtomWithIdx(oxygen).SetNumExplicitHs(0)
        Chem.SanitizeMol(rw)
        return cls.from_smiles(Chem.MolToSmiles(rw), id=id or Chem.MolToSmiles(mol))


@functools.lru_cache(maxsize=1024)
def _canonical_tail(smiles: str) -> str:
    mol = parse_smiles(smiles, what="tail")
    dummies = [a for a in mol.GetAtoms() if a.GetAtomicNum() == 0]
    if len(dummies) != 1:
        raise FragmentError(
            f"tail SMILES {smiles!r} has {len(dummies)} attachment points; "
            "a tail needs exactly one, written '[*]' (e.g. '[*]CCCCCCCC')"
        )
    dummy = dummies[0]
    if dummy.GetDegree() != 1 or dummy.GetBonds()[0].GetBondType() != Chem.BondType.SINGLE:
        raise FragmentError(
            f"tail SMILES {smiles!r}: the attachment point must have one single bond"
        )
    if Chem.GetFormalCharge(mol) != 0:
        raise FragmentError(
            f"tail SMILES {smiles!r} carries net charge {Chem.GetFormalCharge(mol)}; "
            "tails must be neutral (the head carries the charges)"
        )
    dummy.SetAtomMapNum(0)
    dummy.SetIsotope(0)
    return Chem.MolToSmiles(mol)


def tail_fragment(tail: Tail) -> Chem.Mol:
    """The tail as an RDKit fragment whose attachment point has map number 1."""
    mol = Chem.MolFromSmiles(tail.smiles)
    for atom in mol.GetAtoms():
        if atom.GetAtomicNum() == 0:
            atom.SetAtomMapNum(TAIL_MAP)
    return mol


def resolve_tail(tail: str | Tail | library.TailRecord) -> Tail:
    """A ``Tail`` from a library id/alias, a record, a ``Tail``, or a SMILES with ``[*]``."""
    if isinstance(tail, Tail):
        return tail
    if isinstance(tail, library.TailRecord):
        return _tail_from_record(tail.id)
    if not isinstance(tail, str):
        raise FragmentError(
            f"tail must be a library name or a SMILES string, not {type(tail).__name__}"
        )
    if "*" in tail:
        return Tail.from_smiles(tail)
    return _tail_from_record(library.tail(tail).id)


@functools.cache
def _tail_from_record(tail_id: str) -> Tail:
    rec = library.tail(tail_id)
    try:
        smiles = _canonical_tail(rec.smiles)
    except (FragmentError, InvalidSmilesError) as exc:
        raise FragmentError(f"library tail {rec.id!r} is malformed: {exc}") from exc
    return Tail(id=rec.id, smiles=smiles, cls=rec.cls, source=rec.source)


def bridge_fragment(start_map: int, n: int) -> Chem.Mol:
    """A polymethylene bridge -(CH2)n- between dummies ``start_map`` and ``start_map + 1``."""
    rw = Chem.RWMol()
    first = rw.AddAtom(_dummy(start_map))
    prev = first
    for _ in range(n):
        c = rw.AddAtom(Chem.Atom(6))
        rw.AddBond(prev, c, Chem.BondType.SINGLE)
        prev = c
    last = rw.AddAtom(_dummy(start_map + 1))
    rw.AddBond(prev, last, Chem.BondType.SINGLE)
    mol = rw.GetMol()
    Chem.SanitizeMol(mol)
    return mol


def _dummy(map_number: int) -> Chem.Atom:
    atom = Chem.Atom(0)
    atom.SetAtomMapNum(map_number)
    return atom


@functools.lru_cache(maxsize=256)
def fragment(smiles: str) -> Chem.Mol:
    """A library fragment SMILES (with mapped dummies) as an RDKit molecule."""
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise FragmentError(f"library fragment {smiles!r} is not valid SMILES")
    return mol


def cap_tail(tail: Tail, cap: str = "C") -> Chem.Mol:
    """The tail with its attachment point replaced by ``cap`` (an element symbol).

    Used to describe a tail on its own: 'C' gives the methyl-capped tail R-CH3, 'O' R-OH.
    """
    mol = Chem.MolFromSmiles(tail.smiles)
    rw = Chem.RWMol(mol)
    for atom in rw.GetAtoms():
        if atom.GetAtomicNum() == 0:
            atom.SetAtomicNum(Chem.GetPeriodicTable().GetAtomicNumber(cap))
            atom.SetNoImplicit(False)
    out = rw.GetMol()
    Chem.SanitizeMol(out)
    return out


def join(pieces: list[Chem.Mol]) -> Chem.Mol:
    """Join fragments at matching atom-map numbers (RDKit ``molzip``)."""
    combined = pieces[0]
    for piece in pieces[1:]:
        combined = Chem.CombineMols(combined, piece)
    params = Chem.MolzipParams()
    params.label = Chem.MolzipLabel.AtomMapNumber
    joined = Chem.molzip(combined, params)
    if any(a.GetAtomicNum() == 0 for a in joined.GetAtoms()):
        raise FragmentError("fragments left an attachment point unjoined")
    Chem.SanitizeMol(joined)
    return joined


__all__ = [
    "Tail",
    "bridge_fragment",
    "cap_tail",
    "fragment",
    "join",
    "resolve_tail",
    "tail_fragment",
]
