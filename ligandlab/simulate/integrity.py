"""Surface integrity of a slab during a run: does the top Pb-X network hold?

A top-face Pb "keeps" its halide neighbours while every X that was within 1.25 x a/2 of
it at the start is still within that distance (a 25 % stretched Pb-X bond: our estimate of
where a bond counts as broken). Integrity is the fraction of top-face Pb that keep all of
them; below ``RUPTURE_INTEGRITY`` the surface is flagged as ruptured. Computed on the
final state and, frame by frame, on the production trajectory, so that two ligands can be
compared by *when* their surface starts to fail, not only whether it has at the end.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ligandlab.simulate.system import MDSystem

# a surface Pb keeps an X neighbour while within 1.25 x a/2 (estimate: a 25 % stretched bond)
NEIGHBOUR_STRETCH = 1.25
# integrity below which we flag rupture (estimate)
RUPTURE_INTEGRITY = 0.8
HALIDES = ("Br", "I", "Cl")


def _mic(d: np.ndarray, box: np.ndarray) -> np.ndarray:
    return d - box * np.round(d / box)


def _bonds(md: MDSystem, box_nm: np.ndarray) -> list[tuple[int, list[int]]]:
    """(top-face Pb, its X neighbours at the start) for every top-face Pb."""
    pos0 = md.positions
    top_z = np.max(pos0[md.middle_pb, 2]) if len(md.middle_pb) else 0.0
    n = md.n_slab
    pb = [i for i in range(n) if md.symbols[i] == "Pb" and pos0[i, 2] > top_z + 0.1]
    xs = np.array([i for i in range(n) if md.symbols[i] in HALIDES])
    if not pb or not len(xs):
        return []
    limit = NEIGHBOUR_STRETCH * md.lattice_nm / 2.0
    return [
        (i, xs[np.linalg.norm(_mic(pos0[xs] - pos0[i], box_nm), axis=1) < limit].tolist())
        for i in pb
    ]


def surface_integrity(
    md: MDSystem,
    positions_nm: np.ndarray,
    box_nm: np.ndarray,
    bonds: list[tuple[int, list[int]]] | None = None,
) -> float:
    """Fraction of top-face Pb whose starting X neighbours are all still within 1.25 a/2
    (``bonds``: the starting neighbour lists, when the caller already has them)."""
    bonds = _bonds(md, md.box_nm) if bonds is None else bonds
    if not bonds:
        return float("nan")
    limit = NEIGHBOUR_STRETCH * md.lattice_nm / 2.0
    ok = sum(
        bool(
            np.all(np.linalg.norm(_mic(positions_nm[x] - positions_nm[i], box_nm), axis=1) < limit)
        )
        for i, x in bonds
    )
    return ok / len(bonds)


def integrity_series(md: MDSystem, directory: str | Path) -> np.ndarray:
    """Surface integrity in every production frame of a run directory (``trajectory.dcd``)."""
    path = Path(directory) / "trajectory.dcd"
    bonds = _bonds(md, md.box_nm)  # once, not per frame
    return np.array(
        [
            surface_integrity(md, x, box, bonds)
            for x, box in read_dcd(path, md.system.getNumParticles())
        ]
    )


def read_dcd(path: Path, n_atoms: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(positions nm, box lengths nm) of every frame of a DCD that ``run`` wrote.

    Our own reader because OpenMM has none and mdtraj's C reader prints to stdout on every
    open; the layout is OpenMM's fixed one (see ``run._dcd_frame_bytes``): per frame a
    unit-cell record of six doubles (a, gamma, b, beta, alpha, c in A) and x, y, z records
    of float32 (A), each record framed by two 4-byte length markers.
    """
    from ligandlab.simulate.run import _DCD_HEADER, _dcd_frame_bytes

    if not path.exists():
        return []
    raw = path.read_bytes()
    size = _dcd_frame_bytes(n_atoms)
    frames = []
    for k in range((len(raw) - _DCD_HEADER) // size):
        start = _DCD_HEADER + k * size
        cell = np.frombuffer(raw, dtype="<f8", count=6, offset=start + 4)
        xyz = [
            np.frombuffer(
                raw, dtype="<f4", count=n_atoms, offset=start + 56 + c * (8 + 4 * n_atoms) + 4
            )
            for c in range(3)
        ]
        box = np.array([cell[0], cell[2], cell[5]]) / 10.0
        frames.append((np.stack(xyz, axis=1).astype(float) / 10.0, box))
    return frames


def first_below(series: np.ndarray | list[float], threshold: float) -> int | None:
    """Index of the first value below ``threshold``, or None."""
    hits = np.flatnonzero(np.asarray(series, dtype=float) < threshold)
    return int(hits[0]) if len(hits) else None
