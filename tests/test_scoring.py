"""The plugin system, candidates, aggregation, failure isolation, caching and the CLI."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rdkit import Chem

import ligandlab as ll
from ligandlab.cli import main
from ligandlab.errors import ScorerError, UnknownScorerError, WeightError
from ligandlab.scoring import (
    Candidate,
    Context,
    aggregate,
    manager,
    pareto_front,
    pareto_within,
    score_candidates,
)

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = {"fit_geometry", "pi_stacking", "solvent_match", "steric_density"}


def test_builtins_come_from_the_entry_point_group() -> None:
    assert set(ll.scorers()) >= BUILTIN
    info = {row["name"]: row for row in ll.scorer_info()}
    assert info["fit_geometry"]["module"] == "ligandlab_plugins.fit_geometry"
    assert info["solvent_match"]["needs"] == "ligand, solvent"
    dists = {dist.project_name for _, dist in manager.plugin_manager().list_plugin_distinfo()}
    assert "ligandlab" in dists  # loaded from its entry point, like a third party's


def test_candidate_key_is_stable_and_discriminating() -> None:
    lig = ll.build_ligand("PE", 2, "C8C12")
    a = Candidate(lig, "CsPbBr3", solvent="toluene")
    b = Candidate(ll.Ligand.from_smiles(lig.smiles), "CsPbBr3", solvent="toluene")
    assert a.key == b.key and a == b
    assert a.key != Candidate(lig, "CsPbI3", solvent="toluene").key
    assert a.key != Candidate(lig, "CsPbBr3").key


def test_score_card_and_work_factoring(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ligandlab.scoring.ranking import ScoreStore

    monkeypatch.setenv("LIGANDLAB_CACHE", "off")  # score every candidate afresh
    ctx = Context()
    ligs = [ll.build_ligand("PE", 2, t) for t in ("C8C12", "oleyl")]
    cands = [Candidate(lig, "CsPbBr3", solvent=s) for lig in ligs for s in ("toluene", "hexane")]
    cards = score_candidates(
        cands, sorted(BUILTIN), dict.fromkeys(BUILTIN, 1.0), ctx, store=ScoreStore()
    )
    # one geometry per surface, one fit per head model x surface, whatever the solvents
    keys = list(ctx._memo)
    assert sum(k[0] == "geometry" for k in keys) == 1
    assert sum(k[0] == "fit_geometry" for k in keys) == 1
    assert sum(k[0] == "solvent_match" for k in keys) == 4
    card = cards[0]
    assert set(card.scores) == BUILTIN and 0 < card.total <= 1
    fit = card.scores["fit_geometry"]
    assert (
        fit.unit == "kcal/mol"
        and "protrusion_nm" in fit.details
        and "strain_kcal_mol" in fit.details
    )


def test_aggregate_is_a_weighted_geometric_mean() -> None:
    total, limiting = aggregate({"a": 0.25, "b": 1.0}, {"a": 1.0, "b": 1.0})
    assert total == pytest.approx(0.5) and limiting == "a"
    total, _ = aggregate({"a": 0.25, "b": 1.0}, {"a": 0.0, "b": 1.0})
    assert total == pytest.approx(1.0)
    total, limiting = aggregate({"a": 0.81, "p": 0.0}, {"a": 1, "p": 1}, frozenset({"p"}))
    assert total == pytest.approx(math.sqrt(0.81 * 0.5)) and limiting == "a"


def test_pareto_front() -> None:
    v = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.4, 0.4], [0.5, 0.5]])
    assert pareto_front(v).tolist() == [True, True, True, False, True]


def test_pareto_front_is_per_surface_and_solvent() -> None:
    # row 1 would dominate row 0, but it is on another material: each is on its own front
    df = pd.DataFrame(
        {
            "material": ["CsPbBr3", "CsPbI3", "CsPbBr3"],
            "solvent": ["ethanol", "ethanol", "ethanol"],
            "a": [0.2, 0.9, 0.1],
            "b": [0.2, 0.9, 0.1],
        }
    )
    assert pareto_within(df, ["a", "b"]).tolist() == [True, True, False]
    assert pareto_front(df[["a", "b"]].to_numpy()).tolist() == [False, True, False]


def test_a_ranking_of_many_surfaces_flags_each_surfaces_own_front() -> None:
    ligs = ["C8C12-PEA", "C8C12-PC", "oleyl-PPA", "C16-PEA", "CCCCCCCC[NH3+]", "OA"]
    both = ll.rank(ligs, material=["CsPbBr3", "CsPbI3"], solvent=["toluene", "ethanol"])
    for (mat, sol), group in both.groupby(["material", "solvent"]):
        alone = ll.rank(ligs, material=mat, solvent=sol)
        assert dict(zip(group["smiles"], group["pareto"], strict=True)) == dict(
            zip(alone["smiles"], alone["pareto"], strict=True)
        )
    # every surface and solvent has a front of its own, ethanol's included
    assert both.groupby(["material", "solvent"])["pareto"].any().all()


def test_score_card_explains_itself() -> None:
    card = ll.score("CCCCCCCCCCCCS", material="CsPbBr3", solvent="toluene")  # a thiol
    frame = card.to_frame()
    assert frame.loc["fit_geometry", "value"] == 0.0
    assert "neutral (L-type) donor" in frame.loc["fit_geometry", "details"]["reason"]
    assert math.isnan(frame.loc["solvent_match", "value"])  # no Hansen group for SH
    assert "HansenGroupError" in frame.loc["solvent_match", "failed"]
    text = repr(card)
    assert text.startswith("ScoreCard(CCCCCCCCCCCCS on CsPbBr3 (100) AX in toluene: total")
    assert "solvent_match failed" in text and len(text) < 300
    # a solvent scorer without a solvent is skipped: an empty card still gives a table
    empty = ll.score("C8C12-PEA", material="CsPbBr3", scorers=["solvent_match"])
    assert empty.to_frame().empty and list(empty.to_frame().columns)[:3] == ["value", "raw", "unit"]


def test_rank_sorted_with_a_column_per_scorer() -> None:
    df = ll.rank(["C8C12-PEA", "C8C12-PC", "CCCCCCCC[NH3+]"], material="FAPbBr3", solvent="toluene")
    assert list(df["total"]) == sorted(df["total"], reverse=True)
    assert set(df.columns) >= BUILTIN and {"limiting", "pareto", "failed"} <= set(df.columns)
    order = list(df["name"])
    assert order.index("C8C12-PEA") < order.index("C8C12-PC")


def test_rank_scores_a_repeated_ligand_once_under_its_first_name() -> None:
    oleate = "CCCCCCCC/C=C\\CCCCCCCC(=O)[O-]"
    df = ll.rank(["OA", oleate, "oleic acid", "C5-PEA"], material=["CsPbBr3", "CsPbBr₃"])
    assert sorted(df["name"]) == ["C5-PEA", "OA"] and set(df["material"]) == {"CsPbBr3"}


def test_a_mixed_a_site_scores_between_its_end_members() -> None:
    """Cs0.5FA0.5PbI3 is cut at its Vegard lattice, so its site geometry lies between.

    steric_density is checked with a slim tail: it covers every site, so its shell spreads
    over the area per site. A bulky tail (C8C12) packs at its own cross-section, and its
    shell thickness V / cross-section is the same on every lattice."""
    mats = ["CsPbI3", "Cs0.5FA0.5PbI3", "FAPbI3"]
    for scorer, ligand in (("fit_geometry", "C8C12-PPA"), ("steric_density", "C12-PPA")):
        df = ll.rank([ligand], material=mats, solvent="toluene").set_index("material")
        cs, mixed, fa = (df.loc[m, scorer] for m in mats)
        assert min(cs, fa) < mixed < max(cs, fa), scorer
    bulky = ll.rank(["C8C12-PPA"], material=mats, solvent="toluene")["steric_density"]
    assert bulky.max() - bulky.min() < 1e-9


# One ligand of every class the issue names, with the binding mode fit_geometry must report.
EVERY_CLASS = [
    ("[NH3+]CCOP(=O)([O-])OCCCCCCCC", "zwitterion", "BM3"),
    ("CCCCCCCCCCCC[N+](C)(C)CCCS(=O)(=O)[O-]", "zwitterion", "BM3"),
    ("CCCCCCCCCCCC[NH2+]CCCC(=O)[O-]", "zwitterion", "BM3"),
    ("CCCCCCCCCCCC[NH3+]", "ammonium", "BM2"),
    ("[NH3+]CCc1ccccc1", "ammonium", "BM2"),
    ("CCCCCCCC/C=C\\CCCCCCCC(=O)[O-]", "carboxylate", "BM2'"),
    ("CCCCCCCCCCCCP(=O)([O-])O", "phosphonate", "BM2'"),
    ("CCCCCCCCP(=O)([O-])CCCCCCCC", "phosphinate", "BM2'"),
    ("CCCCCCCCCCCCS(=O)(=O)[O-]", "sulfonate", "BM2'"),
    ("CCCCCCCCCCCCc1ccnc(C(=O)[O-])c1", "chelating_anion", "BM2'"),
    # several anchors on one skeleton, and a delocalised cation (descriptors v6-v8)
    ("CCCCCCCCCCCC[NH2+]CCC[NH3+]", "ammonium", "BM2"),
    ("CCCCCCCCCCCCC(C(=O)[O-])C(=O)[O-]", "carboxylate", "BM2'"),
    ("NC(=[NH2+])NCCCCCCCCCCCC", "cationic", "BM2"),
]


def test_a_diammonium_seats_its_primary_ammonium() -> None:
    """Of several cationic groups the best-seated takes the pocket (fit_geometry 4.3): an
    N-dodecylpropane-1,3-diammonium fits like dodecylammonium, not like its secondary N."""
    fit = {
        s: ll.score(s, material="CsPbBr3").scores["fit_geometry"]
        for s in ("CCCCCCCCCCCC[NH2+]CCC[NH3+]", "CCCCCCCCCCCC[NH3+]", "CCCCCCCCCCCC[NH2+]C")
    }
    di, primary, secondary = fit.values()
    assert di.value == pytest.approx(primary.value, abs=0.01)
    assert di.value > 5 * secondary.value
    assert di.details["cation_radius_A"] < 2.5 < secondary.details["cation_radius_A"]


def test_an_amidinium_is_at_least_formamidinium_sized() -> None:
    """An amidinium or guanidinium spreads its charge over N-C-N, so it is sized as at least
    formamidinium (Kieslich 2014: 2.53 A), not from its charged N like an ammonium (2.21 A;
    fit_geometry 4.6). It then sits higher than an alkylammonium and scores lower, the more
    so on the smaller CsPbBr3 pocket than on FAPbBr3 (FA+ itself rides 0.25 A high there)."""
    fit = {
        (s, m): ll.score(s, material=m).scores["fit_geometry"]
        for s in ("CCCCCCCCC(N)=[NH2+]", "NC(=[NH2+])NCCCCCCCC", "CCCCCCCCC[NH3+]")
        for m in ("CsPbBr3", "FAPbBr3")
    }
    for m in ("CsPbBr3", "FAPbBr3"):
        ammonium = fit["CCCCCCCCC[NH3+]", m]
        for s in ("CCCCCCCCC(N)=[NH2+]", "NC(=[NH2+])NCCCCCCCC"):
            result = fit[s, m]
            assert result.details["cation_radius_A"] >= 2.53
            pocket = result.details["pocket_radius_A"]
            assert result.details["protrusion_nm"] == pytest.approx((2.53 - pocket) / 10, abs=1e-3)
            assert result.value < ammonium.value - 0.04
    amidinium = "CCCCCCCCC(N)=[NH2+]"
    assert fit[amidinium, "CsPbBr3"].value < fit[amidinium, "FAPbBr3"].value


def test_chelate_bite_is_read_on_its_head_from_the_closest_pair() -> None:
    """A carboxylate's two O swap places when it turns, so a picolinate offers its O...N
    bite in nearly every conformer; the tail does not change it, and a salicylate's
    phenol donor stays in the head model however the tail is cut (fit_geometry 4.5)."""
    from ligandlab.chem.truncate import truncate_tail

    def bite(smiles: str) -> float:
        fit = ll.score(smiles, material="CsPbBr3", scorers=["fit_geometry"])
        return float(fit.scores["fit_geometry"].details["chelate_bite_fraction"])

    assert bite("[O-]C(=O)c1ccccn1") > 0.8  # the first pair alone gave 0.45 (syn O half)
    sal_fit = ll.score("CCCCCCCCCCCCOc1ccc(C([O-])=O)c(O)c1", material="CsPbBr3")
    assert 0 < sal_fit.scores["fit_geometry"].details["value_se"] < 0.02
    assert bite("CCCCCCCCCCCCc1ccnc(C([O-])=O)c1") == pytest.approx(bite("[O-]C(=O)c1ccccn1"))
    assert bite("CCCCCCCCCCCCOc1ccc(C([O-])=O)c(O)c1") > 0.8
    sal = ll.Ligand.from_smiles("CCCCCCCCCCCCOc1ccc(C([O-])=O)c(O)c1")
    assert not truncate_tail(sal, 2).chelate_pairs  # the phenol is cut without keep
    path = {i for o, d in sal.chelate_pairs for i in Chem.GetShortestPath(sal.mol, o, d)}
    assert Chem.CanonSmiles(truncate_tail(sal, 2, keep=path).smiles) == Chem.CanonSmiles(
        "[O-]C(=O)c1ccccc1O"
    )


@pytest.mark.parametrize(("smiles", "cls", "mode"), EVERY_CLASS)
def test_every_fast_scorer_handles_every_ligand_class(smiles: str, cls: str, mode: str) -> None:
    lig = ll.Ligand.from_smiles(smiles)
    assert lig.ligand_class == cls
    card = ll.score(lig, material="CsPbBr3", solvent="toluene")
    assert not card.failures
    assert set(card.scores) == BUILTIN
    assert all(0.0 <= r.value <= 1.0 for r in card.scores.values())
    fit = card.scores["fit_geometry"]
    assert fit.details["mode"] == mode
    if cls == "chelating_anion":  # the O...N bite to one Pb adds to the anion's half
        assert fit.details["chelate_bite_fraction"] > 0 and fit.value > 0.5
    has_ring = any(a.GetIsAromatic() for a in lig.mol.GetAtoms())
    assert (card.scores["pi_stacking"].value > 0) == has_ring
    assert 0.5 < card.scores["steric_density"].details["spacing_nm"] < 5.0
    assert card.scores["solvent_match"].details["solvent"] == "toluene"


def test_weights_not_named_stay_1() -> None:
    """`--weight pi_stacking=0.5` down-weights one scorer; it does not drop the others."""
    names = ["fit_geometry", "steric_density"]
    card = ll.score("C5-PEA", scorers=names)
    f, s = (card.scores[n].value for n in names)
    assert card.total == pytest.approx(math.sqrt(f * s))
    heavy = ll.score("C5-PEA", scorers=names, weights={"fit_geometry": 2})
    assert heavy.total == pytest.approx((f * f * s) ** (1 / 3))
    only = ll.score("C5-PEA", scorers=names, weights={"steric_density": 0})
    assert only.total == pytest.approx(f) and only.limiting == "fit_geometry"


def test_unbuilt_surface_is_a_clear_error() -> None:
    """(110) and (111) are built AX-terminated only: asking for PbX2 is the user's mistake,
    not a scorer failure on every candidate."""
    with pytest.raises(ll.errors.MaterialError, match=r"\(110\) slabs support termination='AX'"):
        ll.score("C8C12-PEA", material="CsPbBr3", facet="110", termination="PbX2")
    with pytest.raises(ll.errors.MaterialError, match="unknown termination"):
        ll.rank(["C8C12-PEA"], material="CsPbBr3", termination="BX2")


def test_bad_weights() -> None:
    with pytest.raises(UnknownScorerError, match="fit_geometry"):
        ll.rank(["C5-PEA"], weights={"fit_geometri": 1.0})
    with pytest.raises(WeightError, match=">= 0"):
        ll.rank(["C5-PEA"], weights={"fit_geometry": -1.0})
    with pytest.raises(WeightError, match="all weights are zero"):
        ll.rank(["C5-PEA"], weights=dict.fromkeys(BUILTIN, 0.0))
    # a misspelt cost once selected no scorer at all and ranked on nothing
    with pytest.raises(ScorerError, match="'fast', 'slow'"):
        ll.rank(["C5-PEA"], cost="medium")


class _Raises:
    name, version, needs, cost, params = "boom", "1", frozenset({"ligand"}), "fast", {}

    def score(self, candidate: Candidate, context: Context) -> ll.ScoreResult:
        if "P" in candidate.ligand.smiles:
            raise RuntimeError("cannot handle phosphorus")
        return ll.ScoreResult(0.9, 0.9)


class _OutOfRange(_Raises):
    name = "too_big"

    def score(self, candidate: Candidate, context: Context) -> ll.ScoreResult:
        return ll.ScoreResult(1.5, 1.5)  # raises ScorerError when constructed


@pytest.fixture
def extra_plugin():  # type: ignore[no-untyped-def]
    class Plugin:
        @ll.hookimpl
        def ligandlab_scorers(self) -> list[object]:
            return [_Raises(), _OutOfRange()]

    manager.registry.cache_clear()
    pm = manager.plugin_manager()
    plugin = Plugin()
    pm.register(plugin, name="test-extra")
    yield
    pm.unregister(plugin)
    manager.registry.cache_clear()


def test_failures_are_isolated_and_reported(extra_plugin) -> None:  # type: ignore[no-untyped-def]
    df = ll.rank(["C5-PEA", "CCCCCCCC[NH3+]"], material="CsPbBr3", cost=None)
    ok = df[df["name"] == "CCCCCCCC[NH3+]"].iloc[0]
    bad = df[df["name"] == "C5-PEA"].iloc[0]
    assert ok["boom"] == pytest.approx(0.9) and "too_big" in ok["failed"]
    assert "cannot handle phosphorus" in bad["failed"] and "within [0, 1]" in bad["failed"]
    assert not math.isnan(bad["fit_geometry"])  # nothing computed is lost
    assert df.iloc[-1]["failed"] != ""


def test_a_ligand_that_cannot_be_described_fails_alone(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ligandlab.chem import descriptors
    from ligandlab.errors import ConformerError

    boron = "[NH3+]CCCCCCB(O)O"  # MMFF94 has no boron types: its tail cannot be described
    df = ll.rank([boron, "CCCCCCCC[NH3+]"], material="CsPbBr3", solvent="toluene")
    ok, bad = df.iloc[0], df.iloc[1]
    assert ok["name"] == "CCCCCCCC[NH3+]" and ok["failed"] == ""
    assert ok["fit_geometry"] == pytest.approx(0.499, abs=0.01)  # the rest is ranked
    assert math.isnan(bad["total"]) and math.isnan(bad["steric_density"])
    for name in ("fit_geometry", "steric_density", "pi_stacking"):
        assert f"{name}: ConformerError: MMFF94 has no parameters for CCCCCCCB(O)O" in bad["failed"]

    # the error is kept per ligand: scorers asking again get it without a recomputation
    ctx = Context()
    ctx.prefetch([ll.parse_ligand(boron), ll.parse_ligand("CCCCCC[NH3+]")])
    monkeypatch.setattr(descriptors, "_isolated_job", lambda job: pytest.fail(f"redone {job}"))
    for _ in range(2):
        with pytest.raises(ConformerError, match="no parameters"):
            ctx.descriptors(ll.parse_ligand(boron))
    assert ctx.descriptors(ll.parse_ligand("CCCCCC[NH3+]")).tail is not None
    monkeypatch.undo()

    # describe_many still raises, after describing (and keeping) the parts that can be
    descriptors._TAIL_MEMO.pop("*CCCCCCC", None)
    with pytest.raises(ConformerError, match="no parameters"):
        ll.describe_many([boron, "CCCCCCC[NH3+]"], workers=1)
    assert "*CCCCCCC" in descriptors._TAIL_MEMO


def test_bad_scorer_declarations() -> None:
    from ligandlab.scoring.types import check_scorer

    class NoScore:
        name, version, needs, cost = "x", "1", frozenset({"ligand"}), "fast"

    with pytest.raises(ScorerError, match="lacks score"):
        check_scorer(NoScore(), "test")
    bad = _Raises()
    bad.needs = frozenset({"coffee"})
    with pytest.raises(ScorerError, match="coffee"):
        check_scorer(bad, "test")


def test_results_are_cached_by_scorer_version_and_params() -> None:
    from ligandlab.scoring.ranking import ScoreStore

    store = ScoreStore()
    lig = ll.build_ligand("PE", 2, "C5")
    cand = Candidate(lig, "CsPbBr3", solvent="toluene")
    score_candidates([cand], ["fit_geometry"], {"fit_geometry": 1.0}, store=store)
    scorer = ll.scoring.get_scorer("fit_geometry")
    assert cand.key in store.table(scorer)
    fresh = ScoreStore()  # reads the disk table written by the first run
    assert cand.key in fresh.table(scorer)
    other = type(scorer)(span_sigma_a=0.5)
    assert ScoreStore.table_key(other) != ScoreStore.table_key(scorer)


def test_cli_rank_and_plugins(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    main(["plugins", "--json"])
    assert {r["name"] for r in json.loads(capsys.readouterr().out)} >= BUILTIN
    smi = tmp_path / "ligands.smi"
    smi.write_text("# a comment\nC8C12-PEA\nCCCCCCCC[NH3+] octylammonium\n")
    main(["rank", "--material", "CsPbBr3", "--solvent", "toluene", "--file", str(smi), "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2 and rows[0]["total"] >= rows[1]["total"]
    main(["rank", "--smiles", "oleyl-PEA", "--references", "--solvent", "toluene", "--json"])
    names = [r["name"] for r in json.loads(capsys.readouterr().out)]
    assert sorted(names) == ["ASC18", "DDAB", "DOPA", "OA", "OAm", "oleyl-PEA"]
    assert names[0] == "oleyl-PEA"  # same tail as OAm and OA: the zwitterion ranks first
    main(["library", "references", "--json"])
    refs = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in refs] == ["OAm", "OA", "DDAB", "ASC18", "DOPA"]
    assert all(r["source"] and r["smiles"] for r in refs)
    for argv, msg in [
        (["rank", "--smiles", "C5-PEA", "--weight", "nope=1"], "unknown scorer"),
        (["rank", "--smiles", "C5-PEA", "--material", "CsPbBr4"], "closest"),
        (["rank"], "give --smiles"),
        (["rank", "--smiles", "C5-PEA", "--bogus"], "No such option: --bogus"),
        (["rank", "--smiles", "C5-PEA", "--top", "x"], "'--top'"),
        (["rank", "--smiles", "C5-PEA", "-o", str(tmp_path / "t.xlsx")], ".csv or .json"),
        (["rank", "--smiles", "C5-PEA", "-o", str(tmp_path / "no" / "t.csv")], "cannot write"),
    ]:
        with pytest.raises(SystemExit) as exc:
            main(argv)
        err = capsys.readouterr().err
        assert exc.value.code == 2 and msg in err and err.count("\n") == 1  # one line


def test_cli_rank_table_hides_scorers_that_did_not_apply(capsys) -> None:  # type: ignore[no-untyped-def]
    """Without --solvent, solvent_match applies to no candidate: no column of "nan". With
    one, a ligand it cannot score (an iodo tail) keeps a blank cell and its reason."""
    main(["rank", "--smiles", "C5-PEA", "--smiles", "CCCCCCCC[NH3+]"])
    out = capsys.readouterr().out
    assert "solvent_match" not in out and "nan" not in out and "fit_geometry" in out
    main(["rank", "--smiles", "C5-PEA", "--smiles", "ICCCCCCCCC[NH3+]", "--solvent", "toluene"])
    out = capsys.readouterr().out
    assert "solvent_match" in out and "nan" not in out and "HansenGroupError" in out


def test_cli_rank_writes_the_whole_table_for_a_facet(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "rank.csv"
    ligs = ["C5-PEA", "C5-PPA", "CCCCCCCC[NH3+]"]
    main(
        [
            "rank",
            *[x for s in ligs for x in ("--smiles", s)],
            "--facet",
            "110",
            "--top",
            "1",
            "-o",
            str(out),
        ]
    )
    df = pd.read_csv(out)
    assert len(df) == 3 and list(df["total"]) == sorted(df["total"], reverse=True)
    # the CLI ranks on the facet it is given, exactly as the Python API does
    api = ll.rank(ligs, material="CsPbBr3", facet="110")
    assert np.allclose(df["fit_geometry"], api["fit_geometry"])
    assert not np.allclose(df["fit_geometry"], ll.rank(ligs, material="CsPbBr3")["fit_geometry"])
    main(["rank", "--smiles", "C5-PEA", "-o", str(tmp_path / "rank.json")])
    assert json.loads((tmp_path / "rank.json").read_text())[0]["name"] == "C5-PEA"


def test_external_plugin_installs_ranks_and_uninstalls(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pkg = ROOT / "plugins" / "examples" / "ligandlab-chainlength"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-build-isolation", "--no-index", str(pkg)],
        check=True,
        capture_output=True,
    )
    try:
        code = (
            "import ligandlab as ll; assert 'chain_length' in ll.scorers(); "
            "df = ll.rank(['C12-PEA', 'C5-PEA']); "
            "print(df.iloc[0]['name'], df['chain_length'].max())"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
        name, best = out.stdout.split()
        assert name == "C12-PEA" and float(best) > 0.5
        tests = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(pkg / "tests")],
            capture_output=True,
            text=True,
        )
        assert tests.returncode == 0, tests.stdout
    finally:
        subprocess.run(
            [*pip, "uninstall", "-y", "ligandlab-chainlength"], check=True, capture_output=True
        )
    gone = subprocess.run(
        [sys.executable, "-c", "import ligandlab as ll; print('chain_length' in ll.scorers())"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert gone.stdout.strip() == "False"


def test_editing_a_scorer_invalidates_its_cache_without_a_version_bump(
    tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A plugin author edits a scorer's code and forgets ``version``: the cached value from
    before the edit must not come back."""
    import importlib
    import sys

    from ligandlab.scoring.ranking import ScoreStore, code_fingerprint

    src = (
        "import ligandlab as ll\n"
        "class Flat:\n"
        "    name, version, cost = 'flat', '1', 'fast'\n"
        "    needs = frozenset({'ligand'})\n"
        "    params = {}\n"
        "    def score(self, candidate, context):\n"
        "        return ll.ScoreResult(VALUE, VALUE)\n"
    )
    module = tmp_path / "flat_scorer.py"
    monkeypatch.syspath_prepend(str(tmp_path))
    cand = Candidate(ll.build_ligand("PE", 2, "C5"), "CsPbBr3")

    def value_after_writing(v: float) -> float:
        module.write_text(src.replace("VALUE", repr(v)))
        sys.modules.pop("flat_scorer", None)
        importlib.invalidate_caches()
        scorer = importlib.import_module("flat_scorer").Flat()
        code_fingerprint.cache_clear()

        class Plugin:
            @ll.hookimpl
            def ligandlab_scorers(self) -> list[object]:
                return [scorer]

        manager.registry.cache_clear()
        pm = manager.plugin_manager()
        plugin = Plugin()
        pm.register(plugin, name="test-flat")
        try:  # a fresh store reads the disk table, as a new process would
            card = score_candidates([cand], ["flat"], {"flat": 1.0}, store=ScoreStore())[0]
        finally:
            pm.unregister(plugin)
            manager.registry.cache_clear()
        return card.scores["flat"].value

    assert value_after_writing(0.2) == 0.2
    assert value_after_writing(0.2) == 0.2  # unchanged code: read back
    assert value_after_writing(0.7) == 0.7  # edited code, same version: recomputed


