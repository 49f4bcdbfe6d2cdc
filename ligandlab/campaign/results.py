"""``CampaignResult``: the store of a campaign folder read back as tables, exports and a
report. Totals, the limiting scorer and the Pareto front are computed here from the stored
scorer values and the weights (the spec's unless given), with the same aggregate as
``ll.rank`` (``ligandlab.scoring.ranking``), so re-weighting never needs a re-run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ligandlab.campaign.store import CANDIDATE_COLUMNS, Store
from ligandlab.errors import LigandLabError, OutputError
from ligandlab.scoring.ranking import aggregate_many, check_weights, pareto_within

INFO = [c for c in CANDIDATE_COLUMNS if c != "position"]
# ligandlab.simulate.analysis.MODES, not imported here: that would load OpenMM on import
MODES = ["BM1", "BM2", "BM2'", "BM3", "unbound"]


def _bonus(names: list[str]) -> frozenset[str]:
    from ligandlab.scoring.manager import registry

    reg = registry()
    return frozenset(n for n in names if n in reg and getattr(reg[n], "bonus", False))


class CampaignResult:
    """Results of the campaign stored in ``directory``."""

    def __init__(
        self,
        directory: str | Path,
        weights: dict[str, float] | None = None,
        store: Store | None = None,
    ) -> None:
        self.directory = Path(directory)
        self._store = store
        own = store or Store(self.directory, create=False)
        try:
            spec = own.meta("spec", {})
            self.name: str = own.meta("name", "campaign")
            self.scorers: list[str] = own.meta("scorers", [])
        finally:
            if store is None:
                own.close()
        self.spec: dict[str, Any] = spec
        w = weights if weights is not None else spec.get("weights")
        self.weights = check_weights(w, self.scorers) if self.scorers else {}

    def _open(self) -> Store:
        return self._store or Store(self.directory, create=False)

    def _close(self, store: Store) -> None:
        if store is not self._store:
            store.close()

    # ------------------------------------------------------------------ tables

    def fast_table(self) -> pd.DataFrame:
        """One row per candidate finished (or failed) in the fast stage, best first."""
        store = self._open()
        try:
            cands = store.candidates()
            res = store.results("fast")
            fails = store.failures("fast")
        finally:
            self._close(store)
        names = self.scorers
        values = res.pivot(index="candidate", columns="scorer", values="value")
        values = values.reindex(columns=names)
        failed = (
            fails.assign(text=fails["scorer"] + ": " + fails["message"])
            .groupby("candidate")["text"]
            .agg("; ".join)
        )
        seen = set(values.index) | set(failed.index)
        df = cands[cands["key"].isin(seen)].copy()
        df["bridge"] = df["bridge"].astype("Int64")
        df = df.join(values, on="key")
        failed_text = failed.to_dict()
        df["failed"] = [failed_text.get(k, "") for k in df["key"]]
        totals, limiting = aggregate_many(
            df[names].to_numpy(float), names, self.weights, _bonus(names)
        )
        df["total"] = totals
        df["limiting"] = limiting
        df["pareto"] = pareto_within(df, names)
        df["_bad"] = df["failed"] != ""
        df = df.sort_values(["_bad", "total", "position"], ascending=[True, False, True])
        cols = [*INFO, "total", *names, "limiting", "pareto", "failed"]
        return df[cols].reset_index(drop=True)

    def simulations(self) -> pd.DataFrame:
        """One row per simulated candidate: BM3 score, bound fraction, mode populations,
        run folder, or the failure."""
        store = self._open()
        try:
            res = store.results("sim")
            fails = store.failures("sim")
        finally:
            self._close(store)
        rows: list[dict[str, Any]] = []
        for r in res.itertuples(index=False):
            d = json.loads(str(r.details or "{}"))
            pops = d.get("populations", {})
            rows.append(
                {
                    "key": r.candidate,
                    "md_binding": r.value,
                    "bound_fraction": d.get("bound_fraction", np.nan),
                    **{f"pop_{m}": pops.get(m, np.nan) for m in MODES},
                    "run_dir": d.get("directory", ""),
                    "sim_failed": "",
                }
            )
        for r in fails.itertuples(index=False):
            rows.append({"key": r.candidate, "sim_failed": f"{r.scorer}: {r.message}"})
        cols = ["key", "md_binding", "bound_fraction", *(f"pop_{m}" for m in MODES)]
        return pd.DataFrame(rows, columns=[*cols, "run_dir", "sim_failed"])

    @property
    def table(self) -> pd.DataFrame:
        """The ranking (best first) with the simulation columns joined for simulated
        candidates (NaN elsewhere)."""
        fast = self.fast_table()
        sims = self.simulations().drop_duplicates("key", keep="first")
        out = fast.merge(sims, on="key", how="left")
        out["simulated"] = out["key"].isin(set(sims.loc[sims["sim_failed"] == "", "key"]))
        for col in ("sim_failed", "run_dir"):  # all-NaN (float) when no simulation ran or passed
            out[col] = out[col].astype(object).fillna("").astype(str)
        return out

    def failures(self) -> pd.DataFrame:
        store = self._open()
        try:
            return store.failures()
        finally:
            self._close(store)

    def status(self) -> dict[str, Any]:
        """Counts per stage and the runs so far (start, end, status, timings)."""
        store = self._open()
        try:
            counts = store.counts()
            runs = store.runs()
        finally:
            self._close(store)
        out: dict[str, Any] = {"name": self.name, "directory": str(self.directory), **counts}
        out["pending"] = counts["candidates"] - counts.get("fast done", 0)
        out["runs"] = []
        for r in runs.to_dict(orient="records"):
            prov = json.loads(str(r["provenance"]))
            done = r["finished"] is not None and not pd.isna(r["finished"])
            out["runs"].append(
                {
                    "id": int(r["id"]),
                    "status": r["status"],
                    "seconds": round(float(r["finished"]) - float(r["started"]), 1)
                    if done
                    else None,
                    "executor": prov.get("executor"),
                    "workers": prov.get("workers"),
                }
            )
        return out

    # ------------------------------------------------------------------ export

    def export(self, path: str | Path, format: str | None = None) -> Path:
        """Write the table as CSV or Parquet (by ``format`` or the file suffix)."""
        path = Path(path)
        fmt = (format or path.suffix.lstrip(".") or "csv").lower()
        if fmt not in ("csv", "parquet"):
            raise OutputError(f"unsupported export format {fmt!r}; use csv or parquet")
        if path.suffix == "":
            path = path.with_suffix(f".{fmt}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if fmt == "csv":
                self.table.to_csv(path, index=False)
            else:
                self.table.to_parquet(path, index=False)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        return path

    def to_csv(self, path: str | Path) -> Path:
        return self.export(path, "csv")

    def to_parquet(self, path: str | Path) -> Path:
        return self.export(path, "parquet")

    def report(self, directory: str | Path | None = None, top: int = 25) -> Path:
        """Write the HTML report (and its PNG figures) to ``directory`` (default
        ``<campaign>/report``); returns the path of ``index.html``."""
        from ligandlab.campaign.report import write_report

        target = Path(directory) if directory is not None else self.directory / "report"
        if not self.scorers:
            raise LigandLabError(f"{self.directory} has no results to report yet")
        return write_report(self, target, top=top)
