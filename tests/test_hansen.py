"""Hansen parameters from structure, solvents, miscibility and matching."""

from __future__ import annotations

import json
import math

import pytest

import ligandlab as ll
from ligandlab.chem.hansen import tail_smiles_of
from ligandlab.chem.solvents import flory_chi, interaction_radius
from ligandlab.cli import main
from ligandlab.errors import (
    HansenGroupError,
    InvalidSmilesError,
    SolventError,
    UnknownSolventError,
)


def test_alkane_and_alcohol_values_by_hand() -> None:
    # hexane: (2 x 420 + 4 x 270) / (2 x 33.5 + 4 x 16.1) = 1920 / 131.4
    h = ll.hansen("CCCCCC")
    assert h.d_d == pytest.approx(1920 / 131.4)
    assert h.d_p == 0 and h.d_h == 0
    # ethanol: Fd 420 + 270 + 210, Fp 500, Eh 20000, V 33.5 + 16.1 + 10.0
    e = ll.hansen("CCO")
    assert (e.d_d, e.d_p, e.d_h) == pytest.approx((900 / 59.6, 500 / 59.6, math.sqrt(20000 / 59.6)))
    assert e.groups == {"CH3": 1, "CH2": 1, "OH": 1}


def test_symmetry_factor_cancels_equivalent_dipoles() -> None:
    one = ll.hansen("CCCl")
    two = ll.hansen("ClCCCl")  # two equivalent C-Cl dipoles: x 0.5
    four = ll.hansen("ClC(Cl)(Cl)Cl")  # tetrahedral: no net polarity
    assert two.d_p == pytest.approx(math.sqrt(2) * 550 / two.volume * 0.5)
    assert four.d_p == 0
    assert one.d_p > 0


def test_polymer_rule_keeps_dp_independent_of_chain_length() -> None:
    short, long = ll.hansen("mPEG350"), ll.hansen("mPEG550")
    assert short.repeat_units == 7 and long.repeat_units == 12
    assert long.d_p / short.d_p > 0.95  # the plain formula would drop by sqrt(7/12) = 0.76
    # an oligomer's dD and dH are plain sums: close to the ethylene-oxide unit's values
    assert long.d_d == pytest.approx((2 * 270 + 100) / (2 * 16.1 + 3.8), abs=0.8)


def test_tail_of_built_and_typed_ligand_agree() -> None:
    built = ll.build_ligand("PE", 2, "C8C12")
    typed = ll.Ligand.from_smiles(built.smiles)
    assert ll.hansen(built) == ll.hansen("C8C12") == ll.hansen(typed)
    assert ll.hansen("C8C12").groups == {"CH3": 3, "CH2": 16, "CH": 1}


@pytest.mark.parametrize("smiles", ["[Br-]", "[NH4+]", "[Cs+]"])
def test_a_bare_ion_has_no_tail_to_match(smiles: str) -> None:
    """Until 2026-11-23 a bromide ion was read as an organic C-Br group and matched."""
    with pytest.raises(HansenGroupError, match="has no carbon"):
        tail_smiles_of(ll.Ligand.from_smiles(smiles))


def test_aromatic_tail_is_split_per_atom() -> None:
    benzyl = ll.hansen("benzyl")  # toluene: ring (5 CH + 1 C) + CH3
    assert benzyl.groups == {"ACH": 5, "AC": 1, "CH3": 1}
    assert benzyl.d_d == pytest.approx((1430 + 420) / (71.4 + 33.5), rel=1e-3)


@pytest.mark.parametrize(
    ("smiles", "group"),
    [
        ("CN(C)C=O", "amide"),
        ("CC#CC", "alkyne"),
        ("CS(C)=O", "sulfoxide"),
        ("c1cc[nH]c1", "heteroaromatic"),
        ("c1ccoc1", "heteroaromatic"),
        ("[NH3+]CCOP(=O)([O-])OCCCC", "ionic"),
        ("CCCCCCCCP(=O)(CCCCCCCC)CCCCCCCC", r"\(phosphine oxide\)"),  # TOPO
        ("CCCCCCCCP(CCCCCCCC)CCCCCCCC", r"\(phosphine\)"),  # TOP
        ("CCCCCCCCP(=O)(O)O", r"\(phosphonate\)"),
        ("CCCCOP(=O)(O)OCCCC", r"\(phosphate\)"),
    ],
)
def test_uncovered_groups_are_named(smiles: str, group: str) -> None:
    with pytest.raises(HansenGroupError, match=group):
        ll.hansen(smiles, part="molecule")