def test_editing_a_plugin_helper_module_changes_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scorer that calls a helper in its own package: editing the helper, a constant it
    imports or a module it imports only inside a function invalidates the cache; editing
    an unrelated module of the package does not."""
    import importlib

    from ligandlab.scoring.ranking import code_fingerprint

    pkg = tmp_path / "llfp_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "other.py").write_text("X = 1\n")
    (pkg / "scorer.py").write_text(
        "from .helper import strain\n"
        "from llfp_pkg.constants import K\n"
        "class S:\n"
        "    def score(self):\n"
        "        from .lazy import extra\n"
        "        return strain() * K + extra()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    def fingerprint(helper: str, other: str, k: str = "2.0", lazy: str = "0") -> str:
        (pkg / "helper.py").write_text(f"def strain():\n    return {helper}\n")
        (pkg / "other.py").write_text(f"X = {other}\n")
        (pkg / "constants.py").write_text(f"K = {k}\n")
        (pkg / "lazy.py").write_text(f"def extra():\n    return {lazy}\n")
        for name in [m for m in sys.modules if m.startswith("llfp_pkg")]:
            del sys.modules[name]
        importlib.invalidate_caches()
        importlib.import_module("llfp_pkg.other")
        code_fingerprint.cache_clear()
        return code_fingerprint(importlib.import_module("llfp_pkg.scorer").S)

    base = fingerprint("0.2", "1")
    assert base and fingerprint("0.2", "1") == base
    assert fingerprint("0.2", "2") == base  # not used by the scorer
    assert fingerprint("0.7", "1") != base  # the helper it calls
    assert fingerprint("0.2", "1", k="3.0") != base  # a constant it imports
    assert fingerprint("0.2", "1", lazy="1") != base  # imported inside a function, not yet run
    assert "llfp_pkg.lazy" not in sys.modules  # fingerprinting did not import it


def test_scorers_without_a_source_file_still_cache() -> None:
    """A scorer class typed into ``python -c``, a REPL or a notebook has no source file:
    its fingerprint is empty (version and params still key it), never an error."""
    from ligandlab.scoring.ranking import code_fingerprint

    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from ligandlab.scoring.ranking import code_fingerprint\n"
            "class A: pass\n"
            "print(repr(code_fingerprint(A)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "''"
    nofile = types.ModuleType("ll_nofile")
    exec("class B: pass", nofile.__dict__)
    assert code_fingerprint(nofile.B) == ""


def test_ligandlab_code_hash_covers_what_scores_are_computed_from() -> None:
    """Scores from a git checkout must not outlive an edit to ligandlab's own code: the
    hash walked from the package reaches the modules the scorers compute with."""
    from ligandlab import sourcehash

    walked = {name for name, _ in sourcehash.package_sources(sys.modules["ligandlab"])}
    for used in [  # site geometry, descriptors, Hansen matching, conformers, rods, ranking
        "ligandlab.materials.slab",
        "ligandlab.chem.descriptors",
        "ligandlab.chem.solvent_match",
        "ligandlab.chem.hansen",
        "ligandlab.chem.conformers",
        "ligandlab.chem.straighten",
        "ligandlab.scoring.ranking",
    ]:
        assert used in walked, used
    narrow = {n for n, _ in sourcehash.package_sources(sys.modules["ligandlab.chem.descriptors"])}
    assert "ligandlab.chem.straighten" in narrow and "ligandlab.materials.slab" not in narrow


def test_a_code_edit_changes_score_and_descriptor_keys_but_not_simulation_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An edited ligandlab module (seen as a new source hash) re-keys cached descriptors and
    scores, but not campaign simulations, which only a release or a library edit re-runs."""
    from ligandlab import sourcehash
    from ligandlab.chem import descriptors
    from ligandlab.scoring import fingerprint

    def keys() -> tuple[str, str, str]:
        descriptors.descriptor_version.cache_clear()
        return (
            descriptors.descriptor_version(),
            fingerprint.inputs_fingerprint(),
            fingerprint.release_fingerprint(),
        )

    try:
        before = keys()
        monkeypatch.setattr(sourcehash, "module_digest", lambda name: f"edited-{name}")
        after = keys()
    finally:
        monkeypatch.undo()
        descriptors.descriptor_version.cache_clear()
    assert after[0] != before[0] and after[0].startswith(descriptors.DESCRIPTOR_VERSION)
    assert after[1] != before[1]
    assert after[2] == before[2]


