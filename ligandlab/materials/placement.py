"""Ligands placed on real surface sites at a chosen coverage and binding mode.

Binding modes on an AX-terminated surface (SCIENCE.md section 3; paper Fig. 2a):
BM1 on top of the intact surface; BM2 the cation replaces the A ion (anion on top);
BM2' the anion replaces the X ion above Pb (cation on top); BM3 both: the ligand replaces
the A-X pair. Ammonium cations take A-sites, anionic groups take X-sites, and a chelating
anion puts both donors over one Pb.

The pose comes from the ligand's conformer ensemble. For every conformer, a weighted Kabsch
fit puts the cation centre on its target, the anion centre on its target and the tail end
straight up. The conformer chosen fits the anchors best, keeps the tail above the surface
and does not touch its own images on neighbouring sites. It is then lifted along the
normal until no atom is closer than ``CONTACT`` to the slab. The lift is the ligand's
protrusion, which grows with the bulk of the cationic group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from scipy.spatial import cKDTree

from ligandlab import cache, sourcehash
from ligandlab.chem.assembly import as_ligands
from ligandlab.chem.conformers import ConformerEnsemble, conformers
from ligandlab.chem.ligand import Ligand
from ligandlab.chem.mixture import Mixture
from ligandlab.chem.straighten import ROD_VERSION, straightened
from ligandlab.errors import PlacementError
from ligandlab.materials.contacts import SurfaceObstacles, slab_contact_radii
from ligandlab.materials.slab import Slab

if TYPE_CHECKING:
    from ligandlab.materials.interface import Interface

# Bump when start poses change for the same inputs: simulations started from placed ligands
# (campaign funnels, md_binding) are keyed by it. 2: uniform order by sublattice, pose
# images from the occupied sites (none for a lone ligand), repair sweeps (2026-11-22).
# 3: full conformer ensembles for ligands above ~100 atoms (conformers v2, 2026-11-22).
# 4: cold runs use the cached single-precision ensemble too (rods v2, 2026-11-22).
# 5: a ligand with several cationic groups seats the best one (Ligand.seating_cation), not
# the first by atom order (2026-11-22).
PLACEMENT_VERSION = "5"

Mode = Literal["BM1", "BM2", "BM2'", "BM3"]
MODES = ("BM1", "BM2", "BM2'", "BM3")

# Geometry targets (Angstrom). Estimates chosen for a start pose, not fitted values:
CONTACT = 2.0  # closest allowed ligand-slab atom distance after lifting (H...X ~ 2.3-2.6)
ANION_ABOVE_X = 1.2  # anion centre (P/S/C) above the X position it replaces (O takes X's place)
ON_TOP = 3.0  # extra height of a group adsorbed on an intact site (BM1, or the free end)
INTER_LIGAND = 1.6  # closest allowed distance between atoms of different ligands
N_CONFORMERS = 12
# A chelate's two donors: O...N bite ~2.6 A, each ~2.6 A from the Pb (typical Pb-O/Pb-N
# bond lengths in lead carboxylate/pyridine complexes; estimate for a start pose).
CHELATE_BITE = 2.6
CHELATE_RISE = 2.25
N_ROTATIONS = 12  # turns of each conformer about the anchor axis tried per pose
TILT_WEIGHT = 0.5  # score per (1 - cos tilt) of the tail from the normal (estimate)
N_ALTERNATIVES = 48  # next-best poses kept for sites where the best one meets a neighbour
SELF_CLEARANCE = 1.8  # closest approach to the ligand's images on neighbouring sites (est.)


@dataclass(frozen=True)
class Pose:
    """A ligand conformer oriented for one site type (coordinates relative to the A-site)."""

    xyz: np.ndarray
    conformer: int
    anchor_error: float
    lift: float


@dataclass(frozen=True)
class Placement:
    """One placed ligand: which ligand, on which site and face, in which mode, which atoms."""

    ligand: int
    site: int
    face: int
    mode: str
    atoms: tuple[int, int]  # [start, stop) in the interface's atoms
    cation_height: float | None  # cationic centre above the A-plane (A), if any
    anion_height: float | None


def _anchor_points(lig: Ligand) -> tuple[int | None, int | None]:
    seat = lig.seating_cation
    cat = seat.center if seat is not None else None
    an = lig.anions[0].center if lig.anions else None
    return cat, an


def _kabsch(p: np.ndarray, q: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rotation r and translation t minimising sum w |r p + t - q|^2."""
    w = w / w.sum()
    pc, qc = (w[:, None] * p).sum(0), (w[:, None] * q).sum(0)
    h = ((p - pc) * w[:, None]).T @ (q - qc)
    u, _, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(vt.T @ u.T))
    r = vt.T @ np.diag([1.0, 1.0, d]) @ u.T
    return r, qc - r @ pc


