"""Ligands on a whole cube-shaped nanocrystal: a capped crystal to look at and export.

Each facet's shell is placed by ``place_ligands`` on a periodic (100) AX slab of the
facet's interior, (n-1) x (n-1) A-sites (one wider when n-1 is odd), so it gets the same
poses, clash repair and binding modes as any slab. It is then turned onto the facet by a
proper rotation (the cubic lattice maps onto itself, so A and X sites land on A and X
sites) and the ions each ligand replaces are taken out of the cube. Edge and corner
A-sites stay bare: a pose there would have to straddle two facets. Finally ligands on
neighbouring facets, which no slab saw, are checked against each other and against the
cube's edge ions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ase import Atoms
from scipy.spatial import cKDTree

from ligandlab.chem.assembly import as_ligands
from ligandlab.chem.ligand import Ligand
from ligandlab.errors import PlacementError
from ligandlab.materials.interface import Interface, write_structure
from ligandlab.materials.nanocrystal import Nanocrystal
from ligandlab.materials.placement import INTER_LIGAND, place_ligands, seated_groups
from ligandlab.materials.slab import build_slab

FACETS = ("+x", "-x", "+y", "-y", "+z", "-z")
# Ligand-crystal overlap that no slab placement could leave (estimate: well inside any
# H...X contact, 2.3-2.6 A); only a ligand reaching over an edge gets this close.
EDGE_OVERLAP = 1.5


def facet_frame(facet: str) -> np.ndarray:
    """Rotation whose columns (u, v, n) are the images of the slab's x, y and outward z.

    n is the facet's outward normal and u = v x n, so the rotation is proper and a chiral
    ligand keeps its handedness."""
    axis = "xyz".index(facet[1])
    normal = np.zeros(3)
    normal[axis] = 1.0 if facet[0] == "+" else -1.0
    v = np.zeros(3)
    v[(axis + 1) % 3] = 1.0
    u = np.cross(v, normal)
    return np.column_stack([u, v, normal])


@dataclass(frozen=True, eq=False)
class CappedNanocrystal:
    """A nanocrystal with ligands on its facet sites; ``per_facet`` counts them."""

    nanocrystal: Nanocrystal
    ligands: list[Ligand]
    atoms: Atoms
    resnames: list[str]
    residues: np.ndarray
    ligand_atoms: tuple[tuple[int, int], ...]  # atom range of each placed ligand
    per_facet: dict[str, int]
    modes: dict[str, int]
    removed_ions: dict[str, int]
    charge: int

    @property
    def n_ligands(self) -> int:
        return len(self.ligand_atoms)

    def __repr__(self) -> str:  # the dataclass repr prints every atom
        names = ", ".join(sorted({lig.name for lig in self.ligands}))
        return (
            f"CappedNanocrystal({self.nanocrystal.material.name!r}, "
            f"{self.nanocrystal.edge_nm:.2f} nm, {self.n_ligands} x {names}, "
            f"{len(self.atoms)} atoms, charge {self.charge:+d})"
        )

    def min_intermolecular_distance(self) -> float:
        """Closest distance (A) between atoms of two different ligands."""
        return _closest_between(self.atoms.get_positions(), self.ligand_atoms)

    def write(self, path: str | Path) -> Path:
        """Write .pdb (residue names: crystal ions, then L01, L02, ...) or .xyz/.extxyz."""
        return write_structure(self.atoms, self.residues, self.resnames, path, cif=False)


def cap_nanocrystal(
    nc: Nanocrystal,
    ligands: object,
    coverage: float,
    mode: str = "BM3",
    fractions: list[float] | None = None,
    seed: int = 0,
) -> CappedNanocrystal:
    """``nc`` with ligands on ``coverage`` of the A-sites of each facet's interior.

    ``ligands`` is a ligand, a SMILES, a list (with ``fractions``) or a mixture, as for
    ``place_ligands``. Edge and corner sites stay bare, so at coverage 1 the shell holds
    6 (n-1)^2 of the cube's 6 n^2 + 2 surface sites. When n - 1 is odd the pattern comes
    from a slab one site wider, so a facet holds about ``coverage`` of its sites
    (``per_facet`` has the counts). Raises ``PlacementError`` when the shell cannot be
    placed, including ligands that meet across an edge.
    """
    if not isinstance(nc, Nanocrystal):
        raise PlacementError(f"cap_nanocrystal needs a Nanocrystal, got {type(nc).__name__}")
    mat = nc.material
    ligs = as_ligands(ligands, PlacementError)  # in place_ligands' order, for p.ligand
    m = nc.n - 1
    a = mat.a
    # an odd periodic facet cannot hold a checkerboard (nor a double perovskite's cell), so
    # the slab is one site wider and the extra row and column are left out on the cube
    size = m + m % 2
    slab = build_slab(mat, size=(size, size), layers=3, seed=seed)
    shells: dict[int, Interface] = {}
    symbols = list(nc.atoms.get_chemical_symbols())
    crystal = nc.atoms.get_positions()
    tree = cKDTree(crystal)
    drop: set[int] = set()
    removed: dict[str, int] = {}
    lig_xyz: list[np.ndarray] = []
    lig_sym: list[list[str]] = []
    lig_kind: list[int] = []
    per_facet: dict[str, int] = {}
    modes: dict[str, int] = {}
    for k, facet in enumerate(FACETS):
        # one ligand kind: every facet gets the same shell; a mixed shell is drawn per facet
        key = k if len(ligs) > 1 else 0
        if key not in shells:
            shells[key] = place_ligands(
                slab, ligands, coverage=coverage, mode=mode, fractions=fractions, seed=seed + key
            )
        iface = shells[key]
        shell_xyz = iface.atoms.get_positions()
        shell_sym = iface.atoms.get_chemical_symbols()
        rot = facet_frame(facet)
        sites = slab.sites[1]
        origin = sites.a_pos[:, :2].min(axis=0)
        box = np.diag(slab.atoms.cell.array)[:2]
        corner = nc.n * a / 2 * (rot[:, 2] - rot[:, 0] - rot[:, 1])
        per_facet[facet] = 0
        for p in iface.placements:
            site = sites.a_pos[p.site]
            i, j = np.rint((site[:2] - origin) / a).astype(int)
            if i >= m or j >= m:
                continue
            per_facet[facet] += 1
            where = corner + (i + 1) * a * rot[:, 0] + (j + 1) * a * rot[:, 1]
            xyz = shell_xyz[p.atoms[0] : p.atoms[1]] - site
            xyz[:, :2] -= box * np.rint(xyz[:, :2] / box)  # unwrap around its own site
            lig_xyz.append(where + xyz @ rot.T)
            lig_sym.append(shell_sym[p.atoms[0] : p.atoms[1]])
            lig_kind.append(p.ligand)
            modes[p.mode] = modes.get(p.mode, 0) + 1
            cat_in, an_in = seated_groups(ligs[p.ligand], p.mode)
            # the ion nearest each site is the one the ligand replaces (a whole residue
            # for a molecular A cation)
            for seated, at in ((cat_in, where), (an_in, where + rot @ [a / 2, a / 2, 0.0])):
                if seated:
                    dist, nearest = tree.query(at)
                    if dist > 1.0:  # the mapping put a site where the cube has no ion
                        raise RuntimeError(f"no ion at {at} on facet {facet}: mapping error")
                    ion = np.flatnonzero(nc.residues == nc.residues[int(nearest)])
                    drop.update(ion.tolist())
                    name = nc.resnames[int(ion[0])]
                    removed[name] = removed.get(name, 0) + 1
    keep = np.setdiff1d(np.arange(len(crystal)), sorted(drop))
    spans: list[tuple[int, int]] = []
    start = len(keep)
    for xyz in lig_xyz:
        spans.append((start, start + len(xyz)))
        start += len(xyz)
    positions = np.concatenate([crystal[keep], *lig_xyz]) if lig_xyz else crystal[keep]
    all_symbols = [symbols[i] for i in keep] + [s for syms in lig_sym for s in syms]
    atoms = Atoms(symbols=all_symbols, positions=positions, pbc=False)
    _check_edges(atoms, spans, len(keep))
    resnames = [nc.resnames[i] for i in keep]
    residues = list(np.unique(nc.residues[keep], return_inverse=True)[1])
    first = max(residues, default=-1) + 1
    for n_mol, ((lo, hi), kind) in enumerate(zip(spans, lig_kind, strict=True)):
        resnames.extend([f"L{kind + 1:02d}"] * (hi - lo))
        residues.extend([first + n_mol] * (hi - lo))
    qmap = mat.charges()
    charge = nc.charge - sum(qmap.get(name, 0) * c for name, c in removed.items())
    charge += sum(ligs[kind].charge for kind in lig_kind)
    return CappedNanocrystal(
        nanocrystal=nc,
        ligands=ligs,
        atoms=atoms,
        resnames=resnames,
        residues=np.array(residues),
        ligand_atoms=tuple(spans),
        per_facet=per_facet,
        modes=modes,
        removed_ions=removed,
        charge=int(charge),
    )


def _closest_between(pos: np.ndarray, spans: Sequence[tuple[int, int]]) -> float:
    """Closest distance between atoms of two different molecules (atom ranges)."""
    if len(spans) < 2:
        return float("inf")
    idx = np.concatenate([np.arange(lo, hi) for lo, hi in spans])
    mol = np.concatenate([np.full(hi - lo, n) for n, (lo, hi) in enumerate(spans)])
    sub = pos[idx]
    tree = cKDTree(sub)
    for r in (3.0, 6.0, 12.0, float(np.ptp(sub, axis=0).max()) + 1.0):
        pairs = tree.query_pairs(r=r, output_type="ndarray")
        pairs = pairs[mol[pairs[:, 0]] != mol[pairs[:, 1]]]
        if len(pairs):
            return float(np.linalg.norm(sub[pairs[:, 0]] - sub[pairs[:, 1]], axis=1).min())
    return float("inf")


def _check_edges(atoms: Atoms, spans: list[tuple[int, int]], n_crystal: int) -> None:
    """Ligands on neighbouring facets meet only here: raise if they clash with each other
    or reach into the cube's edge ions."""
    pos = atoms.get_positions()
    d = _closest_between(pos, spans)
    if d < INTER_LIGAND:
        raise PlacementError(
            f"ligands on neighbouring facets clash at an edge (closest atoms {d:.2f} A < "
            f"{INTER_LIGAND} A); lower the coverage"
        )
    if spans and n_crystal:
        lig = pos[n_crystal:]
        reach, _ = cKDTree(pos[:n_crystal]).query(lig)
        if reach.min() < EDGE_OVERLAP:
            raise PlacementError(
                f"a ligand reaches into the crystal at an edge (closest {reach.min():.2f} A); "
                "lower the coverage"
            )
