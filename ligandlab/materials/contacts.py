"""Contact radii and the clash geometry shared by placement, interfaces and scorers.

Ligand atoms and halides use the Bondi radii of :mod:`ligandlab.chem.descriptors`; metal
cations of the slab use their Shannon radii (library/materials.yaml). An H on N or O (an
H-bond donor) counts as ``POLAR_H`` (estimate). Two atoms clash when closer than
``CONTACT_SCALE`` x (r_i + r_j) (estimate; 0.8 of the vdW sum tolerates H-bond and
ion-pair contacts).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from ligandlab.chem.descriptors import VDW_RADIUS
from ligandlab.materials.slab import Slab

POLAR_H = 1.0
CONTACT_SCALE = 0.8


def wrap(x: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Coordinates folded into [0, box) (safe for cKDTree's periodic boxsize)."""
    out = x - box * np.floor(x / box)
    return np.where(out >= box, out - box, out)


def mic(d: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Minimum-image difference vectors in an orthorhombic box."""
    return d - box * np.round(d / box)


def slab_contact_radii(slab: Slab) -> np.ndarray:
    """Contact radii of slab atoms: Shannon radii for metal cations (Cs+, Pb2+, ...),
    Bondi radii for halides and the atoms of molecular cations (their N-H as donors)."""
    mat = slab.material
    ionic = {ion.symbol: ion.radius for ion, _ in mat.a_sites if ion.kind == "atom"}
    ionic.update({b.symbol: b.radius for b in mat.b_sites})
    out = []
    for sym in slab.atoms.get_chemical_symbols():
        if sym in ionic:
            out.append(ionic[sym])
        elif sym == "H":
            out.append(POLAR_H)
        else:
            out.append(VDW_RADIUS.get(sym, 1.8))
    return np.array(out)


def contact_radii(mol) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Per-atom contact radii of a ligand (RDKit molecule with H; polar H = POLAR_H)."""
    out = []
    for atom in mol.GetAtoms():
        sym = atom.GetSymbol()
        if sym == "H" and any(n.GetSymbol() in ("N", "O") for n in atom.GetNeighbors()):
            out.append(POLAR_H)
        else:
            out.append(VDW_RADIUS.get(sym, 1.8))
    return np.array(out)


class SurfaceObstacles:
    """Slab atoms seen from one face, for lifting a rigid ligand out of contact.

    ``lift`` is exact and vectorised: for every ligand atom and every slab atom laterally
    within contact range it solves (dz + L)^2 + dxy^2 >= need^2 for the smallest L >= 0
    that puts the ligand atom above the slab atom, and returns the largest such L. No
    ligand atom may end up tucked under a slab atom of its face.
    """

    def __init__(self, positions: np.ndarray, radii: np.ndarray, cell: np.ndarray) -> None:
        self.box = np.array([cell[0, 0], cell[1, 1]])
        self.z = positions[:, 2].copy()
        self.r = np.asarray(radii, float)
        self.tree = cKDTree(wrap(positions[:, :2], self.box), boxsize=self.box)
        self.xy = self.tree.data

    def lift(self, xyz: np.ndarray, r_lig: np.ndarray, face: int) -> float:
        """Smallest displacement (A) along the face normal that removes every clash."""
        reach = CONTACT_SCALE * (float(r_lig.max()) + float(self.r.max()))
        lists = self.tree.query_ball_point(wrap(xyz[:, :2], self.box), r=reach)
        lens = np.fromiter((len(x) for x in lists), int, len(lists))
        if lens.sum() == 0:
            return 0.0
        i = np.repeat(np.arange(len(xyz)), lens)
        j = np.concatenate([np.asarray(x, int) for x in lists if x])
        dxy = np.linalg.norm(mic(xyz[i, :2] - self.xy[j], self.box), axis=1)
        need = CONTACT_SCALE * (r_lig[i] + self.r[j])
        close = dxy < need
        if not close.any():
            return 0.0
        rise = np.sqrt(need[close] ** 2 - dxy[close] ** 2)
        dz = (xyz[i[close], 2] - self.z[j[close]]) * face
        return float(max(0.0, (rise - dz).max()))
