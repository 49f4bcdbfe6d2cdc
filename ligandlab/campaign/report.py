"""The campaign report: one HTML page (``index.html``) and its PNG figures in one folder.

The folder is self-contained: inline CSS, no scripts, no network; figures are PNG files
beside the page, referenced by relative paths, so the folder can be zipped and mailed.
Contents: the ranking table, a per-scorer breakdown of the top candidates, the Pareto
plot, a tails x solvents heatmap, 2D structures of the top candidates, and for each
simulated candidate its binding-mode populations and d_N/d_P map.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ligandlab.errors import writable_directory

if TYPE_CHECKING:
    from ligandlab.campaign.results import CampaignResult

TEMPLATE = Path(__file__).with_name("report.html.j2")  # the page, a Jinja2 template


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "" if math.isnan(v) else f"{v:.3f}"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else ""
    return html.escape("" if v is None else str(v))


def _html_table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for rec in df.itertuples(index=False):
        cells = "".join(
            f'<td class="num">{_fmt(v)}</td>'
            if isinstance(v, (int, float)) and not isinstance(v, bool)
            else f"<td>{_fmt(v)}</td>"
            for v in rec
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _label(row: Any) -> str:
    parts = [str(row["name"]), str(row["material"])]
    if isinstance(row.get("solvent"), str):
        parts.append(str(row["solvent"]))
    return " | ".join(parts)


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path) -> str:
    plt = _plt()
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return path.name


def _cell_colours(data: np.ndarray, is_bonus: np.ndarray) -> np.ndarray:
    """RGBA per cell: red-to-green for scores, white-to-blue for bonus columns (a bonus of 0
    means "no bonus", not a defect); grey where a value is missing."""
    import matplotlib

    filled = np.nan_to_num(data, nan=0.0).clip(0.0, 1.0)
    rgba = np.where(
        is_bonus[None, :, None],
        matplotlib.colormaps["Blues"](filled),
        matplotlib.colormaps["RdYlGn"](filled),
    )
    rgba[~np.isfinite(data)] = (0.85, 0.85, 0.85, 1.0)
    return rgba


def _breakdown(
    df: pd.DataFrame, names: list[str], bonus: frozenset[str], path: Path, top: int
) -> str:
    plt = _plt()
    sub = df.head(top)
    cols = ["total", *names]
    data = sub[cols].to_numpy(float)
    is_bonus = np.array([c in bonus for c in cols])
    fig, ax = plt.subplots(figsize=(1.2 + 1.0 * (len(names) + 1), 0.9 + 0.28 * max(len(sub), 1)))
    ax.imshow(_cell_colours(data, is_bonus), aspect="auto")
    labels = [f"{c} (bonus)" if c in bonus else c for c in cols]
    ax.set_xticks(range(len(cols)), labels, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(sub)), [_label(r) for _, r in sub.iterrows()], fontsize=7)
    for (i, j), v in np.ndenumerate(data):
        if np.isfinite(v):
            dark = bool(is_bonus[j]) and v > 0.55  # black text is unreadable on deep blue
            ax.text(
                j, i, f"{v:.2f}", ha="center", va="center", fontsize=6, color="w" if dark else "k"
            )
    scale = plt.cm.ScalarMappable(norm=plt.Normalize(0, 1), cmap="RdYlGn")
    fig.colorbar(scale, ax=ax, fraction=0.03)
    return _save(fig, path)


def _pareto(
    df: pd.DataFrame, names: list[str], bonus: frozenset[str], path: Path
) -> tuple[str, str]:
    plt = _plt()
    usable = [n for n in names if n not in bonus and df[n].notna().any()] or names
    spread = sorted(usable, key=lambda n: -float(np.nanstd(df[n].to_numpy(float))))
    x, y = (spread + spread)[:2] if len(spread) < 2 else spread[:2]
    fig, ax = plt.subplots(figsize=(5.2, 4.2))
    ax.scatter(df[x], df[y], s=8, c="#bbbbbb", label="candidates")
    front = df[df["pareto"]]
    ax.scatter(
        front[x],
        front[y],
        s=18,
        c="#d62728",
        label="Pareto front (all scorers, per surface and solvent)",
    )
    for _, r in df.head(5).iterrows():
        ax.annotate(
            str(r["name"]), (r[x], r[y]), fontsize=6, xytext=(3, 3), textcoords="offset points"
        )
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.legend(fontsize=7)
    caption = (
        f"The two scorers that vary most ({x}, {y}); red: candidates that no other candidate "
        "on the same surface in the same solvent beats in every scorer. The five best totals "
        "are labelled."
    )
    return _save(fig, path), caption


def _heatmap(df: pd.DataFrame, path: Path) -> str:
    plt = _plt()
    d = df[df["failed"] == ""].copy()
    d["tail_label"] = d["tail"].where(d["tail"].notna(), d["name"])
    col = "solvent" if d["solvent"].notna().any() else "material"
    grid = d.pivot_table(index="tail_label", columns=col, values="total", aggfunc="max")
    if grid.empty:
        grid = pd.DataFrame([[np.nan]], index=["-"], columns=["-"])
    fig, ax = plt.subplots(figsize=(1.5 + 0.8 * grid.shape[1], 1.0 + 0.3 * grid.shape[0]))
    im = ax.imshow(grid.to_numpy(float), vmin=0, vmax=1, cmap="viridis", aspect="auto")
    ax.set_xticks(
        range(grid.shape[1]), [str(c) for c in grid.columns], rotation=30, ha="right", fontsize=8
    )
    ax.set_yticks(range(grid.shape[0]), [str(i) for i in grid.index], fontsize=7)
    ax.set_xlabel(col)
    ax.set_ylabel("tail")
    fig.colorbar(im, ax=ax, fraction=0.04, label="best total")
    return _save(fig, path)


def _structure(smiles: str, path: Path) -> str:
    from rdkit import Chem
    from rdkit.Chem.Draw import rdMolDraw2D

    mol = Chem.MolFromSmiles(smiles)
    drawer = rdMolDraw2D.MolDraw2DCairo(360, 240)
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol)
    drawer.FinishDrawing()
    path.write_bytes(drawer.GetDrawingText())
    return path.name


def write_report(result: CampaignResult, directory: Path, top: int = 25) -> Path:
    """Write ``index.html`` and its figures into ``directory``; returns the page's path."""
    from jinja2 import Environment

    from ligandlab.campaign.results import _bonus

    writable_directory(directory, f"the report to {directory}")
    df = result.table
    names = result.scorers
    ok = df[df["failed"] == ""]
    bonus = _bonus(names)
    figs = {
        "breakdown": _breakdown(ok, names, bonus, directory / "breakdown.png", min(top, 30)),
        "heatmap": _heatmap(df, directory / "tails_solvents.png"),
    }
    figs["pareto"], pareto_caption = _pareto(
        ok if len(ok) else df, names, bonus, directory / "pareto.png"
    )
    structures = []
    for i, (_, r) in enumerate(ok.drop_duplicates("smiles").head(6).iterrows()):
        src = _structure(str(r["smiles"]), directory / f"structure_{i + 1}.png")
        structures.append(
            {
                "src": src,
                "name": r["name"],
                "caption": f"#{i + 1} {r['name']} (best total {r['total']:.3f})",
            }
        )
    sims = _simulations(df, directory)
    cols = ["name", "material", "solvent", "total", *names, "limiting", "pareto"]
    if df["simulated"].any():
        cols += ["md_binding", "bound_fraction"]
    if df["facet"].nunique() > 1:
        cols.insert(2, "facet")
    if df["solvent"].isna().all():
        cols.remove("solvent")
    shown = df.head(top)
    groups = best_per_material(ok if len(ok) else df) if df["material"].nunique() > 1 else {}
    per_material = [
        {"material": html.escape(str(m)), "table": _html_table(best[cols])}
        for m, best in groups.items()
    ]
    page = (
        Environment(autoescape=False)
        .from_string(TEMPLATE.read_text())
        .render(
            name=html.escape(result.name),
            summary=html.escape(
                f"{len(df)} candidates: {df['name'].nunique()} ligands on "
                f"{', '.join(map(str, df['material'].unique()))}"
                + (
                    f" in {', '.join(map(str, df['solvent'].dropna().unique()))}"
                    if df["solvent"].notna().any()
                    else ""
                )
                + f"; scorers {', '.join(names)}; {int(df['simulated'].sum())} simulated."
            ),
            weights=html.escape(", ".join(f"{k}={v:g}" for k, v in result.weights.items())),
            shown=len(shown),
            n=len(df),
            n_failed=int((df["failed"] != "").sum()),
            table=_html_table(shown[cols]),
            per_material=per_material,
            figs=figs,
            pareto_caption=html.escape(pareto_caption),
            structures=structures,
            sims=sims,
        )
    )
    out = directory / "index.html"
    out.write_text(page)
    return out