def _targets(
    mode: str, a_site: np.ndarray, x_site: np.ndarray, face: int
) -> tuple[np.ndarray, np.ndarray]:
    up = np.array([0.0, 0.0, float(face)])
    cat = a_site + (ON_TOP * up if mode in ("BM1", "BM2'") else 0.0)
    an = x_site + (ANION_ABOVE_X + (ON_TOP if mode in ("BM1", "BM2") else 0.0)) * up
    return cat, an


def _anchor_targets(
    lig: Ligand, mode: str, slab: Slab, face: int
) -> tuple[list[int], list[np.ndarray]]:
    """Anchor atoms and the alternative sets of their target positions on site 0.

    The cation centre goes to the A-site, the anion centre above the X site (one set); a
    chelating anion puts its anionic O and its ring donor on either side of the Pb apex,
    both about 2.6 A from that one Pb, with the O...donor line along any of eight in-plane
    directions (eight sets).
    """
    sites = slab.sites[face]
    up = np.array([0.0, 0.0, float(face)])
    t_cat, t_an = _targets(mode, sites.a_pos[0], sites.x_pos[0], face)
    cat, an = _anchor_points(lig)
    anchors: list[int] = []
    targets: list[np.ndarray] = []
    if cat is not None:
        anchors.append(cat)
        targets.append(t_cat)
    if an is not None and lig.chelate_pairs and mode in ("BM1", "BM2", "BM2'", "BM3"):
        o, donor = lig.chelate_pairs[0]
        pb = sites.pb_atom[0]
        apex = (
            slab.atoms.positions[pb] + CHELATE_RISE * up
            if pb >= 0
            else sites.x_pos[0] - (slab.material.a / 2 - CHELATE_RISE) * up
        )
        apex = apex + (ON_TOP if mode in ("BM1", "BM2") else 0.0) * up
        anchors += [o, donor]
        sets = []
        for angle in np.arange(8) * np.pi / 4:
            half = CHELATE_BITE / 2 * np.array([np.cos(angle), np.sin(angle), 0.0])
            sets.append(np.array([*targets, apex - half, apex + half]))
        return anchors, sets
    if an is not None:
        anchors.append(an)
        targets.append(t_an)
    return anchors, [np.array(targets)]


def _site_environment(slab: Slab, face: int, lig: Ligand, mode: str) -> SurfaceObstacles:
    """The slab around site 0 of ``face`` with this ligand's own A and/or X removed."""
    s = slab.sites[face]
    cat_in, an_in = seated_groups(lig, mode)
    keep = np.ones(len(slab.atoms), bool)
    if cat_in and s.a_atom[0] >= 0:
        keep[slab.residues == slab.residues[s.a_atom[0]]] = False
    if an_in and s.x_atom[0] >= 0:
        keep[s.x_atom[0]] = False
    return SurfaceObstacles(
        slab.atoms.get_positions()[keep], slab_contact_radii(slab)[keep], slab.atoms.cell.array
    )


def _rotation(axis: np.ndarray, angle: float) -> np.ndarray:
    """Rotation matrix about a unit axis (Rodrigues)."""
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * (k @ k)


