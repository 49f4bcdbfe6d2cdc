"""Binding modes from the N and P heights above the slab (Morad et al. 2024, ED Fig. 1).

d_N and d_P are the distances of a ligand's cationic centre (N) and anionic centre (P, or
the C/S of a carboxylate/sulfonate) from the slab's middle atomic plane (the middle Pb
layer), as in the paper. We subtract the height of the top A/X plane, h = d - d_surface,
and classify with cut-offs taken from the lattice constant a of the slab:

- a group is **in the surface** when h < a/2: a cation in the A-site pocket sits at
  about the A-plane (placement puts primary ammonium N within +/-0.5 A, PC N about 1 A
  above), while a group adsorbed on top of the intact AX layer rests one ionic contact
  (about 3.2-3.8 A, i.e. more than a/2 = 2.9-3.2 A) higher;
- the anion sits one P-O bond (1.5 A) above the O that takes the X site, so its cut-off is
  a/2 + 0.15 nm;
- a ligand is **unbound** when both groups are more than 1.0 nm above the surface plane
  (beyond the first solvent shell; an estimate).

BM3: both in the surface. BM2: cation only. BM2': anion only. BM1: neither, but within
1.0 nm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MODES = ("BM1", "BM2", "BM2'", "BM3", "unbound")
ANION_LIFT_NM = 0.15  # P-O bond above the O on the X site (P-O 0.152 nm)
UNBOUND_NM = 1.0  # estimate: beyond the first solvent shell


@dataclass(frozen=True)
class ModeCutoffs:
    """Heights above the surface plane (nm) that separate the modes, from the lattice a."""

    cation_nm: float
    anion_nm: float
    unbound_nm: float = UNBOUND_NM

    @classmethod
    def for_lattice(cls, a_nm: float) -> ModeCutoffs:
        return cls(cation_nm=a_nm / 2, anion_nm=a_nm / 2 + ANION_LIFT_NM)


def classify(h_n: float | None, h_p: float | None, cut: ModeCutoffs) -> str:
    """Binding mode from the cation and anion heights above the surface plane (nm).

    A ligand with only one charged group is classified by that group alone.
    """
    n_in = h_n is not None and h_n < cut.cation_nm
    p_in = h_p is not None and h_p < cut.anion_nm
    if n_in and p_in:
        return "BM3"
    if n_in:
        return "BM2"
    if p_in:
        return "BM2'"
    heights = [h for h in (h_n, h_p) if h is not None]
    if heights and min(heights) > cut.unbound_nm:
        return "unbound"
    return "BM1"


def heights(z: np.ndarray, z_middle: float, box_z: float, surface_offset_nm: float) -> np.ndarray:
    """Height above the nearer surface plane for z coordinates (nm), periodic in z."""
    d = z - z_middle
    d -= box_z * np.round(d / box_z)
    return np.abs(d) - surface_offset_nm


def populations(modes: list[list[str]], window: int | None = None) -> dict[str, list[float]]:
    """Fraction of ligands in each mode per frame (or per window of frames)."""
    arr = np.array(modes, dtype=object)  # frames x ligands
    if arr.size == 0:
        return {m: [] for m in MODES}
    frac = {m: (arr == m).mean(axis=1) for m in MODES}
    if window and window > 1:
        n = len(arr) // window
        frac = {m: f[: n * window].reshape(n, window).mean(axis=1) for m, f in frac.items()}
    return {m: [round(float(x), 4) for x in f] for m, f in frac.items()}
