"""Writing files and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdkit import Chem, rdBase

import ligandlab as ll
from ligandlab.cli import main


@pytest.mark.parametrize("suffix", [".sdf", ".mol2", ".pdb", ".smi"])
def test_write_formats_roundtrip(tmp_path: Path, suffix: str) -> None:
    lig = ll.build_ligand("PE", 3, "C5")
    out = ll.write_ligands([lig], tmp_path / f"x{suffix}")
    text = out.read_text()
    if suffix == ".sdf":
        mol = next(iter(Chem.SDMolSupplier(str(out), removeHs=False)))
        heavy = Chem.RemoveHs(mol)
        Chem.RemoveStereochemistry(heavy)  # RDKit perceives a P "stereocentre" from 3D
        assert Chem.MolToSmiles(heavy) == lig.smiles
        assert mol.GetNumConformers() == 1 and mol.GetConformer().Is3D()
    elif suffix == ".mol2":
        mol = Chem.MolFromMol2File(str(out), removeHs=False)
        assert mol is not None and mol.GetNumAtoms() == Chem.AddHs(lig.mol).GetNumAtoms()
        assert "N.4" in text and "P.3" in text
    elif suffix == ".pdb":
        mol = Chem.MolFromPDBFile(str(out), removeHs=False)
        assert mol is not None and " LIG " in text
    else:
        assert text.split()[0] == lig.smiles


def test_write_errors(tmp_path: Path) -> None:
    lig = ll.build_ligand("PE", 2, "C5")
    with pytest.raises(ll.errors.OutputError, match="unsupported output format"):
        ll.write_ligands([lig], tmp_path / "x.xyz")
    with pytest.raises(ll.errors.OutputError, match="does not exist"):
        ll.write_ligands([lig], tmp_path / "missing" / "x.sdf")
    # names and SMILES are read as everywhere else (an AttributeError before); a bad one
    # is a clear error, and one name is one ligand, not its characters
    with pytest.raises(ll.LigandLabError, match="library ligand name"):
        ll.write_ligands(["C5-PEA", "nonsense-XYZ"], tmp_path / "x.smi")
    path = ll.write_ligands("C5-PEA", tmp_path / "one.smi")
    assert path.read_text() == f"{lig.smiles} C5-PEA\n"
    assert ll.tail_descriptors("C8C12") == ll.tail_descriptors("*CC(CCCCCCCC)CCCCCCCCCC")


def test_cli_build_writes_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "build",
            "--head",
            "PE",
            "--bridge",
            "3",
            "--tail",
            "C8C12",
            "-o",
            str(tmp_path / "x.sdf"),
            "--json",
        ]
    )
    record = json.loads(capsys.readouterr().out)
    assert record["smiles"] == "CCCCCCCCCCC(CCCCCCCC)COP(=O)([O-])OCCC[NH3+]"
    assert record["head"] == "PE" and record["bridge"] == 3
    assert (tmp_path / "x.sdf").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--head", "PX", "--tail", "C16"], "unknown head 'PX'"),
        (["build", "--head", "PE", "--bridge", "9", "--tail", "C16"], "outside the range"),
        (
            ["build", "--head", "PE", "--tail", "C16", "-o", "/nonexistent/dir/x.sdf"],
            "cannot write",
        ),
        (["build", "--head", "PE", "--tail", "[*]CC[*]"], "2 attachment points"),
        (["describe", "C1CC"], "cannot be parsed"),
        (["rank", "--smiles", "C8C12-PEA", "C8C12-PC"], "repeat the option for each value"),
        (["slab", "CsPbBr2Cl2"], "subscripts must be positive and add up to 3"),
        (["score", "lecithin"], "'lecithin' is a mixture of 5 ligands"),
    ],
)
def test_cli_errors_one_line_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err and "Traceback" not in err


def test_cli_library_lists(capsys: pytest.CaptureFixture[str]) -> None:
    main(["library", "tails", "--json"])
    tails = json.loads(capsys.readouterr().out)
    assert len(tails) >= 24 and {"id", "class", "smiles"} <= set(tails[0])
    main(["library", "heads", "--json"])
    heads = json.loads(capsys.readouterr().out)
    assert {"PE", "PE-NMe3", "SB", "CB", "GABA", "bisPE"} <= {h["id"] for h in heads}


def test_console_script_exit_code(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "ligandlab"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "ligandlab.cli"]
    proc = subprocess.run(
        [*cmd, "build", "--head", "PE", "--tail", "nope"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: unknown tail 'nope'")


def test_unwritable_run_or_report_directory_is_one_clear_error(tmp_path: Path) -> None:
    from ligandlab.errors import OutputError, writable_directory

    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputError, match=r"cannot write the run directory .*file/run"):
        writable_directory(blocker / "run", f"the run directory {blocker / 'run'}")
    ok = writable_directory(tmp_path / "a" / "b", "x")
    assert ok.is_dir() and not any(ok.iterdir())  # the probe file is gone


def test_cli_cache_lists_and_clears_only_cache_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ligandlab import cache

    root = tmp_path / "cache"
    monkeypatch.setenv("LIGANDLAB_CACHE", str(root))
    cache.store("scores", "ab" * 16, {"x": 1})
    cache.store("myplugin", "cd" * 16, [1, 2, 3])  # a third party's pickles
    (root / "md_binding" / "run").mkdir(parents=True)
    (root / "md_binding" / "run" / "state.xml").write_text("<xml/>")
    (root / "notes").mkdir()  # not ours: a cache root pointed at a shared folder
    (root / "notes" / "thesis.tex").write_text("keep me")
    main(["cache", "--json"])
    listed = {r["namespace"]: r["files"] for r in json.loads(capsys.readouterr().out)}
    assert listed == {"md_binding": 1, "myplugin": 1, "notes": 1, "scores": 1}
    main(["cache", "--clear", "scores", "--json"])
    assert [r["namespace"] for r in json.loads(capsys.readouterr().out)] == ["scores"]
    assert cache.load("scores", "ab" * 16) is None and cache.load("myplugin", "cd" * 16)
    with pytest.raises(SystemExit) as exc:
        main(["cache", "--clear", "bogus"])
    assert exc.value.code == 2 and "present: md_binding, myplugin, notes" in capsys.readouterr().err
    main(["cache", "--clear", "all", "--json"])
    cleared = {r["namespace"] for r in json.loads(capsys.readouterr().out)}
    assert cleared == {"md_binding", "myplugin"}
    assert (root / "notes" / "thesis.tex").read_text() == "keep me"
    monkeypatch.setenv("LIGANDLAB_CACHE", "off")
    with pytest.raises(SystemExit) as exc:
        main(["cache"])
    assert exc.value.code == 2 and "cache is off" in capsys.readouterr().err


def test_read_ligands_round_trips_written_files(tmp_path: Path) -> None:
    ligs = [
        ll.build_ligand("PE", 2, "C8C12"),
        ll.Ligand.from_smiles("CCCCCCCC/C=C\\CCCCCCCC(=O)[O-]", name="oleate anion"),
    ]
    for suffix in (".sdf", ".smi"):
        path = ll.write_ligands(ligs, tmp_path / f"l{suffix}")
        back = ll.read_ligands(path)
        assert [(x.smiles, x.name) for x in back] == [(x.smiles, x.name) for x in ligs]
    # a 3D SDF from elsewhere: no stereo invented at the phosphate P (resonance)
    foreign = tmp_path / "foreign.sdf"
    text = (tmp_path / "l.sdf").read_text()
    foreign.write_text(text.replace(">  <smiles>", ">  <orig_smiles>"))
    assert not any("[P@" in lig.smiles for lig in ll.read_ligands(foreign))
    bad = tmp_path / "bad.smi"
    bad.write_text("CCN ok\nC(C broken\n\n# note\n[*]CC dummy\n")
    with pytest.raises(ll.errors.InvalidSmilesError, match="2 unreadable") as exc:
        ll.read_ligands(bad)
    assert "bad.smi: line 2" in str(exc.value) and "bad.smi: line 5" in str(exc.value)
    # a broken SDF record: the message says which record and RDKit's reason
    broken = tmp_path / "broken.sdf"
    broken.write_text("garbage\n$$$$\n")
    with pytest.raises(ll.LigandLabError, match="record 1") as exc:
        ll.read_ligands(broken)
    if hasattr(rdBase, "CaptureErrorLog"):
        assert "Counts line too short" in str(exc.value)
    for path, msg in [(tmp_path / "x.mol2", "use one of"), (tmp_path / "no.smi", "no such")]:
        with pytest.raises(ll.LigandLabError, match=msg):
            ll.read_ligands(path)


def test_rank_takes_a_mixture_as_its_components(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    smi = tmp_path / "mine.smi"
    smi.write_text("C8C12-PEA\nlecithin soy lecithin\n")
    main(["rank", "--file", str(smi), "--material", "FAPbBr3", "--solvent", "toluene", "--json"])
    rows = json.loads(capsys.readouterr().out)
    names = {r["name"] for r in rows}
    assert len(rows) == 6 and "C8C12-PEA" in names
    assert {n for n in names if n.startswith("soy lecithin: ")} == {
        f"soy lecithin: {c.name}" for c in ll.Mixture.get("lecithin").ligands
    }
    fit = {r["name"]: r["fit_geometry"] for r in rows}
    # the primary-ammonium PE species fit the A-site pocket, the quaternary PC ones do not
    pe = [v for n, v in fit.items() if ": PE(" in n]
    pc = [v for n, v in fit.items() if ": PC(" in n]
    assert len(pe) == 2 and len(pc) == 3 and min(pe) > max(pc)


def test_cli_tables_print_smiles_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    """Rich reads ``[n+]`` as a markup tag; an aromatic cation's SMILES must still print
    whole in the tables, not as CCCCCCCCn1cc(C)c1."""
    smiles = "CCCCCCCCn1cc[n+](C)c1"
    main(["describe", smiles])
    out = capsys.readouterr().out
    assert smiles in out and "[n+]" in out


def test_describe_and_hansen_take_library_names(capsys: pytest.CaptureFixture[str]) -> None:
    """rank, score, slab and simulate took library and reference names; describe (Python
    and CLI), hansen and `solvents --smiles` took only SMILES (ll.describe raised an
    AttributeError on a name)."""
    built = ll.build_ligand("PE", 2, "C8C12")
    by_name = ll.describe("C8C12-PEA")
    assert by_name.ligand.smiles == built.smiles
    assert by_name.tail is not None and by_name.tail.tail_smiles == built.tail_smiles
    assert ll.hansen("C8C12-PEA") == ll.hansen(built) == ll.hansen("C8C12")
    assert ll.hansen("OAm").d_p == 0.0  # oleylammonium's tail: a hydrocarbon
    with pytest.raises(ll.LigandLabError, match="library ligand name"):
        ll.describe("nonsense-XYZ")
    with pytest.raises(ll.LigandLabError, match="library ligand name"):
        ll.hansen("nonsense-XYZ")
    main(["describe", "C8C12-PEA", "--json"])
    (row,) = json.loads(capsys.readouterr().out)
    assert row["smiles"] == built.smiles and row["tail"] == "C8C12"
    main(["solvents", "--smiles", "C8C12-PEA", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["class"] == "alkane"