def _tail_atoms(mol, anchors: list[int], lig: Ligand) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Heavy atoms more than two bonds from every atom of the binding groups."""
    from rdkit import Chem

    group = sorted({i for a in lig.anchors for i in a.atoms} | set(anchors))
    dist = Chem.GetDistanceMatrix(mol)[group]
    heavy = np.array([a.GetAtomicNum() > 1 for a in mol.GetAtoms()])
    return np.flatnonzero(heavy & (dist.min(axis=0) > 2))


def _rods(
    lig: Ligand, ens: ConformerEnsemble, anchors: list[int], tail: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates and MMFF energies of each ensemble conformer with its tail straightened
    (``straightened``), cached on disk; empty when the tail has no rotatable bond."""
    head = {i for a in lig.anchors for i in a.atoms} | set(anchors)
    # an edit to the code that made the conformers or the rods recomputes them
    code = [sourcehash.module_digest(f"ligandlab.chem.{m}") for m in ("conformers", "straighten")]
    key = cache.key_of(ens.smiles, ens.method, len(ens), ens.seed, sorted(head), ROD_VERSION, code)
    rods = cache.load("rods", key)
    if rods is None:
        across = (anchors[0], anchors[1]) if len(anchors) == 2 else None
        rods = [
            straightened(ens.mol, x, head, [int(i) for i in tail], across)
            for x in ens.all_positions()
        ]
        rods = [r for r in rods if r is not None]
        cache.store("rods", key, rods)
    if not rods:
        return np.zeros((0, ens.mol.GetNumAtoms(), 3)), np.zeros(0)
    return np.stack([r[0] for r in rods]), np.array([r[1] for r in rods])


