"""Ligands from a spec's sources: library enumeration, SMILES lists, .smi and .sdf files.

Every problem in every source (a bad line in a file, a bridge no head allows) is
collected and raised as one ``SpecError`` before any work starts. Ligands are
de-duplicated by canonical SMILES; the first name seen is kept.
"""

from __future__ import annotations

from pathlib import Path

from ligandlab.campaign.spec import CampaignSpec, LigandSource, SpecError
from ligandlab.chem.assembly import enumerate_ligands, parse_named_ligands
from ligandlab.chem.io import read_ligand_file
from ligandlab.chem.ionize import ionize
from ligandlab.chem.ligand import Ligand
from ligandlab.errors import LigandLabError


def _from_file(path: Path, problems: list[str]) -> list[Ligand]:
    try:
        ligands, bad = read_ligand_file(path)
    except LigandLabError as exc:
        problems.append(str(exc))
        return []
    problems.extend(bad)
    return ligands


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
                out.extend(parse_named_ligands(item))
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