def test_module_digest_follows_the_files_it_walks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``module_digest`` hashes a module and the same-package modules it imports."""
    import importlib

    from ligandlab import sourcehash

    pkg = tmp_path / "lldg_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "unused.py").write_text("Y = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    def digest(helper: str, unused: str) -> str:
        (pkg / "helper.py").write_text(f"K = {helper}\n")
        (pkg / "unused.py").write_text(f"Y = {unused}\n")
        (pkg / "main.py").write_text("from lldg_pkg.helper import K\n")
        for name in [m for m in sys.modules if m.startswith("lldg_pkg")]:
            del sys.modules[name]
        importlib.invalidate_caches()
        importlib.import_module("lldg_pkg.main")
        sourcehash.module_digest.cache_clear()
        return sourcehash.module_digest("lldg_pkg.main")

    base = digest("1", "1")
    assert len(base) == 16 and digest("1", "1") == base
    assert digest("1", "2") == base
    assert digest("2", "1") != base
    sourcehash.module_digest.cache_clear()
    assert sourcehash.module_digest("lldg_pkg.never_imported") == ""


def test_edited_library_data_is_not_served_from_the_score_cache(tmp_path: Path) -> None:
    """A chemist copies the library, changes CsPbBr3's lattice constant and ranks again with
    the same cache: the scores must follow the new lattice, not come back from the cache."""
    import shutil

    lib = tmp_path / "library"
    shutil.copytree(ll.library.data_root(), lib)
    code = (
        "import ligandlab as ll; "
        "d = ll.score('C8C12-PEA', material='CsPbBr3').scores['fit_geometry'].details; "
        "print(ll.library.fingerprint(), d['a_to_x_A'])"
    )
    env = {**os.environ, "LIGANDLAB_CACHE": str(tmp_path / "cache")}

    def run(library: Path) -> tuple[str, float]:
        out = subprocess.run(
            [sys.executable, "-c", code],
            env={**env, "LIGANDLAB_LIBRARY": str(library)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        return out[0], float(out[1])

    fp0, ax0 = run(lib)
    assert ax0 == pytest.approx(5.87 / math.sqrt(2), abs=0.01)
    # expected outcomes are not inputs: editing validation/ keeps the fingerprint
    (lib / "validation" / "scoring.yaml").write_text("# edited\n")
    assert run(lib) == (fp0, ax0)
    materials = lib / "materials.yaml"
    text = materials.read_text()
    assert "{a_site: Cs, x: Br, a: 5.87," in text
    materials.write_text(
        text.replace("{a_site: Cs, x: Br, a: 5.87,", "{a_site: Cs, x: Br, a: 6.10,")
    )
    fp1, ax1 = run(lib)
    assert fp1 != fp0
    assert ax1 == pytest.approx(6.10 / math.sqrt(2), abs=0.01)


def test_neutral_reagents_get_a_hint_and_rank_as_ions_with_ionize(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Oleylamine and oleic acid as written cannot bind; --ionize ranks their ions."""
    oam, oa = "CCCCCCCC/C=C\\CCCCCCCCN", "CCCCCCCC/C=C\\CCCCCCCC(=O)O"
    card = ll.score(oam, material="CsPbBr3", solvent="toluene")
    fit = card.scores["fit_geometry"]
    assert fit.value == 0.0 and "amine" in fit.details["reason"]
    assert "ionize" in fit.details["reason"]
    octanol = ll.score("CCCCCCCCO", material="CsPbBr3").scores["fit_geometry"]
    assert "ionize" not in octanol.details["reason"]  # nothing to charge, no hint
    assert "L-type" not in octanol.details["reason"]
    for donor, smiles in (
        ("phosphine oxide", "CCCCCCCCP(=O)(CCCCCCCC)CCCCCCCC"),  # TOPO
        ("thiol", "CCCCCCCCCCCCS"),  # dodecanethiol
    ):
        reason = ll.score(smiles, material="CsPbBr3").scores["fit_geometry"].details["reason"]
        assert f"{donor}: a neutral (L-type) donor to Pb, not modelled" in reason
    # charged, but not a group the scorer knows: named, not called uncharged (before 4.4)
    for smiles, ion in (("CCCCCCCCCCCC[S+](C)C", "S+"), ("[O-]B(O)CCCCCCCCCCCC", "O-")):
        reason = ll.score(smiles, material="CsPbBr3").scores["fit_geometry"].details["reason"]
        assert reason.startswith(f"its charges ({ion}) form no binding group")
        assert all(name in reason for name, _ in ll.BINDING_GROUPS)
    smi = tmp_path / "reagents.smi"
    smi.write_text(f"{oam} oleylamine\n{oa}\toleic acid\n")
    argv = ["rank", "--solvent", "toluene", "--file", str(smi), "--json"]
    main(argv)
    out = capsys.readouterr()
    assert "2 ligand(s) written neutral" in out.err and "--ionize" in out.err
    assert {r["fit_geometry"] for r in json.loads(out.out)} == {0.0}
    main([*argv, "--ionize"])
    out = capsys.readouterr()
    rows = {r["name"]: r for r in json.loads(out.out)}  # the file's names are kept
    assert out.err == "" and set(rows) == {"oleylamine", "oleic acid"}
    expect = ll.rank(
        [ll.ionize(oam), ll.ionize(oa)], material="CsPbBr3", solvent="toluene"
    ).set_index("smiles")
    for row in rows.values():
        assert row["fit_geometry"] > 0.4
        assert row["total"] == pytest.approx(expect.loc[row["smiles"], "total"])
    smi.write_text(f"{oam}\nC(C\n")
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2 and "reagents.smi: line 2" in capsys.readouterr().err


