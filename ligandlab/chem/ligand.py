"""The ``Ligand`` value object: a validated, canonical molecule and its binding groups.

A ligand is identified by its RDKit canonical SMILES (stable id: InChIKey). Atom indices in
``anchors`` refer to the heavy atoms of ``Chem.MolFromSmiles(ligand.smiles)``, the same
order every other module uses.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from rdkit import Chem, RDLogger
from rdkit.Chem import Descriptors, rdMolDescriptors
from rdkit.Chem.SaltRemover import SaltRemover

from ligandlab.errors import InvalidSmilesError

Role = Literal["cation", "anion"]

# Binding-group patterns, most specific first: (group name, role, SMARTS); the first atom
# of each SMARTS is the group's key atom (N, P, S or C). Charge-separated neutral groups
# (nitro, N-oxide) are not matched: the patterns need a charge not cancelled on a neighbour.
_GROUPS: tuple[tuple[str, Role, str], ...] = (
    ("primary_ammonium", "cation", "[NX4+;H3]"),
    ("secondary_ammonium", "cation", "[NX4+;H2]"),
    ("tertiary_ammonium", "cation", "[NX4+;H1]"),
    ("quaternary_ammonium", "cation", "[NX4+;H0]"),
    ("amidinium", "cation", "[NX3+;!$([N+][O-]);!$([N+]=O)]=[CX3]"),
    ("pyridinium", "cation", "[n+;!$([n+][O-])]"),
    ("phosphonium", "cation", "[PX4+]"),
    ("phosphinate", "anion", "[PX4;$(P([#6])[#6])](=O)[OX1-]"),  # R2P(O)O-, before phosphonate
    ("phosphonate", "anion", "[PX4;$(P[#6])](=O)[OX1-]"),
    ("phosphate", "anion", "[PX4;!$(P[#6])](=O)[OX1-]"),
    ("sulfonate", "anion", "[SX4;$(S[#6])](=O)(=O)[OX1-]"),
    ("sulfate", "anion", "[SX4;!$(S[#6])](=O)(=O)[OX1-]"),
    ("carboxylate", "anion", "[CX3](=O)[OX1-]"),
    ("phenolate", "anion", "[OX1-]c"),
    ("alkoxide", "anion", "[OX1-][CX4]"),
    ("thiolate", "anion", "[SX1-][#6]"),
)

_PATTERNS = {name: (role, Chem.MolFromSmarts(sma)) for name, role, sma in _GROUPS}

# The binding groups ligands are read for, (name, role), as ``Anchor.group`` names them.
BINDING_GROUPS: tuple[tuple[str, Role], ...] = tuple((n, r) for n, r, _ in _GROUPS)

# Donors that can close a chelate ring with an anionic oxygen on the same Pb: ring
# heteroatoms with a free lone pair, and hydroxyl/phenol oxygens.
_DONOR = Chem.MolFromSmarts("[$([n;H0;+0]),$([o,s;+0]),$([OX2H1][#6]),$([NX3;H2,H1;+0]a)]")

ANION_CLASSES = ("carboxylate", "phosphinate", "phosphonate", "phosphate", "sulfonate", "sulfate")


@dataclass(frozen=True)
class Anchor:
    """A charged binding group: its type, role, key atom and all its atoms.

    ``center`` is the cationic N (or P) for a cation and the P, S or C carrying the
    anionic oxygens for an anion; ``binding`` are the atoms that touch the surface
    (the N, or the terminal O/S of the anion).
    """

    group: str
    role: Role
    center: int
    binding: tuple[int, ...]
    atoms: tuple[int, ...]


@dataclass(frozen=True)
class Parts:
    """How a ligand was assembled from library fragments."""

    head: str
    bridge: int
    tail: str


@dataclass(frozen=True, eq=False)
class Ligand:
    """An immutable, validated ligand. Build with ``Ligand.from_smiles`` or ``build_ligand``."""

    # repr shows what a chemist reads in a list of ligands; the rest is one attribute away
    smiles: str
    name: str
    inchikey: str = field(repr=False)
    charge: int
    formula: str = field(repr=False)
    mw: float = field(repr=False)
    ligand_class: str
    family: Literal["zwitterion", "cationic", "anionic", "neutral"]
    anchors: tuple[Anchor, ...] = field(repr=False)
    chelate_pairs: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    parts: Parts | None = None
    tail_smiles: str | None = field(default=None, repr=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ligand) and other.smiles == self.smiles

    def __hash__(self) -> int:
        return hash(self.smiles)

    @property
    def key(self) -> str:
        """Stable identifier (InChIKey)."""
        return self.inchikey

    @property
    def mol(self) -> Chem.Mol:
        """A fresh RDKit molecule (heavy atoms in canonical order)."""
        return Chem.Mol(_mol_from_canonical(self.smiles))

    @property
    def cations(self) -> tuple[Anchor, ...]:
        return tuple(a for a in self.anchors if a.role == "cation")

    @property
    def anions(self) -> tuple[Anchor, ...]:
        return tuple(a for a in self.anchors if a.role == "anion")

    @property
    def seating_cation(self) -> Anchor | None:
        """The cationic group that takes the A-site pocket: the one with the fewest heavy
        atoms on its charged N (a primary ammonium before a secondary one), the first by
        atom order on a tie. ``fit_geometry`` scores it, placement seats it, MD tracks it."""
        if not self.cations:
            return None
        return min(
            self.cations,
            key=lambda a: sum(
                n.GetAtomicNum() > 1 for n in self.mol.GetAtomWithIdx(a.center).GetNeighbors()
            ),
        )

    @classmethod
    def from_smiles(
        cls,
        smiles: str,
        name: str | None = None,
        *,
        parts: Parts | None = None,
        tail_smiles: str | None = None,
    ) -> Ligand:
        """Validate ``smiles`` and describe it as a ligand.

        Rules: RDKit must parse and sanitise it, it must be one fragment without radicals
        or attachment points, and its charged groups must carry explicit formal charges
        (protonation states are taken as written, never guessed). Spectator ions are
        dropped; a neutral HX (``CCN.Br``) is the one exception to "as written": it leaves
        its proton on the most basic group, as the salt it denotes.
        """
        canonical = Chem.MolToSmiles(parse_ligand_smiles(smiles))
        return _describe(canonical, name or canonical, parts, tail_smiles)

    def to_dict(self) -> dict[str, object]:
        """Plain summary for tables and JSON output."""
        return {
            "name": self.name,
            "smiles": self.smiles,
            "inchikey": self.inchikey,
            "formula": self.formula,
            "mw": round(self.mw, 3),
            "charge": self.charge,
            "class": self.ligand_class,
            "family": self.family,
            "head": self.parts.head if self.parts else None,
            "bridge": self.parts.bridge if self.parts else None,
            "tail": self.parts.tail if self.parts else None,
        }


def parse_smiles(smiles: str, what: str = "SMILES", *, fragments: bool = False) -> Chem.Mol:
    """Parse and sanitise, raising ``InvalidSmilesError`` with RDKit's reason.

    One molecule unless ``fragments`` is true (the caller then deals with the pieces).
    """
    if not isinstance(smiles, str) or not smiles.strip():
        raise InvalidSmilesError(f"empty {what} SMILES; give a SMILES string such as 'CC[NH3+]'")
    with _quiet_rdkit():
        mol = Chem.MolFromSmiles(smiles.strip(), sanitize=False)
        if mol is None:
            raise InvalidSmilesError(f"{what} SMILES {smiles!r} cannot be parsed (syntax error)")
        try:
            Chem.SanitizeMol(mol)
        except Exception as exc:  # RDKit raises several exception types here
            raise InvalidSmilesError(
                f"{what} SMILES {smiles!r} is not a valid molecule: {exc}"
            ) from exc
    if not fragments and len(Chem.GetMolFrags(mol)) != 1:
        raise InvalidSmilesError(
            f"{what} SMILES {smiles!r} has {len(Chem.GetMolFrags(mol))} fragments; "
            "give one molecule without counter-ions or solvent"
        )
    # RDKit's valence model gives lone metal cations radical electrons: p-block ones ([Pb+2],
    # [Sn+2], [Bi+3]) are closed-shell (ns2 pair) and open d shells ([Fe+3], [Cu+2]) are not
    # radicals in the sense meant here, so a bare metal cation is not flagged
    radicals = [
        a.GetIdx()
        for a in mol.GetAtoms()
        if a.GetNumRadicalElectrons()
        and not (a.GetDegree() == 0 and a.GetFormalCharge() > 0 and _is_metal(a))
    ]
    if radicals:
        raise InvalidSmilesError(
            f"{what} SMILES {smiles!r} has radical electrons on atoms {radicals}; "
            "write closed-shell molecules with explicit hydrogens or formal charges"
        )
    return mol


_S_BLOCK = ("Li", "Na", "K", "Rb", "Cs", "Mg", "Ca", "Sr", "Ba")
_PRECURSOR_METALS = ("Pb", "Sn", "Ge", "Zn", "Cd", "Mn", "Cu", "Ag", "In", "Bi", "Sb", "Ni", "Co")


# every metal: s block, d block, lanthanides and actinides, and the p-block metals
_METALS = frozenset(
    [
        *(3, 4, 11, 12, 13, 19, 20, 31, 37, 38, 49, 50, 55, 56, 81, 82, 83, 84, 87, 88),
        *range(21, 31),
        *range(39, 49),
        *range(57, 81),
        *range(89, 113),
        *(32, 51),  # Ge and Sb: metalloids, but their halide salts are precursors here
    ]
)


def _is_metal(atom: Chem.Atom) -> bool:
    return atom.GetAtomicNum() in _METALS


# Spectator ions and water that a ligand written as a salt or hydrate may carry, e.g.
# sodium oleate, oleylammonium bromide, DDAB, "RNH2.HBr". They are dropped; the ligand is
# the one fragment left. A neutral HX leaves its proton on the ligand's most basic group
# (``_protonate_for_hx``): PubChem writes phenethylammonium bromide as NCCc1ccccc1.Br.
# RDKit's default Salts.txt is not used because it also strips acetate, trifluoroacetate,
# tosylate and other organic ions that are ligands in their own right here; a second
# organic fragment is an error, never a guess.
SPECTATOR_IONS: tuple[tuple[str, str], ...] = (
    ("alkali and alkaline-earth cations", f"[{','.join(_S_BLOCK)}]"),
    (
        "metal cations of precursor salts (lead oleate, zinc bromide)",
        f"[{','.join(_PRECURSOR_METALS)}]",
    ),
    ("halides (and HX written neutral)", "[F,Cl,Br,I]"),
    ("ammonium", "[NX4H4+]"),
    ("water", "[OX2H2]"),
    ("tetrafluoroborate", "F[B-](F)(F)F"),
    ("hexafluorophosphate", "F[P-](F)(F)(F)(F)F"),
    ("sulfate, hydrogen sulfate", "[OX1-,OX2H1]S(=O)(=O)[OX1-,OX2H1]"),
    ("nitrate", "[OX1-][N+](=O)[OX1-]"),
    ("perchlorate", "[#8]~[#17](~[#8])(~[#8])~[#8]"),
)
_SPECTATORS = SaltRemover(defnData="\n".join(sma for _, sma in SPECTATOR_IONS))
_NEUTRAL_HX = Chem.MolFromSmarts("[F,Cl,Br,I;+0;H1;D0]")

# Neutral bases that gain a proton as they bind, most basic first; ``ionize`` and the HX
# salts above use them. The first atom is the one protonated.
BASE_GROUPS: tuple[tuple[str, str], ...] = (
    ("amidine/guanidine", "[NX2;+0;!$(N-[!#6;!#1])]=[CX3][NX3;+0;!$(N[a])]"),
    ("amine", "[NX3;+0;!$(N~[!#6;!#1]);!$(N[#6;!X4])]"),
)
# an HX salt also protonates a pyridine-type ring N (pyridinium bromide), which ``ionize``
# leaves neutral on the surface (pKaH about 5)
_BASE_PATTERNS = [Chem.MolFromSmarts(sma) for _, sma in BASE_GROUPS] + [
    Chem.MolFromSmarts("[nX2;+0]")
]


def _protonate_for_hx(mol: Chem.Mol, n_hx: int) -> Chem.Mol:
    """``mol`` with up to ``n_hx`` neutral base groups protonated, as in its HX salt; left
    as written when it already carries a positive charge or has no such group."""
    if any(a.GetFormalCharge() > 0 for a in mol.GetAtoms()):
        return mol
    sites: list[tuple[int, int]] = []
    used: set[int] = set()
    for patt in _BASE_PATTERNS:
        for match in mol.GetSubstructMatches(patt):
            if len(sites) < n_hx and not used.intersection(match):
                used.update(match)
                sites.append((match[0], +1))
    return shift_protons(mol, sites)


def shift_protons(mol: Chem.Mol, sites: Sequence[tuple[int, int]]) -> Chem.Mol:
    """A copy of ``mol`` where each (atom, dq) gains dq protons and dq charge: +1 for a base
    N that takes one, -1 for an acid O that loses its H."""
    rw = Chem.RWMol(mol)
    for idx, dq in sites:
        atom = rw.GetAtomWithIdx(idx)
        h = atom.GetTotalNumHs()
        atom.SetFormalCharge(atom.GetFormalCharge() + dq)
        atom.SetNoImplicit(True)
        atom.SetNumExplicitHs(h + dq)
    out = rw.GetMol()
    Chem.SanitizeMol(out)
    return out


def parse_ligand_smiles(smiles: str) -> Chem.Mol:
    """``parse_smiles`` for a whole ligand: spectator ions (``SPECTATOR_IONS``) are
    dropped from salts, and one molecule without attachment points must remain."""
    mol = parse_smiles(smiles, what="ligand", fragments=True)
    if len(Chem.GetMolFrags(mol)) > 1:
        n_hx = len(mol.GetSubstructMatches(_NEUTRAL_HX))
        with _quiet_rdkit():
            mol = _SPECTATORS.StripMol(mol, dontRemoveEverything=True)
        pieces = Chem.MolToSmiles(mol).split(".")
        if len(pieces) > 1 and len(set(pieces)) == 1:  # Pb(oleate)2: one ligand, n times
            mol = Chem.GetMolFrags(mol, asMols=True)[0]
            pieces = pieces[:1]
        if len(pieces) > 1:
            raise InvalidSmilesError(
                f"ligand SMILES {smiles!r} holds {len(pieces)} molecules besides spectator "
                f"ions ({', '.join(pieces)}); give one ligand (the ions of an ion pair are "
                "separate ligands)"
            )
        if _SPECTATORS.StripMol(mol).GetNumAtoms() == 0:
            raise InvalidSmilesError(
                f"ligand SMILES {smiles!r} holds only spectator ions (metal cations, "
                "halides, water and other inorganic ions); give the ligand molecule"
            )
        if n_hx:
            mol = _protonate_for_hx(mol, n_hx)
    if any(a.GetAtomicNum() == 0 for a in mol.GetAtoms()):
        raise InvalidSmilesError(
            f"ligand SMILES {smiles!r} contains an attachment point '*'; "
            "a ligand must be a complete molecule (use a tail SMILES for fragments)"
        )
    return mol


class _quiet_rdkit:
    """Silence RDKit's own logging while we turn its failures into our errors."""

    def __enter__(self) -> None:
        RDLogger.DisableLog("rdApp.*")

    def __exit__(self, *exc: object) -> None:
        RDLogger.EnableLog("rdApp.*")


