"""Perovskite slabs with tagged surface sites, built with ASE and checked with pymatgen.

A (100) slab of the cubic cell (Pb at the cube centre, X on face centres, A on corners) is a
stack of alternating AX and PbX2 layers a/2 apart. ``layers`` counts the PbX2 (octahedral)
layers. AX termination puts AX layers on both faces: A_(L+1) Pb_L X_(3L+1) per surface cell.
PbX2 termination gives A_(L-1) Pb_L X_(3L-1). Both are neutral and symmetric.

(110) and (111) slabs are cut from the same bulk with ASE's ``surface``. Their sites are the
outermost A and X atoms, so scorers can compare facets.

ASE's own ``ase.build`` has no perovskite-termination builder, so the (100) stacking is
written here. It is simple, and it gives exact termination control and site bookkeeping.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
from ase import Atoms

from ligandlab.errors import MaterialError
from ligandlab.materials.material import Material

if TYPE_CHECKING:
    from ligandlab.materials.interface import Interface

Termination = Literal["AX", "PbX2"]
Facet = Literal["100", "110", "111"]


@dataclass(frozen=True)
class SurfaceSites:
    """Binding sites of one slab face (arrays aligned by site; index -1 = vacant).

    a_pos: A-site positions (A-plane height), a_atom: the A ion's first atom index,
    x_pos/x_atom: the X site paired with each A-site (AX pair), pb_atom: the Pb below it,
    face: +1 top, -1 bottom.
    """

    face: int
    a_pos: np.ndarray
    a_atom: np.ndarray
    x_pos: np.ndarray
    x_atom: np.ndarray
    pb_atom: np.ndarray
    z_plane: float

    @property
    def n(self) -> int:
        return len(self.a_pos)


@dataclass(frozen=True)
class SiteGeometry:
    """Surface geometry measured on a built slab (Angstrom unless the name says nm)."""

    a_a_spacing: float
    a_to_x: float
    pocket_radius: float
    x_height: float
    site_density_nm2: float
    area_per_site_nm2: float

    def to_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in self.__dict__.items()}


@dataclass
class Slab:
    """An ``ase.Atoms`` slab plus its tagged sites and per-atom bookkeeping.

    ``residues[i]`` numbers the ion each atom belongs to (molecular cations span several
    atoms); ``resnames`` are PDB residue names; ``roles`` are 'A', 'B' or 'X'.
    """

    material: Material
    atoms: Atoms
    facet: str
    termination: str
    size: tuple[int, int]
    layers: int
    sites: dict[int, SurfaceSites]
    middle_pb: np.ndarray
    residues: np.ndarray
    resnames: list[str]
    roles: np.ndarray
    ligated_faces: tuple[int, ...]
    ligand_fraction: float | None = None
    ax_fraction: float | None = None
    checks: dict[str, object] = field(default_factory=dict)

    @property
    def top(self) -> SurfaceSites:
        return self.sites[1]

    def __repr__(self) -> str:  # the dataclass repr prints every array: pages of numbers
        nx, ny = self.size
        return (
            f"Slab({self.material.name!r}, ({self.facet}) {self.termination}, {nx}x{ny}x"
            f"{self.layers} layers, {len(self.atoms)} atoms, {self.top.n} top sites)"
        )

    @functools.cached_property
    def geometry(self) -> SiteGeometry:
        """Site geometry read from the atoms of the top face."""
        return site_geometry(self)

    def composition(self) -> dict[str, int]:
        """Ion counts: A cations, B cations, X anions."""
        out: dict[str, int] = {}
        seen: set[int] = set()
        for res, name in zip(self.residues, self.resnames, strict=True):
            if res in seen:
                continue
            seen.add(int(res))
            out[name] = out.get(name, 0) + 1
        return out

    def bare(self) -> Interface:
        """This slab as an :class:`Interface` without ligands (for files and pictures)."""
        from ligandlab.materials.interface import Interface

        return Interface.assemble(self, [], [], set())

    def write(self, path: str | Path) -> Path:
        """Write .pdb (residue names), .extxyz or .cif."""
        return self.bare().write(path)

    def render(self, path: str | Path) -> Path:
        """Top and side views as one PNG."""
        return self.bare().render(path)

    def charge(self) -> int:
        """Net charge from the ions' formal charges."""
        charges = self.material.charges()
        return sum(charges[k] * v for k, v in self.composition().items())


