"""Science probe (issue 5): does the MD force field prefer longer bridges on iodides?

The paper reports that iodide-rich nanocrystals are stable with C3 (PPA) or C4 (PBA)
bridges but not with C2 (PEA). ``fit_geometry`` could not reproduce this from span
statistics (docs/scorers/fit_geometry.md). This script asks the force field instead.

For each material and bridge, one tail-truncated PE-type ligand (C8C12 tail cut to 2
carbons) is placed in BM3 on a 3 x 3, 3-layer slab in vacuum (the ligand replaces one
A-X pair). It is run for 5 ps at 300 K, then 20 frames 1 ps apart are quenched (local
energy minimisation); the lowest quenched energy is E_complex. The same ligand alone
(same scaled charges, no periodic box) gets the same treatment: E_free. Per seed,
E_complex differs between bridges only by the ligand's own terms and its binding, since the
slab with its A-X vacancy is the same. So, relative to C2,

    dE_bind(Cn) = [E_complex(Cn) - E_complex(C2)] - [E_free(Cn) - E_free(C2)]

is the BM3 binding energy of bridge n against C2 (positive: C2 binds better), and the
difference of dE_bind between an iodide and a bromide is the lattice effect the paper
describes. Energies in kJ/mol; uncertainties are standard errors over seeds.

Limits: vacuum, quenched minima rather than free energies, a single ligand, and the
CsPbI3 ion model is our transfer of the Pascazio bromide set (not validated).

    python benchmarks/science_bridge.py [--seeds 9] [--workers 2] [--materials CsPbBr3 CsPbI3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

BRIDGES = (2, 3, 4)
TAIL = "C8C12"
KEEP_CARBONS = 2
EQUIL_STEPS = 5000  # 5 ps at 1 fs
FRAMES = 20
STRIDE = 1000  # 1 ps between quenched frames


def _ligand(bridge: int):  # type: ignore[no-untyped-def]
    import ligandlab as ll
    from ligandlab.chem.truncate import truncate_tail

    return truncate_tail(ll.build_ligand("PE", bridge, TAIL), KEEP_CARBONS)


def _quench(system, topology, positions, seed: int) -> tuple[float, list]:  # type: ignore[no-untyped-def]
    """Lowest of FRAMES quenched energies along a 300 K trajectory, and the quenched frames."""
    import openmm
    from openmm import app, unit

    plat = openmm.Platform.getPlatformByName("CPU")
    integ = openmm.LangevinMiddleIntegrator(300, 1.0, 0.001)
    integ.setRandomNumberSeed(seed + 1)
    sim = app.Simulation(topology, system, integ, plat)
    sim.context.setPositions(positions)
    sim.minimizeEnergy(maxIterations=500)
    quench = openmm.Context(system, openmm.VerletIntegrator(0.001), plat)
    sim.step(EQUIL_STEPS)
    energies, frames = [], []
    for _ in range(FRAMES):
        sim.step(STRIDE)
        quench.setPositions(sim.context.getState(getPositions=True).getPositions())
        openmm.LocalEnergyMinimizer.minimize(quench, 1.0, 2000)
        state = quench.getState(getEnergy=True, getPositions=True)
        energies.append(state.getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole))
        frames.append(state.getPositions(asNumpy=True).value_in_unit(unit.nanometer))
    best = int(np.argmin(energies))
    return float(energies[best]), frames[best]


def complex_energy(job: tuple[str, int, int]) -> dict[str, float | int | str]:
    """E_complex and the ammonium N height above the top slab atom (nm) for one seed."""
    from ligandlab.materials.placement import place_ligands
    from ligandlab.materials.slab import build_slab
    from ligandlab.simulate.system import build_system

    material, bridge, seed = job
    lig = _ligand(bridge)
    slab = build_slab(material, size=(3, 3), layers=3)
    iface = place_ligands(slab, lig, coverage=1 / slab.top.n, mode="BM3", seed=seed)
    md = build_system(iface, solvent=None, seed=seed)
    energy, pos = _quench(md.system, md.topology, md.positions, seed)
    n_idx = md.anchors[0][0]
    z_n = float(pos[n_idx, 2] - pos[: md.n_slab, 2].max()) if n_idx is not None else float("nan")
    return {"material": material, "bridge": bridge, "seed": seed, "E": energy, "zN": z_n}


def free_energy(job: tuple[str, int, int]) -> dict[str, float | int | str]:
    """E_free: the same ligand alone, with the charges it carries on ``material``."""
    import openmm
    from openmm import app, unit

    from ligandlab.chem.conformers import conformers
    from ligandlab.simulate.forcefield.gaff import parameterize
    from ligandlab.simulate.forcefield.ions import ion_model_for
    from ligandlab.simulate.system import scaled_charges

    material, bridge, seed = job
    lig = _ligand(bridge)
    model = ion_model_for(material, None)
    params = parameterize(lig, "bcc")
    charges = scaled_charges(lig, params, model.variant_for([lig]), model)
    with tempfile.TemporaryDirectory() as tmp:
        prm = app.AmberPrmtopFile(str(params.write_prmtop(Path(tmp))))
    system = prm.createSystem(nonbondedMethod=app.NoCutoff, constraints=app.HBonds)
    for force in system.getForces():
        if isinstance(force, openmm.NonbondedForce):
            q0 = [
                force.getParticleParameters(i)[0].value_in_unit(unit.elementary_charge)
                for i in range(force.getNumParticles())
            ]
            for i in range(force.getNumParticles()):
                _, sig, eps = force.getParticleParameters(i)
                force.setParticleParameters(i, charges[i], sig, eps)
            for k in range(force.getNumExceptions()):
                a, b, qq, sig, eps = force.getExceptionParameters(k)
                prod = q0[a] * q0[b]
                qq_e2 = qq.value_in_unit(unit.elementary_charge**2)
                scale = qq_e2 / prod if abs(prod) > 1e-12 else 0.0
                force.setExceptionParameters(k, a, b, scale * charges[a] * charges[b], sig, eps)
    pos = conformers(lig.smiles, n=1, seed=seed).mol.GetConformer().GetPositions() / 10.0
    energy, _ = _quench(system, prm.topology, pos, seed)
    return {"material": material, "bridge": bridge, "seed": seed, "E": energy}


def _pick(rows: list[dict[str, float | int | str]], m: str, b: int, key: str) -> list[float]:
    return [float(r[key]) for r in rows if r["material"] == m and r["bridge"] == b]


def _stats(values: list[float]) -> tuple[float, float]:
    v = np.asarray(values)
    return float(v.mean()), float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--materials", nargs="+", default=["CsPbBr3", "CsPbI3"])
    ap.add_argument("--seeds", type=int, default=9)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    os.environ.setdefault("OPENMM_CPU_THREADS", "1")
    jobs = [(m, b, s) for m in args.materials for b in BRIDGES for s in range(args.seeds)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        cplx = list(pool.map(complex_energy, jobs))
        free = list(pool.map(free_energy, jobs))
    print(f"{len(jobs)} complex + {len(jobs)} free runs in {time.perf_counter() - t0:.0f} s")
    print("material  bridge  E_complex-E_complex(C2)  E_free-E_free(C2)  dE_bind  zN (nm)")
    shift: dict[str, dict[int, tuple[float, float]]] = {}
    for m in args.materials:
        ec = {b: _pick(cplx, m, b, "E") for b in BRIDGES}
        ef = {b: _pick(free, m, b, "E") for b in BRIDGES}
        zn = {b: _pick(cplx, m, b, "zN") for b in BRIDGES}
        shift[m] = {}
        for b in BRIDGES:
            c, c_se = _stats([x - y for x, y in zip(ec[b], ec[2], strict=True)])
            f, f_se = _stats([x - y for x, y in zip(ef[b], ef[2], strict=True)])
            d_se = float(np.hypot(c_se, f_se))
            shift[m][b] = (c - f, d_se)
            print(
                f"{m:9s} C{b}      {c:8.1f} +- {c_se:4.1f}          {f:7.1f} +- {f_se:4.1f}"
                f"   {c - f:7.1f} +- {d_se:4.1f}  {np.mean(zn[b]):+.3f}"
            )
    if len(args.materials) == 2:
        br, io = args.materials
        for b in BRIDGES[1:]:
            dd = shift[io][b][0] - shift[br][b][0]
            se = float(np.hypot(shift[io][b][1], shift[br][b][1]))
            print(f"lattice effect C{b} vs C2, {io} minus {br}: {dd:+.1f} +- {se:.1f} kJ/mol")


if __name__ == "__main__":
    main()
