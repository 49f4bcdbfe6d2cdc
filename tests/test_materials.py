"""Materials, slabs, site geometry and ligand placement (issue 3, work in progress)."""

from __future__ import annotations

import numpy as np
import pytest

import ligandlab as ll
from ligandlab.errors import MaterialError, PlacementError, UnknownMaterialError
from ligandlab.materials import Material, build_slab
from ligandlab.materials.placement import place_ligands


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
    with pytest.raises(MaterialError, match="sum to 1"):
        Material.get("CsPb(Br0.5I0.6)3")
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


def test_mixed_halide_and_double_perovskite() -> None:
    mixed = Material.get("CsPb(Br0.5I0.5)3")
    assert mixed.a == pytest.approx((5.87 + 6.29) / 2)
    dp = build_slab("Cs2AgBiBr6", (4, 4), 3)
    comp = dp.composition()
    assert comp["AG"] == comp["BI"] and dp.charge() == 0