def _poses(
    lig: Ligand,
    mode: str,
    slab: Slab,
    face: int,
    radii: np.ndarray,
    neighbours: np.ndarray,
) -> tuple[Pose, ...]:
    """The best poses of a ligand on a generic site of ``slab``'s face (relative to site 0),
    best first (``N_ALTERNATIVES`` of them, for sites where the best one meets a neighbour).

    ``neighbours`` are the in-plane offsets (A) of the occupied sites next to a site, from
    :func:`neighbour_offsets`.

    Every conformer is fitted to the anchor targets (weighted Kabsch, tail end straight up)
    and then turned about the anchor axis (or the normal, for one anchor) in
    ``N_ROTATIONS`` steps, so the tail can swing clear of the neighbours. Each trial is
    lifted out of contact with the slab (neighbours intact) and scored by the anchors'
    distance from their targets after the lift, tail atoms below the anchors, contacts
    with its own periodic images on neighbouring sites, and conformer strain (MMFF).
    A bulky cationic group lifts more, so its protrusion above the A-plane is larger.
    """
    env = _site_environment(slab, face, lig, mode)
    ens = conformers(lig.smiles, n=N_CONFORMERS, seed=0)
    anchors, target_sets = _anchor_targets(lig, mode, slab, face)
    heavy = np.array([a.GetAtomicNum() > 1 for a in ens.mol.GetAtoms()])
    tail = _tail_atoms(ens.mol, anchors, lig)
    a0 = slab.sites[face].a_pos[0]
    up = np.array([0.0, 0.0, float(face)])
    images = np.asarray(neighbours, float).reshape(-1, 3)

    def trials_of(
        all_xyz: np.ndarray, strain: np.ndarray, first: int
    ) -> list[tuple[float, float, Pose]]:
        """(score, closest approach to its images, pose) of every fit and turn."""
        out: list[tuple[float, float, Pose]] = []
        for targets in target_sets:
            floor = max(float(t @ up) for t in targets)
            if len(targets) >= 2:
                axis = (targets[-1] - targets[-2]) / np.linalg.norm(targets[-1] - targets[-2])
            else:
                axis = up
            pivot = targets[0]
            for k, xyz in enumerate(all_xyz):
                head = xyz[anchors].mean(axis=0)
                far = np.where(heavy, np.linalg.norm(xyz - head, axis=1), -1)
                tail_end = int(np.argmax(far))
                reach = max(float(np.linalg.norm(xyz[tail_end] - head)), 1.0)
                pts = [xyz[i] for i in anchors] + [xyz[tail_end]]
                tgt = [*targets, targets.mean(axis=0) + reach * up]
                w = [1.0] * len(anchors) + [0.5]
                if len(anchors) == 1:  # one anchor: add a point below it so the fit is defined
                    pts.append(xyz[anchors[0]] - (xyz[tail_end] - xyz[anchors[0]]) * 0.1)
                    tgt.append(tgt[0] - 0.1 * reach * up)
                    w.append(0.5)
                r, t = _kabsch(np.array(pts), np.array(tgt), np.array(w))
                fitted = xyz @ r.T + t
                for step in range(N_ROTATIONS):
                    rot = _rotation(axis, 2 * np.pi * step / N_ROTATIONS)
                    placed = (fitted - pivot) @ rot.T + pivot
                    lift = env.lift(placed, radii, face)
                    placed = placed + lift * up
                    err = float(np.sqrt(np.mean(np.sum((placed[anchors] - targets) ** 2, axis=1))))
                    below = np.clip(floor - placed[tail] @ up, 0, None).sum() if len(tail) else 0.0
                    self_clash = np.inf
                    if len(images):
                        tree = cKDTree(placed)
                        shifted = (placed[None] + images[:, None]).reshape(-1, 3)
                        self_clash = float(tree.query(shifted)[0].min())
                    score = err + 2.0 * float(below)
                    score += 10.0 * max(0.0, SELF_CLEARANCE - self_clash)
                    score += 0.3 * float(strain[k])
                    if len(tail):  # upright tails pack with any neighbour, tilted ones may not
                        v = placed[tail].mean(axis=0) - placed[anchors].mean(axis=0)
                        cos_tilt = float(v @ up) / (float(np.linalg.norm(v)) + 1e-9)
                        score += TILT_WEIGHT * (1.0 - cos_tilt)
                    out.append((score, self_clash, Pose(placed - a0, first + k, err, lift)))
        return out

    e_min = float(ens.energies.min())
    trials = trials_of(ens.all_positions(), (ens.energies - e_min) / 10.0, 0)
    rods, rod_energies = _rods(lig, ens, anchors, tail)
    rod_trials = trials_of(rods, (rod_energies - e_min) / 10.0, len(ens))
    if not trials:
        raise PlacementError(f"no conformer of {lig.name!r} fits a {mode} site without clashes")
    if min(trials, key=lambda t: t[0])[1] < SELF_CLEARANCE:
        # no conformer of the ensemble clears its neighbours: the straightened tails that
        # dense shells of long or branched chains need compete with it on equal terms
        return _distinct(trials + rod_trials)
    # otherwise the ensemble's lower-strain poses come first, and the straightened ones
    # are the alternatives for sites where all of those meet a neighbour
    return _distinct(trials) + _distinct(rod_trials)


def _distinct(trials: list[tuple[float, float, Pose]]) -> tuple[Pose, ...]:
    """The best ``N_ALTERNATIVES`` poses, each at least 1 A RMSD from those kept."""
    chosen: list[Pose] = []
    for _, _, pose in sorted(trials, key=lambda t: t[0]):
        if all(np.sqrt(np.mean(np.sum((pose.xyz - c.xyz) ** 2, 1))) > 1.0 for c in chosen):
            chosen.append(pose)
            if len(chosen) == N_ALTERNATIVES:
                break
    return tuple(chosen)