def test_pyridine_n_reproduces_its_source_and_scores_a_picolinate() -> None:
    # the AN group is an estimate fitted to pyridine (19.0, 8.8, 5.9; V 80.9), so it must
    # give those values back; a chelating picolinate's ring-bearing tail is then covered
    pyr = ll.hansen("c1ccncc1", part="molecule")
    assert pyr.groups == {"ACH": 5, "AN": 1}
    assert pyr.as_tuple() == pytest.approx((19.0, 8.8, 5.9), abs=0.1)
    assert pyr.volume == pytest.approx(80.9, abs=0.1)
    lig = ll.Ligand.from_smiles("CCCCCCCCCCCCc1ccnc(C(=O)[O-])c1")
    assert lig.ligand_class == "chelating_anion"
    tail = ll.hansen(lig)
    assert tail.groups["AN"] == 1 and tail.groups["CH2"] == 11
    # a long alkyl chain dominates: closer to dodecane than to pyridine
    dodecane = ll.hansen("CCCCCCCCCCCC", part="molecule")
    assert abs(tail.d_p - dodecane.d_p) < abs(tail.d_p - pyr.d_p)


def test_whole_zwitterion_fails_but_its_tail_works() -> None:
    lig = ll.build_ligand("PE", 2, "C8")
    with pytest.raises(HansenGroupError, match="ionic"):
        ll.hansen(lig, part="molecule")
    assert ll.hansen(lig).d_d == pytest.approx(ll.hansen("CCCCCCCC").d_d)


def test_bad_input() -> None:
    with pytest.raises(InvalidSmilesError, match="neither a library tail"):
        ll.hansen("C1CC")
    with pytest.raises(InvalidSmilesError, match="closest: C8C12"):
        ll.hansen("C8C21")
    with pytest.raises(UnknownSolventError, match="closest: toluene"):
        ll.Solvent.get("tolune")


def test_solvent_library() -> None:
    solvents = ll.Solvent.all()
    assert len(solvents) >= 30
    classes = {s.cls for s in solvents}
    assert {"alkane", "aromatic", "halogenated", "ether", "ketone", "ester", "alcohol"} <= classes
    tol = ll.Solvent.get("Toluene")
    assert tol.hansen.as_tuple() == (18.0, 1.4, 2.0)
    assert ll.Solvent.get("xylenes").id == "o-xylene"
    assert not ll.Solvent.get("DMF").nc_compatible
    for s in solvents:  # every structure parses and carries its data
        assert ll.Ligand.from_smiles(s.smiles).charge == 0
        assert s.record.source


def test_miscibility() -> None:
    hexane = ll.Solvent.get("hexane")
    assert not hexane.miscible_with("methanol")
    assert not ll.Solvent.get("methanol").miscible_with(hexane)
    assert hexane.miscible_with("ethanol") and hexane.miscible_with("acetone")
    assert not ll.Solvent.get("perfluorohexane").miscible_with("toluene")
    assert not ll.Solvent.get("water").miscible_with("toluene")
    assert ll.Solvent.get("water").miscible_with("acetone")