@functools.cache
def _molecule_template(smiles: str) -> tuple[list[str], np.ndarray]:
    """Element symbols and coordinates of a molecular cation, centred and oriented.

    The heavy-atom axis (C-N for MA, N...N for FA) lies along x and the molecular plane is
    xy: one fixed, documented orientation; MD randomises it.
    """
    from rdkit import Chem
    from rdkit.Chem import AllChem

    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    params = AllChem.ETKDGv3()
    params.randomSeed = 7
    AllChem.EmbedMolecule(mol, params)
    AllChem.MMFFOptimizeMolecule(mol)
    xyz = mol.GetConformer().GetPositions()
    heavy = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() > 1]
    # axis between the two most distant heavy atoms
    pairs = [(i, j) for i in heavy for j in heavy if i < j]
    i, j = max(pairs, key=lambda p: float(np.linalg.norm(xyz[p[0]] - xyz[p[1]])))
    xyz = xyz - xyz[heavy].mean(axis=0)
    ex = xyz[j] - xyz[i]
    ex /= np.linalg.norm(ex)
    # plane normal from the heavy atoms (or any perpendicular for linear MA)
    _, _, vt = np.linalg.svd(xyz[heavy] - xyz[heavy].mean(axis=0))
    ez = vt[-1] - np.dot(vt[-1], ex) * ex
    if np.linalg.norm(ez) < 1e-6:
        ez = np.cross(ex, [0.0, 0.0, 1.0] if abs(ex[2]) < 0.9 else [0.0, 1.0, 0.0])
    ez /= np.linalg.norm(ez)
    ey = np.cross(ez, ex)
    rot = np.stack([ex, ey, ez])
    symbols = [a.GetSymbol() for a in mol.GetAtoms()]
    return symbols, xyz @ rot.T


class _Builder:
    def __init__(self) -> None:
        self.symbols: list[str] = []
        self.pos: list[np.ndarray] = []
        self.res: list[int] = []
        self.resnames: list[str] = []
        self.roles: list[str] = []
        self.nres = 0

    def add(self, symbols: list[str], xyz: np.ndarray, resname: str, role: str) -> int:
        first = len(self.symbols)
        self.symbols.extend(symbols)
        self.pos.extend(np.atleast_2d(xyz))
        self.res.extend([self.nres] * len(symbols))
        self.resnames.extend([resname] * len(symbols))
        self.roles.extend([role] * len(symbols))
        self.nres += 1
        return first


FACETS: tuple[Facet, ...] = get_args(Facet)
TERMINATIONS: tuple[Termination, ...] = get_args(Termination)


def surface_supported(facet: str, termination: str) -> bool:
    """Whether ``build_slab`` builds this facet with this termination: (100) either, (110)
    and (111) AX only (their PbX2-rich cuts are not built)."""
    return (
        facet in FACETS and termination in TERMINATIONS and (facet == "100" or termination == "AX")
    )


def check_surface(facet: str, termination: str) -> None:
    """Raise ``MaterialError`` saying what is allowed unless ``surface_supported``."""
    if termination not in TERMINATIONS:
        raise MaterialError(f"unknown termination {termination!r}; use 'AX' or 'PbX2'")
    if facet not in FACETS:
        raise MaterialError(f"unsupported facet {facet!r}; use '100', '110' or '111'")
    if not surface_supported(facet, termination):
        raise MaterialError(
            f"({facet}) slabs support termination='AX' (outermost A and X) only; "
            "PbX2 termination is built for (100)"
        )


