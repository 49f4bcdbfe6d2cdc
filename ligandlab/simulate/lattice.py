"""How well an ion model holds its lattice: a short NPT run of the bulk cubic perovskite.

An n x n x n cubic supercell (Pb at the corners, X on the edges, A at the body centre) of
the material is simulated with the model's ion-ion potential (PME Coulomb plus the
tabulated pair table, exactly as in slab systems) at ``temperature`` and 1 bar with an
isotropic Monte Carlo barostat. The pseudo-cubic lattice constant is V^(1/3)/n averaged
over the second half of the run, compared with the experimental cubic value the model
file records. Molecular A cations (MA, FA) are placed in one fixed orientation at the body
centres and parameterised exactly as in slab systems.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import openmm
from openmm import app, unit

from ligandlab.errors import LigandLabError
from ligandlab.materials.material import Material
from ligandlab.materials.slab import _molecule_template
from ligandlab.simulate.forcefield.ions import ion_model_for
from ligandlab.simulate.platforms import choose_platform, platform_properties
from ligandlab.simulate.system import _add_ion_pairs, _add_molecule, _molecular_ion


@dataclass(frozen=True)
class LatticeResult:
    material: str
    model: str
    variant: str
    a_model_A: float  # NPT mean, second half
    a_std_A: float
    a_start_A: float
    a_experiment_A: float | None
    temperature_k: float
    ps: float
    atoms: int

    @property
    def deviation_pct(self) -> float:
        if not self.a_experiment_A:
            return float("nan")
        return 100.0 * (self.a_model_A - self.a_experiment_A) / self.a_experiment_A


def bulk_lattice(
    material: str,
    model: str | None = None,
    variant: str = "core",
    n: int = 4,
    ps: float = 20.0,
    temperature_k: float = 300.0,
    platform: str | None = None,
    seed: int = 0,
) -> LatticeResult:
    """NPT lattice constant of the bulk cubic material under its ion model."""
    mat = Material.get(material)
    if not mat.single:
        raise LigandLabError(f"{material}: the bulk lattice is built for single compositions")
    m = ion_model_for(mat.name, model)
    if variant not in m.variants:
        raise LigandLabError(
            f"ion model {m.id} has no variant {variant!r}: {', '.join(m.variants)}"
        )
    v = m.variants[variant]
    a_ion = mat.a_site
    a_sym = a_ion.symbol
    if a_sym not in m.species and a_sym not in m.molecular_ions:
        raise LigandLabError(f"{material}: A cation {a_sym} is not in ion model {m.id}")
    x_sym = next(s for s in m.species if s not in (a_sym, "Pb"))
    a0 = mat.a / 10.0  # nm, start from the experimental cell of the material library
    basis = [("Pb", (0, 0, 0)), (x_sym, (0.5, 0, 0)), (x_sym, (0, 0.5, 0)), (x_sym, (0, 0, 0.5))]
    molecule = _molecular_ion(m, v, a_sym, "bcc") if a_sym in m.molecular_ions else None
    if molecule is not None:  # prmtop atom order, template geometry (nm), body-centred
        t_sym, t_xyz = _molecule_template(m.molecular_ions[a_sym].smiles)
        perm = molecule[4]
        a_atoms = [(t_sym[k], t_xyz[k] / 10.0) for k in perm]
    else:
        a_atoms = [(a_sym, np.zeros(3))]
    L = n * a0
    system = openmm.System()
    vecs = [openmm.Vec3(L, 0, 0), openmm.Vec3(0, L, 0), openmm.Vec3(0, 0, L)]
    system.setDefaultPeriodicBoxVectors(*vecs)
    nb = openmm.NonbondedForce()
    nb.setNonbondedMethod(openmm.NonbondedForce.PME)
    cutoff = min(1.0, 0.49 * L)
    nb.setCutoffDistance(cutoff)
    bonded = (
        openmm.HarmonicBondForce(),
        openmm.HarmonicAngleForce(),
        openmm.PeriodicTorsionForce(),
    )
    topology = app.Topology()
    chain = topology.addChain()
    ion_types = list(m.species)
    ptype: list[int] = []
    organic_types: dict[tuple[float, float, str], int] = {}
    atomic: list[int] = []
    xyz: list[np.ndarray] = []
    for i in range(n):
        for j in range(n):
            for k in range(n):
                cell = np.array([i, j, k], dtype=float)
                for sym, f in basis:
                    atomic.append(system.getNumParticles())
                    system.addParticle(app.Element.getBySymbol(sym).mass)
                    nb.addParticle(v.charges[sym], 0.3, 0.0)
                    ptype.append(ion_types.index(sym))
                    xyz.append((cell + f) * a0)
                centre = (cell + 0.5) * a0
                if molecule is None:
                    atomic.append(system.getNumParticles())
                    system.addParticle(app.Element.getBySymbol(a_sym).mass)
                    nb.addParticle(v.charges[a_sym], 0.3, 0.0)
                    ptype.append(ion_types.index(a_sym))
                    xyz.append(centre)
                    continue
                params, charges, roles, lj, _ = molecule
                _add_molecule(
                    system, nb, *bonded, topology, chain, params, charges, roles, organic_types,
                    ptype, len(ion_types), "HBonds", None, a_sym, lj=lj,
                )  # fmt: skip
                xyz.extend(centre + d for _, d in a_atoms)
    for force in (nb, *bonded):
        system.addForce(force)
    _add_ion_pairs(system, nb, m, v, ion_types, organic_types, ptype, atomic, cutoff)
    system.addForce(openmm.MonteCarloBarostat(1.0 * unit.bar, temperature_k * unit.kelvin, 25))
    integ = openmm.LangevinMiddleIntegrator(
        temperature_k * unit.kelvin, 1.0 / unit.picosecond, 2.0 * unit.femtoseconds
    )
    integ.setRandomNumberSeed(seed)
    plat = choose_platform(platform)
    ctx = openmm.Context(system, integ, plat, platform_properties(plat))
    ctx.setPositions(np.array(xyz))
    ctx.setVelocitiesToTemperature(temperature_k * unit.kelvin, seed)
    openmm.LocalEnergyMinimizer.minimize(ctx, 10.0, 200)
    steps_per = 250  # 0.5 ps samples
    samples = max(4, round(ps * 1000 / 2.0 / steps_per))
    a_hist = []
    for _ in range(samples):
        integ.step(steps_per)
        box = ctx.getState().getPeriodicBoxVectors(asNumpy=True).value_in_unit(unit.nanometer)
        a_hist.append(float(np.linalg.det(box)) ** (1 / 3) / n * 10.0)
    second = np.array(a_hist[len(a_hist) // 2 :])
    if not np.all(np.isfinite(second)):
        raise LigandLabError(f"{material}: the NPT run blew up")
    exp = m.lattice.get("experiment_a_A")
    return LatticeResult(
        material=mat.name,
        model=m.id,
        variant=variant,
        a_model_A=round(float(second.mean()), 4),
        a_std_A=round(float(second.std()), 4),
        a_start_A=round(mat.a, 4),
        a_experiment_A=float(exp) if exp else None,
        temperature_k=temperature_k,
        ps=samples * steps_per * 2.0 / 1000,
        atoms=system.getNumParticles(),
    )
