"""Conformer ensembles and descriptors."""

from __future__ import annotations

import numpy as np
import pytest

import ligandlab as ll
from ligandlab.chem import descriptors


def test_screened_dielectric_span_grows_with_bridge() -> None:
    p95 = [ll.head_descriptors_for("PE", n).span("no", 95) for n in (2, 3, 4)]
    assert p95[0] < p95[1] < p95[2]
    # geometric sanity: a C2 bridge cannot put N and O more than ~6 A apart
    assert 4.5 < p95[0] < 6.0 and p95[2] > 7.0


def test_gas_phase_folds_the_zwitterion() -> None:
    """Why the screened dielectric is the default: in the gas phase most conformers of a C4
    head fold into a salt bridge (N...O < 3 A), hiding the reach of the bridge."""
    model = ll.chem.head_model("PE", 4)
    gas = ll.conformers(model.smiles, n=40, dielectric="1")
    screened = ll.conformers(model.smiles, n=40, dielectric="4r")
    (cat,), (an,) = model.cations, model.anions

    def folded(ens: ll.ConformerEnsemble) -> float:
        xyz = ens.all_positions()
        d = np.linalg.norm(xyz[:, list(an.binding)] - xyz[:, [cat.center]], axis=-1).min(axis=1)
        return float(np.mean(d < 3.0))

    assert folded(gas) > 0.5 > folded(screened)


@pytest.mark.slow
def test_head_ensemble_is_large_enough_for_a_seed_stable_fit() -> None:
    """fit_geometry reads the span fraction P of the head ensemble. With HEAD_CONFORMERS
    minima, the value it gives a PE head on CsPbBr3 must not depend on the conformer seed
    by more than 0.03 (sd over 8 seeds); 40 conformers gave 0.047 for C3 and 0.041 for C4."""
    fit = ll.scoring.get_scorer("fit_geometry")
    sigma, p_ref = fit.params["span_sigma_a"], fit.params["p_ref"]
    for bridge in (2, 3, 4):
        lig = ll.build_ligand("PE", bridge, "C8C12")
        target = (
            ll.score(lig, material="CsPbBr3", scorers=["fit_geometry"])
            .scores["fit_geometry"]
            .details["target_span_A"]
        )
        model = ll.chem.head_model("PE", bridge)
        values = []
        for seed in range(8):
            ens = ll.conformers(model.smiles, n=descriptors.HEAD_CONFORMERS, seed=seed)
            spans = np.asarray(descriptors._compute_head(model, ens, "probe").d_no)
            prob = np.mean(np.exp(-((spans - target) ** 2) / (2 * sigma**2)))
            values.append(0.5 + 0.5 * min(1.0, prob / p_ref))
        assert np.std(values) < 0.03, (bridge, np.round(values, 3))
        # the scorer's own value_se (sd(w)/sqrt(n) of one ensemble) tells the same spread
        value_se = (
            ll.score(lig, material="CsPbBr3", scorers=["fit_geometry"])
            .scores["fit_geometry"]
            .details["value_se"]
        )
        assert 0.5 < value_se / np.std(values) < 2.0, (bridge, value_se, np.std(values))


def test_cation_radius_primary_vs_quaternary() -> None:
    pe = ll.head_descriptors_for("PEA").cation_radius
    pc = ll.head_descriptors_for("PC").cation_radius
    assert pe is not None and pc is not None
    # a primary ammonium is about the size of MA+ (effective radius 2.17 A, Kieslich 2014)
    assert 2.0 < pe < 2.5 and pc > pe + 0.8


def test_tail_descriptors_trends() -> None:
    c16 = ll.tail_descriptors("[*]CCCCCCCCCCCCCCCC")
    c8 = ll.tail_descriptors(ll.chem.fragments.resolve_tail("C8"))
    c8c12 = ll.tail_descriptors(ll.chem.fragments.resolve_tail("C8C12"))
    oleyl = ll.tail_descriptors(ll.chem.fragments.resolve_tail("oleyl"))
    benzyl = ll.tail_descriptors(ll.chem.fragments.resolve_tail("benzyl"))
    # an all-trans chain occupies ~0.18-0.21 nm^2 (crystalline alkanes: ~4.9 chains/nm^2)
    assert 0.15 < c16.cross_section_nm2 < 0.23
    # extended length: Tanford l = 0.154 + 0.1265 n nm for the carbon skeleton, plus vdW ends
    assert 2.0 < c16.extended_length_nm < 2.5 and c16.extended_length_nm > c8.extended_length_nm
    assert c8c12.cross_section_nm2 > 1.5 * c16.cross_section_nm2
    assert (c8c12.branch_points, c16.branch_points) == (1, 0)
    assert (oleyl.unsaturations, c16.unsaturations) == (1, 0)
    assert (benzyl.aromatic_rings, c16.aromatic_rings) == (1, 0)
    assert c16.rotatable_bonds == 14 and c16.carbons == 16
    assert c8c12.volume_nm3 > c16.volume_nm3 > c8.volume_nm3


