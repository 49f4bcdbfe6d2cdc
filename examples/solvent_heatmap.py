"""Tails x solvents map of "like dissolves like", and the estimator's accuracy.

Writes docs/img/tails_solvents.png (RED of every default-library tail in every
nanocrystal-compatible solvent, grouped by class; RED < 1 = good solvent) and prints the
mean absolute error of the group-contribution estimator on the tabulated solvents.

    python examples/solvent_heatmap.py [output.png]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import get_args

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import ligandlab as ll
from ligandlab import library
from ligandlab.chem.hansen import estimator_errors

CLASS_ORDER = list(get_args(library.SolventClass))


def estimator_accuracy() -> tuple[int, tuple[float, float, float], list[str]]:
    """(solvents compared, MAE of dD/dP/dH, solvents the method cannot cover)."""
    errors, skipped = estimator_errors()
    mae = np.mean(np.abs(np.array([e[1:] for e in errors])), axis=0)
    return len(errors), (float(mae[0]), float(mae[1]), float(mae[2])), skipped


def heatmap(path: Path) -> None:
    solvents = [s for s in ll.Solvent.all() if s.nc_compatible]
    solvents.sort(key=lambda s: (CLASS_ORDER.index(s.cls), s.id))
    tails = list(library.default_tails())
    red = np.array(
        [
            ll.match_solvents(t.id, solvents)
            .set_index("solvent")
            .loc[[s.id for s in solvents], "red"]
            for t in tails
        ]
    )
    fig, ax = plt.subplots(figsize=(13, 9.5))
    im = ax.imshow(np.log2(red), cmap="RdYlGn_r", vmin=-2.5, vmax=2.5, aspect="auto")
    ax.set_xticks(range(len(solvents)), [s.id for s in solvents], rotation=70, ha="right")
    ax.set_yticks(range(len(tails)), [f"{t.id} ({t.cls})" for t in tails])
    for j in range(1, len(solvents)):
        if solvents[j].cls != solvents[j - 1].cls:
            ax.axvline(j - 0.5, color="k", lw=0.8)
    for i in range(len(tails)):
        j = int(np.argmin(red[i]))
        ax.plot(j, i, marker="o", ms=4, color="k")
    cbar = fig.colorbar(im, ax=ax, shrink=0.8)
    cbar.set_label("log2 RED (tail vs solvent); < 0 = good solvent")
    ax.set_title("Tail-solvent match (Hoftyzer-van Krevelen tails, Hansen solvents); dot = best")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/img/tails_solvents.png")
    heatmap(out)
    n, (d, p, h), skipped = estimator_accuracy()
    print(f"wrote {out}")
    print(
        f"estimator vs tabulated Hansen parameters, {n} solvents: "
        f"MAE dD {d:.2f}, dP {p:.2f}, dH {h:.2f} MPa^1/2"
    )
    print(f"not covered by the group method: {', '.join(skipped)}")


if __name__ == "__main__":
    main()
