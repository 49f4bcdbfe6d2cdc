"""Library data: content, sources, and that it is found after a normal (non-editable) install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import ligandlab as ll

ROOT = Path(__file__).resolve().parents[1]


def test_every_record_has_a_source() -> None:
    for rec in (
        *ll.library.heads(),
        *ll.library.tails(),
        *ll.library.mixtures(),
        *ll.library.references(),
    ):
        assert rec.source and len(rec.source) > 10, rec.id


def test_reference_ligands_bind_as_the_reagent_ionizes() -> None:
    """Each reference is the bound form of the compound as bought, with the expected class."""
    refs = {lig.name: lig for lig in ll.reference_ligands()}
    assert {n: lig.ligand_class for n, lig in refs.items()} == {
        "OAm": "ammonium",
        "OA": "carboxylate",
        "DDAB": "ammonium",
        "ASC18": "zwitterion",
        "DOPA": "phosphinate",
    }
    assert refs["DDAB"].cations[0].group == "quaternary_ammonium"
    assert refs["ASC18"].parts == ll.chem.ligand.Parts(head="SB", bridge=3, tail="C18")
    for rec in ll.library.references():
        if rec.reagent:  # the salt's counter-ion is dropped, the acid/amine charged
            assert ll.ionize(rec.reagent).smiles == refs[rec.id].smiles, rec.id


def test_reference_names_are_accepted_wherever_ligand_names_are() -> None:
    from ligandlab.chem.assembly import parse_named_ligand

    assert ll.parse_ligand("oleylamine").name == "OAm"  # the name gives the bound ion
    assert ll.parse_ligand("ddab").smiles == ll.reference_ligands("DDAB")[0].smiles
    assert parse_named_ligand("oleic acid").name == "OA"  # an alias with a space
    assert parse_named_ligand("OAm capping").name == "capping"  # display name after it
    with pytest.raises(ll.errors.UnknownReferenceError, match="closest: OAm"):
        ll.reference_ligands("OAm2")
    with pytest.raises(ll.errors.InvalidSmilesError, match=r"reference ligand \(OAm, OA"):
        ll.parse_ligand("oleylamide")


def test_tail_library_covers_the_required_classes() -> None:
    tails = ll.library.default_tails()
    assert len(tails) >= 24
    by_class: dict[str, list[str]] = {}
    for t in tails:
        by_class.setdefault(t.cls, []).append(t.id)
    for cls in (
        "linear_alkyl",
        "branched_alkyl",
        "unsaturated",
        "aromatic",
        "halogenated",
        "polyether",
        "polystyrene",
        "diacylglycerol",
    ):
        assert by_class.get(cls), cls
    for name in (
        "C8",
        "C18",
        "EH",
        "C6C10",
        "C8C12",
        "phytanyl",
        "oleyl",
        "linoleyl",
        "benzyl",
        "phenethyl",
        "phenylpropyl",
        "biphenylmethyl",
        "naphthylmethyl",
        "bromobenzyl",
        "perfluorooctyl",
        "chlorobenzyl",
        "PEG-OH",
        "PPG-OH",
        "DOG",
    ):
        ll.library.tail(name)
    assert sum(1 for t in tails if t.id.startswith("mPEG")) >= 2
    assert all(t.mn for t in tails if t.cls == "polystyrene")


def test_polymer_lengths_follow_mn() -> None:
    """Repeat units computed from Mn as the source line states (styrene 104.15 g/mol)."""
    for rec in ll.library.tails():
        if rec.cls == "polystyrene":
            n = rec.smiles.count("c1ccccc1")
            assert n == round((rec.mn - 57.11 - 45.06) / 104.15)


def test_head_aliases() -> None:
    assert ll.library.resolve_head("pea")[1] == 2
    assert ll.library.resolve_head("PBA") == (ll.library.head("PE"), 4)
    assert ll.library.resolve_head("PC")[0].id == "PE-NMe3"


def test_library_found_after_non_editable_install(tmp_path: Path) -> None:
    """Build the wheel, install it into a bare target dir and read the library from there."""
    target = tmp_path / "site"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 and "hatchling" in proc.stderr:
        pytest.skip("hatchling not available for an isolated build")
    assert proc.returncode == 0, proc.stderr
    assert (target / "ligandlab" / "_library" / "tails.yaml").exists()
    assert (target / "ligandlab_plugins" / "__init__.py").exists()
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("LIGANDLAB_LIBRARY", None)
    code = (
        "import ligandlab, ligandlab.library as L;"
        "print(L.data_root()); print(len(L.tails())); print(ligandlab.__file__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    root, n, module = out.stdout.split()
    assert root.startswith(str(target)) and module.startswith(str(target))
    assert int(n) == len(ll.library.tails())