def test_solvent_blends_mix_by_volume_fraction() -> None:
    tol, hex_ = ll.Solvent.get("toluene").record, ll.Solvent.get("hexane").record
    blend = ll.Solvent.get("Toluene / n-hexane 3:1 (v/v)")
    assert blend.id == "toluene/hexane 3:1" and ll.Solvent.get(blend.id) == blend
    assert blend.components == (("toluene", 0.75), ("hexane", 0.25))
    assert blend.hansen.as_tuple() == pytest.approx(
        tuple(0.75 * getattr(tol, f) + 0.25 * getattr(hex_, f) for f in ("d_d", "d_p", "d_h"))
    )
    # ideal-mixture molar volume, between the two and nearer toluene's
    assert blend.record.v == pytest.approx(1 / (0.75 / tol.v + 0.25 / hex_.v))
    assert tol.v < blend.record.v < hex_.v and blend.cls == "aromatic"
    assert ll.Solvent.get("toluene+hexane").components == (("toluene", 0.5), ("hexane", 0.5))
    # antisolvents must mix with every part: methanol mixes with toluene, not with hexane
    assert ll.Solvent.get("toluene").miscible_with("methanol")
    assert not blend.miscible_with("methanol")
    assert "methanol" not in set(ll.antisolvents("C8C12", blend.id)["solvent"])
    # a blend is scored like any solvent, between its parts for an aliphatic tail
    red = {
        s: ll.match_solvents("C8C12", [s])["red"].iloc[0] for s in ("hexane", blend.id, "toluene")
    }
    assert red["hexane"] < red[blend.id] < red["toluene"]
    for bad, message in [
        ("toluene/water", "toluene and water do not mix"),
        ("toluene/hexane 1:2:3", "one positive volume part per solvent"),
        ("hexane/hexane", "appears twice"),
        ("toluene/", "two or more solvents"),
    ]:
        with pytest.raises(SolventError, match=message):
            ll.Solvent.get(bad)
    with pytest.raises(UnknownSolventError, match="toluol"):
        ll.Solvent.get("toluol/hexane")


def test_red_is_the_chi_criterion() -> None:
    h = ll.hansen("C8C12")
    for name in ("hexane", "ethanol", "water"):
        s = ll.Solvent.get(name)
        chi = flory_chi(h, s)
        red = ll.chem.hansen_distance(h, s.hansen) / interaction_radius(s)
        assert red == pytest.approx(math.sqrt(chi / 0.5))
    # a small solvent tolerates a larger Hansen distance (mixing entropy)
    assert interaction_radius(ll.Solvent.get("methanol")) > interaction_radius(
        ll.Solvent.get("decane")
    )


def test_match_tables_are_sorted_and_flag_nc_dissolving_solvents() -> None:
    table = ll.match_solvents("C8C12")
    safe = table[table["nc_compatible"]]
    assert list(safe["chi"]) == sorted(safe["chi"])
    assert list(table["nc_compatible"]).index(False) == len(safe)  # unsafe ones last
    assert not table.set_index("solvent").loc["DMF", "good"]
    ranked = ll.ligands_for_solvent("hexane")
    alkyl = {t.id for t in ll.library.default_tails() if "alkyl" in t.cls}
    assert ranked["ligand"].iloc[0] in alkyl
    assert "PEG" in ranked["ligand"].iloc[-1]


def test_cli_solvents(capsys: pytest.CaptureFixture[str]) -> None:
    main(["solvents", "--tail", "C8C12", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["class"] == "alkane"
    main(["solvents", "--solvent", "PGMEA", "--library", "--json", "--top", "3"])
    rows = json.loads(capsys.readouterr().out)
    assert "PPG" in rows[0]["ligand"]
    main(["solvents", "--tail", "C8C12", "--solvent", "hexane", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert all(r["red"] > 1 for r in rows)
    with pytest.raises(SystemExit) as exc:
        main(["solvents", "--tail", "C8C12", "--solvent", "hexan"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "closest: hexane" in err[0]


def test_solvent_matching_takes_ligand_and_mixture_names() -> None:
    lec = ll.Mixture.get("lecithin")
    by_name = ll.match_solvents("lecithin")
    by_object = ll.match_solvents(lec)
    assert list(by_name["solvent"]) == list(by_object["solvent"])
    assert list(by_name["red"]) == pytest.approx(list(by_object["red"]))
    built = ll.match_solvents(ll.build_ligand("PE", 2, "C8C12"))
    named = ll.match_solvents("C8C12-PEA")  # a ligand name gives its tail
    assert list(named["red"]) == pytest.approx(list(built["red"]))
    with pytest.raises(InvalidSmilesError, match=r"ligand names .* and mixtures \(lecithin\)"):
        ll.match_solvents("lecithine")
