"""Whole cube-shaped nanocrystals: surface sites by facet, edge and corner; ligand amounts.

A cube of ``n`` PbX6 octahedra per edge with AX-terminated (100) facets on all six sides
has Pb at (i+1/2, j+1/2, k+1/2)a, X on every face centre of those cells and A on every
corner: A_(n+1)^3 Pb_n^3 X_3n^2(n+1). Its surface A-sites are the A ions on the outer
shell, 6n^2 + 2 of them: 6(n-1)^2 on facets, 12(n-1) on edges, 8 on corners, so
6(d/a)^2 for an edge d = n a, as in SCIENCE.md section 1.

The bare AX-terminated cube carries a net charge of +(3n + 1) e (the extra A on edges and
corners); in a real crystal the ligand shell and surface halide vacancies balance it. The
charge is reported, not hidden.

ASE's cluster builders make metal clusters, not perovskite terminations, so the lattice is
written here with numpy, the same way as the (100) slab.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
from ase import Atoms

from ligandlab.chem.assembly import as_ligand
from ligandlab.chem.ligand import Ligand
from ligandlab.chem.mixture import Mixture
from ligandlab.errors import MaterialError, PlacementError
from ligandlab.materials.material import Material
from ligandlab.materials.slab import _molecule_template

AVOGADRO = 6.02214076e23  # mol^-1 (CODATA 2018, exact)
SITE_KINDS = ("facet", "edge", "corner")


@dataclass(frozen=True)
class LigandAmount:
    """How much ligand a chemist adds for one nanocrystal batch at a given coverage."""

    ligand: str
    coverage: float
    ligands_per_nc: int
    mol_per_mol_pb: float
    ligand_molar_mass: float  # g/mol
    nc_molar_mass: float  # g/mol of nanocrystals (one crystal x Avogadro's number)
    nc_mg: float | None
    pb_mmol: float | None
    ligand_mg: float | None
    ligand_umol: float | None

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Nanocrystal:
    """A cube with its surface A-sites tagged (``site_kind``: facet, edge or corner; and
    ``site_facets``: which of the faces +x, -x, +y, -y, +z, -z each site lies on)."""

    material: Material
    n: int  # PbX6 octahedra per edge
    atoms: Atoms
    site_positions: np.ndarray  # (N, 3) A-site positions, A
    site_atoms: np.ndarray  # first atom of the A ion on each site
    site_kind: np.ndarray  # (N,) 'facet' | 'edge' | 'corner'
    site_facets: tuple[tuple[str, ...], ...]
    charge: int  # net formal charge of the bare crystal (+(3n+1) for ABX3)
    termination: str = "AX"
    # residue number and PDB residue name of every atom: one per ion (a molecular A cation
    # is one residue), as in a slab
    residues: np.ndarray = field(default_factory=lambda: np.zeros(0, int), repr=False)
    resnames: tuple[str, ...] = field(default=(), repr=False)

    @property
    def edge_nm(self) -> float:
        """Edge length between outer A planes (n a), nm."""
        return self.n * self.material.a / 10.0

    @property
    def n_sites(self) -> int:
        return len(self.site_positions)

    def __repr__(self) -> str:  # the dataclass repr prints every site: pages of numbers
        return (
            f"Nanocrystal({self.material.name!r}, {self.edge_nm:.2f} nm edge, n={self.n}, "
            f"{len(self.atoms)} atoms, {self.n_sites} surface A sites, charge {self.charge:+d})"
        )

    @property
    def n_pb(self) -> int:
        """B-site cations (Pb, Sn, or Ag + Bi) in the crystal."""
        return self.n**3

    @functools.cached_property
    def molar_mass(self) -> float:
        """Mass of one crystal times Avogadro's number (g/mol), from ASE's atomic masses."""
        return float(self.atoms.get_masses().sum())

    def site_counts(self) -> dict[str, int]:
        """Surface A-sites by kind, and by facet (edge and corner sites count once)."""
        out = {k: int(np.sum(self.site_kind == k)) for k in SITE_KINDS}
        for face in ("+x", "-x", "+y", "-y", "+z", "-z"):
            out[face] = sum(1 for f in self.site_facets if face in f)
        out["total"] = self.n_sites
        return out

    def ligands_per_crystal(self, coverage: float = 1.0) -> int:
        """Ligands that cover ``coverage`` of the surface A-sites (one per site)."""
        if not 0.0 <= coverage <= 1.0:
            raise PlacementError(f"coverage must be within 0-1, got {coverage}")
        return round(coverage * self.n_sites)

    def ligand_amount(
        self,
        ligand: Ligand | Mixture | str,
        coverage: float = 1.0,
        nc_mg: float | None = None,
        pb_mmol: float | None = None,
    ) -> LigandAmount:
        """Ligand per crystal, mol per mol Pb, and mg for ``nc_mg`` of crystals or
        ``pb_mmol`` of Pb (give at most one). ``ligand`` is a Ligand, a name or SMILES, or a
        mixture (``"lecithin"``), weighed at its number-average molar mass."""
        mix = Mixture.find(ligand)
        if mix is not None:
            name, mw = mix.id, mix.mean_mw
        else:
            lig = as_ligand(ligand, PlacementError)
            name, mw = lig.name, lig.mw
        if nc_mg is not None and pb_mmol is not None:
            raise PlacementError("give the batch as nc_mg or pb_mmol, not both")
        for label, value in (("nc_mg", nc_mg), ("pb_mmol", pb_mmol)):
            if value is not None and not value > 0:
                raise PlacementError(f"{label} must be positive, got {value}")
        per_nc = self.ligands_per_crystal(coverage)
        ratio = per_nc / self.n_pb
        umol: float | None = None
        if nc_mg is not None:
            umol = nc_mg / self.molar_mass * per_nc * 1000.0
        elif pb_mmol is not None:
            umol = pb_mmol * ratio * 1000.0
        return LigandAmount(
            ligand=name,
            coverage=coverage,
            ligands_per_nc=per_nc,
            mol_per_mol_pb=ratio,
            ligand_molar_mass=mw,
            nc_molar_mass=self.molar_mass,
            nc_mg=nc_mg,
            pb_mmol=pb_mmol,
            ligand_mg=None if umol is None else umol * mw / 1000.0,
            ligand_umol=umol,
        )

    def summary(self) -> dict[str, object]:
        return {
            "material": self.material.name,
            "edge_nm": round(self.edge_nm, 3),
            "octahedra_per_edge": self.n,
            "atoms": len(self.atoms),
            "pb": self.n_pb,
            "charge": self.charge,
            **{f"sites_{k}": v for k, v in self.site_counts().items()},
        }


def build_nanocrystal(
    material: str | Material,
    edge_nm: float,
    termination: str = "AX",
    seed: int = 0,
) -> Nanocrystal:
    """A cube of ``round(edge_nm / a)`` octahedra per edge with AX-terminated facets."""
    mat = material if isinstance(material, Material) else Material.get(material)
    if termination != "AX":
        raise MaterialError(
            f"termination {termination!r} is not available for whole cubes; use 'AX' "
            "(AX-rich facets, as in the paper's nanocrystals)"
        )
    if not edge_nm > 0 or not math.isfinite(edge_nm):
        raise MaterialError(f"edge_nm must be a positive number, got {edge_nm}")
    a = mat.a
    n = round(edge_nm * 10.0 / a)
    if n < 2:
        raise MaterialError(f"edge_nm={edge_nm} is under two unit cells of {mat.name} (a={a} A)")
    if n > 40:
        raise MaterialError(f"edge_nm={edge_nm} is over 40 unit cells; too large to build")
    rng = np.random.default_rng(seed)
    corner = np.stack(np.meshgrid(*[np.arange(n + 1)] * 3, indexing="ij"), -1).reshape(-1, 3)
    cells = np.stack(np.meshgrid(*[np.arange(n)] * 3, indexing="ij"), -1).reshape(-1, 3)
    # X on face centres: two half-integer coordinates, one integer coordinate in 0..n
    xs = []
    for axis in range(3):
        grid = np.stack(
            np.meshgrid(
                *[np.arange(n + 1) if d == axis else np.arange(n) + 0.5 for d in range(3)],
                indexing="ij",
            ),
            -1,
        ).reshape(-1, 3)
        xs.append(grid)
    x_frac = np.concatenate(xs)

    symbols: list[str] = []
    positions: list[np.ndarray] = []
    residues: list[int] = []
    resnames: list[str] = []
    # a mixed A site draws from its own stream, so halide draws match an unmixed cube's
    a_rng = np.random.default_rng([seed, 1])
    a_ions = [mat.a_ion_for(u) for u in a_rng.random(len(corner))] if mat.mixed_a else None
    a_first = np.empty(len(corner), int)
    for i, p in enumerate(corner * a):
        a_ion = a_ions[i] if a_ions else mat.a_site
        a_first[i] = len(symbols)
        if a_ion.smiles:
            tmpl_sym, tmpl_xyz = _molecule_template(a_ion.smiles)
            symbols.extend(tmpl_sym)
            positions.append(tmpl_xyz + p)
        else:
            symbols.append(a_ion.symbol)
            positions.append(p[None, :])
        residues.extend([i] * (len(symbols) - a_first[i]))
        resnames.extend([a_ion.symbol.upper()] * (len(symbols) - a_first[i]))
    if mat.mixed_b:  # a random Pb/Sn site from its own stream, like the A site
        b_rng = np.random.default_rng([seed, 2])
        b_ions = [mat.b_ion_for(u) for u in b_rng.random(len(cells))]
    else:
        b_ions = [mat.b_sites[int(s) % 2 if mat.double else 0] for s in cells.sum(axis=1)]
    b_sym = [b.symbol for b in b_ions]
    x_charge = mat.halides[0][0].charge
    a_charge = mat.a_site.charge  # every A cation here is monovalent
    charge = len(corner) * a_charge + sum(b.charge for b in b_ions) + len(x_frac) * x_charge
    symbols.extend(b_sym)
    positions.append((cells + 0.5) * a)
    symbols.extend(mat.halide_for(u) for u in rng.random(len(x_frac)))
    positions.append(x_frac * a)
    single = len(symbols) - len(residues)  # B and X: one atom, one residue each
    residues.extend(range(len(corner), len(corner) + single))
    resnames.extend(sym.upper() for sym in symbols[len(resnames) :])
    pos = np.concatenate(positions)
    centre = np.full(3, n * a / 2)
    atoms = Atoms(symbols=symbols, positions=pos - centre, pbc=False)

    on = np.stack([corner == 0, corner == n], axis=-1)  # (N, 3 axes, lo/hi)
    n_faces = on.sum(axis=(1, 2))
    surface = n_faces > 0
    names = (("-x", "+x"), ("-y", "+y"), ("-z", "+z"))
    facets = tuple(
        tuple(names[ax][side] for ax in range(3) for side in (0, 1) if on[i, ax, side])
        for i in np.flatnonzero(surface)
    )
    kind = np.array(SITE_KINDS)[np.clip(n_faces[surface] - 1, 0, 2)]
    return Nanocrystal(
        material=mat,
        n=n,
        atoms=atoms,
        site_positions=corner[surface] * a - centre,
        site_atoms=a_first[surface],
        site_kind=kind,
        site_facets=facets,
        charge=int(charge),
        termination=termination,
        residues=np.array(residues),
        resnames=tuple(resnames),
    )
