"""OpenMM engine: GAFF2 parameters, system assembly, protocols, resume, binding modes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import yaml
from rdkit import Chem

import ligandlab as ll
from ligandlab.chem.assembly import as_ligands
from ligandlab.chem.truncate import truncate_tail
from ligandlab.errors import (
    ForceFieldError,
    LigandLabError,
    PlatformError,
    SimulationError,
    UnknownIonModelError,
)

sim = pytest.importorskip("ligandlab.simulate")
from ligandlab.simulate.system import _group_atoms, scaled_charges  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LIGAND = "C5-PEA"  # pentyl-tail PE with the C2 bridge (the paper's truncated model)


def small_system(n_solvent: int = 8, ligand: str = LIGAND, mode: str = "BM3") -> sim.MDSystem:
    slab = ll.build_slab("CsPbBr3", size=(3, 3), layers=3)
    iface = ll.place_ligands(slab, ll.parse_ligand(ligand), coverage=1 / 9, mode=mode, seed=0)
    return sim.build_system(iface, solvent="toluene", n_solvent=n_solvent, solvent_nm=1.2)


# ----------------------------------------------------------------------------- force field


def test_parameterize_pe_and_toluene_with_integer_charges() -> None:
    from ligandlab.simulate.system import _integer_charges

    lig = ll.parse_ligand(LIGAND)
    pe = sim.parameterize(lig)
    tol = sim.parameterize("Cc1ccccc1", name="toluene")
    assert pe.net_charge == 0 and tol.net_charge == 0
    n_atoms = ll.conformers(lig.smiles, n=1).mol.GetNumAtoms()
    assert len(pe.symbols) == n_atoms
    for p in (pe, tol):
        q = _integer_charges(p)
        assert abs(sum(q) - p.net_charge) < 1e-12
    # the second call comes from the cache: identical topology text
    assert sim.parameterize(lig).prmtop == pe.prmtop


def test_mixed_model_is_the_union_of_agreeing_end_members() -> None:
    csfa = sim.ion_model_for("Cs0.5FA0.5PbBr3")
    cs, fa = sim.ion_model_for("CsPbBr3"), sim.ion_model_for("FAPbBr3")
    assert csfa.id == "fapbbr3-approx+pascazio2022-cspbbr3"
    assert set(csfa.species) == {"Cs", "Pb", "Br"} and set(csfa.molecular_ions) == {"FA"}
    for name, v in csfa.variants.items():  # nothing new: every number from an end member
        assert v.charges == {**cs.variants[name].charges, **fa.variants[name].charges}
        assert v.sigma == cs.variants[name].sigma
        assert v.charges["FA"] == v.charges["Cs"] == v.a_charge
    with pytest.raises(ForceFieldError, match="form buckingham against lj"):
        sim.ion_model_for("Cs0.5MA0.5PbBr3")  # Pascazio's scaled Cs+ and Hata's MA +1.36
    # mixed halides: Br-I sigma is the Lorentz mean, which in the Pascazio family equals the
    # transfer rule that built the iodide model (Br value + Shannon shift of 0.024 nm per I)
    brci = sim.ion_model_for("CsPbBr1.5I1.5")
    assert set(brci.species) == {"Cs", "Pb", "Br", "I"}
    for name, v in brci.variants.items():
        br_br = cs.variants[name].pair_sigma("Br", "Br")
        assert v.pair_sigma("Br", "I") == pytest.approx(br_br + 0.024, abs=1e-9)
        assert v.pair_sigma("I", "I") == sim.ion_model_for("CsPbI3").variants[name].pair_sigma(
            "I", "I"
        )
    assert len(sim.ion_model_for("FA0.8Cs0.2Pb(I0.75Br0.25)3").id.split("+")) == 4
    with pytest.raises(ForceFieldError, match="tabulated non-LJ pair terms"):
        sim.ion_model_for("MAPbBr2I")  # MYP/Hata Buckingham tables have no Br-I rule
    with pytest.raises(ForceFieldError, match=r"end member\(s\) MAPbCl3, FAPbCl3"):
        sim.ion_model_for("MA0.5FA0.5PbCl3")


def test_mixed_slab_runs_neutral_with_both_cations_and_halides(tmp_path: Path) -> None:
    slab = ll.build_slab("Cs0.5FA0.5PbBr1.5I1.5", size=(3, 3), layers=3, seed=1)
    comp = slab.composition()
    assert min(comp["CS"], comp["FA"], comp["BR"], comp["I"]) > 0
    iface = ll.place_ligands(slab, ll.parse_ligand(LIGAND), coverage=1 / 9, mode="BM3", seed=0)
    md = sim.build_system(iface, solvent=None)
    assert abs(md.net_charge) < 1e-9 and md.variant == "primary_ammonium"
    names = [r.name for r in md.topology.residues()]
    assert names.count("CS") + names.count("FA") == comp["CS"] + comp["FA"] - 1
    res = sim.run(md, tmp_path, "test", platform="CPU")
    assert res.frames == 10 and res.modes[-1] == ["BM3"]
    assert np.all(np.isfinite([e["potential_kj_mol"] for e in res.energies]))


def test_charge_scaling_puts_each_group_at_q_a() -> None:
    lig = ll.parse_ligand(LIGAND)
    model = sim.ion_model_for("CsPbBr3")
    variant = model.variant_for([lig])
    assert variant.name == "primary_ammonium"
    q = np.array(scaled_charges(lig, sim.parameterize(lig), variant, model))
    assert abs(q.sum()) < 1e-12  # zwitterion stays neutral
    unscaled = np.array(sim.system._integer_charges(sim.parameterize(lig)))
    mol = ll.conformers(lig.smiles, n=1).mol
    for atoms, formal in _group_atoms(lig, mol):
        shift = q[atoms].sum() - unscaled[atoms].sum()
        assert shift == pytest.approx(formal * (variant.charges["Cs"] - 1.0), abs=1e-9)


def test_truncate_tail_keeps_k_carbons() -> None:
    c8c12 = ll.parse_ligand("C8C12-PEA")
    assert truncate_tail(c8c12, 5).smiles == "CCCC(CCC)COP(=O)([O-])OCC[NH3+]"
    pc = ll.parse_ligand("C16-PC")
    assert truncate_tail(pc, 5).smiles == "CCCCCOP(=O)([O-])OCC[N+](C)(C)C"
    amine = ll.Ligand.from_smiles("CCCCCCCC[NH3+]")
    assert truncate_tail(amine, 3).smiles == "CCC[NH3+]"
    with pytest.raises(LigandLabError):
        truncate_tail(amine, 0)
    # an aromatic cation's ring is head, not tail: k carbons counted from the ring, as
    # ll.describe splits it (the chain on the neutral N kept 3 carbons before)
    im_sb = ll.Ligand.from_smiles("CCCCCCCCCCn1cc[n+](CCS(=O)(=O)[O-])c1")
    assert truncate_tail(im_sb, 5).smiles == "CCCCCn1cc[n+](CCS(=O)(=O)[O-])c1"
    butylpy = ll.Ligand.from_smiles("CCCCc1cc[nH+]cc1")
    assert truncate_tail(butylpy, 5).smiles == butylpy.smiles


@pytest.mark.parametrize(
    ("smiles", "short"),
    [
        # the skeleton joining two anchors is head (chem.head): five tail carbons after it,
        # as split_head_tail sees the tail (glutamate kept 3, bis-PE a methoxy, before)
        ("CCCCCCCCCCCCNC(CCC(=O)[O-])C(=O)[O-]", "CCCCCNC(CCC(=O)[O-])C(=O)[O-]"),
        ("CCCCCCCCCCCCC(C(=O)[O-])C(=O)[O-]", "CCCCCC(C(=O)[O-])C(=O)[O-]"),
        ("NC(=[NH2+])NCCCCCCCCCCCC", "CCCCCNC(N)=[NH2+]"),
        ("CCCCCCCCCCCC[NH2+]CCC[NH3+]", "CCCCC[NH2+]CCC[NH3+]"),
    ],
)
def test_truncation_starts_after_the_joined_head(smiles: str, short: str) -> None:
    assert truncate_tail(ll.Ligand.from_smiles(smiles), 5).smiles == short


def test_bis_pe_truncation_keeps_a_chain() -> None:
    """The glycerol's CH2-O arm is head (chem.head), so five carbons of the alcohol's R are
    kept: the model of C16-bisPE/2 is C5-bisPE/2, as for the mono-PE ligands."""
    short = truncate_tail(ll.parse_ligand("C16-bisPE/2"), 5)
    assert short.smiles == ll.parse_ligand("C5-bisPE/2").smiles
    assert short.smiles == "CCCCCOCC(COP(=O)([O-])OCC[NH3+])OP(=O)([O-])OCC[NH3+]"


def test_truncation_never_cuts_a_double_bond() -> None:
    """Diacyl lipids (lecithin's species, DOG-PEA) used to be cut between an ester's C and
    its carbonyl O, leaving a radical carbon, so md_binding failed on all of them."""
    for lig in [*as_ligands("lecithin"), ll.parse_ligand("DOG-PEA")]:
        short = truncate_tail(lig, 5)
        mol = short.mol
        assert sum(a.GetNumRadicalElectrons() for a in mol.GetAtoms()) == 0
        assert short.charge == lig.charge and short.ligand_class == lig.ligand_class
        assert len(mol.GetSubstructMatches(Chem.MolFromSmarts("[CX3](=O)O[CX4]"))) == 2
    # a C=C at the cut keeps both carbons: five carbons asked, six kept
    vinyl = ll.Ligand.from_smiles("CCCC/C=C/CCCC[NH3+]")
    assert truncate_tail(vinyl, 5).smiles == "C=CCCCC[NH3+]"


# ----------------------------------------------------------------------------- system + MD


def test_small_slab_runs_with_finite_energies_and_exact_neutrality(tmp_path: Path) -> None:
    md = small_system()
    assert abs(md.net_charge) < 1e-9
    assert md.n_solvent == 8 and md.variant == "primary_ammonium"
    assert len(md.middle_pb) == 9  # one Pb layer of a 3x3 slab is restrained
    res = sim.run(md, tmp_path / "run", "test", platform="CPU")
    assert res.frames == 10
    energies = [e["potential_kj_mol"] for e in res.energies]
    assert len(energies) == 10 and np.all(np.isfinite(energies))
    assert all(np.isfinite(e["temperature_k"]) and e["temperature_k"] > 50 for e in res.energies)
    prov = json.loads((tmp_path / "run" / "provenance.json").read_text())
    assert prov["platform"] == "CPU" and prov["system"]["ion_model"] == "pascazio2022-cspbbr3"
    assert (tmp_path / "run" / "trajectory.dcd").stat().st_size > 0
    assert res.modes[0] == ["BM3"]  # started in BM3, 1 ps later still there


_KILL_SCRIPT = """
import sys
import ligandlab as ll
from ligandlab.simulate import build_system, run
slab = ll.build_slab("CsPbBr3", size=(3, 3), layers=3)
iface = ll.place_ligands(slab, ll.parse_ligand("C5-PEA"), coverage=1 / 9, mode="BM3", seed=0)
md = build_system(iface, solvent=None)
run(md, sys.argv[1], "test", platform="CPU", production_ps=4.0, checkpoint_frames=5)
"""


def test_killed_run_resumes_to_the_same_frames(tmp_path: Path) -> None:
    script = tmp_path / "job.py"
    script.write_text(_KILL_SCRIPT)
    killed = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, str(script), str(killed)], env=dict(os.environ))
    deadline = time.time() + 120
    progress = killed / "progress.json"
    while time.time() < deadline:
        if progress.exists() and json.loads(progress.read_text()).get("frames", 0) >= 5:
            break
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    frames_at_kill = json.loads(progress.read_text())["frames"]
    assert 5 <= frames_at_kill < 40, "the job must be killed mid-production"
    subprocess.run([sys.executable, str(script), str(killed)], check=True, env=dict(os.environ))
    whole = tmp_path / "whole"
    subprocess.run([sys.executable, str(script), str(whole)], check=True, env=dict(os.environ))
    a, b = sim.load_run(killed), sim.load_run(whole)
    assert a.frames == b.frames == 40
    assert len(a.modes) == len(b.modes) == 40 and len(a.energies) == 40
    n_atoms = int(json.loads((killed / "provenance.json").read_text())["system"]["atoms"])
    from ligandlab.simulate.run import _dcd_frames

    assert _dcd_frames(killed / "trajectory.dcd", n_atoms) == 40
    assert _dcd_frames(whole / "trajectory.dcd", n_atoms) == 40
    assert [r["frame"] for r in a.energies] == list(map(float, range(40)))


# ----------------------------------------------------------------------------- analysis


def test_binding_modes_on_constructed_coordinates() -> None:
    cut = sim.ModeCutoffs.for_lattice(0.587)
    assert sim.classify(0.00, 0.15, cut) == "BM3"
    assert sim.classify(0.10, 0.60, cut) == "BM2"
    assert sim.classify(0.45, 0.15, cut) == "BM2'"
    assert sim.classify(0.40, 0.50, cut) == "BM1"
    assert sim.classify(1.40, 1.20, cut) == "unbound"
    assert sim.classify(0.05, None, cut) == "BM2"  # cation-only ligand in the pocket
    assert sim.classify(None, 1.5, cut) == "unbound"


def test_heights_use_the_nearer_face_through_the_periodic_box() -> None:
    from ligandlab.simulate.analysis import heights

    # middle plane at z = 2, surface 0.88 nm out, box 6 nm: z = 2.9 is 0.02 above the
    # top face; z = 1.1 is 0.02 beyond the bottom face; z = 5.9 is 2.1 below via the image
    h = heights(np.array([2.9, 1.1, 5.9]), 2.0, 6.0, 0.88)
    assert h == pytest.approx([0.02, 0.02, 1.22])


def test_binding_api_reports_populations(tmp_path: Path) -> None:
    res = ll.simulate.binding(
        LIGAND, material="CsPbBr3", protocol="test", size=(3, 3), solvent=None, directory=tmp_path
    )
    assert set(res.mode_populations) == set(sim.MODES)
    total = np.sum([res.mode_populations[m] for m in sim.MODES], axis=0)
    assert np.allclose(total, 1.0)
    assert res.bound_fraction == 1.0
    # a readable repr, not the per-frame arrays
    assert repr(res).startswith("BindingResult(") and "bound fraction 1.00" in repr(res)
    assert "frames x 1 ligands" in repr(res) and len(repr(res)) < 300


# ----------------------------------------------------------------------------- bad input


def test_element_without_gaff_parameters_is_named() -> None:
    slab = ll.build_slab("CsPbBr3", size=(3, 3), layers=3)
    silyl = ll.Ligand.from_smiles("C[Si](C)(C)CCC[NH3+]", name="silyl")
    iface = ll.place_ligands(slab, silyl, coverage=1 / 9, mode="BM2", seed=0)
    with pytest.raises(ForceFieldError, match="Si"):
        sim.build_system(iface, solvent=None)
    with pytest.raises(ForceFieldError, match="Si"):
        sim.parameterize(silyl)


def test_solvent_blend_is_refused_by_md_with_its_name() -> None:
    slab = ll.build_slab("CsPbBr3", size=(3, 3), layers=3)
    iface = ll.place_ligands(slab, ll.build_ligand("PE", 2, "C5"), count=1, mode="BM3", seed=0)
    with pytest.raises(ForceFieldError, match="'toluene/hexane 1:1' is a blend"):
        sim.build_system(iface, solvent="toluene/hexane")


def test_material_without_ion_model_is_refused() -> None:
    slab = ll.build_slab("MAPbCl3", size=(3, 3), layers=3)
    with pytest.raises(UnknownIonModelError, match="MAPbCl3"):
        sim.build_system(slab.bare(), solvent=None)


def test_tin_perovskites_are_refused_by_md_with_their_names() -> None:
    with pytest.raises(UnknownIonModelError, match="CsSnI3"):
        sim.ion_model_for("CsSnI3")
    with pytest.raises(ForceFieldError, match=r"end member\(s\) CsSnI3, FASnI3"):
        sim.ion_model_for("Cs0.5FA0.5SnI3")
    with pytest.raises(ForceFieldError, match=r"end member\(s\) CsSnI3;"):
        sim.ion_model_for("CsPb0.5Sn0.5I3")


def test_unavailable_forced_platform_is_refused() -> None:
    with pytest.raises(PlatformError, match="NoSuchPlatform"):
        sim.choose_platform("NoSuchPlatform")
    if "CUDA" not in sim.available_platforms():
        with pytest.raises(PlatformError, match="CUDA"):
            sim.choose_platform("CUDA")


def test_blow_up_raises_and_keeps_the_last_good_checkpoint(tmp_path: Path) -> None:
    md = small_system(n_solvent=0)
    with pytest.raises(SimulationError, match="blew up"):
        sim.run(md, tmp_path, "test", platform="CPU", timestep_fs=60.0, nvt_ps=6.0, npt_ps=60.0)
    progress = json.loads((tmp_path / "progress.json").read_text())
    assert "minimise" in progress["stages"]
    assert (tmp_path / "state.xml").exists()
    state_text = (tmp_path / "state.xml").read_text()
    assert "nan" not in state_text.lower()


def test_md_binding_scorer_runs_and_rereads_its_cached_run() -> None:
    from ligandlab_plugins.md_binding import MDBinding

    assert "md_binding" in ll.scorers() and "md_binding" not in ll.scorers("fast")
    scorer = MDBinding(protocol="test", size=3)
    cand = ll.Candidate(ll.parse_ligand("C12-PEA"), "CsPbBr3", solvent=None)
    first = scorer.score(cand, ll.Context())
    assert 0.0 <= first.value <= 1.0 and first.details["model"].startswith("CCCCCOP")
    assert first.details["frames"] == 10
    again = scorer.score(cand, ll.Context())  # the finished run is re-read, not re-run
    assert again.value == first.value and again.details["directory"] == first.details["directory"]


def test_coverage_map_reports_integrity_per_coverage(tmp_path: Path) -> None:
    points = ll.simulate.coverage(
        LIGAND,
        material="CsPbBr3",
        coverages=[0.5, 1.0],
        protocol="test",
        size=(3, 3),
        solvent=None,
        directory=tmp_path,
    )
    assert [p.n_ligands for p in points] == [4, 9]
    for p in points:  # 1 ps cannot tear the surface apart
        assert p.integrity == 1.0 and not p.ruptured and p.desorbed_ions == 0
        assert p.integrity_series == (1.0,) * 10 and p.desorbed_series == (0,) * 10
        assert p.rupture_ps is None and p.first_desorption_ps is None and p.frame_ps == 0.1
        assert "integrity_series" not in p.summary() and p.summary()["n_ligands"] == p.n_ligands
        heights = sim.load_run(p.directory).h_n[5:]  # second half of the 10 frames
        assert p.h_n_nm == pytest.approx(float(np.mean(heights)), abs=1e-4)
        assert abs(p.h_n_nm) < 0.3 and abs(p.h_p_nm) < 0.4  # BM3 start, still near the plane
    png = sim.plot_coverage({LIGAND: points}, tmp_path / "map.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(LigandLabError, match="coverage"):
        ll.simulate.coverage(LIGAND, material="CsPbBr3", coverages=[0.5, 1.5], directory=tmp_path)


def test_integrity_series_sees_a_torn_surface(tmp_path: Path) -> None:
    """Frame by frame from the DCD: intact, then one top-face Pb pulled 0.5 nm up."""
    from openmm import app, unit

    from ligandlab.simulate.integrity import first_below, integrity_series

    md = small_system(n_solvent=0)
    top_pb = [
        i
        for i in range(md.n_slab)
        if md.symbols[i] == "Pb" and md.positions[i, 2] > md.positions[md.middle_pb, 2].max() + 0.1
    ]
    assert len(top_pb) == 9
    with (tmp_path / "trajectory.dcd").open("wb") as fh:
        dcd = app.DCDFile(fh, md.topology, 0.001)
        box = [np.diag(md.box_nm)[k].tolist() for k in range(3)] * unit.nanometer
        for lift in (0.0, 0.0, 0.5):
            pos = md.positions.copy()
            pos[top_pb[0], 2] += lift
            dcd.writeModel(pos * unit.nanometer, periodicBoxVectors=box)
    series = integrity_series(md, tmp_path)
    assert series.tolist() == pytest.approx([1.0, 1.0, 8 / 9])
    assert first_below(series, 0.95) == 2 and first_below(series, 0.5) is None
    assert sim.surface_integrity(md, md.positions, md.box_nm) == 1.0


def test_truncation_keeps_ring_systems_whole() -> None:
    from rdkit import Chem

    from ligandlab.chem.truncate import truncate_tail

    lig = ll.build_ligand("PE", 3, "naphthylmethyl")
    model = truncate_tail(lig, 2)  # the cut falls inside the naphthalene
    mol = Chem.MolFromSmiles(model.smiles)
    assert sum(a.GetIsAromatic() for a in mol.GetAtoms()) == 10
    assert model.smiles != lig.smiles or mol.GetNumAtoms() == lig.mol.GetNumAtoms()


@pytest.mark.parametrize(
    ("material", "variant", "atoms"),
    [
        ("CsPbBr3", "primary_ammonium", 135),
        ("CsPbI3", "primary_ammonium", 135),
        ("MAPbBr3", "core", 324),  # Hata 2017, MA as 8 atoms
        ("FAPbBr3", "primary_ammonium", 324),  # our approximation
    ],
)
def test_ion_model_holds_its_bulk_lattice(material: str, variant: str, atoms: int) -> None:
    from ligandlab.simulate.lattice import bulk_lattice

    r = bulk_lattice(material, variant=variant, n=3, ps=2.0)
    # the models sit -1 to +5.4 % from experiment (docs/validation.md); a melted or
    # collapsed cell would be far outside this band
    assert r.a_experiment_A is not None
    assert -3.0 < r.deviation_pct < 8.0 and r.a_std_A < 0.1
    assert r.atoms == atoms


@pytest.mark.parametrize(
    ("material", "model", "variant", "compensation"),
    [
        ("MAPbBr3", "hata2017-mapbbr3", "core", -2.07),  # 9 surface cells x 0.23 e
        ("MAPbI3", "myp2015-mapbi3", "core", -2.07),
        ("FAPbBr3", "fapbbr3-approx", "primary_ammonium", 0.0),
    ],
)
def test_molecular_a_cation_slabs_are_neutral_and_run(
    tmp_path: Path, material: str, model: str, variant: str, compensation: float
) -> None:
    slab = ll.build_slab(material, size=(3, 3), layers=3)
    iface = ll.place_ligands(slab, ll.parse_ligand(LIGAND), coverage=1 / 9, mode="BM3", seed=0)
    md = sim.build_system(iface, solvent=None)
    assert md.ion_model == model and md.variant == variant
    assert abs(md.net_charge) < 1e-9
    assert md.info["surface_compensation_e"] == pytest.approx(compensation)
    residues = [r.name for r in md.topology.residues()]
    a_name = material[:2]
    slab_a = len({r for r, n in zip(slab.residues, slab.resnames, strict=True) if n == a_name})
    assert residues.count(a_name) == slab_a - 1  # one A replaced by the BM3 ligand
    # the A cation carries the model's A charge; the ligand's ammonium group the same
    from ligandlab.simulate.forcefield.ions import ion_model_for

    q_a = ion_model_for(material).variants[variant].a_charge
    nb = next(f for f in md.system.getForces() if f.__class__.__name__ == "NonbondedForce")
    first_a = next(r for r in md.topology.residues() if r.name == a_name)
    q = sum(nb.getParticleParameters(a.index)[0]._value for a in first_a.atoms())
    assert q == pytest.approx(q_a, abs=1e-9)
    res = sim.run(md, tmp_path, "test", platform="CPU")
    assert res.frames == 10 and res.modes[-1] == ["BM3"]
    assert np.all(np.isfinite([e["potential_kj_mol"] for e in res.energies]))


def test_molecular_ion_without_model_is_named() -> None:
    """A slab whose molecular A cation the chosen model lacks is refused before any work."""
    slab = ll.build_slab("MAPbBr3", size=(3, 3), layers=3)
    with pytest.raises(ForceFieldError, match="molecular ion MA"):
        sim.build_system(slab.bare(), solvent=None, ion_model="pascazio2022-cspbbr3")


def test_cpu_thread_count_is_passed_to_each_context(monkeypatch: pytest.MonkeyPatch) -> None:
    import openmm

    from ligandlab.simulate.platforms import platform_properties

    cpu = openmm.Platform.getPlatformByName("CPU")
    monkeypatch.delenv("OPENMM_CPU_THREADS", raising=False)
    assert platform_properties(cpu) == {}
    monkeypatch.setenv("OPENMM_CPU_THREADS", "1")
    props = platform_properties(cpu)
    assert props == {"Threads": "1"}
    assert platform_properties(openmm.Platform.getPlatformByName("Reference")) == {}
    system = openmm.System()
    system.addParticle(1.0)
    context = openmm.Context(system, openmm.VerletIntegrator(0.001), cpu, props)
    assert cpu.getPropertyValue(context, "Threads") == "1"


# ----------------------------------------------------------------------------- science (slow)

MD_SPEC = yaml.safe_load((ROOT / "library" / "validation" / "md.yaml").read_text())


@pytest.mark.slow
def test_pe_holds_a_full_monolayer_in_bm3_and_pc_rides_high(tmp_path: Path) -> None:
    """Paper Fig. 3a,b: PE's ammonium fits the A-site pocket and binds in BM3 at full
    coverage; PC's trimethylammonium sits ~0.15 nm higher and leaves BM3 (about 2 min)."""
    s = MD_SPEC["pc_vs_pe_full_monolayer"]
    proto = replace(sim.Protocol.get("quick"), production_ps=s["production_ps"])
    point = {}
    for name in (s["better"], s["worse"]):
        (point[name],) = ll.simulate.coverage(
            name,
            material=s["material"],
            coverages=[1.0],
            solvent=s["solvent"],
            protocol=proto,
            size=(s["size"], s["size"]),
            seed=s["seed"],
            directory=tmp_path / name,
        )
    pe, pc = point[s["better"]], point[s["worse"]]
    assert pe.bm3_fraction >= s["min_bm3_better"] and pe.rupture_ps is None
    assert pe.bm3_fraction - pc.bm3_fraction >= s["min_bm3_gap"]
    lo, hi = s["protrusion_excess_nm"]
    assert lo <= pc.h_n_nm - pe.h_n_nm <= hi