def neighbour_offsets(slab: Slab, face: int, sites: list[int]) -> np.ndarray:
    """In-plane offsets (A, z = 0) from an occupied site to the occupied sites around it,
    over all of ``sites``: what a pose must clear at this coverage and pattern.

    Where all eight nearest sites are taken (full coverage), those eight. Where the first
    shell has gaps (a checkerboard has no (a, 0) neighbours), a tail can lean into a gap
    and meet the next shell, so the occupied sites up to (2a, a) away count too.
    """
    s = slab.sites[face]
    cell = slab.atoms.cell.array
    box = np.array([cell[0, 0], cell[1, 1]])
    a = slab.material.a
    xy = s.a_pos[sites, :2]
    d = xy[None, :, :] - xy[:, None, :]
    d -= box * np.round(d / box)
    dist = np.linalg.norm(d, axis=2)

    def offsets(reach: float) -> np.ndarray:
        near = d[(dist > 1e-6) & (dist < reach)]
        return np.unique(np.round(near, 1), axis=0) if len(near) else np.zeros((0, 2))

    shell = offsets(1.5 * a)  # (a, 0) and (a, a)
    if len(shell) < 8:
        shell = offsets(2.3 * a)  # past (2a, a) = 2.24 a, short of (2a, 2a) = 2.83 a
    return np.column_stack([shell, np.zeros(len(shell))])


def site_order(slab: Slab, face: int, pattern: str, seed: int) -> np.ndarray:
    """Order in which sites are filled: uniform, random or checkerboard.

    Uniform is farthest-point sampling within one checkerboard sublattice, then within the
    other. Plain farthest-point sampling on, e.g., a 6 x 6 face mixes the sublattices
    early (its third site is three cells from the first along an axis) and leaves nearest
    neighbours at half coverage, where a checkerboard leaves none; bulky tails that fit a
    checkerboard then clash.
    """
    s = slab.sites[face]
    n = s.n
    if pattern == "random":
        return np.random.default_rng(seed).permutation(n)
    cell = slab.atoms.cell.array
    ij = np.round(s.a_pos[:, :2] / [cell[0, 0] / slab.size[0], cell[1, 1] / slab.size[1]])
    parity = (ij.sum(axis=1) % 2).astype(int)
    if pattern == "checkerboard":
        return np.concatenate([np.flatnonzero(parity == 0), np.flatnonzero(parity == 1)])
    if pattern != "uniform":
        raise PlacementError(f"unknown pattern {pattern!r}; use uniform, random or checkerboard")
    box = np.array([cell[0, 0], cell[1, 1]])
    xy = s.a_pos[:, :2]
    first = parity == parity[0]
    order = [0]
    dmin = np.full(n, np.inf)
    for _ in range(n - 1):
        d = xy - xy[order[-1]]
        d -= box * np.round(d / box)
        dmin = np.minimum(dmin, np.linalg.norm(d, axis=1))
        dmin[order] = -1
        left = first & (dmin >= 0)
        pick = np.where(left, dmin, -1) if left.any() else dmin
        order.append(int(np.argmax(pick)))
    return np.array(order)