@functools.lru_cache(maxsize=4096)
def _mol_from_canonical(smiles: str) -> Chem.Mol:
    mol = Chem.MolFromSmiles(smiles)
    assert mol is not None
    return mol


def find_anchors(mol: Chem.Mol) -> tuple[Anchor, ...]:
    """Every charged binding group of ``mol``, one anchor per key atom."""
    anchors: list[Anchor] = []
    taken: set[int] = set()
    for name, (role, patt) in _PATTERNS.items():
        for match in mol.GetSubstructMatches(patt):
            center = match[0]
            if center in taken:
                continue
            atom = mol.GetAtomWithIdx(center)
            if role == "anion" and atom.GetSymbol() in ("P", "S", "C"):
                binding = tuple(
                    sorted(
                        n.GetIdx()
                        for n in atom.GetNeighbors()
                        if n.GetSymbol() in ("O", "S") and n.GetDegree() == 1
                    )
                )
            else:
                binding = (center,)
            atoms = tuple(sorted({center, *binding}))
            if taken.intersection(atoms):
                continue
            taken.update(atoms)
            anchors.append(Anchor(name, role, center, binding, atoms))
    anchors.sort(key=lambda a: (a.role, a.center))
    return tuple(anchors)


def find_chelate_pairs(mol: Chem.Mol, anchors: tuple[Anchor, ...]) -> tuple[tuple[int, int], ...]:
    """(anionic O, donor) pairs that can bind one Pb in a 5- or 6-membered chelate ring."""
    donors = {m[0] for m in mol.GetSubstructMatches(_DONOR)}
    dist = Chem.GetDistanceMatrix(mol)
    pairs: set[tuple[int, int]] = set()
    for anchor in anchors:
        if anchor.role != "anion":
            continue
        for o in anchor.binding:
            for d in donors:
                if d in anchor.atoms:
                    continue
                if int(dist[o, d]) in (3, 4):  # M-O...D closes a 5- or 6-ring
                    pairs.add((o, d))
    return tuple(sorted(pairs))