def test_cli_score_explains_one_ligand(capsys) -> None:  # type: ignore[no-untyped-def]
    main(["score", "C8C12-PEA", "--material", "CsPbI3", "--solvent", "toluene", "--json"])
    rec = json.loads(capsys.readouterr().out)
    card = ll.score("C8C12-PEA", material="CsPbI3", solvent="toluene")
    assert rec["total"] == pytest.approx(card.total) and rec["limiting"] == card.limiting
    assert set(rec["scores"]) == set(card.scores)
    fit = rec["scores"]["fit_geometry"]
    assert fit["details"] == card.scores["fit_geometry"].details and fit["unit"] == "kcal/mol"
    main(["score", "C8C12-PEA", "--material", "CsPbI3", "--solvent", "toluene"])
    out = capsys.readouterr().out
    assert "steric_density" in out and "spacing_nm=" in out and "limited by" in out
    main(["score", "CCCCCCCCN", "--ionize", "--scorer", "fit_geometry", "--json"])
    rec = json.loads(capsys.readouterr().out)
    assert rec["smiles"] == "CCCCCCCC[NH3+]" and rec["scores"]["fit_geometry"]["value"] > 0.4
    for argv, msg in [
        (["score", "C5-PEA", "--scorer", "nope"], "unknown scorer"),
        (["score", "C(C"], "cannot be parsed"),
        (["score", "C5-PEA", "--weight", "fit_geometry=x"], "scorer=number"),
    ]:
        with pytest.raises(SystemExit) as exc:
            main(argv)
        err = capsys.readouterr().err
        assert exc.value.code == 2 and msg in err and err.count("\n") == 1


