"""A slab with ligands on its sites: the structure handed to scorers, MD and files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from ase import Atoms
from scipy.spatial import cKDTree

from ligandlab.chem.ligand import Ligand
from ligandlab.errors import OutputError, PlacementError
from ligandlab.materials.contacts import (
    SurfaceObstacles,
    contact_radii,
    mic,
    slab_contact_radii,
    wrap,
)
from ligandlab.materials.placement import (
    INTER_LIGAND,
    Placement,
    Pose,
    _anchor_points,
    _poses,
    neighbour_offsets,
)
from ligandlab.materials.slab import Slab


@dataclass
class Interface:
    """Slab + ligands; ``placements`` say which site each ligand holds and in which mode.

    Atom order is deterministic: the slab's remaining atoms in their order, then the
    ligands in placement order, each ligand's atoms in its canonical SMILES order with
    hydrogens after the heavy atoms.
    """

    slab: Slab
    ligands: list[Ligand]
    atoms: Atoms
    placements: list[Placement]
    resnames: list[str]
    residues: np.ndarray
    removed_ions: dict[str, int] = field(default_factory=dict)
    slab_index: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    """For each of the first ``len(slab_index)`` atoms, its index in ``slab.atoms``."""

    @classmethod
    def assemble(
        cls,
        slab: Slab,
        ligands: list[Ligand],
        plan: list[tuple[int, int, int, str]],
        removed: set[int],
    ) -> Interface:
        keep = np.ones(len(slab.atoms), bool)
        keep[list(removed)] = False
        base = slab.atoms[keep]
        removed_ions: dict[str, int] = {}
        for res in np.unique(slab.residues[list(removed)]) if removed else []:
            name = slab.resnames[int(np.flatnonzero(slab.residues == res)[0])]
            removed_ions[name] = removed_ions.get(name, 0) + 1
        cell = slab.atoms.cell.array
        obstacles = SurfaceObstacles(base.get_positions(), slab_contact_radii(slab)[keep], cell)
        mols = [_ensemble_mol(lig) for lig in ligands]
        radii = [contact_radii(mol) for mol in mols]
        poses: dict[tuple[int, str, int], tuple[Pose, ...]] = {}
        box_xy = np.array([cell[0, 0], cell[1, 1]])
        symbols = list(base.get_chemical_symbols())
        positions = [base.get_positions()]
        resnames = [n for n, k in zip(slab.resnames, keep, strict=True) if k]
        residues = list(np.unique(slab.residues[keep], return_inverse=True)[1])
        next_res = (max(residues) + 1) if residues else 0
        placements: list[Placement] = []
        lig_xyz: list[np.ndarray] = []
        neighbours = {
            face: neighbour_offsets(slab, face, [p[1] for p in plan if p[2] == face])
            for face in {p[2] for p in plan}
        }

        def clear(i: int, others: list[np.ndarray]) -> np.ndarray:
            k, site, face, mode = plan[i]
            key = (k, mode, face)
            if key not in poses:
                poses[key] = _poses(ligands[k], mode, slab, face, radii[k], neighbours[face])
            return _first_clear(
                poses[key],
                slab.sites[face].a_pos[site],
                face,
                obstacles,
                radii[k],
                others,
                box_xy,
                raise_up=MAX_RAISE if mode == "BM1" else MAX_RAISE_SEATED,
            )

        for i in range(len(plan)):  # greedy, in the plan's order
            lig_xyz.append(clear(i, lig_xyz))

        # Greedy placement can corner a late ligand. Re-place each one that still meets a
        # neighbour, now against all the others, while that helps.
        def crowded() -> list[int]:
            others = [lig_xyz[:i] + lig_xyz[i + 1 :] for i in range(len(plan))]
            return [
                i for i in range(len(plan)) if _gap(lig_xyz[i], others[i], box_xy) < INTER_LIGAND
            ]

        todo = crowded()
        for _ in range(REPAIR_SWEEPS):
            if not todo:
                break
            for i in todo:
                lig_xyz[i] = clear(i, lig_xyz[:i] + lig_xyz[i + 1 :])
            before, todo = len(todo), crowded()
            if len(todo) >= before:  # no progress: the shell is too dense, not unlucky
                break
        for (k, site, face, mode), xyz in zip(plan, lig_xyz, strict=True):
            s = slab.sites[face]
            start = len(symbols)
            symbols.extend(a.GetSymbol() for a in mols[k].GetAtoms())
            positions.append(xyz)
            name = f"L{k + 1:02d}"[:3]
            resnames.extend([name] * len(xyz))
            residues.extend([next_res] * len(xyz))
            next_res += 1
            cat, an = _anchor_points(ligands[k])
            placements.append(
                Placement(
                    ligand=k,
                    site=site,
                    face=face,
                    mode=mode,
                    atoms=(start, start + len(xyz)),
                    cation_height=None if cat is None else float((xyz[cat, 2] - s.z_plane) * face),
                    anion_height=None if an is None else float((xyz[an, 2] - s.z_plane) * face),
                )
            )
        all_pos = np.concatenate(positions)
        zmin, zmax = all_pos[:, 2].min(), all_pos[:, 2].max()
        slab_z = slab.atoms.get_positions()[:, 2]
        vacuum = cell[2, 2] - (slab_z.max() - slab_z.min())
        new_cell = cell.copy()
        new_cell[2, 2] = max(cell[2, 2], (zmax - zmin) + vacuum)
        atoms = Atoms(symbols=symbols, positions=all_pos, cell=new_cell, pbc=True)
        iface = cls(
            slab,
            ligands,
            atoms,
            placements,
            resnames,
            np.array(residues),
            removed_ions,
            np.flatnonzero(keep),
        )
        d = iface.min_intermolecular_distance()
        if d < INTER_LIGAND:
            raise PlacementError(
                f"ligands clash (closest atoms of two ligands {d:.2f} A < {INTER_LIGAND} A); "
                f"lower the coverage or use a larger slab{_crowding_hint(slab, ligands, plan)}"
            )
        return iface

    # ----- analysis -----------------------------------------------------------------
    def min_intermolecular_distance(self) -> float:
        """Closest distance (A) between atoms of two different ligands (periodic in-plane)."""
        if len(self.placements) < 2:
            return float("inf")
        idx = np.concatenate([np.arange(*p.atoms) for p in self.placements])
        mol = np.concatenate(
            [np.full(p.atoms[1] - p.atoms[0], i) for i, p in enumerate(self.placements)]
        )
        cell = self.atoms.cell.array
        box = np.array([cell[0, 0], cell[1, 1], cell[2, 2]])
        pos = wrap(self.atoms.get_positions()[idx], box)
        tree = cKDTree(pos, boxsize=box)
        # widen the search until some pair is found: every pair within r is enumerated, so the
        # minimum over them is the exact closest distance
        for r in (3.0, 6.0, 12.0, float(np.linalg.norm(box)) / 2):
            pairs = tree.query_pairs(r=r, output_type="ndarray")
            pairs = pairs[mol[pairs[:, 0]] != mol[pairs[:, 1]]]
            if len(pairs):
                d = np.linalg.norm(mic(pos[pairs[:, 0]] - pos[pairs[:, 1]], box), axis=1)
                return float(d.min())
        return float("inf")

    def heights(self) -> dict[str, dict[str, float]]:
        """Mean height (A) of each ligand's cationic and anionic centre above the A-plane."""
        out: dict[str, dict[str, float]] = {}
        for k, lig in enumerate(self.ligands):
            ps = [p for p in self.placements if p.ligand == k]
            cat = [p.cation_height for p in ps if p.cation_height is not None]
            an = [p.anion_height for p in ps if p.anion_height is not None]
            out[lig.name] = {
                "cation_height_A": float(np.mean(cat)) if cat else float("nan"),
                "anion_height_A": float(np.mean(an)) if an else float("nan"),
                "count": float(len(ps)),
            }
        return out

    def composition(self) -> dict[str, int]:
        """Residue counts: slab ions and ligands (L01, L02, ...)."""
        out: dict[str, int] = {}
        seen: set[int] = set()
        for res, name in zip(self.residues, self.resnames, strict=True):
            if int(res) not in seen:
                seen.add(int(res))
                out[name] = out.get(name, 0) + 1
        return out

    def modes(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.placements:
            out[p.mode] = out.get(p.mode, 0) + 1
        return out

    def __repr__(self) -> str:  # the dataclass repr prints the slab and every array
        names = sorted({lig.name for lig in self.ligands})
        modes = ", ".join(f"{n} {m}" for m, n in sorted(self.modes().items()))
        return (
            f"Interface({self.slab!r}, {len(self.placements)} x {', '.join(names)} ({modes}), "
            f"{len(self.atoms)} atoms)"
        )

    @property
    def charge(self) -> int:
        """Net formal charge: slab ions left plus ligand charges."""
        q = self.slab.charge()
        mat = self.slab.material
        qmap = mat.charges()
        q -= sum(qmap[k] * v for k, v in self.removed_ions.items())
        return q + sum(self.ligands[p.ligand].charge for p in self.placements)

    # ----- conversion and output -----------------------------------------------------
    def to_ase(self) -> Atoms:
        """A copy as ``ase.Atoms`` with residue names and numbers in ``arrays``."""
        atoms = self.atoms.copy()
        atoms.set_array("residuenames", np.array(self.resnames, dtype="U3"))
        atoms.set_array("residuenumbers", self.residues + 1)
        return atoms

    def to_pymatgen(self):  # type: ignore[no-untyped-def]
        """A pymatgen ``Structure`` (periodic)."""
        from pymatgen.io.ase import AseAtomsAdaptor

        return AseAtomsAdaptor.get_structure(self.atoms)

    def write(self, path: str | Path) -> Path:
        """Write .pdb (residue names), .xyz/.extxyz or .cif."""
        return write_structure(self.to_ase(), self.residues, self.resnames, path, cif=True)

    def render(self, path: str | Path) -> Path:
        """Top and side views as one PNG."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from ase.visualize.plot import plot_atoms

        path = Path(path)
        fig, axes = plt.subplots(1, 2, figsize=(12, 6))
        plot_atoms(self.atoms, axes[0], rotation="0x,0y,0z", radii=0.5)
        axes[0].set_title("top view")
        plot_atoms(self.atoms, axes[1], rotation="-90x,0y,0z", radii=0.5)
        axes[1].set_title("side view")
        for ax in axes:
            ax.set_axis_off()
        fig.suptitle(
            f"{self.slab.material.name} ({self.slab.facet}) {self.slab.termination}: "
            + ", ".join(f"{n} x{int(v['count'])}" for n, v in self.heights().items())
        )
        fig.tight_layout()
        try:
            fig.savefig(path, dpi=100)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        finally:
            plt.close(fig)
        return path


MAX_RAISE = 6.0  # how far (A) a BM1 ligand may rise to lie on its neighbours' layer
MAX_RAISE_SEATED = 1.0  # how far a seated ligand may rise when crowded (estimate)
_OPEN_Z = 1.0e4  # A: the non-periodic z "box" of the clash search
REPAIR_SWEEPS = 3  # re-placement passes over ligands that still meet a neighbour


def _first_clear(
    poses: tuple[Pose, ...],
    origin: np.ndarray,
    face: int,
    obstacles: SurfaceObstacles,
    radii: np.ndarray,
    placed: list[np.ndarray],
    box_xy: np.ndarray,
    raise_up: float = 0.0,
) -> np.ndarray:
    """Coordinates of the best pose at ``origin`` that keeps INTER_LIGAND from the ligands
    already placed (or, if none does, the one that comes closest to it).

    If no pose clears, the ligand may rise by up to ``raise_up`` A: a BM1 ligand to lie on
    the layer its neighbours form, a seated one a little out of its pocket when crowded.
    """
    up = np.array([0.0, 0.0, float(face)])
    if not placed:
        xyz = poses[0].xyz + origin
        return xyz + obstacles.lift(xyz, radii, face) * up
    gap_to = _gap_function(placed, box_xy)
    best: tuple[float, np.ndarray] | None = None
    for extra in np.arange(0.0, raise_up + 1e-9, 0.25):
        for pose in poses:
            xyz = pose.xyz + origin
            xyz = xyz + (obstacles.lift(xyz, radii, face) + extra) * up
            gap = gap_to(xyz)
            if gap >= INTER_LIGAND:
                return xyz
            if best is None or gap > best[0]:
                best = (gap, xyz)
    assert best is not None
    return best[1]


def _gap_function(placed: list[np.ndarray], box_xy: np.ndarray) -> Callable[[np.ndarray], float]:
    """Closest distance (A) from given coordinates to any atom of ``placed``, periodic in
    x and y only (z gets a box far larger than any slab)."""
    box = np.array([box_xy[0], box_xy[1], _OPEN_Z])
    shift = np.array([0.0, 0.0, _OPEN_Z / 2])
    tree = cKDTree(wrap(np.concatenate(placed) + shift, box), boxsize=box)
    return lambda xyz: float(tree.query(wrap(xyz + shift, box))[0].min())


def _gap(xyz: np.ndarray, placed: list[np.ndarray], box_xy: np.ndarray) -> float:
    return _gap_function(placed, box_xy)(xyz) if placed else float("inf")


def _crowding_hint(slab: Slab, ligands: list[Ligand], plan: list[tuple[int, int, int, str]]) -> str:
    """Why a shell may not fit: tails whose cross-section as an upright rod exceeds the area
    each one has at the planned coverage (the steric_density measure)."""
    from ligandlab.chem.descriptors import describe

    faces = {p[2] for p in plan}
    per_face = len(plan) / max(len(faces), 1)
    sites = slab.sites[next(iter(faces))].n if faces else 1
    coverage = per_face / sites
    area = slab.geometry.area_per_site_nm2
    notes = []
    for lig in ligands:
        tail = describe(lig).tail
        if tail is not None and tail.cross_section_nm2 * coverage > area:
            notes.append(
                f"{lig.name}'s tail takes {tail.cross_section_nm2:.2f} nm2 as an upright rod, "
                f"against {area / coverage:.2f} nm2 per ligand at coverage {coverage:.2f} (at most "
                f"about {area / tail.cross_section_nm2:.2f} upright)"
            )
    return "; " + "; ".join(notes) if notes else ""


def _ensemble_mol(lig: Ligand):  # type: ignore[no-untyped-def]
    from ligandlab.chem.conformers import conformers
    from ligandlab.materials.placement import N_CONFORMERS

    return conformers(lig.smiles, n=N_CONFORMERS, seed=0).mol


def write_structure(
    atoms: Atoms, residues: np.ndarray, resnames: list[str], path: str | Path, cif: bool
) -> Path:
    """Write .pdb (with residues), .xyz/.extxyz or, where ``cif``, .cif; ``OutputError``
    for another format or an unwritable path."""
    path = Path(path)
    suffix = path.suffix.lower()
    allowed = ".pdb, .extxyz or .cif" if cif else ".pdb or .extxyz"
    try:
        if suffix == ".pdb":
            write_pdb(atoms, residues, resnames, path)
        elif suffix in (".xyz", ".extxyz") or (cif and suffix == ".cif"):
            from ase.io import write

            write(path, atoms, format="cif" if suffix == ".cif" else "extxyz")
        else:
            raise OutputError(f"unsupported structure format {suffix!r}; use {allowed}")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def write_pdb(atoms: Atoms, residues: np.ndarray, resnames: list[str], path: Path) -> None:
    """A PDB file with residue names and numbers (ASE's writer has neither); a CRYST1
    record only for a periodic structure."""
    lines = []
    if atoms.pbc.any():
        cell = atoms.cell.cellpar()
        lines.append(
            "CRYST1{:9.3f}{:9.3f}{:9.3f}{:7.2f}{:7.2f}{:7.2f} P 1           1".format(*cell)
        )
    counts: dict[str, int] = {}
    for i, (atom, res, name) in enumerate(zip(atoms, residues, resnames, strict=True)):
        counts[f"{res}{atom.symbol}"] = counts.get(f"{res}{atom.symbol}", 0) + 1
        aname = f"{atom.symbol}{counts[f'{res}{atom.symbol}']}"[:4]
        x, y, z = atom.position
        lines.append(
            f"HETATM{(i + 1) % 100000:5d} {aname:<4s} {name:>3s} A{(int(res) + 1) % 10000:4d}    "
            f"{x:8.3f}{y:8.3f}{z:8.3f}  1.00  0.00          {atom.symbol:>2s}"
        )
    lines.append("END")
    path.write_text("\n".join(lines) + "\n")
