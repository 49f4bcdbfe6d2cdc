"""Materials, slabs, site geometry, ligand placement and whole nanocrystals."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import ligandlab as ll
from ligandlab.cli import main
from ligandlab.errors import MaterialError, PlacementError, UnknownMaterialError
from ligandlab.materials import Material, build_nanocrystal, build_slab, place_ligands


@pytest.mark.parametrize("name", ["CsPbBr3", "MAPbBr3", "FAPbBr3"])
def test_ax_slab_counts_neutrality_and_density(name: str) -> None:
    slab = build_slab(name, (8, 8), 3, "AX")
    assert slab.top.n == 64
    comp = slab.composition()
    a = slab.material.a_site.symbol.upper()
    assert comp[a] == 4 * 64 and comp["PB"] == 3 * 64 and comp["BR"] == 10 * 64
    assert slab.charge() == 0 and not slab.checks["polar"]
    g = slab.geometry
    assert g.site_density_nm2 == pytest.approx(1 / slab.material.a_nm**2, rel=0.01)
    if name != "CsPbBr3":  # organic cations are whole molecules with hydrogens
        n_h = sum(1 for s in slab.atoms.get_chemical_symbols() if s == "H")
        assert n_h == comp[a] * (6 if name == "MAPbBr3" else 5)


def test_cspbbr3_site_density_matches_the_paper() -> None:
    assert build_slab("CsPbBr3", (8, 8), 3).geometry.site_density_nm2 == pytest.approx(
        2.90, rel=0.01
    )


def test_site_geometry_scales_with_the_lattice() -> None:
    br = build_slab("CsPbBr3", (4, 4), 3).geometry
    i = build_slab("CsPbI3", (4, 4), 3).geometry
    ratio = Material.get("CsPbI3").a / Material.get("CsPbBr3").a
    assert i.a_to_x / br.a_to_x == pytest.approx(ratio, rel=1e-6)
    assert br.a_to_x == pytest.approx(5.87 / np.sqrt(2), rel=1e-6)
    assert br.x_height == pytest.approx(5.87 / 2)


def test_pbx2_termination_is_neutral() -> None:
    slab = build_slab("CsPbBr3", (4, 4), 3, "PbX2")
    assert slab.charge() == 0 and slab.composition()["CS"] == 2 * 16


def test_paper_stoichiometry_lig_half_abr_half() -> None:
    slab = build_slab("CsPbBr3", (8, 8), 3, ax_fraction=0.5, ligand_fraction=0.5)
    assert int((slab.top.a_atom >= 0).sum()) == 32
    iface = place_ligands(slab, ll.build_ligand("PE", 2, "C5"), mode="BM3")
    assert iface.modes() == {"BM3": 32}
    assert iface.composition()["CS"] == 4 * 64 - 32 and iface.charge == 0


def test_surplus_over_vacancies_goes_bm1() -> None:
    slab = build_slab("CsPbBr3", (8, 8), 3, ax_fraction=0.5)
    iface = place_ligands(slab, ll.build_ligand("PE", 2, "C5"), coverage=0.75, mode="BM3")
    assert iface.modes() == {"BM3": 32, "BM1": 16}
    assert iface.composition()["CS"] == 4 * 64 - 32  # [ABr] stays as built


def test_full_coverage_pe_on_fapbbr3() -> None:
    pe = ll.build_ligand("PE", 2, "C5")
    slab = build_slab("FAPbBr3", (8, 8), 3)
    iface = place_ligands(slab, pe, coverage=1.0, mode="BM3")
    assert len(iface.placements) == 64
    assert iface.min_intermolecular_distance() > 1.6
    pos = iface.atoms.get_positions()
    n = pe.cations[0].center
    for p in iface.placements:
        assert np.linalg.norm(pos[p.atoms[0] + n][:2] - slab.top.a_pos[p.site][:2]) < 1.0
    assert iface.charge == 0


def test_bad_input() -> None:
    with pytest.raises(UnknownMaterialError, match="closest: CsPbBr3"):
        Material.get("CsPbBr4")
    with pytest.raises(MaterialError, match=re.escape("add up to 1 (they add up to 1.1)")):
        Material.get("CsPb(Br0.5I0.6)3")
    with pytest.raises(MaterialError, match=re.escape("add up to 3 (they add up to 2)")):
        Material.get("CsPbBrI")
    with pytest.raises(MaterialError, match="appears twice"):
        Material.get("CsPbBr2Br")
    with pytest.raises(MaterialError, match="too thin"):
        build_slab("CsPbBr3", (4, 4), 2)
    with pytest.raises(MaterialError, match="termination"):
        build_slab("CsPbBr3", (4, 4), 3, termination="PbX")  # type: ignore[arg-type]
    with pytest.raises(MaterialError, match="facet"):
        build_slab("CsPbBr3", (4, 4), 3, facet="210")
    slab = build_slab("CsPbBr3", (4, 4), 3)
    pe = ll.build_ligand("PE", 2, "C5")
    with pytest.raises(PlacementError, match="0-1"):
        place_ligands(slab, pe, coverage=1.5)
    with pytest.raises(PlacementError, match="only 16"):
        place_ligands(slab, pe, count=17)
    with pytest.raises(PlacementError, match=r"needs a Slab.*cap_nanocrystal"):
        place_ligands(ll.build_nanocrystal("CsPbBr3", edge_nm=3.0), pe, coverage=0.5)


def test_mixed_halide_and_double_perovskite() -> None:
    mixed = Material.get("CsPb(Br0.5I0.5)3")
    assert mixed.a == pytest.approx((5.87 + 6.29) / 2)
    # the chemist's subscript notation: the same lattice and halides
    same = Material.get("CsPbBr1.5I1.5")
    assert same.a == pytest.approx(mixed.a) and same.halides == mixed.halides
    two_to_one = Material.get("CsPbBr2I")  # an omitted subscript is 1
    assert two_to_one.a == pytest.approx((2 * 5.87 + 6.29) / 3)
    assert [(ion.symbol, round(f, 4)) for ion, f in two_to_one.halides] == [
        ("Br", 0.6667),
        ("I", 0.3333),
    ]
    assert Material.get("FAPbCl1.5Br1.5").r_x == pytest.approx((1.81 + 1.96) / 2)
    dp = build_slab("Cs2AgBiBr6", (4, 4), 3)
    comp = dp.composition()
    assert comp["AG"] == comp["BI"] and dp.charge() == 0
    chloride = Material.get("Cs2AgBiCl6")  # McClure 2016: a = 10.77687 A (Fm-3m)
    assert chloride.double and chloride.a == pytest.approx(10.77687 / 2)
    assert build_slab(chloride, (4, 4), 3).charge() == 0


def test_tin_perovskites_are_built_like_the_lead_ones() -> None:
    sn = Material.get("CsSnI3")
    assert [b.symbol for b in sn.b_sites] == ["Sn"] and sn.b_sites[0].radius == 1.16
    # the documented estimate: CsPbI3 scaled by the MA tin-to-lead ratio (Weber 1978)
    assert sn.a == pytest.approx(6.29 * 6.24 / 6.33, abs=0.005) and "est." in sn.source
    assert Material.get("MASnBr3").a == 5.89 and "Weber" in Material.get("MASnBr3").source
    # a smaller B ion than Pb2+ (1.19 A) raises the tolerance factor
    assert sn.tolerance_factor > Material.get("CsPbI3").tolerance_factor
    slab = build_slab("CsSnI3", (8, 8), 3)
    comp = slab.composition()
    assert comp["SN"] == 3 * 64 and "PB" not in comp and comp["I"] == 10 * 64
    assert slab.charge() == 0 and slab.top.n == 64
    assert slab.geometry.a_to_x == pytest.approx(sn.a / np.sqrt(2), rel=1e-6)
    assert build_slab("CsSnI3", (4, 4), 3, "PbX2").charge() == 0  # the BX2 layer outside
    cube = build_nanocrystal("CsSnBr3", edge_nm=3.0)
    assert cube.atoms.get_chemical_symbols().count("Sn") == cube.n_pb
    # mixtures by Vegard's law between tin end members
    assert Material.get("CsSnBr2I").a == pytest.approx((2 * 5.83 + 6.20) / 3)
    mixed_a = Material.get("Cs0.5FA0.5SnI3")
    assert mixed_a.a == pytest.approx((6.20 + 6.27) / 2) and mixed_a.b_sites[0].symbol == "Sn"
    assert "CsSnI3" in ll.material_names() and "FASnBr3" in ll.material_names()


def test_mixed_lead_tin_b_site() -> None:
    m = Material.get("CsPb0.5Sn0.5I3")
    assert m.mixed_b and not m.single and [b.symbol for b in m.b_sites] == ["Pb", "Sn"]
    assert m.a == pytest.approx((6.29 + 6.20) / 2) and m.r_b == pytest.approx((1.19 + 1.16) / 2)
    assert Material.get("CsPb0.5Sn0.5I3").a == Material.get("Cs(Pb0.5Sn0.5)I3").a
    # trilinear Vegard over A, B and X
    abx = Material.get("(FA0.5Cs0.5)(Pb0.7Sn0.3)I3")
    ends = {("FA", "Pb"): 6.362, ("FA", "Sn"): 6.27, ("Cs", "Pb"): 6.29, ("Cs", "Sn"): 6.20}
    fa, fb = {"FA": 0.5, "Cs": 0.5}, {"Pb": 0.7, "Sn": 0.3}
    assert abx.a == pytest.approx(sum(fa[a] * fb[b] * v for (a, b), v in ends.items()))
    assert "B-site metals" in abx.notes[0]
    slab = build_slab(m, (8, 8), 3, seed=3)
    comp = slab.composition()
    assert comp["PB"] + comp["SN"] == 3 * 64 and comp["PB"] > 0 and comp["SN"] > 0
    assert slab.charge() == 0
    # the B site draws from its own stream: the halide layout is the unmixed slab's
    lead = build_slab("CsPbI3", (8, 8), 3, seed=3).atoms.get_chemical_symbols()
    mixed = slab.atoms.get_chemical_symbols()
    assert [s for s in mixed if s not in ("Pb", "Sn")] == [s for s in lead if s != "Pb"]
    assert mixed == build_slab(m, (8, 8), 3, seed=3).atoms.get_chemical_symbols()
    # over seeds the Sn share follows the fraction (192 B sites per slab)
    share = [build_slab(m, (8, 8), 3, seed=s).composition()["SN"] / 192 for s in range(8)]
    assert np.mean(share) == pytest.approx(0.5, abs=0.05)
    cube = build_nanocrystal("CsPb0.5Sn0.5I3", edge_nm=4.0)
    syms = cube.atoms.get_chemical_symbols()
    assert syms.count("Pb") + syms.count("Sn") == cube.n_pb and syms.count("Sn") > 0
    with pytest.raises(MaterialError, match="B-site fractions must be positive and add up to 1"):
        Material.get("CsPb0.5Sn0.6I3")
    with pytest.raises(MaterialError, match="one B metal"):
        build_slab(m, (4, 4), 3, facet="110")


def test_tin_without_a_lattice_constant_is_a_clear_error() -> None:
    with pytest.raises(MaterialError, match=r"no lattice constant for CsSnCl3.*CsSnBr3"):
        Material.get("CsSnCl3")
    with pytest.raises(MaterialError, match="no lattice constant for CsSnCl3"):
        Material.get("CsSn(Br0.5Cl0.5)3")
    with pytest.raises(UnknownMaterialError, match="CsSnI3"):
        Material.get("CsGeI3")


def test_mixed_a_site_lattice_and_notation() -> None:
    """Cs/FA/MA mixtures: Vegard's law over A (and X), fractions add up to 1."""
    csfa = Material.get("Cs0.5FA0.5PbI3")
    assert csfa.a == pytest.approx((6.29 + 6.362) / 2)
    assert csfa.r_a == pytest.approx((1.88 + 2.53) / 2)
    assert Material.get("(FA0.5Cs0.5)PbI3").a == pytest.approx(csfa.a)
    assert csfa.a_site.symbol in ("Cs", "FA") and csfa.mixed_a
    assert Material.get("FA0.9Cs0.1PbBr3").a_site.symbol == "FA"  # the majority cation
    # bilinear over A and X: a = sum f_A f_X a(AX)
    both = Material.get("FA0.8Cs0.2Pb(I0.75Br0.25)3")
    expected = 0.8 * (0.75 * 6.362 + 0.25 * 5.99) + 0.2 * (0.75 * 6.29 + 0.25 * 5.87)
    assert both.a == pytest.approx(expected)
    assert Material.get("FA0.8Cs0.2PbI2.25Br0.75").a == pytest.approx(expected)
    assert "A-site cations and halides" in both.notes[0]
    lo, hi = Material.get("CsPbI3").tolerance_factor, Material.get("FAPbI3").tolerance_factor
    assert lo < csfa.tolerance_factor < hi
    assert not Material.get("CsPbBr3").mixed_a
    assert Material.get("Cs₀.₅FA₀.₅PbI₃").name == "Cs0.5FA0.5PbI3"  # pasted subscripts
    for bad, match in (
        ("Cs0.5FA0.6PbI3", "add up to 1 \\(they add up to 1.1\\)"),
        ("Cs0.5Cs0.5PbI3", "appears twice"),
        ("Cs0FA1PbI3", "must be positive"),
    ):
        with pytest.raises(MaterialError, match=match):
            Material.get(bad)
    with pytest.raises(UnknownMaterialError):
        Material.get("(Cs0.5FA0.5PbI3")


