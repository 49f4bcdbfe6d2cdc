"""Ligand files: write SDF, MOL2, PDB or SMILES; read SMILES lists and SDF (format from the
file extension)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from rdkit import Chem, rdBase

from ligandlab.chem.assembly import parse_named_ligands
from ligandlab.chem.conformers import conformers
from ligandlab.chem.ligand import Ligand
from ligandlab.errors import InvalidSmilesError, LigandLabError, OutputError

FORMATS = {
    ".sdf": "sdf",
    ".mol": "sdf",
    ".mol2": "mol2",
    ".pdb": "pdb",
    ".smi": "smi",
    ".smiles": "smi",
}


def write_ligands(ligands: Sequence[Ligand | str], path: str | Path, n_conformers: int = 1) -> Path:
    """Write ligands (``Ligand`` objects, names or SMILES) to ``path``; 3D formats get the
    lowest-energy screened-MMFF conformer."""
    from ligandlab.chem.assembly import as_ligands

    one = isinstance(ligands, (str, Ligand))  # a single ligand, not its characters
    ligs = as_ligands(ligands if one else list(ligands), OutputError) if ligands else []
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise OutputError(
            f"unsupported output format {path.suffix!r}; use one of {', '.join(sorted(FORMATS))}"
        )
    check_writable(path)
    if fmt == "smi":
        text = "".join(f"{lig.smiles} {lig.name}\n" for lig in ligs)
    else:
        blocks = []
        for lig in ligs:
            ens = conformers(lig.smiles, n=max(n_conformers, 10), seed=0)
            mol = Chem.Mol(ens.mol)
            mol.SetProp("_Name", lig.name)
            for k, v in lig.to_dict().items():
                if v is not None and k != "name":
                    mol.SetProp(str(k), str(v))
            if fmt == "sdf":
                blocks.append(Chem.MolToMolBlock(mol, confId=0) + _sd_props(lig) + "$$$$\n")
            elif fmt == "pdb":
                blocks.append(_pdb_block(mol, lig))
            else:
                blocks.append(mol2_block(mol, lig.name))
        text = "".join(blocks)
        if fmt == "pdb":
            text += "END\n"
    try:
        path.write_text(text)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


READ_FORMATS = (".sdf", ".mol", ".smi", ".smiles", ".txt")


def read_ligand_file(path: str | Path) -> tuple[list[Ligand], list[str]]:
    """The ligands of a file, and one message per entry that could not be read.

    ``.sdf``/``.mol``: each record, named by its title line, charges as drawn. ``.smi``,
    ``.smiles``, ``.txt``: a SMILES or library name per line, optionally followed by
    whitespace and a display name; blank lines and ``#`` comments are skipped.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in READ_FORMATS:
        raise LigandLabError(
            f"cannot read ligands from {path.name}: use one of {', '.join(READ_FORMATS)}"
        )
    if not path.is_file():
        raise LigandLabError(f"cannot read {path}: no such file")
    out: list[Ligand] = []
    problems: list[str] = []
    if suffix in (".sdf", ".mol"):
        for i, (mol, why) in enumerate(_sdf_records(path)):
            if mol is None:
                reason = f": {why}" if why else ""
                problems.append(f"{path.name}: record {i + 1} could not be read by RDKit{reason}")
                continue
            name = mol.GetProp("_Name").strip() if mol.HasProp("_Name") else ""
            try:
                out.append(Ligand.from_smiles(_sdf_smiles(mol), name=name or None))
            except LigandLabError as exc:
                problems.append(f"{path.name}: record {i + 1}: {exc}")
        return out, problems
    try:
        lines = path.read_text().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LigandLabError(f"cannot read {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            out.extend(parse_named_ligands(line))
        except LigandLabError as exc:
            problems.append(f"{path.name}: line {n}: {exc}")
    return out, problems


def _sdf_smiles(mol: Chem.Mol) -> str:
    """SMILES of an SDF record. RDKit perceives stereo from 3D coordinates, including at P
    and S atoms whose "different" terminal O are resonance forms of one anion; those tags
    are dropped. A record written by ``write_ligands`` carries its ``smiles``; when that has
    the same connectivity it is used, so centres left unspecified stay so."""
    mol = Chem.RemoveHs(mol)
    for atom in mol.GetAtoms():
        if atom.GetSymbol() in ("P", "S"):
            terminal = [
                n for n in atom.GetNeighbors() if n.GetSymbol() == "O" and n.GetDegree() == 1
            ]
            if len(terminal) >= 2:
                atom.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
    if mol.HasProp("smiles"):
        own = Chem.MolFromSmiles(mol.GetProp("smiles"))
        if own is not None and _flat(own) == _flat(mol):
            return Chem.MolToSmiles(own)
    return Chem.MolToSmiles(mol)


def _flat(mol: Chem.Mol) -> str:
    return Chem.MolToSmiles(mol, isomericSmiles=False)


def read_ligands(path: str | Path) -> list[Ligand]:
    """Every ligand of a ``.sdf``, ``.mol`` or SMILES-list file (``read_ligand_file``); one
    error naming every bad line or record if any cannot be read."""
    ligands, problems = read_ligand_file(path)
    if problems:
        raise InvalidSmilesError(f"{len(problems)} unreadable entries: " + " | ".join(problems))
    return ligands


def check_writable(path: Path) -> None:
    """Raise ``OutputError`` before any work when ``path`` cannot be a file to write."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise OutputError(f"cannot write {path}: directory {parent} does not exist")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a directory")


def _sd_props(lig: Ligand) -> str:
    out = []
    for k, v in lig.to_dict().items():
        if v is not None and k != "name":
            out.append(f">  <{k}>\n{v}\n\n")
    return "".join(out)


def _pdb_block(mol: Chem.Mol, lig: Ligand) -> str:
    resname = "LIG"
    for atom in mol.GetAtoms():
        info = Chem.AtomPDBResidueInfo()
        info.SetResidueName(resname)
        info.SetResidueNumber(1)
        info.SetName(f"{atom.GetSymbol()}{atom.GetIdx() + 1}"[:4].ljust(4))
        info.SetIsHeteroAtom(True)
        atom.SetMonomerInfo(info)
    block = Chem.MolToPDBBlock(mol, confId=0, flavor=0)
    lines = [ln for ln in block.splitlines() if not ln.startswith("END")]
    return "\n".join(lines) + "\n"


# RDKit has no MOL2 writer; this writes Tripos MOL2 with SYBYL atom types assigned from
# element, hybridisation, aromaticity and the common functional-group cases below.
def _sybyl_type(atom: Chem.Atom) -> str:
    sym = atom.GetSymbol()
    hyb = atom.GetHybridization()
    if sym == "C":
        if atom.GetIsAromatic():
            return "C.ar"
        if (
            any(
                n.GetSymbol() == "N" and n.GetFormalCharge() > 0 and n.GetDegree() == 3
                for n in atom.GetNeighbors()
            )
            and hyb == Chem.HybridizationType.SP2
        ):
            return "C.cat"
        return {Chem.HybridizationType.SP: "C.1", Chem.HybridizationType.SP2: "C.2"}.get(hyb, "C.3")
    if sym == "N":
        if atom.GetIsAromatic():
            return "N.ar"
        if atom.GetFormalCharge() > 0 and hyb == Chem.HybridizationType.SP3:
            return "N.4"
        if any(
            n.GetSymbol() == "C"
            and any(
                b.GetBondType() == Chem.BondType.DOUBLE and b.GetOtherAtom(n).GetSymbol() == "O"
                for b in n.GetBonds()
            )
            for n in atom.GetNeighbors()
        ):
            return "N.am"
        return {Chem.HybridizationType.SP: "N.1", Chem.HybridizationType.SP2: "N.2"}.get(hyb, "N.3")
    if sym == "O":
        nbr = atom.GetNeighbors()
        if atom.GetDegree() == 1 and nbr and nbr[0].GetSymbol() in ("C", "P", "S"):
            center = nbr[0]
            terminal_o = [
                n for n in center.GetNeighbors() if n.GetSymbol() == "O" and n.GetDegree() == 1
            ]
            if center.GetSymbol() == "C" and len(terminal_o) == 2:
                return "O.co2"
            if center.GetSymbol() == "P" and len(terminal_o) >= 2:
                return "O.co2"
            return "O.2"
        return "O.3"
    if sym == "S":
        n_o = sum(1 for n in atom.GetNeighbors() if n.GetSymbol() == "O")
        return "S.O2" if n_o >= 2 else ("S.O" if n_o == 1 else "S.3")
    if sym == "P":
        return "P.3"
    return sym


def mol2_block(mol: Chem.Mol, name: str) -> str:
    """One Tripos MOL2 molecule (conformer 0) with Gasteiger charges."""
    from rdkit.Chem import AllChem

    mol = Chem.Mol(mol)
    AllChem.ComputeGasteigerCharges(mol)
    pos = mol.GetConformer(0).GetPositions()
    lines = [
        "@<TRIPOS>MOLECULE",
        name,
        f"{mol.GetNumAtoms()} {mol.GetNumBonds()} 1 0 0",
        "SMALL",
        "GASTEIGER",
        "",
        "@<TRIPOS>ATOM",
    ]
    for atom, (x, y, z) in zip(mol.GetAtoms(), pos, strict=True):
        q = atom.GetDoubleProp("_GasteigerCharge") if atom.HasProp("_GasteigerCharge") else 0.0
        lines.append(
            f"{atom.GetIdx() + 1:>7d} {atom.GetSymbol() + str(atom.GetIdx() + 1):<8s}"
            f"{x:>10.4f}{y:>10.4f}{z:>10.4f} {_sybyl_type(atom):<6s} 1 LIG {q:>9.4f}"
        )
    lines.append("@<TRIPOS>BOND")
    for k, bond in enumerate(mol.GetBonds(), start=1):
        bt = (
            "ar"
            if bond.GetIsAromatic()
            else {
                Chem.BondType.SINGLE: "1",
                Chem.BondType.DOUBLE: "2",
                Chem.BondType.TRIPLE: "3",
            }.get(bond.GetBondType(), "1")
        )
        lines.append(f"{k:>6d}{bond.GetBeginAtomIdx() + 1:>6d}{bond.GetEndAtomIdx() + 1:>6d} {bt}")
    lines += ["@<TRIPOS>SUBSTRUCTURE", "     1 LIG         1 RESIDUE", ""]
    return "\n".join(lines) + "\n"


def _sdf_records(path: Path) -> Iterator[tuple[Chem.Mol | None, str]]:
    """(molecule or None, RDKit's first error message for it) per SDF record.

    RDKit logs why a record failed to stderr; ``CaptureErrorLog`` (recent RDKit releases)
    turns that into the reason we report, and an RDKit without it just blocks the log."""
    capture = getattr(rdBase, "CaptureErrorLog", None)
    records = iter(Chem.SDMolSupplier(str(path), removeHs=False))
    while True:
        with capture() if capture else rdBase.BlockLogs() as log:
            try:
                mol = next(records)
            except StopIteration:
                return
        lines = getattr(log, "messages", "").splitlines()
        why = re.sub(r"^\[[\d:]+\]\s*(ERROR:\s*)?", "", lines[0]).strip() if lines else ""
        yield mol, why
