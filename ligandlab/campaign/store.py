"""The results store: one SQLite file (WAL mode) in the campaign's output folder.

Why SQLite: transactional, embedded, no server, and safe for several writer processes at
once (WAL lets readers run beside one writer; writers queue on a lock with a generous
busy timeout). Each finished candidate is written in one transaction - its scores, its
failures and its ``done`` row together - so a campaign killed at any instant leaves
either all of a candidate or none of it, and a restart redoes exactly the missing ones.

Tables:

- ``candidates``: every enumerated candidate (key, ligand, surface, solvent, parts, order);
- ``results``: one row per (candidate, stage, scorer): value, raw, unit, details (JSON),
  scorer version;
- ``failures``: one row per (candidate, stage, scorer) that raised, with the message;
- ``done``: (candidate, stage) finished under a work fingerprint (scorer versions and
  parameters, or the simulation settings), with seconds and worker;
- ``meta``: the spec and campaign-level facts; ``runs``: one row per ``run()`` with
  provenance (versions, executor, timings).
"""

from __future__ import annotations

import json
import math
import os
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ligandlab.errors import LigandLabError, OutputError

FILENAME = "campaign.sqlite"
# the columns of the candidates table (position: enumeration order)
CANDIDATE_COLUMNS = (
    "key",
    "position",
    "name",
    "smiles",
    "material",
    "facet",
    "termination",
    "solvent",
    "head",
    "bridge",
    "tail",
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS candidates (
    key TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL, smiles TEXT NOT NULL,
    material TEXT NOT NULL, facet TEXT NOT NULL, termination TEXT NOT NULL, solvent TEXT,
    head TEXT, bridge INTEGER, tail TEXT);
CREATE TABLE IF NOT EXISTS results (
    candidate TEXT NOT NULL, stage TEXT NOT NULL, scorer TEXT NOT NULL, value REAL NOT NULL,
    raw REAL, unit TEXT, details TEXT, version TEXT,
    PRIMARY KEY (candidate, stage, scorer));
CREATE TABLE IF NOT EXISTS failures (
    candidate TEXT NOT NULL, stage TEXT NOT NULL, scorer TEXT NOT NULL, message TEXT NOT NULL,
    PRIMARY KEY (candidate, stage, scorer));
CREATE TABLE IF NOT EXISTS done (
    candidate TEXT NOT NULL, stage TEXT NOT NULL, fingerprint TEXT NOT NULL,
    seconds REAL, worker TEXT, finished REAL,
    PRIMARY KEY (candidate, stage));
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, started REAL, finished REAL, status TEXT,
    provenance TEXT);
"""


@dataclass
class Outcome:
    """What one candidate produced in one stage (what a worker returns)."""

    candidate: str
    scores: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # value/raw/unit/details/version
    failures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    worker: str = ""
    finished: bool = True  # False: the task itself failed; recorded, retried on the next run


def _finite(x: Any) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


class Store:
    """The SQLite results store of one campaign folder (one connection per process)."""

    def __init__(self, directory: str | Path, create: bool = True) -> None:
        self.directory = Path(directory)
        self.path = self.directory / FILENAME
        if not create and not self.path.is_file():
            raise LigandLabError(f"{self.directory} holds no campaign ({FILENAME} not found)")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.OperationalError) as exc:
            raise OutputError(
                f"cannot write the campaign store in {self.directory}: {exc}"
            ) from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` takes the write lock up front, so two
        writers queue instead of failing half-way)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ------------------------------------------------------------------ meta and runs

    def set_meta(self, key: str, value: Any) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, default=str))
            )

    def meta(self, key: str, default: Any = None) -> Any:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def start_run(self, provenance: dict[str, Any]) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs (started, status, provenance) VALUES (?, 'running', ?)",
                (time.time(), json.dumps(provenance, default=str)),
            )
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, provenance: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished = ?, status = ?, provenance = ? WHERE id = ?",
                (time.time(), status, json.dumps(provenance, default=str), run_id),
            )

    def runs(self) -> pd.DataFrame:
        return pd.read_sql_query("SELECT * FROM runs ORDER BY id", self._db)

    # ------------------------------------------------------------------ candidates

    def add_candidates(self, rows: Iterable[dict[str, Any]]) -> None:
        """Register candidates (idempotent: existing keys keep their first position)."""
        cols = CANDIDATE_COLUMNS
        with self.transaction() as db:
            db.executemany(
                f"INSERT OR IGNORE INTO candidates ({', '.join(cols)}) "
                f"VALUES ({', '.join('?' * len(cols))})",
                [tuple(r.get(c) for c in cols) for r in rows],
            )

    def candidates(self, keys: Sequence[str] | None = None) -> pd.DataFrame:
        df = pd.read_sql_query("SELECT * FROM candidates ORDER BY position", self._db)
        return df if keys is None else df[df["key"].isin(set(keys))]

    # ------------------------------------------------------------------ results

    def done_keys(self, stage: str, fingerprint: str) -> set[str]:
        rows = self._db.execute(
            "SELECT candidate FROM done WHERE stage = ? AND fingerprint = ?", (stage, fingerprint)
        )
        return {r[0] for r in rows}

    def record(self, stage: str, fingerprint: str, outcomes: Sequence[Outcome]) -> None:
        """Write finished candidates, all or nothing. A candidate recorded again replaces
        its earlier rows (so a retried task never duplicates results)."""
        with self.transaction() as db:
            for o in outcomes:
                db.execute(
                    "DELETE FROM results WHERE candidate = ? AND stage = ?", (o.candidate, stage)
                )
                db.execute(
                    "DELETE FROM failures WHERE candidate = ? AND stage = ?", (o.candidate, stage)
                )
                db.executemany(
                    "INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            o.candidate,
                            stage,
                            name,
                            float(r["value"]),
                            _finite(r.get("raw")),
                            r.get("unit", ""),
                            json.dumps(r.get("details", {}), default=str),
                            str(r.get("version", "")),
                        )
                        for name, r in o.scores.items()
                    ],
                )
                db.executemany(
                    "INSERT INTO failures VALUES (?, ?, ?, ?)",
                    [(o.candidate, stage, n, msg) for n, msg in o.failures.items()],
                )
                if o.finished:
                    db.execute(
                        "INSERT OR REPLACE INTO done VALUES (?, ?, ?, ?, ?, ?)",
                        (o.candidate, stage, fingerprint, o.seconds, o.worker, time.time()),
                    )

    def results(self, stage: str | None = None) -> pd.DataFrame:
        q, args = "SELECT * FROM results", ()
        if stage is not None:
            q, args = q + " WHERE stage = ?", (stage,)  # type: ignore[assignment]
        return pd.read_sql_query(q, self._db, params=args)

    def failures(self, stage: str | None = None) -> pd.DataFrame:
        q, args = "SELECT * FROM failures", ()
        if stage is not None:
            q, args = q + " WHERE stage = ?", (stage,)  # type: ignore[assignment]
        return pd.read_sql_query(q, self._db, params=args)

    def done(self) -> pd.DataFrame:
        return pd.read_sql_query("SELECT * FROM done", self._db)

    def counts(self) -> dict[str, int]:
        """How many candidates, and how many done / failed per stage."""
        one = self._db.execute
        out = {"candidates": int(one("SELECT COUNT(*) FROM candidates").fetchone()[0])}
        for stage, n in one("SELECT stage, COUNT(*) FROM done GROUP BY stage"):
            out[f"{stage} done"] = int(n)
        for stage, n in one("SELECT stage, COUNT(DISTINCT candidate) FROM failures GROUP BY stage"):
            out[f"{stage} with failures"] = int(n)
        return out


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