def build_slab(
    material: str | Material,
    size: tuple[int, int] = (4, 4),
    layers: int = 3,
    termination: Termination = "AX",
    facet: Facet | str = "100",
    vacuum_nm: float = 4.0,
    both_faces: bool = False,
    ligand_fraction: float | None = None,
    ax_fraction: float | None = None,
    seed: int = 0,
    check: bool = True,
) -> Slab:
    """A perovskite slab with its surface sites tagged.

    ``size`` counts surface unit cells, ``layers`` PbX2 layers. ``ax_fraction`` ([ABr] in the
    paper) keeps that fraction of the ligated face's AX pairs and removes the others; once
    given (1.0 included) ``place_ligands`` keeps it, and ligands beyond the vacated sites
    lie in BM1. Left at None, ligands in BM2/BM2'/BM3 replace the ions they displace.
    ``ligand_fraction`` ([Lig]) is remembered as the default coverage for ``place_ligands``.
    The pairs to remove are picked at random with ``seed``. ``both_faces`` tags and treats
    both faces; by default only the top face is ligated.
    """
    mat = material if isinstance(material, Material) else Material.get(material)
    facet = str(facet).strip("()")
    check_surface(facet, termination)
    n, m = (int(size[0]), int(size[1]))
    if n < 1 or m < 1:
        raise MaterialError(f"slab size must be at least 1 x 1 cells, got {size}")
    if mat.double and (n % 2 or m % 2):
        raise MaterialError(f"{mat.name} has a doubled cell: use even sizes, got {size}")
    if layers < 3:
        raise MaterialError(
            f"layers={layers} is too thin: a slab needs 3 or more PbX2 layers so that its "
            "middle layer (restrained in MD) is not a surface layer"
        )
    if ax_fraction is not None and not 0.0 <= ax_fraction <= 1.0:
        raise MaterialError(f"ax_fraction must be within 0-1, got {ax_fraction}")
    if ligand_fraction is not None and not 0.0 <= ligand_fraction <= 1.0:
        raise MaterialError(f"ligand_fraction must be within 0-1, got {ligand_fraction}")
    if vacuum_nm <= 0:
        raise MaterialError(f"vacuum_nm must be positive, got {vacuum_nm}")
    if facet != "100":
        if ax_fraction not in (None, 1.0):
            raise MaterialError(f"({facet}) slabs support an intact surface only (ax_fraction 1)")
        from ligandlab.materials.facets import build_facet_slab

        return build_facet_slab(mat, facet, (n, m), layers, vacuum_nm, both_faces, check)
    return _build_100(
        mat,
        n,
        m,
        layers,
        termination,
        vacuum_nm,
        both_faces,
        ligand_fraction,
        ax_fraction,
        seed,
        check,
    )


