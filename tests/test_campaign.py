"""Campaigns: spec validation, resume after SIGKILL, concurrent store writers, Dask vs
local executor, exports, the HTML report and the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import ligandlab as ll
from ligandlab.campaign import CampaignResult, SpecError, Store
from ligandlab.campaign.report import _cell_colours, best_per_material
from ligandlab.campaign.store import Outcome
from ligandlab.cli import main as cli_main

SMALL = {
    "name": "small",
    "ligands": [
        {"library": {"heads": ["PE", "PC"], "bridges": [2, 3], "tails": ["C8C12", "benzyl"]}},
        {"smiles": ["[NH3+]CCc1ccccc1 PEA", "CCCCCCCCCCCCCCCCCC(=O)[O-] stearate"]},
    ],
    "materials": ["CsPbBr3", "CsPbI3"],
    "solvents": ["toluene", "hexane"],
    "batch_size": 1,
}


def test_broken_spec_lists_every_invalid_field_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "never"
    bad = {
        "ligands": [
            {"library": {"heads": ["PEX"]}},
            {"file": "missing.smi"},
            {"smiles": ["C1CC"]},
        ],
        "materials": ["CsPbBr3", "CsPbBr4"],
        "solvents": ["toluene", "tolueen"],
        "scorers": ["fit_geometry", "fit_geometri"],
        "weights": {"fit_geometry": -1.0},
        "funnel": {"protocol": "warp"},
        "output": str(out),
    }
    with pytest.raises(SpecError) as err:
        ll.Campaign(bad)
    msg = str(err.value)
    assert "\n" not in msg
    for field in (
        "ligands[0].library.heads",
        "ligands[1].file",
        "ligands[2].smiles",
        "materials",
        "solvents",
        "scorers",
        "funnel.protocol",
    ):
        assert field in msg, field
    assert "PEX" in msg and "CsPbBr4" in msg and "tolueen" in msg and "fit_geometri" in msg
    assert "missing.smi" in msg and "warp" in msg
    assert not out.exists()
    # a bad weight on an otherwise good spec
    with pytest.raises(SpecError, match=r"weights: .*fit_geometry.*>= 0"):
        ll.Campaign({**SMALL, "weights": {"fit_geometry": -1.0}})
    with pytest.raises(SpecError, match=r"not a scorer of this campaign"):
        ll.Campaign({**SMALL, "weights": {"md_binding": 1.0}})
    with pytest.raises(SpecError, match=r"no buildable surface.*\(100\) only"):
        ll.Campaign({**SMALL, "facets": ["110"], "terminations": ["PbX2"]})


def test_surfaces_are_the_facet_termination_pairs_that_exist() -> None:
    camp = ll.Campaign(
        {
            "ligands": [{"smiles": ["[NH3+]CCc1ccccc1"]}],
            "materials": ["CsPbBr3"],
            "facets": [100, 110],
            "terminations": ["AX", "PbX2"],
        }
    )
    assert camp.spec.surfaces() == [("100", "AX"), ("100", "PbX2"), ("110", "AX")]
    cands = camp.candidates()
    assert [(c.facet, c.termination) for c in cands] == camp.spec.surfaces()


def test_cli_bad_spec_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "c.yaml"
    f.write_text("ligands: [{smiles: ['[NH3+]CC']}]\nmaterials: [Unobtainium]\n")
    with pytest.raises(SystemExit) as ex:
        cli_main(["campaign", "run", str(f)])
    assert ex.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Unobtainium" in err


def test_sources_files_and_dedupe(tmp_path: Path) -> None:
    smi = tmp_path / "ligs.smi"
    smi.write_text("# my ligands\n[NH3+]CCc1ccccc1 PEA\nC8C12-PEA\n[NH3+]CCc1ccccc1 again\n")
    camp = ll.Campaign(ligands=[{"file": str(smi)}], materials=["CsPbBr3"])
    names = [lig.name for lig in camp.ligands()]
    assert names == ["PEA", "C8C12-PEA"]  # duplicate SMILES dropped, first name kept
    assert len(camp.candidates()) == 2 and camp.candidates()[0].solvent is None
    bad = tmp_path / "bad.smi"
    bad.write_text("[NH3+]CC\nnot_a_smiles(\n")
    with pytest.raises(SpecError, match=r"bad.smi: line 2"):
        ll.Campaign(ligands=[{"file": str(bad)}], materials=["CsPbBr3"]).candidates()


RESUME_SCRIPT = """
import os, sys, time
import ligandlab as ll
from ligandlab.scoring.manager import plugin_manager, reload_plugins, registry