def test_smiles_ligand_shares_parts_with_built_one() -> None:
    built = ll.build_ligand("PE", 2, "C12")
    typed = ll.Ligand.from_smiles(built.smiles)
    head_smiles, tail_smiles = ll.chem.split_head_tail(typed)
    assert head_smiles == ll.chem.head_model("PE", 2).smiles
    assert tail_smiles == ll.chem.fragments.resolve_tail("C12").smiles
    a, b = ll.describe(built), ll.describe(typed)
    assert a.tail == b.tail and a.head is not None and b.head is not None
    assert a.head.d_no == b.head.d_no


@pytest.mark.parametrize(
    ("smiles", "head", "tail"),
    [
        # 2-dodecylmalonate and N-dodecylglutamate: both carboxylates share one skeleton
        (
            "CCCCCCCCCCCCC(C(=O)[O-])C(=O)[O-]",
            "[13CH3]C(C(=O)[O-])C(=O)[O-]",
            "*CCCCCCCCCCCC",
        ),
        (
            "CCCCCCCCCCCCNC(CCC(=O)[O-])C(=O)[O-]",
            "[13CH3]C(CCC(=O)[O-])C(=O)[O-]",
            "*NCCCCCCCCCCCC",
        ),
        # a dicarboxylate spanning the whole chain (bolaamphiphile) has no tail
        ("[O-]C(=O)CCCCCCCCCCC(=O)[O-]", "O=C([O-])CCCCCCCCCCC(=O)[O-]", None),
    ],
)
def test_several_anchors_on_one_skeleton_keep_the_tail(
    smiles: str, head: str, tail: str | None
) -> None:
    """The skeleton joining several anchors is head; a branch off it is the tail (until
    descriptors v6 the tail touched both anchors' paths and the ligand had none)."""
    assert ll.chem.split_head_tail(ll.Ligand.from_smiles(smiles)) == (head, tail)


@pytest.mark.parametrize(
    ("smiles", "head", "tail"),
    [
        ("NC(=[NH2+])NCCCCCCCC", "[13CH3]NC(N)=[NH2+]", "*CCCCCCCC"),  # octylguanidinium
        ("CCCCCCCCNC=[NH2+]", "[13CH3]NC=[NH2+]", "*CCCCCCCC"),  # N-octylformamidinium
        ("CCCCCCCCC(N)=[NH2+]", "[13CH3]C(N)=[NH2+]", "*CCCCCCCC"),  # nonanamidinium
    ],
)
def test_amidinium_core_is_head(smiles: str, head: str, tail: str) -> None:
    """The N+=C bond is not a single bond to cut: until descriptors v7 the chain on the
    amidinium's other N counted as fused to the head, and the ligand had no tail."""
    lig = ll.Ligand.from_smiles(smiles)
    assert ll.chem.split_head_tail(lig) == (head, tail)
    assert ll.describe(lig).tail is not None


def test_bis_pe_from_smiles_keeps_its_tail() -> None:
    built = ll.build_ligand("bisPE", 2, "C8C12")
    head, tail = ll.chem.split_head_tail(ll.Ligand.from_smiles(built.smiles))
    assert head is not None and head.count("[NH3+]") == 2
    assert tail == "*CC(CCCCCCCC)CCCCCCCCCC"  # the alcohol's R: the glycerol CH2-O is head