def _counts(total: int, fractions: list[float]) -> list[int]:
    """Split ``total`` by ``fractions`` (largest remainder, deterministic)."""
    raw = [total * f for f in fractions]
    base = [int(np.floor(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[: total - sum(base)]:
        base[i] += 1
    return base


def seated_groups(lig: Ligand, mode: str) -> tuple[bool, bool]:
    """(cation in the A pocket, anion on the X site) for a mode and this ligand's groups."""
    cat_in = bool(lig.cations) and mode in ("BM2", "BM3")
    an_in = bool(lig.anions) and mode in ("BM2'", "BM3")
    return cat_in, an_in


def place_ligands(
    slab: Slab,
    ligands: object,
    coverage: float | None = None,
    count: int | None = None,
    mode: str = "BM3",
    pattern: str = "uniform",
    fractions: list[float] | None = None,
    seed: int = 0,
) -> Interface:
    """Place ligands on the slab's ligated face(s); returns an :class:`Interface`.

    ``coverage`` is ligands per surface A-site ([Lig]) on each ligated face, or give
    ``count`` per face; the default is the slab's ``ligand_fraction``. ``ligands`` is a
    ligand, a SMILES or a list for a mixed shell with ``fractions``; a mixture
    (``"lecithin"`` or a ``Mixture``) alone gives a mixed shell at its mole fractions.
    In BM3 the ligands take the sites the slab's ``ax_fraction`` vacated first, and then
    replace intact A-X pairs. If the slab was built with an explicit ``ax_fraction``
    ([ABr], 1.0 included) and [Lig] + [ABr] > 1, the surplus ligands lie on the intact
    surface in BM1, so the slab keeps its [ABr].
    """
    from ligandlab.materials.interface import Interface
    from ligandlab.materials.nanocrystal import Nanocrystal

    if not isinstance(slab, Slab):
        hint = (
            "; for a nanocrystal use ll.cap_nanocrystal(nc, ligand, coverage)"
            if isinstance(slab, Nanocrystal)
            else ""
        )
        raise PlacementError(
            f"place_ligands needs a Slab from ll.build_slab, got {type(slab).__name__}{hint}"
        )
    ligs = as_ligands(ligands, PlacementError)
    if fractions is None:
        mix = Mixture.find(ligands)
        fractions = None if mix is None else list(mix.fractions)
    if mode not in MODES:
        raise PlacementError(f"unknown binding mode {mode!r}; use {', '.join(MODES)}")
    if fractions is None:
        fractions = [1.0 / len(ligs)] * len(ligs)
    if len(fractions) != len(ligs) or any(f < 0 for f in fractions):
        raise PlacementError("fractions must be one non-negative number per ligand")
    if abs(sum(fractions) - 1.0) > 1e-6:
        raise PlacementError(f"fractions must sum to 1, got {sum(fractions):g}")
    if coverage is None and count is None:
        if slab.ligand_fraction is None:
            raise PlacementError(
                "give coverage (0-1) or count, or build the slab with ligand_fraction"
            )
        coverage = slab.ligand_fraction
    for lig in ligs:
        if not lig.anchors:
            raise PlacementError(
                f"ligand {lig.name!r} has no charged binding group; it cannot take a surface site"
            )
    removed: set[int] = set()
    plan: list[tuple[int, int, int, str]] = []  # (ligand, site, face, mode)
    for face in slab.ligated_faces:
        s = slab.sites[face]
        if count is not None:
            n_face = int(count)
            if n_face < 0:
                raise PlacementError(f"count must be >= 0, got {count}")
        else:
            assert coverage is not None
            if not 0.0 <= coverage <= 1.0:
                raise PlacementError(f"coverage must be within 0-1, got {coverage}")
            n_face = round(coverage * s.n)
        if n_face > s.n:
            raise PlacementError(
                f"{n_face} ligands but only {s.n} surface A-sites on a {slab.size[0]}x"
                f"{slab.size[1]} face; use coverage <= 1 or a larger slab"
            )
        order = site_order(slab, face, pattern, seed)
        vacant = [int(i) for i in order if s.a_atom[i] < 0]
        intact = [int(i) for i in order if s.a_atom[i] >= 0]
        keep_ax = slab.ax_fraction is not None and slab.termination == "AX"
        sites = (vacant + intact)[:n_face]
        kinds = _counts(n_face, fractions)
        who = [k for k, c in enumerate(kinds) for _ in range(c)]
        who = list(np.random.default_rng(seed).permutation(who)) if len(ligs) > 1 else who
        for k, site in zip(who, sites, strict=True):
            m = mode
            if keep_ax and mode in ("BM2", "BM2'", "BM3") and s.a_atom[site] >= 0:
                m = "BM1"  # surplus over the vacancies: keep the slab's [ABr]
            cat_in, an_in = seated_groups(ligs[k], m)
            if s.a_atom[site] >= 0 and cat_in:
                removed.update(np.flatnonzero(slab.residues == slab.residues[s.a_atom[site]]))
            if s.x_atom[site] >= 0 and an_in:
                removed.add(int(s.x_atom[site]))
            plan.append((int(k), site, face, m))
    return Interface.assemble(slab, ligs, plan, removed)