LOG, DELAY = sys.argv[2], float(sys.argv[3])

class Counting:
    name = "counting"; version = "1"; needs = frozenset({"ligand", "surface"}); cost = "fast"
    params = {}
    def score(self, cand, ctx):
        with open(LOG, "a") as fh:
            fh.write(cand.key + "\\n")
        time.sleep(DELAY)
        return ll.ScoreResult((len(cand.ligand.smiles) + len(cand.material)) % 10 / 10, 1.0)

class Plugin:
    @ll.hookimpl
    def ligandlab_scorers(self):
        return [Counting()]

plugin_manager().register(Plugin())
registry.cache_clear()
spec = dict(SPEC, output=sys.argv[1], scorers=["counting", "solvent_match", "steric_density"])
ll.Campaign(spec).run(workers=1, progress=False)
"""


def _resume_run(out: Path, log: Path, delay: float) -> subprocess.Popen[bytes]:
    code = f"SPEC = {SMALL!r}\n" + RESUME_SCRIPT
    return subprocess.Popen(
        [sys.executable, "-c", code, str(out), str(log), str(delay)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_killed_campaign_resumes_without_loss_duplicates_or_repeated_work(tmp_path: Path) -> None:
    ref_out, ref_log = tmp_path / "ref", tmp_path / "ref.log"
    p = _resume_run(ref_out, ref_log, 0.0)
    assert p.wait(timeout=300) == 0, p.stderr.read().decode() if p.stderr else ""
    reference = CampaignResult(ref_out).table
    n = len(reference)
    assert n == 8 * 2 * 2 and reference["key"].is_unique

    out, log1, log2 = tmp_path / "run", tmp_path / "first.log", tmp_path / "second.log"
    p = _resume_run(out, log1, 0.25)
    deadline = time.time() + 300
    while time.time() < deadline:
        if log1.exists() and len(log1.read_text().split()) >= 9:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    with Store(out) as store:
        finished = store.done_keys("fast", store.done()["fingerprint"].iloc[0])
    assert 0 < len(finished) < n  # killed mid-run, something finished

    p = _resume_run(out, log2, 0.0)
    assert p.wait(timeout=300) == 0, p.stderr.read().decode() if p.stderr else ""
    second_calls = log2.read_text().split()
    assert not set(second_calls) & finished  # finished candidates were not scored again
    assert len(second_calls) == n - len(finished)
    resumed = CampaignResult(out).table
    pd.testing.assert_frame_equal(resumed, reference)
    runs = CampaignResult(out).status()["runs"]
    assert [r["status"] for r in runs] == ["running", "finished"]  # the killed run never finished


WRITER = """
import sys
from ligandlab.campaign.store import Store, Outcome
who, n = sys.argv[2], int(sys.argv[3])
with Store(sys.argv[1]) as s:
    for i in range(n):
        o = Outcome(f"{who}-{i}", {"x": {"value": 0.5, "raw": i}}, {"y": "boom"})
        s.record("fast", "fp", [o])
