"""Build the default phospholipid library and print it as a table.

Every library head x allowed bridge x default tail is assembled, validated, and described
(head descriptors once per head + bridge, tail descriptors once per tail; cached on disk).
Run with ``make demo`` or ``python examples/phospholipid_library.py [--all]``.
"""

from __future__ import annotations

import sys
import time

import pandas as pd
from rich.console import Console
from rich.table import Table

import ligandlab as ll


def main() -> None:
    show_all = "--all" in sys.argv
    t0 = time.perf_counter()
    ligands = ll.enumerate_ligands()
    t1 = time.perf_counter()
    described = ll.describe_many(ligands)
    t2 = time.perf_counter()
    rows = []
    for d in described:
        lig = d.ligand
        assert d.head is not None and d.tail is not None
        rows.append(
            {
                "name": lig.name,
                "smiles": lig.smiles,
                "formula": lig.formula,
                "MW": round(lig.mw, 1),
                "charge": lig.charge,
                "N..O p95 (A)": round(d.head.span("no", 95) or 0.0, 2),
                "cation r (A)": round(d.head.cation_radius or 0.0, 2),
                "tail length (nm)": round(d.tail.extended_length_nm, 2),
                "tail area (nm2)": round(d.tail.cross_section_nm2, 3),
                "rot. bonds": d.tail.rotatable_bonds,
                "arom. rings": d.tail.aromatic_rings,
            }
        )
    df = pd.DataFrame(rows)
    shown = df if show_all else pd.concat([df.head(12), df.tail(6)])
    table = Table(
        title=f"default phospholipid library: {len(df)} ligands"
        + ("" if show_all else f" (showing {len(shown)}; --all for every row)")
    )
    for col in shown.columns:
        table.add_column(col, overflow="fold", max_width=48 if col == "smiles" else None)
    for _, row in shown.iterrows():
        table.add_row(*(str(v) for v in row.values))
    console = Console(width=200)
    console.print(table)
    combos = {(d.ligand.parts.head, d.ligand.parts.bridge) for d in described if d.ligand.parts}
    console.print(
        f"{len(df)} ligands from {len(combos)} head/bridge combinations and "
        f"{len(ll.library.default_tails())} tails; all net-neutral zwitterions: "
        f"{bool((df['charge'] == 0).all())}"
    )
    console.print(
        f"built in {t1 - t0:.2f} s, described in {t2 - t1:.2f} s "
        f"(cache: {ll.cache.cache_dir() or 'off'})"
    )


if __name__ == "__main__":
    main()