def test_built_and_typed_ligands_get_the_same_parts() -> None:
    """Built and typed ligands are both split from their structure. Until descriptors v10
    a typed bis-PE put the glycerol CH2-O in its tail, a built one in its head; both share
    one cache key, so the first scored won (fit_geometry 0.713 or 0.668 on CsPbBr3)."""
    built = ll.build_ligand("bisPE", 2, "C8C12")
    typed = ll.Ligand.from_smiles(built.smiles)
    b, t = ll.describe(built), ll.describe(typed)
    assert b.tail is not None and t.tail is not None and b.head is not None and t.head is not None
    assert b.tail.tail_smiles == t.tail.tail_smiles == built.tail_smiles
    assert b.head.model_smiles == t.head.model_smiles
    assert (b.head.label, t.head.label) == ("bisPE/2", typed.name)  # each its own label
    assert ll.hansen(built) == ll.hansen(typed)
    assert ll.chem.head_descriptors_for("bisPE", 2).model_smiles == b.head.model_smiles


@pytest.mark.parametrize(
    ("smiles", "head", "tail"),
    [
        # the chain sits on the ring's neutral N or a ring C, not on the charged N
        ("CCCCCCCCn1cc[n+](C)c1", "C[n+]1ccn([13CH3])c1", "*CCCCCCCC"),
        ("CCCCc1cc[nH+]cc1", "[13CH3]c1cc[nH+]cc1", "*CCCC"),
        ("CCCCCCc1ccc2cc[nH+]cc2c1", "[13CH3]c1ccc2cc[nH+]cc2c1", "*CCCCCC"),
        (
            "CCCCCCCCCCn1cc[n+](CCS(=O)(=O)[O-])c1",
            "[13CH3]n1cc[n+](CCS(=O)(=O)[O-])c1",
            "*CCCCCCCCCC",
        ),
    ],
)
def test_aromatic_cations_keep_their_ring_as_head(smiles: str, head: str, tail: str) -> None:
    """An aromatic cation's charge spreads over its rings: the ring system is the head and a
    chain on any ring atom is the tail, so tail scorers see it (it had none before)."""
    lig = ll.Ligand.from_smiles(smiles)
    assert ll.chem.split_head_tail(lig) == (head, tail)
    assert ll.describe(lig).tail is not None


@pytest.mark.parametrize(
    "smiles",
    [
        "[NH3+]CCc1ccccc1",
        "CCCCCCCC/C=C\\CCCCCCCC(=O)[O-]",
        "CCCCCCCCP(=O)([O-])O",
        "CCCCCCCCS(=O)(=O)[O-]",
        "[O-]C(=O)c1ccccn1",
    ],
)
def test_describe_any_ligand_class(smiles: str) -> None:
    d = ll.describe(ll.Ligand.from_smiles(smiles))
    assert d.head is not None and d.head.n_conformers > 0
    if smiles != "[O-]C(=O)c1ccccn1":
        assert d.tail is not None and d.tail.extended_length_nm > 0.3


def test_large_molecule_gets_every_conformer_asked_for(fresh_cache) -> None:  # type: ignore[no-untyped-def]
    """ETKDG's default start coordinates fail for most attempts on a 106-atom
    bis-zwitterion; the ensemble is topped up from random coordinates, all distinct."""
    from rdkit import Chem
    from rdkit.Chem import rdDistGeom

    smi = "[NH3+]CCCOP(=O)([O-])OCC(COCC(CCCCCCCC)CCCCCCCCCC)OP(=O)([O-])OCCC[NH3+]"
    params = rdDistGeom.ETKDGv3()
    params.randomSeed = 1
    plain = rdDistGeom.EmbedMultipleConfs(Chem.AddHs(Chem.MolFromSmiles(smi)), 4, params)
    assert len(plain) < 4  # the case being tested
    ens = ll.conformers(smi, n=4)
    assert len(ens) == 4 and len(ens.energies) == 4
    assert np.all(np.diff(ens.energies) >= 0)
    x = ens.all_positions()
    assert min(np.abs(x[i] - x[j]).max() for i in range(4) for j in range(i)) > 0.1


