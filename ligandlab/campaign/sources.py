"""Ligands from a spec's sources: library enumeration, SMILES lists, .smi and .sdf files.

Every problem in every source (a bad line in a file, a bridge no head allows) is
collected and raised as one ``SpecError`` before any work starts. Ligands are
de-duplicated by canonical SMILES; the first name seen is kept.
"""

from __future__ import annotations

from pathlib import Path

from rdkit import Chem

from ligandlab.campaign.spec import CampaignSpec, LigandSource, SpecError
from ligandlab.chem.assembly import enumerate_ligands, parse_named_ligand
from ligandlab.chem.ionize import ionize
from ligandlab.chem.ligand import Ligand
from ligandlab.errors import LigandLabError


def _from_file(path: Path, problems: list[str]) -> list[Ligand]:
    out: list[Ligand] = []
    if path.suffix.lower() == ".sdf":
        for i, mol in enumerate(Chem.SDMolSupplier(str(path), removeHs=False)):
            if mol is None:
                problems.append(f"{path.name}: record {i + 1} could not be read by RDKit")
                continue
            name = mol.GetProp("_Name") if mol.HasProp("_Name") else ""
            try:
                smi = Chem.MolToSmiles(Chem.RemoveHs(mol))
                lig = Ligand.from_smiles(smi, name=name or None)
            except LigandLabError as exc:
                problems.append(f"{path.name}: record {i + 1}: {exc}")
                continue
            out.append(lig)
        return out
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            out.append(parse_named_ligand(line))
        except LigandLabError as exc:
            problems.append(f"{path.name}: line {n}: {exc}")
    return out


def _from_source(src: LigandSource, index: int, problems: list[str]) -> list[Ligand]:
    where = f"ligands[{index}]"
    if src.library is not None:
        sel = src.library
        try:
            return enumerate_ligands(sel.heads, sel.bridges, sel.tails)
        except LigandLabError as exc:
            problems.append(f"{where}.library: {exc}")
            return []
    if src.smiles is not None:
        out = []
        for item in src.smiles:
            try:
                out.append(parse_named_ligand(item))
            except LigandLabError as exc:
                problems.append(f"{where}.smiles: {exc}")
        return out
    assert src.file is not None
    return _from_file(src.file, problems)


def _ionized(src: LigandSource, ligands: list[Ligand]) -> list[Ligand]:
    return [ionize(lig) for lig in ligands] if src.ionize else ligands


def ligands_from_spec(spec: CampaignSpec) -> list[Ligand]:
    """Every distinct ligand of the spec's sources, in source order."""
    problems: list[str] = []
    seen: dict[str, Ligand] = {}
    for i, src in enumerate(spec.ligands):
        for lig in _ionized(src, _from_source(src, i, problems)):
            seen.setdefault(lig.smiles, lig)
    if problems:
        raise SpecError(
            f"invalid ligand sources ({len(problems)} problems): " + " | ".join(problems)
        )
    if not seen:
        raise SpecError("the ligand sources yield no ligands")
    return list(seen.values())