def test_mixed_a_site_slab_and_cube() -> None:
    slab = build_slab("Cs0.5FA0.5PbBr1.5I1.5", (8, 8), 3, seed=4)
    comp = slab.composition()
    assert comp["CS"] + comp["FA"] == 4 * 64 and 0.35 < comp["FA"] / (4 * 64) < 0.65
    assert slab.charge() == 0 and not slab.checks["polar"]
    n_h = sum(1 for s in slab.atoms.get_chemical_symbols() if s == "H")
    assert n_h == 5 * comp["FA"]  # FA molecules whole, Cs as ions
    again = build_slab("Cs0.5FA0.5PbBr1.5I1.5", (8, 8), 3, seed=4)
    assert again.composition() == comp  # a seed fixes the occupation
    # the A draw has its own stream: the halide layout equals the unmixed-A slab's
    halides = [s for s in slab.atoms.get_chemical_symbols() if s in ("Br", "I")]
    unmixed = build_slab("CsPbBr1.5I1.5", (8, 8), 3, seed=4).atoms.get_chemical_symbols()
    assert halides == [s for s in unmixed if s in ("Br", "I")]
    iface = place_ligands(slab, ll.build_ligand("PE", 2, "C5"), coverage=0.5, mode="BM3")
    assert iface.charge == 0 and sum(iface.removed_ions.values()) == 2 * 32
    assert 1.6 < iface.min_intermolecular_distance() < 12.0  # exact even past 3 A
    with pytest.raises(MaterialError, match="one A cation"):
        build_slab("Cs0.5FA0.5PbBr3", (2, 2), 3, facet="110")
    nc = build_nanocrystal("FA0.9Cs0.1PbBr3", edge_nm=4.0)
    syms = nc.atoms.get_chemical_symbols()
    n_cs, n_fa = syms.count("Cs"), syms.count("C")  # one C per FA
    assert n_cs + n_fa == (nc.n + 1) ** 3 and 0 < n_cs < n_fa
    assert nc.charge == 3 * nc.n + 1


GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


@pytest.mark.parametrize("abr", GRID)
def test_every_stoichiometry_on_the_grid(abr: float) -> None:
    """[Lig] + [ABr] <= 1: all ligands in BM3 on vacated pairs, [ABr] AX pairs left.
    Above 1: the surplus lies in BM1 on intact pairs (documented in docs/surfaces.md)."""
    pe = ll.build_ligand("PE", 2, "C5")
    for lig in GRID:
        slab = build_slab("CsPbBr3", (4, 4), 3, ax_fraction=abr, ligand_fraction=lig)
        if lig == 0:
            with pytest.raises(PlacementError, match="no ligands"):
                place_ligands(slab, [], coverage=0.0)
            continue
        iface = place_ligands(slab, pe, mode="BM3")
        n_lig, n_abr = round(16 * lig), round(16 * abr)
        surplus = max(0, n_lig + n_abr - 16)
        expected = {"BM3": n_lig - surplus, "BM1": surplus}
        assert iface.modes() == {k: v for k, v in expected.items() if v}
        assert iface.composition().get("CS", 0) == 4 * 16 - (16 - n_abr)
        assert iface.charge == 0
        assert iface.min_intermolecular_distance() >= 1.6


def test_a_diammonium_seats_its_primary_ammonium() -> None:
    """Ligand.seating_cation: the N with the fewest heavy neighbours takes the pocket, as
    fit_geometry scores it (placement version 5; the first N by atom order before)."""
    lig = ll.Ligand.from_smiles("CCCCCCCCCCCC[NH2+]CCC[NH3+]")
    assert lig.seating_cation is not None
    assert lig.seating_cation.group == "primary_ammonium"
    iface = place_ligands(build_slab("CsPbBr3", (3, 3), 3), lig, count=1, mode="BM2")
    (placed,) = iface.placements
    z = iface.to_ase().get_positions()[:, 2]
    n_z = {a.group: z[placed.atoms[0] + a.center] for a in lig.cations}
    face = placed.face  # +1: the top face, whose normal is +z
    assert face * (n_z["secondary_ammonium"] - n_z["primary_ammonium"]) > 1.0
    assert abs(iface.heights()[lig.name]["cation_height_A"]) < 0.75