def classify(
    charge: int, anchors: tuple[Anchor, ...], chelates: tuple[tuple[int, int], ...]
) -> tuple[str, Literal["zwitterion", "cationic", "anionic", "neutral"]]:
    """(ligand class, family) from net charge and binding groups."""
    cations = [a for a in anchors if a.role == "cation"]
    anions = [a for a in anchors if a.role == "anion"]
    if cations and anions and charge == 0:
        return "zwitterion", "zwitterion"
    if charge > 0:
        ammonium = any(a.group.endswith("ammonium") for a in cations)
        return ("ammonium" if ammonium else "cationic"), "cationic"
    if charge < 0:
        if chelates:
            return "chelating_anion", "anionic"
        kinds = [a.group for a in anions if a.group in ANION_CLASSES]
        return (kinds[0] if kinds else "anionic"), "anionic"
    return "neutral", "neutral"


@functools.lru_cache(maxsize=8192)
def _analyse(
    canonical: str,
) -> tuple[str, int, str, float, tuple[Anchor, ...], tuple[tuple[int, int], ...]]:
    mol = _mol_from_canonical(canonical)
    with _quiet_rdkit():
        inchikey = Chem.MolToInchiKey(mol) or ""
    charge = Chem.GetFormalCharge(mol)
    formula = rdMolDescriptors.CalcMolFormula(mol)
    mw = Descriptors.MolWt(mol)
    anchors = find_anchors(mol)
    chelates = find_chelate_pairs(mol, anchors)
    return inchikey, charge, formula, mw, anchors, chelates


