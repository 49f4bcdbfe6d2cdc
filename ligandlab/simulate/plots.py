"""Plots of runs: mode populations over time, the 2D d_N/d_P map, coverage maps (PNG).

The map is the founding paper's picture (Morad et al. 2024, Fig. 2): each ligand-frame is
a point at the heights of its cationic (N) and anionic (P) centres, here above the
surface plane (h = d - d_surface, see ``analysis``), with the cut-offs that separate the
modes drawn on it. matplotlib's Agg backend is used, so no display is needed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ligandlab.errors import OutputError
from ligandlab.simulate.analysis import MODES, ModeCutoffs, populations
from ligandlab.simulate.api import CoveragePoint
from ligandlab.simulate.run import RunResult, load_run

COLOURS = {
    "BM1": "#9ecae1",
    "BM2": "#fdae6b",
    "BM2'": "#a1d99b",
    "BM3": "#31a354",
    "unbound": "#bdbdbd",
}


def _as_run(run: RunResult | str | Path) -> RunResult:
    return run if isinstance(run, RunResult) else load_run(run)


def _cutoffs(run: RunResult) -> ModeCutoffs | None:
    prov = run.directory / "provenance.json"
    if not prov.exists():
        return None
    a = json.loads(prov.read_text()).get("system", {}).get("lattice_nm")
    return ModeCutoffs.for_lattice(float(a)) if a else None


def _save(fig: object, path: Path) -> Path:
    import matplotlib.pyplot as plt

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=110, bbox_inches="tight")  # type: ignore[attr-defined]
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        plt.close(fig)  # type: ignore[arg-type]
    return path


def plot_dn_dp(run: RunResult | str | Path, path: str | Path, title: str = "") -> Path:
    """The d_N/d_P map of every ligand-frame as a 2D histogram, with the mode cut-offs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = _as_run(run)
    hn, hp = np.ravel(r.h_n), np.ravel(r.h_p)
    ok = np.isfinite(hn) & np.isfinite(hp)
    fig, ax = plt.subplots(figsize=(4.2, 3.8))
    if ok.any():
        hi = max(1.2, float(np.nanmax(np.r_[hn[ok], hp[ok]])) + 0.1)
        _, _, _, im = ax.hist2d(
            hn[ok], hp[ok], bins=40, range=[[-0.3, hi], [-0.3, hi]], cmin=1, cmap="viridis"
        )
        fig.colorbar(im, ax=ax, label="ligand-frames")
    cut = _cutoffs(r)
    if cut is not None:
        ax.axvline(cut.cation_nm, color="k", lw=0.8, ls="--")
        ax.axhline(cut.anion_nm, color="k", lw=0.8, ls="--")
        ax.text(-0.27, cut.anion_nm - 0.02, "BM3", ha="left", va="top", fontsize=8)
        ax.text(cut.cation_nm + 0.02, 1.0 + 0.02, "unbound beyond 1 nm", fontsize=6, va="bottom")
    ax.set_xlabel("h$_N$ above surface plane (nm)")
    ax.set_ylabel("h$_P$ above surface plane (nm)")
    ax.set_title(title or f"d$_N$/d$_P$ map ({r.frames} frames)", fontsize=9)
    return _save(fig, Path(path))


def plot_modes(run: RunResult | str | Path, path: str | Path, title: str = "") -> Path:
    """Mode populations per frame as a stacked area plot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = _as_run(run)
    pops = populations(r.modes)
    n = len(next(iter(pops.values()), []))
    frame_ps = 0.0
    prov = r.directory / "provenance.json"
    if prov.exists():
        frame_ps = float(json.loads(prov.read_text()).get("protocol", {}).get("frame_ps", 0.0))
    x = np.arange(1, n + 1) * frame_ps if frame_ps else np.arange(1, n + 1)
    fig, ax = plt.subplots(figsize=(4.8, 3.0))
    if n:
        ax.stackplot(
            x, *[pops[m] for m in MODES], labels=list(MODES), colors=[COLOURS[m] for m in MODES]
        )
        ax.set_xlim(x[0], x[-1])
    ax.set_ylim(0, 1)
    ax.set_xlabel("time in production (ps)" if frame_ps else "frame")
    ax.set_ylabel("fraction of ligands")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(title or "binding-mode populations", fontsize=9)
    return _save(fig, Path(path))


def plot_coverage(
    maps: dict[str, list[CoveragePoint]], path: str | Path, title: str = "coverage map"
) -> Path:
    """Coverage maps of one or more ligands side by side.

    Left: final surface integrity against coverage, a cross where the surface ruptured, the
    number of desorbed ligands next to each point. Right: integrity over production time at
    each ligand's highest coverage, so which surface fails first can be read off.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ligandlab.simulate.integrity import RUPTURE_INTEGRITY

    fig, (left, right) = plt.subplots(1, 2, figsize=(8.4, 3.2))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, (name, points) in enumerate(maps.items()):
        c = colours[k % len(colours)]
        pts = sorted(points, key=lambda p: p.coverage)
        x = [100 * p.coverage for p in pts]
        left.plot(x, [p.integrity for p in pts], "-o", color=c, label=name)
        for p, xi in zip(pts, x, strict=True):
            if p.ruptured:
                left.plot(xi, p.integrity, "x", color="k", ms=9)
            if p.desorbed:
                left.annotate(
                    f"{p.desorbed} off",
                    (xi, p.integrity),
                    fontsize=7,
                    xytext=(3, -10),
                    textcoords="offset points",
                    color=c,
                )
        top = pts[-1]
        if top.integrity_series:
            t = np.arange(1, len(top.integrity_series) + 1) * (top.frame_ps or 1.0)
            right.plot(t, top.integrity_series, color=c, label=f"{name}, {x[-1]:.0f} %")
            off = np.asarray(top.desorbed_series)
            if off.any():
                right.step(t, 1 - off / max(1, top.n_ligands), color=c, ls=":", lw=0.9)
    for ax in (left, right):
        ax.axhline(RUPTURE_INTEGRITY, color="grey", lw=0.7, ls="--")
        ax.set_ylim(-0.02, 1.05)
        ax.legend(fontsize=7, loc="lower left")
    left.set_xlabel("coverage (% of surface A sites)")
    left.set_ylabel("surface integrity at the end")
    right.set_xlabel("time in production (ps)")
    right.set_ylabel("integrity (dotted: ligands bound)")
    fig.suptitle(title, fontsize=9)
    return _save(fig, Path(path))