def best_per_material(df: pd.DataFrame, n: int = 5) -> dict[str, pd.DataFrame]:
    """The ``n`` best ligands on each material, each in its best solvent (``df`` sorted best
    first). A campaign over several materials is usually read one crystal at a time, and the
    overall top rows can all belong to one of them."""
    return {
        str(m): g.drop_duplicates("smiles").head(n) for m, g in df.groupby("material", sort=False)
    }


def _simulations(df: pd.DataFrame, directory: Path) -> list[dict[str, Any]]:
    from ligandlab.errors import LigandLabError
    from ligandlab.simulate.plots import plot_dn_dp, plot_modes

    out: list[dict[str, Any]] = []
    sims = df[df["simulated"] | (df["sim_failed"] != "")]
    for _, r in sims.iterrows():
        title = _label(r)
        if r["sim_failed"]:
            out.append(
                {"title": title, "text": html.escape(f"failed: {r['sim_failed']}"), "figs": []}
            )
            continue
        key = str(r["key"])
        figs: list[dict[str, str]] = []
        try:
            plot_modes(
                r["run_dir"],
                directory / f"modes_{key}.png",
                title=f"{r['name']} on {r['material']}",
            )
            plot_dn_dp(
                r["run_dir"], directory / f"dndp_{key}.png", title=f"{r['name']} on {r['material']}"
            )
            figs = [
                {"src": f"modes_{key}.png", "alt": "binding-mode populations"},
                {"src": f"dndp_{key}.png", "alt": "d_N/d_P map"},
            ]
        except LigandLabError as exc:
            text = f"run folder unreadable: {exc}"
            out.append({"title": title, "text": html.escape(text), "figs": []})
            continue
        text = (
            f"BM3 population (second half) {r['md_binding']:.2f}, bound fraction "
            f"{r['bound_fraction']:.2f}; "
            + ", ".join(
                f"{m} {r[f'pop_{m}']:.2f}" for m in ("BM1", "BM2", "BM2'", "BM3", "unbound")
            )
            + f". Run folder: {r['run_dir']}"
        )
        out.append({"title": html.escape(title), "text": html.escape(text), "figs": figs})
    return out
