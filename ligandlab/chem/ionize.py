"""Surface-bound charge states for ligands written as neutral molecules.

Chemists write reagents as they come from the bottle: oleylamine, oleic acid,
dodecylphosphonic acid. On a lead-halide surface these bind as ions (ammonium in the A-site
pocket, carboxylate or phosphonate on Pb), formed by acid-base pairing in the ligand shell
or with the surface. ``Ligand.from_smiles`` takes charges as written, so such a molecule
has no binding group and scores 0 in ``fit_geometry``. ``ionize`` gives the bound form
by explicit rules, one proton per group, never a pKa model:

- strong and medium acids lose one proton: carboxylic, phosphonic/phosphoric (one O-H per
  P: pKa1 about 2, pKa2 about 7, textbook values), sulfonic/sulfuric;
- aliphatic amines (every heavy neighbour of N an sp3 carbon) and amidines/guanidines gain
  one;
- left neutral: alcohols, phenols, thiols, amides, anilines, pyridines and other aromatic
  N (pyridine pKaH 5.2: a picolinate's ring N stays a neutral donor), and groups already
  charged as written.

RDKit's ``rdMolStandardize`` neutralises and picks tautomers but has no rule set for
charging groups, hence these few SMARTS.
"""

from __future__ import annotations

from rdkit import Chem

from ligandlab.chem.ligand import BASE_GROUPS, Ligand, parse_ligand_smiles, shift_protons

# (group name, SMARTS): the first atom is the one that changes; the others make up the
# group, whose atoms may change only once (one proton per group).
_ACIDS: tuple[tuple[str, str], ...] = (
    ("carboxylic acid", "[OX2H1;+0][CX3](=O)"),
    ("phosphonic/phosphoric acid", "[OX2H1;+0][PX4;+0;!$(P[OX1-])](=O)"),
    ("sulfonic/sulfuric acid", "[OX2H1;+0][SX4;+0](=O)=O"),
)
_PATTERNS = [(name, -1, Chem.MolFromSmarts(sma)) for name, sma in _ACIDS] + [
    (name, +1, Chem.MolFromSmarts(sma)) for name, sma in BASE_GROUPS
]


def _sites(mol: Chem.Mol) -> list[tuple[int, int, str]]:
    """(atom index, charge change, group name) for every group ``ionize`` changes."""
    out: list[tuple[int, int, str]] = []
    used: set[int] = set()
    for name, dq, patt in _PATTERNS:
        for match in mol.GetSubstructMatches(patt):
            if used.intersection(match):
                continue  # one proton per group: a diacid P or a guanidine changes once
            used.update(match)
            out.append((match[0], dq, name))
    return out


def ionizable_groups(ligand: Ligand | str) -> tuple[str, ...]:
    """The neutral acid and base groups that ``ionize`` would charge, e.g. ``('amine',)``."""
    smiles = ligand.smiles if isinstance(ligand, Ligand) else ligand
    mol = parse_ligand_smiles(smiles)
    return tuple(name for _, _, name in _sites(mol))


def ionize(ligand: Ligand | str, name: str | None = None) -> Ligand:
    """The surface-bound ionic form of ``ligand`` (a Ligand or a SMILES).

    Every neutral acid group loses one proton and every aliphatic amine or amidine gains one
    (rules in the module docstring); groups charged as written are kept. Oleylamine becomes
    oleylammonium, oleic acid oleate, 4-aminobutanoic acid its zwitterion. A ligand with
    nothing to change is returned as it is. The name is ``name``, else a Ligand's own name,
    else the new canonical SMILES.
    """
    if isinstance(ligand, Ligand):  # a name that is only the old SMILES is not kept
        smiles = ligand.smiles
        keep_name = None if ligand.name == ligand.smiles else ligand.name
    else:
        smiles, keep_name = ligand, None
    mol = parse_ligand_smiles(smiles)
    sites = _sites(mol)
    if not sites and isinstance(ligand, Ligand):
        return ligand if name is None else Ligand.from_smiles(ligand.smiles, name=name)
    charged = Chem.MolToSmiles(shift_protons(mol, [(idx, dq) for idx, dq, _ in sites]))
    return Ligand.from_smiles(charged, name=name or keep_name)