def test_pc_sits_higher_than_pe() -> None:
    """SCIENCE.md section 3: the quaternary PC head protrudes; the primary PE head fits."""
    for name in ("CsPbBr3", "MAPbBr3", "FAPbBr3"):
        slab = build_slab(name, (4, 4), 3)
        h = {}
        for head in ("PE", "PC"):
            iface = place_ligands(slab, ll.build_ligand(head, 2, "C5"), coverage=1.0)
            h[head] = next(iter(iface.heights().values()))["cation_height_A"]
        assert h["PC"] - h["PE"] > 0.4, (name, h)
        assert abs(h["PE"]) < 0.75, (name, h)


@pytest.mark.parametrize(
    ("smiles", "group"),
    [
        ("CCCCCCCC[NH3+]", "cation"),
        ("CCCCCCCCCCC(=O)[O-]", "anion"),
        ("CCCCCCCCP(=O)([O-])O", "anion"),
        ("CCCCCCCCS(=O)(=O)[O-]", "anion"),
        ("CCCC[N+](C)(C)CCCS(=O)(=O)[O-]", "both"),
        ("[O-]C(=O)c1ccccn1", "anion"),
    ],
)
def test_every_ligand_class_takes_its_site(smiles: str, group: str) -> None:
    slab = build_slab("CsPbBr3", (4, 4), 3)
    iface = place_ligands(slab, smiles, coverage=0.5, mode="BM3")
    removed = iface.removed_ions
    assert removed.get("CS", 0) == (8 if group in ("cation", "both") else 0)
    assert removed.get("BR", 0) == (8 if group in ("anion", "both") else 0)
    assert iface.charge == 0
    pos = iface.atoms.get_positions()
    lig = iface.ligands[0]
    p = iface.placements[0]
    if lig.cations:
        n = pos[p.atoms[0] + lig.cations[0].center]
        assert np.linalg.norm(n[:2] - slab.top.a_pos[p.site][:2]) < 1.5
    if lig.anions:
        c = pos[p.atoms[0] + lig.anions[0].center]
        assert np.linalg.norm(c[:2] - slab.top.x_pos[p.site][:2]) < 2.0
    heavy = [i for i in range(*p.atoms) if iface.atoms[i].symbol != "H"]
    assert pos[heavy, 2].max() > slab.top.z_plane + 2.0  # the rest points away


