"""MD speed: ligandlab's production loop against a plain OpenMM script on the same System.

Reference systems (issue 6): an 8x8, 3-layer CsPbBr3 AX slab with 16 pentyl-tail PE/2
ligands in BM3, (a) in vacuum and (b) with a toluene layer. For each, ns/day of
``ligandlab.simulate.run`` (production only: reporting, mode classification, checkpoints
included) and of a plain ``openmm.app.Simulation.step`` loop with the same System,
integrator settings and platform, in this process.

    python benchmarks/md.py [--ps 2] [--platform CPU]
"""

from __future__ import annotations

import argparse
import tempfile
import time

import openmm
from openmm import app

import ligandlab as ll
from ligandlab.simulate import build_system, choose_platform, run


def plain_openmm(md, platform: openmm.Platform, steps: int, dt_fs: float) -> float:
    integrator = openmm.LangevinMiddleIntegrator(300, 1.0, dt_fs * 0.001)
    system = openmm.XmlSerializer.deserialize(openmm.XmlSerializer.serialize(md.system))
    system.addForce(
        openmm.MonteCarloAnisotropicBarostat(openmm.Vec3(1, 1, 1), 300, False, False, True, 25)
    )
    sim = app.Simulation(md.topology, system, integrator, platform)
    sim.context.setPositions(md.positions)
    openmm.LocalEnergyMinimizer.minimize(sim.context, 10.0, 200)
    sim.step(100)  # warm-up
    t0 = time.perf_counter()
    sim.step(steps)
    sim.context.getState(getEnergy=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ps", type=float, default=2.0, help="production length to time")
    ap.add_argument("--platform", default=None)
    ap.add_argument("--dt", type=float, default=2.0, help="time step, fs")
    args = ap.parse_args()
    platform = choose_platform(args.platform)
    slab = ll.build_slab("CsPbBr3", size=(8, 8), layers=3)
    iface = ll.place_ligands(slab, ll.parse_ligand("C5-PEA"), coverage=16 / 64, mode="BM3", seed=0)
    steps = int(args.ps * 1000 / args.dt)
    print(f"platform {platform.getName()}, {args.ps} ps production at {args.dt} fs")
    for label, solvent in (("(a) vacuum", None), ("(b) toluene", "toluene")):
        md = build_system(iface, solvent=solvent, solvent_nm=2.0)
        with tempfile.TemporaryDirectory() as tmp:
            res = run(
                md,
                tmp,
                "quick",
                platform=platform.getName(),
                minimize_iterations=200,
                nvt_ps=0.2,
                npt_ps=0.2,
                production_ps=args.ps,
                timestep_fs=args.dt,
                frame_ps=args.ps / 10,
                checkpoint_frames=5,
            )
            t_ll = res.timings["production"]
        t_plain = plain_openmm(md, platform, steps, args.dt)
        day = 86400.0 * args.ps / 1000.0
        print(
            f"{label}: {md.system.getNumParticles()} atoms, {md.n_solvent} solvent; "
            f"ligandlab {day / t_ll:.2f} ns/day, plain OpenMM {day / t_plain:.2f} ns/day, "
            f"ratio {t_plain / t_ll:.3f}"
        )


if __name__ == "__main__":
    main()