"""


def test_two_writers_on_one_store_lose_nothing(tmp_path: Path) -> None:
    Store(tmp_path).close()
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), w, "300"]) for w in "ab"
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with Store(tmp_path) as s:
        res, fails, done = s.results(), s.failures(), s.done()
    assert len(res) == len(fails) == len(done) == 600
    assert set(done["candidate"]) == {f"{w}-{i}" for w in "ab" for i in range(300)}


def test_store_record_is_idempotent(tmp_path: Path) -> None:
    with Store(tmp_path) as s:
        o = Outcome("k", {"x": {"value": 0.1, "raw": 1.0, "details": {"a": [1, 2]}}})
        s.record("fast", "fp", [o])
        s.record("fast", "fp", [Outcome("k", {"x": {"value": 0.2, "raw": 2.0}})])
        res = s.results()
        assert len(res) == 1 and res["value"].iloc[0] == 0.2
        s.record("fast", "fp", [Outcome("j", {}, {"*": "worker died"}, finished=False)])
        assert s.done_keys("fast", "fp") == {"k"}  # a failed task is retried next run
        assert s.counts()["fast with failures"] == 1


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ll.errors.OutputError, match="cannot write the campaign store"):
        ll.Campaign(SMALL).run(output=blocker / "sub", progress=False)


def test_dask_executor_gives_the_same_table_as_local(tmp_path: Path) -> None:
    spec = {**SMALL, "solvents": ["toluene"]}
    local = ll.Campaign(spec).run(workers=1, output=tmp_path / "local", progress=False)
    dask = ll.Campaign(spec).run(
        executor="dask", workers=2, output=tmp_path / "dask", progress=False
    )
    pd.testing.assert_frame_equal(local.table, dask.table)
    run = dask.status()["runs"][0]
    assert run["executor"] == "dask" and run["workers"] == 2
    pool = ll.Campaign(spec).run(workers=2, output=tmp_path / "pool", progress=False)
    pd.testing.assert_frame_equal(local.table, pool.table)


def test_table_totals_match_rank_and_exports(tmp_path: Path) -> None:
    res = ll.Campaign({**SMALL, "weights": {"pi_stacking": 0.5}}).run(
        workers=1, output=tmp_path / "c", progress=False
    )
    t = res.table
    ranked = ll.rank(
        [ll.parse_ligand(s) for s in t["smiles"].unique()],
        material=["CsPbBr3", "CsPbI3"],
        solvent=["toluene", "hexane"],
        weights={"pi_stacking": 0.5},
    )
    merged = t.merge(ranked, on=["smiles", "material", "solvent"], suffixes=("", "_rank"))
    assert len(merged) == len(t)
    assert (merged["total"] - merged["total_rank"]).abs().max() < 1e-9
    assert t["total"].is_monotonic_decreasing
    # re-weighting needs no re-run
    again = CampaignResult(tmp_path / "c", weights={"fit_geometry": 1.0})
    assert not again.table["total"].equals(t["total"])
    csv = res.export(tmp_path / "t.csv")
    pq = res.to_parquet(tmp_path / "t.parquet")
    assert len(pd.read_csv(csv)) == len(pd.read_parquet(pq)) == len(t)
    with pytest.raises(ll.errors.OutputError, match="unsupported export format"):
        res.export(tmp_path / "t.xlsx")

    # the report adds the best ligands of each material, each ligand once (its best solvent)
    best = best_per_material(t, n=3)
    assert list(best) == list(t["material"].unique())
    for material, rows in best.items():
        mine = t[t["material"] == material]
        assert (rows["material"] == material).all() and rows["smiles"].is_unique
        assert (
            list(rows["total"]) == sorted(mine.groupby("smiles")["total"].max(), reverse=True)[:3]
        )
    parser = _Imgs()
    parser.feed(res.report(tmp_path / "report").read_text())
    assert parser.tables == 3  # the ranking, then one table per material


def test_cli_run_shows_the_best_on_each_material(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "c.yaml"
    spec.write_text(yaml.safe_dump({**SMALL, "output": str(tmp_path / "c"), "workers": 1}))
    cli_main(["campaign", "run", str(spec), "--no-report", "--top", "1"])
    out = capsys.readouterr().out
    table = CampaignResult(tmp_path / "c").table
    best = out[out.index("best on each material") :]
    for material, rows in best_per_material(table, n=1).items():
        assert material in best and str(rows["name"].iloc[0]) in best


def test_cli_names_each_failure_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """MAPbBr2I has no ion model: its simulation fails, the CLI says which and why."""
    spec = tmp_path / "c.yaml"
    spec.write_text(
        textwrap.dedent(
            f"""
            name: mixed
            ligands:
              - smiles: ["C5-PEA", "OAm"]
            materials: [MAPbBr2I]
            solvents: [toluene]
            funnel: {{top: 1, protocol: test, size: 3}}
            workers: 1
            output: {tmp_path / "out"}
            """
        )
    )
    cli_main(["campaign", "run", str(spec), "--no-report"])
    out = capsys.readouterr().out
    assert "1 failed" in out and "no mixed ion model" in out
    cli_main(["campaign", "status", str(tmp_path / "out"), "--json"])
    st = json.loads(capsys.readouterr().out)
    (fail,) = st["failures"]
    assert fail["stage"] == "sim" and fail["material"] == "MAPbBr2I"
    assert fail["name"] == CampaignResult(tmp_path / "out").table["name"].iloc[0]
    assert st["fast done"] == 2  # the fast ranking of both candidates is kept


class _Imgs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.srcs: list[str] = []
        self.tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.srcs.append(dict(attrs)["src"] or "")
        if tag == "table":
            self.tables += 1


def test_funnel_simulation_report_and_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "c.yaml"
    spec.write_text(
        textwrap.dedent(
            f"""
            name: report-test
            ligands:
              - smiles: ["C5-PEA", "C5-PC", "[NH3+]CCc1ccccc1 PEA"]
            materials: [CsPbBr3]
            solvents: [toluene]
            funnel: {{top: 1, protocol: test, size: 3}}
            workers: 1
            output: {tmp_path / "out"}
            """
        )
    )
    cli_main(["campaign", "run", str(spec), "--json"])
    rec = json.loads(capsys.readouterr().out)
    page = Path(rec["report"])
    assert rec["status"]["sim done"] == 1
    res = CampaignResult(tmp_path / "out")
    t = res.table
    sim = t[t["simulated"]]
    assert len(sim) == 1 and sim.index[0] == 0  # the top candidate was simulated
    assert 0.0 <= sim["md_binding"].iloc[0] <= 1.0
    pops = sim[[c for c in t.columns if c.startswith("pop_")]].iloc[0]
    assert abs(pops.sum() - 1.0) < 1e-3
    assert Path(sim["run_dir"].iloc[0], "trajectory.dcd").exists()

    parser = _Imgs()
    html = page.read_text()
    parser.feed(html)
    assert parser.tables == 1
    for name in t["name"].head(3):
        assert name in html
    assert "What this ranking cannot tell you" in html  # the known limits travel with it
    names = {Path(s).name for s in parser.srcs}
    assert {"breakdown.png", "pareto.png", "tails_solvents.png"} <= names
    assert any(n.startswith("dndp_") for n in names) and any(n.startswith("modes_") for n in names)
    for src in parser.srcs:
        assert not src.startswith(("http", "/")), src  # relative, self-contained
        assert (page.parent / src).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", src

    # re-running finds everything done: nothing is simulated again
    before = os.path.getmtime(Path(sim["run_dir"].iloc[0], "trajectory.dcd"))
    cli_main(["campaign", "run", str(spec), "--no-report"])
    assert os.path.getmtime(Path(sim["run_dir"].iloc[0], "trajectory.dcd")) == before
    capsys.readouterr()
    cli_main(["campaign", "status", str(tmp_path / "out"), "--json"])
    st = json.loads(capsys.readouterr().out)
    assert st["fast done"] == 3 and st["pending"] == 0 and len(st["runs"]) == 2
    cli_main(["campaign", "export", str(tmp_path / "out"), "--format", "parquet"])
    assert len(pd.read_parquet(tmp_path / "out" / "results.parquet")) == 3


def test_local_workers_share_the_cores_between_openmm_contexts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ligandlab.campaign.executors import LocalExecutor, threads_per_worker

    monkeypatch.delenv("OPENMM_CPU_THREADS", raising=False)
    cores = len(os.sched_getaffinity(0))
    assert threads_per_worker(2) == str(max(1, cores // 2))
    assert threads_per_worker(10 * cores) == "1"
    pool = LocalExecutor(2)
    try:
        seen = [r for _, r, _ in pool.map_unordered(os.getenv, ["OPENMM_CPU_THREADS"] * 2)]
    finally:
        pool.close()
    assert seen == [threads_per_worker(2)] * 2
    assert "OPENMM_CPU_THREADS" not in os.environ  # the parent is left alone
    monkeypatch.setenv("OPENMM_CPU_THREADS", "3")
    assert threads_per_worker(2) == "3"  # the user's setting wins


def test_worker_pools_share_the_cores_between_rdkit_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Conformer embedding and minimisation use all cores in one process, and cores /
    workers in each worker of a pool (campaign executors and describe_many)."""
    from ligandlab.campaign.executors import LocalExecutor
    from ligandlab.chem.conformers import THREADS_ENV, rdkit_threads, worker_threads

    monkeypatch.delenv(THREADS_ENV, raising=False)
    cores = len(os.sched_getaffinity(0))
    assert rdkit_threads() == 0  # all cores
    assert worker_threads(2) == max(1, cores // 2)
    assert worker_threads(10 * cores) == 1
    pool = LocalExecutor(2)
    try:
        seen = [r for _, r, _ in pool.map_unordered(os.getenv, [THREADS_ENV] * 2)]
    finally:
        pool.close()
    assert seen == [str(worker_threads(2))] * 2
    assert THREADS_ENV not in os.environ  # the parent is left alone
    monkeypatch.setenv(THREADS_ENV, "3")
    assert worker_threads(2) == 3  # the user's setting wins
    monkeypatch.setenv(THREADS_ENV, "many")
    with pytest.raises(ll.LigandLabError, match="whole number"):
        rdkit_threads()


def test_rerun_after_a_library_edit_rescores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Results are keyed by what produced them, the library data included: a rerun with the
    same library skips every candidate, a rerun after an edit scores them all again."""
    from ligandlab.campaign import runner

    spec = {**SMALL, "ligands": [{"smiles": ["[NH3+]CCc1ccccc1 PEA"]}], "solvents": ["toluene"]}
    out = tmp_path / "c"
    ll.Campaign(spec).run(workers=1, output=out, progress=False)
    with Store(out) as store:
        first = store.done()
    assert len(first) == 2  # one ligand x two materials
    ll.Campaign(spec).run(workers=1, output=out, progress=False)
    with Store(out) as store:
        assert store.done()["fingerprint"].tolist() == first["fingerprint"].tolist()
    monkeypatch.setattr(runner, "inputs_fingerprint", lambda: "edited-library")
    ll.Campaign(spec).run(workers=1, output=out, progress=False)
    with Store(out) as store:
        again = store.done()
    assert len(again) == 2 and set(again["fingerprint"]).isdisjoint(first["fingerprint"])


def test_ionize_source_charges_smiles_and_file_ligands(tmp_path: Path) -> None:
    smi = tmp_path / "reagents.smi"
    smi.write_text("CCCCCCCCCCCCP(=O)(O)O DDPA\n")
    camp = ll.Campaign(
        ligands=[
            {"smiles": ["CCCCCCCC/C=C\\CCCCCCCCN oleylamine"], "ionize": True},
            {"file": str(smi), "ionize": True},
            {"smiles": ["CCCCCCCCN"]},  # as written: stays neutral
        ],
        materials=["CsPbBr3"],
    )
    got = {lig.name: lig.ligand_class for lig in camp.ligands()}
    assert got == {"oleylamine": "ammonium", "DDPA": "phosphonate", "CCCCCCCCN": "neutral"}
    with pytest.raises(SpecError, match="ionize applies to smiles and file"):
        ll.Campaign(ligands=[{"library": {}, "ionize": True}], materials=["CsPbBr3"])


def test_reference_ligands_by_name_in_a_campaign_source() -> None:
    camp = ll.Campaign(
        ligands=[{"smiles": ["OAm", "oleic acid", "DDAB ddab-control", "C8C12-PEA"]}],
        materials=["CsPbBr3"],
    )
    got = {lig.name: lig.ligand_class for lig in camp.ligands()}
    assert got == {
        "OAm": "ammonium",
        "OA": "carboxylate",
        "ddab-control": "ammonium",
        "C8C12-PEA": "zwitterion",
    }
    with pytest.raises(SpecError, match="reference ligand"):
        ll.Campaign(ligands=[{"smiles": ["oleylamide"]}], materials=["CsPbBr3"])


def test_breakdown_colours_bonus_columns_apart() -> None:
    data = np.array([[0.0, 0.0, np.nan], [1.0, 1.0, 1.0]])
    rgba = _cell_colours(data, np.array([False, True, False]))
    red, white = rgba[0, 0], rgba[0, 1]
    assert red[0] > 0.6 and red[1] < 0.1  # a score of 0 is red
    assert min(white[:3]) > 0.95  # a bonus of 0 is white: no bonus, not a defect
    assert rgba[1, 1][2] > rgba[1, 1][0] + 0.3  # a full bonus is blue
    assert rgba[1, 0][1] > rgba[1, 0][0] + 0.3  # a full score is green
    assert tuple(rgba[0, 2]) == (0.85, 0.85, 0.85, 1.0)  # missing: grey
