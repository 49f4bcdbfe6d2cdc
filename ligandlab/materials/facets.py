"""(110) and (111) slabs, cut from the cubic bulk with ASE's ``surface``.

The cut keeps whole bulk cells along the normal, so the slab is stoichiometric and neutral.
Both facets alternate charged planes (APbX / X2 for (110), AX3 / Pb for (111)), so these
slabs are polar, and the checks record that. Surface sites are the outermost A cations,
with the nearest outermost X to each. Molecular A cations are placed after the cut: the cut
uses one atom per A site, and the molecule replaces it, so no molecule is split.
"""

from __future__ import annotations

import numpy as np
from ase import Atoms
from ase.build import surface

from ligandlab.errors import MaterialError
from ligandlab.materials.material import Material
from ligandlab.materials.slab import Slab, SurfaceSites, _molecule_template, check_slab

_MILLER = {"110": (1, 1, 0), "111": (1, 1, 1)}


def _bulk(mat: Material) -> Atoms:
    a = mat.a
    x = mat.majority_halide
    return Atoms(
        symbols=["Cs", mat.b_sites[0].symbol, x, x, x],
        scaled_positions=[(0, 0, 0), (0.5, 0.5, 0.5), (0.5, 0.5, 0), (0.5, 0, 0.5), (0, 0.5, 0.5)],
        cell=[a, a, a],
        pbc=True,
    )


def build_facet_slab(
    mat: Material,
    facet: str,
    size: tuple[int, int],
    layers: int,
    vacuum_nm: float,
    both_faces: bool,
    check: bool,
) -> Slab:
    """A (110) or (111) slab of ``layers`` bulk repeats along the normal."""
    if not mat.single:
        raise MaterialError(
            f"({facet}) slabs are built for ABX3 with one A cation, one B metal and one halide"
        )
    slab = surface(_bulk(mat), _MILLER[facet], layers, vacuum=vacuum_nm * 10.0 / 2, periodic=True)
    slab = slab.repeat((size[0], size[1], 1))
    slab.center(vacuum=vacuum_nm * 10.0 / 2, axis=2)
    pos = slab.get_positions()
    is_a = np.array([s == "Cs" for s in slab.get_chemical_symbols()])
    a_ion = mat.a_site
    tmpl = _molecule_template(a_ion.smiles) if a_ion.smiles else None
    symbols: list[str] = []
    xyz: list[np.ndarray] = []
    residues: list[int] = []
    resnames: list[str] = []
    roles: list[str] = []
    first_of: dict[int, int] = {}
    for i, (sym, p) in enumerate(zip(slab.get_chemical_symbols(), pos, strict=True)):
        first_of[i] = len(symbols)
        if is_a[i]:
            s_list, s_xyz = ([a_ion.symbol], p[None, :]) if tmpl is None else (tmpl[0], tmpl[1] + p)
            symbols.extend(s_list)
            xyz.extend(s_xyz)
            resnames.extend([a_ion.symbol.upper()] * len(s_list))
            roles.extend(["A"] * len(s_list))
            residues.extend([i] * len(s_list))
        else:
            symbols.append(sym)
            xyz.append(p)
            resnames.append(sym.upper())
            roles.append("B" if sym == mat.b_sites[0].symbol else "X")
            residues.append(i)
    atoms = Atoms(symbols=symbols, positions=np.array(xyz), cell=slab.cell, pbc=True)
    z = pos[:, 2]
    faces = (1, -1) if both_faces else (1,)
    sites = {}
    for face in faces:
        za = z[is_a]
        edge = za.max() if face == 1 else za.min()
        top_a = np.flatnonzero(is_a & (np.abs(z - edge) < 0.5))
        xs = np.flatnonzero(np.array(roles)[[first_of[i] for i in range(len(z))]] == "X")
        zx = z[xs]
        outer_x = xs[np.argsort(-face * zx)[: len(top_a)]]
        pbs = np.flatnonzero(np.array(slab.get_chemical_symbols()) == mat.b_sites[0].symbol)
        a_pos = pos[top_a]
        x_idx, pb_idx = [], []
        for p in a_pos:
            d = np.linalg.norm(pos[outer_x] - p, axis=1)
            xi = outer_x[int(np.argmin(d))]
            x_idx.append(first_of[int(xi)])
            dp = np.linalg.norm(pos[pbs] - pos[xi], axis=1)
            pb_idx.append(first_of[int(pbs[int(np.argmin(dp))])])
        sites[face] = SurfaceSites(
            face,
            a_pos,
            np.array([first_of[int(i)] for i in top_a]),
            atoms.get_positions()[np.array(x_idx)],
            np.array(x_idx),
            np.array(pb_idx),
            float(edge),
        )
    pb_all = np.flatnonzero(np.array(roles) == "B")
    zmid = atoms.get_positions()[pb_all, 2]
    centre = np.median(zmid)
    middle = pb_all[np.abs(zmid - zmid[np.argmin(np.abs(zmid - centre))]) < 0.3]
    _, res = np.unique(np.array(residues), return_inverse=True)
    out = Slab(
        material=mat,
        atoms=atoms,
        facet=facet,
        termination="AX",
        size=size,
        layers=layers,
        sites=sites,
        middle_pb=middle,
        residues=res,
        resnames=resnames,
        roles=np.array(roles),
        ligated_faces=faces,
    )
    if check:
        out.checks.update(check_slab(out))
    return out