def test_threaded_minimisation_matches_one_force_field_per_conformer(fresh_cache) -> None:  # type: ignore[no-untyped-def]
    """conformers() minimises all conformers with one screened-dielectric force field on
    all cores; each must reach the minimum its own force field reaches, not share one."""
    from rdkit import Chem
    from rdkit.Chem import AllChem

    from ligandlab.chem.conformers import set_dielectric

    smi = "[13CH3]OP(=O)([O-])OCCC[NH3+]"
    ens = ll.conformers(smi, n=12, seed=3)
    mol = Chem.AddHs(Chem.MolFromSmiles(Chem.CanonSmiles(smi)))
    props = AllChem.MMFFGetMoleculeProperties(mol)
    set_dielectric(props, "4r")
    x = ens.all_positions()
    assert min(np.abs(x[i] - x[j]).max() for i in range(12) for j in range(i)) > 0.1
    for k in range(12):
        probe = Chem.Mol(ens.mol, confId=k)
        ff = AllChem.MMFFGetMoleculeForceField(probe, props)
        assert ff.CalcEnergy() == pytest.approx(ens.energies[k], abs=1e-3)
        ff.Minimize(maxIts=2000)  # already at its minimum: a per-conformer run stays put
        assert np.abs(ff.Positions() - x[k].ravel()).max() < 1e-2


def test_conformer_cache_roundtrip_and_seed(fresh_cache) -> None:  # type: ignore[no-untyped-def]
    smi = "CCCCCOP(=O)([O-])OCC[NH3+]"
    a = ll.conformers(smi, n=8, seed=3)
    files = list(fresh_cache.rglob("*.pkl"))
    assert len(files) == 1
    b = ll.conformers(smi, n=8, seed=3)  # from disk
    # bit for bit: a fresh ensemble once kept double-precision coordinates while the cache
    # holds RDKit's single-precision pickle, and a stretched PS900 tail then relaxed into
    # another minimum on a cold run than on a warm one
    assert np.array_equal(a.all_positions(), b.all_positions())
    c = ll.conformers(smi, n=8, seed=4)
    assert not np.allclose(a.all_positions(), c.all_positions())
    # conformers differ from each other (RDKit's seed-0 quirk is avoided)
    x = a.all_positions()
    assert np.abs(x - x[0]).max(axis=(1, 2))[1:].min() > 0.1
    assert list(a.energies) == sorted(a.energies)