def test_mixed_shell_fractions_and_determinism() -> None:
    slab = build_slab("CsPbBr3", (4, 4), 3)
    ligs = [ll.build_ligand("PE", 2, "C5"), ll.Ligand.from_smiles("CCCCCCCC[NH3+]")]
    # dense mixed shells of unlike tails can clash in a rigid start pose (docs/surfaces.md)
    a = place_ligands(slab, ligs, coverage=0.5, fractions=[0.75, 0.25], seed=3)
    b = place_ligands(slab, ligs, coverage=0.5, fractions=[0.75, 0.25], seed=3)
    assert [p.ligand for p in a.placements].count(0) == 6
    assert np.array_equal(a.atoms.get_positions(), b.atoms.get_positions())
    assert a.atoms.get_chemical_symbols() == b.atoms.get_chemical_symbols()
    with pytest.raises(PlacementError, match="sum to 1"):
        place_ligands(slab, ligs, coverage=1.0, fractions=[0.5, 0.4])


def test_interface_files_and_conversions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    slab = build_slab("FAPbBr3", (4, 4), 3)
    iface = place_ligands(slab, ll.build_ligand("PE", 2, "C5"), coverage=0.5)
    pdb = iface.write(tmp_path / "x.pdb").read_text()
    n_lig = iface.placements[0].atoms[1] - iface.placements[0].atoms[0]
    assert pdb.count(" L01 ") == 8 * n_lig
    assert " FA " in pdb and pdb.startswith("CRYST1")
    from ase.io import read

    back = read(tmp_path / iface.write(tmp_path / "x.extxyz").name)
    assert len(back) == len(iface.atoms)
    assert iface.write(tmp_path / "x.cif").stat().st_size > 0
    assert len(iface.to_pymatgen()) == len(iface.atoms)
    assert list(iface.to_ase().get_array("residuenames")[-1:]) == ["L01"]
    png = iface.render(tmp_path / "x.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ll.LigandLabError, match="format"):
        iface.write(tmp_path / "x.gro")
    with pytest.raises(ll.LigandLabError, match="cannot write"):
        iface.write(tmp_path / "missing" / "x.pdb")


def test_other_facets_differ() -> None:
    g100 = build_slab("CsPbBr3", (2, 2), 3, facet="100").geometry
    g110 = build_slab("CsPbBr3", (2, 2), 3, facet="110").geometry
    assert g110.site_density_nm2 == pytest.approx(g100.site_density_nm2 / np.sqrt(2), rel=0.02)


@pytest.mark.parametrize("edge_nm", [4.0, 8.0, 12.0])
def test_cube_has_six_d_over_a_squared_sites(edge_nm: float) -> None:
    nc = build_nanocrystal("CsPbBr3", edge_nm=edge_nm)
    ratio = edge_nm * 10 / nc.material.a
    n = round(ratio)
    counts = nc.site_counts()
    assert counts["total"] == 6 * n**2 + 2
    assert counts["corner"] == 8 and counts["edge"] == 12 * (n - 1)
    assert counts["facet"] == 6 * (n - 1) ** 2
    assert all(counts[f] == (n + 1) ** 2 for f in ("+x", "-x", "+y", "-y", "+z", "-z"))
    # within rounding of d/a to whole cells (|n - d/a| <= 0.5), plus the 2 extra corner sites
    lo, hi = 6 * (ratio - 0.5) ** 2, 6 * (ratio + 0.5) ** 2 + 2
    assert lo <= counts["total"] <= hi
    assert nc.charge == 3 * n + 1


def test_ligand_amounts() -> None:
    nc = build_nanocrystal("CsPbBr3", edge_nm=8.0)
    lig = ll.build_ligand("PE", 2, "C8C12")
    full = nc.ligand_amount(lig, coverage=1.0, nc_mg=10.0)
    assert full.ligands_per_nc == nc.n_sites
    assert full.mol_per_mol_pb == pytest.approx(nc.n_sites / nc.n**3)
    # mg of ligand = mg of crystals x (ligands per crystal x M_ligand / M_crystal)
    assert full.ligand_mg == pytest.approx(
        10.0 * nc.n_sites * full.ligand_molar_mass / nc.molar_mass
    )
    half = nc.ligand_amount(lig, coverage=0.5, pb_mmol=0.1)
    assert half.ligand_umol == pytest.approx(100.0 * round(0.5 * nc.n_sites) / nc.n**3)
    with pytest.raises(PlacementError, match="0-1"):
        nc.ligand_amount(lig, coverage=1.2)
    with pytest.raises(PlacementError, match="not both"):
        nc.ligand_amount(lig, nc_mg=1.0, pb_mmol=1.0)
    with pytest.raises(MaterialError, match="termination"):
        build_nanocrystal("CsPbBr3", edge_nm=8.0, termination="PbX2")
    with pytest.raises(MaterialError, match="under two"):
        build_nanocrystal("CsPbBr3", edge_nm=0.5)


def test_cli_slab_and_errors(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "slab.pdb"
    main(["slab", "FAPbBr3", "--size", "4", "4", "--layers", "3", "-o", str(out), "--json"])
    import json

    record = json.loads(capsys.readouterr().out)[0]
    assert record["surface A-sites"] == 16 and record["charge"] == 0 and out.exists()
    main(
        [
            "slab",
            "CsPbBr3",
            "--size",
            "4",
            "4",
            "--ligand",
            "C5-PEA",
            "--coverage",
            "0.5",
            "--mode",
            "BM3",
            "--json",
        ]
    )
    record = json.loads(capsys.readouterr().out)[0]
    assert record["modes"] == {"BM3": 8}
    for argv, msg in [
        (["slab", "CsPbBr4"], "closest"),
        (["slab", "CsPbBr3", "--layers", "2"], "too thin"),
        (["slab", "CsPbBr3", "--ligand", "C5-PEA", "--coverage", "1.5"], "0-1"),
        (["slab", "CsPbBr3", "--facet", "211"], "facet"),
        (["slab", "CsPbBr3", "--size", "2", "2", "-o", str(tmp_path / "no" / "x.pdb")], "write"),
        (["nanocrystal", "CsPbBr3", "--edge", "0.1"], "under two"),
    ]:
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert msg in err and err.count("\n") == 1


def test_reprs_are_one_line_summaries() -> None:
    """A notebook shows a slab, an interface or a crystal as one line, not pages of arrays."""
    slab = build_slab("CsPbBr3", size=(2, 2), layers=3)
    assert repr(slab) == "Slab('CsPbBr3', (100) AX, 2x2x3 layers, 68 atoms, 4 top sites)"
    iface = place_ligands(slab, ll.build_ligand("PE", 2, "C8"), coverage=0.5, seed=0)
    assert repr(iface) == f"Interface({slab!r}, 2 x C8-PEA (2 BM3), {len(iface.atoms)} atoms)"
    nc = build_nanocrystal("CsPbBr3", edge_nm=8.0)
    assert repr(nc) == (
        f"Nanocrystal('CsPbBr3', 8.22 nm edge, n=14, {len(nc.atoms)} atoms, "
        f"{nc.n_sites} surface A sites, charge +43)"
    )
    assert repr(ll.Ligand.from_smiles("CC[NH3+]")) == (
        "Ligand(smiles='CC[NH3+]', name='CC[NH3+]', charge=1, ligand_class='ammonium', "
        "family='cationic', parts=None)"
    )


def test_uniform_half_coverage_is_a_checkerboard() -> None:
    from ligandlab.materials.placement import site_order

    slab = build_slab("CsPbBr3", (6, 6), 3)
    half = site_order(slab, 1, "uniform", 0)[:18]
    xy = slab.top.a_pos[half, :2]
    box = np.diag(slab.atoms.cell.array)[:2]
    d = xy[:, None] - xy[None]
    d -= box * np.round(d / box)
    dist = np.linalg.norm(d, axis=2) + np.eye(18) * 1e3
    # plain farthest-point sampling left nearest neighbours (a) at half coverage here
    assert dist.min() == pytest.approx(slab.material.a * np.sqrt(2), rel=1e-3)


def test_branched_tails_reach_half_coverage_and_crowding_is_explained() -> None:
    slab = build_slab("CsPbBr3", (6, 6), 3)
    lig = ll.build_ligand("PE", 2, "C8C12")
    iface = place_ligands(slab, lig, coverage=0.5, seed=1)  # failed before straightened tails
    assert len(iface.placements) == 18 and iface.min_intermolecular_distance() >= 1.6
    heavy = [i for i in range(*iface.placements[0].atoms) if iface.atoms[i].symbol != "H"]
    z = iface.atoms.get_positions()[heavy, 2] - slab.top.z_plane
    assert z.max() > 12.0  # upright: C8C12 stretched reaches about 1.4 nm
    with pytest.raises(PlacementError, match=r"0\.52 nm2 as an upright rod.*at most about 0\.66"):
        place_ligands(slab, lig, coverage=0.75, seed=1)


def test_straightened_tail_is_a_slim_rod_with_the_same_bonds() -> None:
    from ligandlab.chem.conformers import conformers
    from ligandlab.chem.straighten import straightened
    from ligandlab.materials.placement import _tail_atoms

    lig = ll.build_ligand("PE", 2, "C16")
    ens = conformers(lig.smiles, n=4, seed=0)
    n_idx, p_idx = lig.cations[0].center, lig.anions[0].center
    head = {i for a in lig.anchors for i in a.atoms} | {n_idx, p_idx}
    tail = [int(i) for i in _tail_atoms(ens.mol, [n_idx, p_idx], lig)]

    def spread(xyz: np.ndarray) -> float:
        rel = xyz[tail] - xyz[sorted(head)].mean(axis=0)
        axis = rel.mean(axis=0) / np.linalg.norm(rel.mean(axis=0))
        return float(np.sqrt(((rel - np.outer(rel @ axis, axis)) ** 2).sum(1).mean()))

    start = ens.positions(0)
    out = straightened(ens.mol, start, head, tail, (n_idx, p_idx))
    assert out is not None
    xyz, energy = out
    assert spread(xyz) < 1.0 < spread(start)  # an all-anti C16 chain is a rod
    assert np.isfinite(energy) and energy < ens.energies.max() + 10.0
    for b in ens.mol.GetBonds():
        i, j = b.GetBeginAtomIdx(), b.GetEndAtomIdx()
        assert np.linalg.norm(xyz[i] - xyz[j]) == pytest.approx(
            np.linalg.norm(start[i] - start[j]), abs=0.05
        )
    assert straightened(ens.mol, start, set(range(lig.mol.GetNumAtoms())), []) is None


def test_rod_objective_counts_every_clash_between_atoms_three_bonds_apart() -> None:
    """The objective's pdist shortcut gives the plain pairwise formula's value."""
    from rdkit import Chem

    from ligandlab.chem.conformers import conformers
    from ligandlab.chem.straighten import CLASH_H, CLASH_HEAVY, _Objective

    ens = conformers("CCCCCCCCCCCC(CCCCCC)C", n=2, seed=0)
    mol = ens.mol
    heavy = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() > 1]
    score = _Objective(mol, {0}, heavy[1:], None)
    dist = Chem.GetDistanceMatrix(mol)
    for xyz in (ens.positions(0), 0.6 * ens.positions(1)):  # squeezed: many clashes
        rel = xyz[heavy[1:]] - xyz[0]
        axis = rel.mean(axis=0) / np.linalg.norm(rel.mean(axis=0))
        spread = ((rel - np.outer(rel @ axis, axis)) ** 2).sum(1).mean()
        clash = 0.0
        for i in range(len(xyz)):
            for j in range(i + 1, len(xyz)):
                if dist[i, j] > 3:
                    limit = CLASH_HEAVY if i in heavy and j in heavy else CLASH_H
                    clash += max(0.0, limit - float(np.linalg.norm(xyz[i] - xyz[j]))) ** 2
        assert score(xyz) == pytest.approx(spread + 100.0 * clash, rel=1e-12)
    assert score(0.6 * ens.positions(1)) > score(ens.positions(1)) + 100.0


def test_mixture_shell_takes_its_mole_fractions() -> None:
    slab = build_slab("CsPbBr3", (4, 4), 3)
    mix = ll.Mixture(
        "test-mix",
        "PE/PC 3:1",
        ((ll.build_ligand("PE", 2, "C5"), 0.75), (ll.build_ligand("PC", 2, "C5"), 0.25)),
        "test",
    )
    iface = place_ligands(slab, mix, count=4, seed=2)
    names = [iface.ligands[p.ligand].name for p in iface.placements]
    assert sorted(names) == ["test-mix: C5-PC"] + ["test-mix: C5-PEA"] * 3


def test_ligand_amount_of_a_mixture_uses_its_mean_molar_mass() -> None:
    nc = build_nanocrystal("CsPbBr3", edge_nm=6.0)
    mix = ll.Mixture.get("lecithin")
    amount = nc.ligand_amount("lecithin", nc_mg=10.0)
    assert amount.ligand == "lecithin"
    assert amount.ligand_molar_mass == pytest.approx(mix.mean_mw)
    assert amount.ligand_mg == pytest.approx(amount.ligand_umol * mix.mean_mw / 1000.0)
    by_name = nc.ligand_amount("C8C12-PEA", nc_mg=10.0)  # names work, not only SMILES
    assert by_name.ligand_molar_mass == pytest.approx(ll.build_ligand("PE", 2, "C8C12").mw)


# ------------------------------------------------------------------ capped nanocrystals


def test_capped_nanocrystal_carries_its_facet_slab_shell(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Each facet gets the slab's shell turned onto it: same heights above the A plane,
    every ligand outside the cube on its own facet, the replaced A-X pairs gone, the
    charge of a zwitterionic shell unchanged, nothing clashing across the edges."""
    from ligandlab.materials.capped import FACETS, facet_frame

    nc = build_nanocrystal("CsPbBr3", edge_nm=3.0)  # n = 5: 4 x 4 facet interiors
    lig = ll.build_ligand("PE", 2, "C5")
    capped = ll.cap_nanocrystal(nc, lig, coverage=0.5)
    assert capped.per_facet == dict.fromkeys(FACETS, 8) and capped.n_ligands == 48
    assert capped.removed_ions == {"CS": 48, "BR": 48} and capped.modes == {"BM3": 48}
    assert capped.charge == nc.charge
    assert len(capped.atoms) == len(nc.atoms) - 96 + 48 * len(
        ll.conformers(lig.smiles, n=1).mol.GetAtoms()
    )
    slab_shell = place_ligands(build_slab("CsPbBr3", (4, 4), 3), lig, coverage=0.5)
    n_height = slab_shell.heights()[lig.name]["cation_height_A"]
    half = nc.n * nc.material.a / 2
    pos = capped.atoms.get_positions()
    symbols = capped.atoms.get_chemical_symbols()
    for lo, hi in capped.ligand_atoms:
        centre = pos[lo:hi].mean(axis=0)
        axis = int(np.argmax(np.abs(centre)))
        assert abs(centre[axis]) > half + 2.0  # outside, on one facet
        n_atom = next(i for i in range(lo, hi) if symbols[i] == "N")
        assert abs(pos[n_atom, axis]) - half == pytest.approx(n_height, abs=1e-6)
    assert capped.min_intermolecular_distance() >= 1.6
    for facet in FACETS:  # proper rotations: a chiral ligand keeps its handedness
        rot = facet_frame(facet)
        assert np.allclose(rot.T @ rot, np.eye(3)) and np.linalg.det(rot) == pytest.approx(1)
    text = capped.write(tmp_path / "nc.pdb").read_text()
    assert sum(1 for line in text.splitlines() if " L01 " in line) == len(pos) - (
        len(nc.atoms) - 96
    )
    assert "CRYST1" not in text  # a cube is not periodic


def test_capped_nanocrystal_odd_facets_and_errors(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    # n - 1 = 5 is odd: the pattern comes from a 6 x 6 slab, about half of 25 sites taken
    capped = ll.cap_nanocrystal(build_nanocrystal("CsPbBr3", edge_nm=3.5), "C5-PEA", 0.5)
    assert set(capped.per_facet.values()) == {13}
    mixed = ll.cap_nanocrystal(
        build_nanocrystal("CsPbBr3", edge_nm=3.0), ["C5-PEA", "OAm"], 0.5, fractions=[0.5, 0.5]
    )
    names = set(mixed.resnames)
    assert {"L01", "L02"} <= names and mixed.removed_ions["CS"] == 48
    assert mixed.removed_ions["BR"] == 24  # only the zwitterion's half displaces Br
    with pytest.raises(PlacementError, match="needs a Nanocrystal"):
        ll.cap_nanocrystal(build_slab("CsPbBr3", (4, 4), 3), "C5-PEA", 0.5)  # type: ignore[arg-type]
    # full coverage on a small FA cube: ligands beside an edge lean onto the edge's FA
    with pytest.raises(PlacementError, match="at an edge"):
        ll.cap_nanocrystal(build_nanocrystal("FAPbBr3", edge_nm=2.5), "C5-PEA", 1.0)
    out = tmp_path / "nc.xyz"
    args = ["nanocrystal", "CsPbBr3", "--edge", "3", "--ligand", "C5-PEA", "--coverage", "0.5"]
    main([*args, "-o", str(out), "--json"])
    record = json.loads(capsys.readouterr().out)[0]
    assert record["placed_ligands"] == 48 and record["capped_charge"] == record["charge"]
    same = ll.cap_nanocrystal(build_nanocrystal("CsPbBr3", edge_nm=3.0), "C5-PEA", 0.5)
    assert int(out.read_text().split()[0]) == len(same.atoms)  # extxyz header: atom count
    with pytest.raises(SystemExit) as exit_info:
        main(["nanocrystal", "CsPbBr3", "--edge", "3", "-o", str(out)])
    assert exit_info.value.code == 2 and "give --ligand" in capsys.readouterr().err


def test_lattice_ions_are_read_from_the_library_with_their_source() -> None:
    from ligandlab.materials.material import ion

    fa = ion("FA")
    assert (fa.charge, fa.radius, fa.kind) == (1, 2.53, "molecule")
    assert "Kieslich" in fa.source
    with pytest.raises(MaterialError, match=r"unknown ion 'Xx'; known: .*Cs"):
        ion("Xx")