def test_pareto_front_and_aggregate_many_match_their_definitions() -> None:
    """The block-wise Pareto cull and the vectorised aggregate against the definitions,
    on random tables with ties, NaNs, zero weights and a bonus scorer."""
    from ligandlab.scoring.ranking import FLOOR, aggregate_many

    rng = np.random.default_rng(7)
    for _ in range(20):
        n, k = int(rng.integers(1, 400)), int(rng.integers(1, 5))
        v = np.round(rng.random((n, k)), 1)  # one decimal: many ties and duplicate rows
        v[rng.random((n, k)) < 0.05] = np.nan
        worst = np.where(np.isnan(v), -1.0, v)
        ge = np.all(worst[:, None, :] >= worst[None, :, :], axis=2)
        gt = np.any(worst[:, None, :] > worst[None, :, :], axis=2)
        dominated = (ge & gt).any(axis=0)
        assert (pareto_front(v, block=int(rng.integers(1, 64))) == ~dominated).all()

        names = [f"s{i}" for i in range(k)]
        weights = {m: float(rng.choice([0.0, 0.5, 1.0, 2.0])) for m in names}
        weights[names[0]] = 1.0
        bonus = frozenset({names[-1]}) if k > 1 else frozenset()
        totals, limiting = aggregate_many(v, names, weights, bonus)
        for i in range(n):
            used = [
                (m, (1 + x) / 2 if m in bonus else x, weights[m])
                for m, x in zip(names, v[i], strict=True)
                if not np.isnan(x) and weights[m] > 0
            ]
            if not used:
                assert np.isnan(totals[i]) and limiting[i] is None
                continue
            expect = math.exp(
                sum(w * math.log(max(x, FLOOR)) for _, x, w in used) / sum(w for *_, w in used)
            )
            assert totals[i] == pytest.approx(expect, rel=1e-12)
            pool = [u for u in used if u[0] not in bonus] or used
            assert limiting[i] == min(pool, key=lambda u: (u[1], u[0]))[0]
    total, lim = aggregate({}, {"a": 1.0})  # a candidate every scorer failed
    assert math.isnan(total) and lim is None


def test_pi_stacking_counts_the_nearest_pi_system_only() -> None:
    """Fused and biaryl rings form one pi system; polystyrene's pendant phenyls, set apart by
    sp3 carbons, are separate, so PS stacks like a benzyl ring, not like eight rings."""
    from ligandlab_plugins.pi_stacking import _nearest_pi_system

    counts = {
        t: _nearest_pi_system(ll.chem.fragments.resolve_tail(t).smiles)[1]
        for t in ("benzyl", "biphenylmethyl", "naphthylmethyl", "PS900", "C8")
    }
    assert counts == {"benzyl": 1, "biphenylmethyl": 2, "naphthylmethyl": 2, "PS900": 1, "C8": 0}
    card = ll.score(ll.build_ligand("PE", 2, "PS900"), material="CsPbBr3", scorers=["pi_stacking"])
    details = card.scores["pi_stacking"].details
    assert (details["aromatic_rings"], details["stacking_rings"]) == (8, 1)
    assert card.scores["pi_stacking"].value <= 0.75