def test_describe_many_computes_each_part_once(fresh_cache, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls = {"head": 0, "tail": 0}
    real_head, real_tail = (
        descriptors._head_descriptors_uncached,
        descriptors._tail_descriptors_uncached,
    )

    def head(*a):  # type: ignore[no-untyped-def]
        calls["head"] += 1
        return real_head(*a)

    def tail(*a):  # type: ignore[no-untyped-def]
        calls["tail"] += 1
        return real_tail(*a)

    monkeypatch.setattr(descriptors, "_head_descriptors_uncached", head)
    monkeypatch.setattr(descriptors, "_tail_descriptors_uncached", tail)
    ligs = ll.enumerate_ligands(heads=["PE", "PC"], bridges=[2, 3], tails=["C5", "C8", "benzyl"])
    out = ll.describe_many(ligs, workers=1)
    assert len(out) == len(ligs) == 9  # PE/2, PE/3, PC(=PE-NMe3/2) x 3 tails
    assert calls == {"head": 3, "tail": 3}
    ll.describe_many(ligs, workers=1)
    assert calls == {"head": 3, "tail": 3}


def test_cache_env_moves_cache(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LIGANDLAB_CACHE", str(tmp_path / "elsewhere"))
    ll.conformers("CCO", n=2)
    assert list((tmp_path / "elsewhere").rglob("*.pkl"))
    monkeypatch.setenv("LIGANDLAB_CACHE", "off")
    assert ll.cache.cache_dir() is None
    ll.conformers("CCCO", n=2)  # computed, nothing written
    assert len(list((tmp_path / "elsewhere").rglob("*.pkl"))) == 1


def test_cold_and_warm_descriptors_agree(fresh_cache, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Descriptors computed while the conformers are generated equal those computed from
    the cached conformers, and those with the cache off (same inputs, same outputs)."""
    import shutil

    tail = ll.build_ligand("PE", 2, "oleyl")
    cold = ll.describe(tail).tail
    shutil.rmtree(fresh_cache / "descriptors")
    monkeypatch.setattr(descriptors, "_TAIL_MEMO", {})
    warm = ll.describe(tail).tail  # conformers from disk, descriptors recomputed
    monkeypatch.setenv("LIGANDLAB_CACHE", "off")
    monkeypatch.setattr(descriptors, "_TAIL_MEMO", {})
    off = ll.describe(tail).tail
    assert cold == warm == off


def test_alkyl_run_counts_the_chain_that_can_crystallise() -> None:
    """A diacyl counts one acyl chain (the glycerol and esters break the run), so two short
    chains are not mistaken for one long crystallising one."""
    dipalmitoyl = ll.chem.fragments.resolve_tail("DPG")
    dioctanoyl = "[*]C[C@H](OC(=O)CCCCCCC)COC(=O)CCCCCCC"
    runs = {
        t: ll.tail_descriptors(t).alkyl_run
        for t in ("[*]CCCCCCCCCCCCCCCC", dipalmitoyl, dioctanoyl, "[*]CCCCCCCCCCCCO")
    }
    assert list(runs.values()) == [16, 15, 7, 11]
    crystallinity = [
        ll.score(ll.build_ligand("PE", 2, t), material="CsPbBr3")
        .scores["steric_density"]
        .details["crystallinity"]
        for t in (dipalmitoyl, dioctanoyl)
    ]
    assert crystallinity == [0.833, 0.0]


def test_every_library_ligand_splits_into_its_parts() -> None:
    """The structural split reproduces the library's head model and tail for every built
    ligand and reference, so typed and built molecules share descriptors and a screen
    describes each library tail once (a bis-PE tail of its own cost 57 s of a cold screen)."""
    from ligandlab.chem.assembly import head_model

    ligs = [*ll.enumerate_ligands(), *ll.reference_ligands()]
    assert len(ligs) > 700
    for lig in ligs:
        if lig.parts is None:
            continue
        model = head_model(lig.parts.head, lig.parts.bridge).smiles
        assert ll.chem.split_head_tail(lig) == (model, lig.tail_smiles), lig.name


@pytest.mark.parametrize(
    ("smiles", "head", "tail"),
    [
        ("[NH3+]CCCCCC[N+](=O)[O-]", "[13CH3][NH3+]", "*CCCCCC[N+](=O)[O-]"),
        (
            "O=[N+]([O-])c1ccc(CCOP(=O)([O-])OCC[NH3+])cc1",
            "[13CH3]OP(=O)([O-])OCC[NH3+]",
            "*CCc1ccc([N+](=O)[O-])cc1",
        ),
    ],
)
def test_a_charged_but_neutral_group_stays_in_the_tail(smiles: str, head: str, tail: str) -> None:
    """A nitro group's N+ and O- are no binding group: its piece is tail, not a second
    head that replaced the real one (until 2026-11-23 such a ligand had no tail, scored 0
    in steric_density and failed solvent_match)."""
    assert ll.chem.split_head_tail(ll.parse_ligand(smiles)) == (head, tail)


@pytest.mark.parametrize("smiles", ["C", "CCCCCCCCCCCCCCCC", "C[N+](C)(C)CCOP(=O)([O-])OC"])
def test_vdw_volume_is_rdkits_number(smiles: str) -> None:
    """The numpy voxel count gives exactly ``AllChem.ComputeMolVolume``'s volume."""
    from rdkit import Chem
    from rdkit.Chem import AllChem

    from ligandlab.chem.volume import vdw_volume

    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    AllChem.EmbedMolecule(mol, randomSeed=7)
    assert vdw_volume(mol) == AllChem.ComputeMolVolume(mol, gridSpacing=0.2)
    assert vdw_volume(mol, grid_spacing=0.3) == AllChem.ComputeMolVolume(mol, gridSpacing=0.3)


def test_vdw_volume_falls_back_on_an_unknown_grid_layout(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rdkit import Chem
    from rdkit.Chem import AllChem

    from ligandlab.chem import volume

    mol = Chem.AddHs(Chem.MolFromSmiles("CCO"))
    AllChem.EmbedMolecule(mol, randomSeed=7)
    monkeypatch.setattr(volume, "_PICKLE_VERSION", 99)  # as if RDKit changed its format
    assert volume.vdw_volume(mol) == AllChem.ComputeMolVolume(mol, gridSpacing=0.2)

    class Occupancy(list):  # type: ignore[type-arg]
        """A vector whose pickle holds only a header: counted by iteration or not at all."""

        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (bytes, (np.array([-1, 0, 2, 3, 4, 0], dtype="<i4").tobytes(),))

    # the fallback is the path taken: the header's version is unknown and the values come
    # from iterating the vector (the blob has no data words to count)
    assert volume._count_full(Occupancy([3, 0, 3, 1])) == 2