def _describe(canonical: str, name: str, parts: Parts | None, tail_smiles: str | None) -> Ligand:
    inchikey, charge, formula, mw, anchors, chelates = _analyse(canonical)
    ligand_class, family = classify(charge, anchors, chelates)
    return Ligand(
        smiles=canonical,
        name=name,
        inchikey=inchikey,
        charge=charge,
        formula=formula,
        mw=mw,
        ligand_class=ligand_class,
        family=family,
        anchors=anchors,
        chelate_pairs=chelates,
        parts=parts,
        tail_smiles=tail_smiles,
    )


def ring_systems(mol: Chem.Mol, aromatic: bool = False) -> list[set[int]]:
    """Atom sets of fused ring systems (rings sharing an atom are merged); with
    ``aromatic``, of the fully aromatic rings only."""
    systems: list[set[int]] = []
    for ring in mol.GetRingInfo().AtomRings():
        if aromatic and not all(mol.GetAtomWithIdx(i).GetIsAromatic() for i in ring):
            continue
        merged = set(ring)
        rest = []
        for other in systems:
            if other & merged:
                merged |= other
            else:
                rest.append(other)
        systems = [*rest, merged]
    return systems


def aromatic_system(mol: Chem.Mol, atom: int) -> set[int]:
    """The fused aromatic ring system holding ``atom`` (empty if it is not aromatic).

    An aromatic cation (pyridinium, imidazolium, quinolinium) spreads its charge over its
    rings, so the whole system is the head; a chain on any ring atom is then a tail."""
    return next((s for s in ring_systems(mol, aromatic=True) if atom in s), set())