def _build_100(
    mat: Material,
    n: int,
    m: int,
    layers: int,
    termination: str,
    vacuum_nm: float,
    both_faces: bool,
    ligand_fraction: float | None,
    ax_fraction: float | None,
    seed: int,
    check: bool,
) -> Slab:
    a = mat.a
    rng = np.random.default_rng(seed)
    kinds = (
        (["AX", "PbX2"] * layers + ["AX"])
        if termination == "AX"
        else (["PbX2", "AX"] * (layers - 1) + ["PbX2"])
    )
    b = _Builder()
    # mixed A and B sites draw from their own streams, so halide draws match an unmixed slab's
    a_rng = np.random.default_rng([seed, 1])
    b_rng = np.random.default_rng([seed, 2])
    grid = np.array([(i, j) for i in range(n) for j in range(m)], dtype=float)
    ax_index: dict[int, list[tuple[int, int]]] = {}  # AX layer -> [(A first atom, X atom)]
    pb_index: dict[int, np.ndarray] = {}  # PbX2 layer number -> Pb atom per (i, j)
    z_of: list[float] = []
    pb_layer = 0
    for k, kind in enumerate(kinds):
        z = k * a / 2
        z_of.append(z)
        if kind == "AX":
            pairs = []
            for i, j in grid:
                p = np.array([i * a, j * a, z])
                a_ion = mat.a_ion_for(a_rng.random()) if mat.mixed_a else mat.a_site
                a_name = a_ion.symbol.upper()
                if a_ion.smiles is None:
                    first = b.add([a_ion.symbol], p, a_name, "A")
                else:
                    tmpl = _molecule_template(a_ion.smiles)
                    first = b.add(tmpl[0], tmpl[1] + p, a_name, "A")
                sym = mat.halide_for(rng.random())
                xi = b.add([sym], np.array([(i + 0.5) * a, (j + 0.5) * a, z]), sym.upper(), "X")
                pairs.append((first, xi))
            ax_index[k] = pairs
        else:
            pbs = []
            for i, j in grid:
                if mat.double:  # rock-salt order
                    bion = mat.b_sites[int(i + j + pb_layer) % 2]
                else:
                    bion = mat.b_ion_for(b_rng.random()) if mat.mixed_b else mat.b_sites[0]
                pbs.append(
                    b.add(
                        [bion.symbol],
                        np.array([(i + 0.5) * a, (j + 0.5) * a, z]),
                        bion.symbol.upper(),
                        "B",
                    )
                )
                for dx, dy in ((0.5, 0.0), (0.0, 0.5)):
                    sym = mat.halide_for(rng.random())
                    b.add([sym], np.array([(i + dx) * a, (j + dy) * a, z]), sym.upper(), "X")
            pb_index[k] = np.array(pbs)
            pb_layer += 1

    faces = (1, -1) if both_faces else (1,)
    top_k, bottom_k = len(kinds) - 1, 0
    pb_layers = sorted(pb_index)
    sites: dict[int, SurfaceSites] = {}
    removed: set[int] = set()
    for face, k in ((1, top_k), (-1, bottom_k)):
        z_plane = z_of[k] if termination == "AX" else z_of[k] + face * a / 2
        a_pos = np.column_stack([grid * a, np.full(len(grid), z_plane)])
        x_pos = np.column_stack([(grid + 0.5) * a, np.full(len(grid), z_plane)])
        under = pb_layers[-1] if face == 1 else pb_layers[0]
        pb_atom = pb_index[under]
        if termination == "AX":
            a_atom = np.array([p[0] for p in ax_index[k]])
            x_atom = np.array([p[1] for p in ax_index[k]])
        else:  # vacant hollow and apical positions above the exposed Pb
            a_atom = np.full(len(grid), -1)
            x_atom = np.full(len(grid), -1)
        if termination == "AX" and face in faces and ax_fraction is not None and ax_fraction < 1:
            n_remove = len(grid) - round(ax_fraction * len(grid))
            drop = rng.choice(len(grid), size=n_remove, replace=False)
            for s in drop:
                removed.update(np.flatnonzero(np.array(b.res) == b.res[a_atom[s]]).tolist())
                removed.add(int(x_atom[s]))
            a_atom = a_atom.copy()
            x_atom = x_atom.copy()
            a_atom[drop] = -1
            x_atom[drop] = -1
        sites[face] = SurfaceSites(face, a_pos, a_atom, x_pos, x_atom, pb_atom, z_plane)
    middle = pb_index[pb_layers[(len(pb_layers) - 1) // 2]]

    symbols = np.array(b.symbols)
    pos = np.array(b.pos)
    keep = np.ones(len(symbols), bool)
    keep[list(removed)] = False
    remap = np.cumsum(keep) - 1

    def fix(idx: np.ndarray) -> np.ndarray:
        return np.where(idx >= 0, remap[np.maximum(idx, 0)], -1)

    sites = {
        f: SurfaceSites(
            s.face, s.a_pos, fix(s.a_atom), s.x_pos, fix(s.x_atom), fix(s.pb_atom), s.z_plane
        )
        for f, s in sites.items()
    }
    thickness = (len(kinds) - 1) * a / 2
    cell = [n * a, m * a, thickness + vacuum_nm * 10.0]
    shift = np.array([0.0, 0.0, vacuum_nm * 10.0 / 2])
    atoms = Atoms(symbols=list(symbols[keep]), positions=pos[keep] + shift, cell=cell, pbc=True)
    sites = {
        f: SurfaceSites(
            s.face,
            s.a_pos + shift,
            s.a_atom,
            s.x_pos + shift,
            s.x_atom,
            s.pb_atom,
            s.z_plane + shift[2],
        )
        for f, s in sites.items()
    }
    res_old = np.array(b.res)[keep]
    _, residues = np.unique(res_old, return_inverse=True)
    slab = Slab(
        material=mat,
        atoms=atoms,
        facet="100",
        termination=termination,
        size=(n, m),
        layers=layers,
        sites={f: s for f, s in sites.items() if f in faces},
        middle_pb=fix(middle),
        residues=residues,
        resnames=[r for r, k in zip(b.resnames, keep, strict=True) if k],
        roles=np.array(b.roles)[keep],
        ligated_faces=faces,
        ligand_fraction=ligand_fraction,
        ax_fraction=ax_fraction,
    )
    if check:
        slab.checks.update(check_slab(slab))
    return slab


def check_slab(slab: Slab) -> dict[str, object]:
    """Neutrality, symmetry and polarity of the inorganic framework (pymatgen/spglib).

    Molecular A cations are replaced by a point at their centre for the symmetry check.
    """
    from pymatgen.core import Lattice, Structure
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    charge = slab.charge()
    if charge != 0:
        raise MaterialError(f"slab is not neutral (charge {charge:+d})")
    species, coords, charges = [], [], []
    qmap = slab.material.charges()
    pos = slab.atoms.get_positions()
    for res in np.unique(slab.residues):
        idx = np.flatnonzero(slab.residues == res)
        name = slab.resnames[idx[0]]
        species.append("Cs" if slab.roles[idx[0]] == "A" else slab.atoms[idx[0]].symbol)
        coords.append(pos[idx].mean(axis=0))
        charges.append(qmap[name])
    coords_a = np.array(coords)
    q = np.array(charges, float)
    zc = coords_a[:, 2] - coords_a[:, 2].mean()
    dipole = float(np.sum(q * zc))  # e*A along the normal
    structure = Structure(
        Lattice(slab.atoms.cell.array), species, coords_a, coords_are_cartesian=True
    )
    sga = SpacegroupAnalyzer(structure, symprec=0.1)
    return {
        "charge": charge,
        "dipole_eA": round(dipole, 6),
        "polar": abs(dipole) > 1e-3,
        "spacegroup": sga.get_space_group_symbol(),
        "point_group": sga.get_point_group_symbol(),
    }


def site_geometry(slab: Slab) -> SiteGeometry:
    """A-A spacing, A-to-X distance, pocket radius, X height over Pb and site density."""
    s = slab.top
    pos = slab.atoms.get_positions()
    cell = slab.atoms.cell.array
    a_pos = s.a_pos
    x_pos = s.x_pos

    def mic(d: np.ndarray) -> np.ndarray:  # minimum image in-plane
        for ax in (0, 1):
            length = cell[ax, ax]
            d[..., ax] -= length * np.round(d[..., ax] / length)
        return d

    da = mic(a_pos[:, None, :] - a_pos[None, :, :])
    dist_aa = np.linalg.norm(da, axis=-1)
    dist_aa[dist_aa < 1e-6] = np.inf
    aa = float(np.median(dist_aa.min(axis=1))) if len(a_pos) > 1 else float(cell[0, 0])
    dx = mic(a_pos[:, None, :2].repeat(1, 1) - x_pos[None, :, :2])
    ax = float(np.median(np.linalg.norm(dx, axis=-1).min(axis=1)))
    x_atoms = np.flatnonzero(slab.roles == "X")
    dpx = mic(a_pos[:, None, :] - pos[None, x_atoms, :])
    nearest_x = np.linalg.norm(dpx, axis=-1).min(axis=1)
    pocket = float(np.median(nearest_x)) - slab.material.r_x
    pb = pos[s.pb_atom[s.pb_atom >= 0], 2]
    height = float(abs(s.z_plane - np.median(pb))) if len(pb) else math.nan
    area_nm2 = float(cell[0, 0] * cell[1, 1]) / 100.0
    density = s.n / area_nm2
    return SiteGeometry(aa, ax, pocket, height, density, 1.0 / density)
