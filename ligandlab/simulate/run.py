"""Protocols: minimise -> restrained NVT -> NPT -> production, resumable from checkpoints.

A run directory holds:

- ``system.xml`` and ``start.pdb`` (what was simulated),
- ``trajectory.dcd`` (production frames), ``energies.csv`` (one row per frame),
  ``modes.csv`` (per frame and ligand: h_N, h_P above the surface plane and the mode),
- ``state.xml`` (the last good checkpoint: positions, velocities, box, step) and
  ``progress.json`` (finished stages and frames, written after the checkpoint),
- ``provenance.json`` (versions, parameters, platform, timings per stage).

A run started on a directory that has ``progress.json`` resumes: finished stages are
skipped, the trajectory and tables are cut back to the checkpointed frame and production
continues, so an interrupted run ends with the same frames as an uninterrupted one. A
non-finite energy or coordinate raises :class:`SimulationError` and leaves the last good
checkpoint in place.
"""

from __future__ import annotations

import csv
import json
import math
import os
import platform as _platform
import struct
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import openmm
from openmm import app, unit

from ligandlab.errors import LigandLabError, SimulationError, writable_directory
from ligandlab.simulate.analysis import ModeCutoffs, classify, heights
from ligandlab.simulate.platforms import choose_platform, platform_properties
from ligandlab.simulate.system import MDSystem


@dataclass(frozen=True)
class Protocol:
    """Stage lengths (ps) and settings; ``Protocol.get("quick")`` or your own."""

    name: str
    minimize_iterations: int = 500
    nvt_ps: float = 10.0
    npt_ps: float = 20.0
    production_ps: float = 200.0
    timestep_fs: float = 2.0
    temperature_k: float = 300.0
    friction_per_ps: float = 1.0
    pressure_bar: float = 1.0
    frame_ps: float = 2.0
    checkpoint_frames: int = 10
    ligand_restraint_k: float = 1000.0  # kJ mol^-1 nm^-2 on ligand heavy atoms in NVT
    # temperature replica exchange in production when replicas > 1: a geometric ladder from
    # temperature_k to max_temperature_k, one exchange attempt per frame, constant volume
    replicas: int = 1
    max_temperature_k: float = 400.0

    @classmethod
    def get(cls, name: str | Protocol) -> Protocol:
        if isinstance(name, Protocol):
            return name
        if name not in PROTOCOLS:
            raise LigandLabError(f"unknown protocol {name!r} (known: {', '.join(PROTOCOLS)})")
        return PROTOCOLS[name]

    def steps(self, ps: float) -> int:
        return round(ps * 1000.0 / self.timestep_fs)


PROTOCOLS = {
    # plain MD of one or a few ligands (paper-style single-ligand runs, shortened)
    "quick": Protocol("quick", nvt_ps=5.0, npt_ps=5.0, production_ps=100.0, frame_ps=1.0),
    # a few picoseconds per ligand: the funnel stage of the demo campaign on a CPU
    "short": Protocol(
        "short", minimize_iterations=200, nvt_ps=1.0, npt_ps=1.0, production_ps=8.0, frame_ps=0.2
    ),
    "standard": Protocol("standard", nvt_ps=20.0, npt_ps=100.0, production_ps=2000.0, frame_ps=5.0),
    # temperature replica exchange (openmmtools parallel tempering): 8 replicas 300-400 K
    # after the usual equilibration; exchanges every frame. Enough replicas for a few
    # thousand atoms; larger systems need more (acceptance is in provenance.json).
    "remd": Protocol(
        "remd",
        nvt_ps=5.0,
        npt_ps=5.0,
        production_ps=100.0,
        frame_ps=1.0,
        replicas=8,
        max_temperature_k=400.0,
    ),
    # for tests: a couple of picoseconds in total
    "test": Protocol(
        "test",
        minimize_iterations=100,
        nvt_ps=0.2,
        npt_ps=0.2,
        production_ps=1.0,
        timestep_fs=1.0,
        frame_ps=0.1,
        checkpoint_frames=2,
    ),
}


@dataclass
class RunResult:
    """What a finished run produced; ``modes`` is frames x ligands."""

    directory: Path
    frames: int
    modes: list[list[str]]
    h_n: np.ndarray
    h_p: np.ndarray
    energies: list[dict[str, float]]
    platform: str
    timings: dict[str, float]

    def __repr__(self) -> str:
        n_lig = len(self.modes[0]) if self.modes else 0
        took = sum(self.timings.values())
        return (
            f"RunResult({str(self.directory)!r}, {self.frames} frames x {n_lig} ligands, "
            f"{self.platform}, {took:.0f} s)"
        )


# ----------------------------------------------------------------------------- files


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _dcd_frames(path: Path, n_atoms: int) -> int:
    if not path.exists():
        return 0
    size = path.stat().st_size
    return max(0, (size - _DCD_HEADER) // _dcd_frame_bytes(n_atoms))


# OpenMM's DCDFile writes a 276-byte header and, per frame, a unit-cell record (56 bytes)
# plus three coordinate records (4 + 4N + 4 bytes). OpenMM cannot drop frames from a DCD,
# so we cut the file back to a checkpoint ourselves and fix the frame count at byte 8.
_DCD_HEADER = 276


def _dcd_frame_bytes(n_atoms: int) -> int:
    return 56 + 3 * (8 + 4 * n_atoms)


def _truncate_dcd(path: Path, frames: int, n_atoms: int) -> None:
    if not path.exists():
        return
    with path.open("r+b") as fh:
        fh.truncate(_DCD_HEADER + frames * _dcd_frame_bytes(n_atoms))
        fh.seek(8)
        fh.write(struct.pack("<i", frames))
        fh.seek(20)
        fh.write(struct.pack("<i", frames))  # NSTEP field; rewritten on the next frame


def _truncate_rows(path: Path, rows: int) -> None:
    if not path.exists():
        return
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[: 1 + rows]))


# ----------------------------------------------------------------------------- run


def run(
    md: MDSystem,
    directory: str | Path,
    protocol: str | Protocol = "quick",
    platform: str | None = None,
    seed: int = 0,
    **overrides: Any,
) -> RunResult:
    """Run ``protocol`` on ``md`` in ``directory``, resuming what is already there."""
    proto = replace(Protocol.get(protocol), **overrides) if overrides else Protocol.get(protocol)
    out = writable_directory(Path(directory), f"the run directory {directory}")
    plat = choose_platform(platform)
    progress_path = out / "progress.json"
    progress: dict[str, Any] = (
        json.loads(progress_path.read_text())
        if progress_path.exists()
        else {"stages": [], "frames": 0}
    )
    if progress.get("protocol", proto.name) != proto.name:
        raise SimulationError(
            f"{out} holds a '{progress['protocol']}' run; use another directory for '{proto.name}'"
        )
    progress["protocol"] = proto.name

    system = openmm.XmlSerializer.deserialize(openmm.XmlSerializer.serialize(md.system))
    _ligand_restraint(md, system)
    barostat = openmm.MonteCarloAnisotropicBarostat(
        openmm.Vec3(proto.pressure_bar, proto.pressure_bar, proto.pressure_bar) * unit.bar,
        proto.temperature_k,
        False,
        False,
        True,  # scale z only: the slab fixes the in-plane lattice
        25,
    )
    barostat.setRandomNumberSeed(seed + 1)
    system.addForce(barostat)
    integrator = openmm.LangevinMiddleIntegrator(
        proto.temperature_k, proto.friction_per_ps, proto.timestep_fs * 0.001
    )
    integrator.setRandomNumberSeed(seed + 1)
    sim = app.Simulation(md.topology, system, integrator, plat, platform_properties(plat))
    state_path = out / "state.xml"
    resuming = state_path.exists() and progress["stages"]
    if resuming:
        sim.context.setState(openmm.XmlSerializer.deserialize(state_path.read_text()))
    else:
        sim.context.setPositions(md.positions)
        _atomic_write(out / "system.xml", openmm.XmlSerializer.serialize(md.system))
        with (out / "start.pdb").open("w") as fh:
            app.PDBFile.writeFile(md.topology, md.positions * 10.0 * unit.angstrom, fh)
    timings: dict[str, float] = dict(progress.get("timings", {}))

    def checkpoint(stage_done: str | None = None) -> None:
        state = sim.context.getState(getPositions=True, getVelocities=True, getEnergy=True)
        _check_finite(state, sim.currentStep, progress, out)
        _atomic_write(state_path, openmm.XmlSerializer.serialize(state))
        if stage_done and stage_done not in progress["stages"]:
            progress["stages"].append(stage_done)
        progress["timings"] = timings
        _atomic_write(progress_path, json.dumps(progress, indent=1))

    def stage(name: str, body: Any) -> None:
        if name in progress["stages"]:
            return
        t0 = time.perf_counter()
        body()
        timings[name] = round(time.perf_counter() - t0, 3)
        checkpoint(name)

    def minimise() -> None:
        openmm.LocalEnergyMinimizer.minimize(sim.context, 10.0, proto.minimize_iterations)
        sim.context.setVelocitiesToTemperature(proto.temperature_k, seed + 1)

    def md_steps(ps: float) -> Any:
        return lambda: _steps(sim, proto.steps(ps), progress, out)

    def switch(barostat_on: bool, k_lig: float) -> None:
        barostat.setFrequency(25 if barostat_on else 0)
        sim.context.reinitialize(preserveState=True)
        sim.context.setParameter("k_lig", k_lig)

    stage("minimise", minimise)
    switch(False, proto.ligand_restraint_k)
    stage("nvt", md_steps(proto.nvt_ps))
    switch(True, 0.0)
    stage("npt", md_steps(proto.npt_ps))

    # ---- production
    n_frames = max(1, round(proto.production_ps / proto.frame_ps))
    if proto.replicas > 1:
        remd = _remd_production(
            sim, system, md, out, proto, plat, n_frames, progress, timings, seed
        )
        progress["frames"] = remd["iterations"]
        checkpoint()
        _write_provenance(out, md, proto, plat, timings, seed, remd=remd)
        return load_run(out)
    frame_steps = proto.steps(proto.frame_ps)
    n_atoms = md.system.getNumParticles()
    done = int(progress.get("frames", 0))
    _truncate_dcd(out / "trajectory.dcd", done, n_atoms)
    _truncate_rows(out / "energies.csv", done)
    _truncate_rows(out / "modes.csv", done)
    t0 = time.perf_counter()
    if done < n_frames:
        dof = _dof(system)
        with _Tables(out, md, proto, sim.currentStep, frame_steps, done) as tables:
            for frame in range(done, n_frames):
                _steps(sim, frame_steps, progress, out)
                state = sim.context.getState(getPositions=True, getEnergy=True)
                _check_finite(state, sim.currentStep, progress, out)
                ke = state.getKineticEnergy().value_in_unit(unit.kilojoule_per_mole)
                tables.write(
                    frame,
                    state.getTime().value_in_unit(unit.picosecond),
                    state.getPositions(asNumpy=True).value_in_unit(unit.nanometer),
                    state.getPeriodicBoxVectors(asNumpy=True).value_in_unit(unit.nanometer),
                    state.getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole),
                    ke,
                    2 * ke * 1000 / (dof * 8.314462618),
                )
                if (frame + 1) % proto.checkpoint_frames == 0 or frame + 1 == n_frames:
                    tables.flush()
                    progress["frames"] = frame + 1
                    timings["production"] = round(
                        timings.get("production", 0.0) + time.perf_counter() - t0, 3
                    )
                    t0 = time.perf_counter()
                    checkpoint()
    _write_provenance(out, md, proto, plat, timings, seed)
    return load_run(out)


class _Tables:
    """The production files, appended one frame at a time: trajectory.dcd, energies.csv,
    modes.csv. ``done`` frames are already there (after a resume); 0 starts them anew."""

    def __init__(
        self, out: Path, md: MDSystem, proto: Protocol, step: int, frame_steps: int, done: int
    ) -> None:
        self.md = md
        self.cut = ModeCutoffs.for_lattice(md.lattice_nm)
        dcd_path = out / "trajectory.dcd"
        append = dcd_path.exists() and done > 0
        self._dcd_fh = dcd_path.open("r+b" if append else "wb")
        self._dcd = app.DCDFile(
            self._dcd_fh, md.topology, proto.timestep_fs * 0.001, step, frame_steps, append
        )
        if append:
            self._dcd_fh.seek(0, os.SEEK_END)
        self._e_fh = (out / "energies.csv").open("a" if done else "w", newline="")
        self._m_fh = (out / "modes.csv").open("a" if done else "w", newline="")
        self._e, self._m = csv.writer(self._e_fh), csv.writer(self._m_fh)
        if not done:
            self._e.writerow(
                [
                    "frame",
                    "time_ps",
                    "potential_kj_mol",
                    "kinetic_kj_mol",
                    "temperature_k",
                    "box_z_nm",
                ]
            )
            self._m.writerow(
                [
                    "frame",
                    *(f"{k}{i}" for i in range(len(md.anchors)) for k in ("hN", "hP", "mode")),
                ]
            )

    def write(
        self,
        frame: int,
        time_ps: float,
        pos_nm: np.ndarray,
        box_nm: np.ndarray,
        potential: float,
        kinetic: float,
        temperature: float,
    ) -> None:
        box = [openmm.Vec3(*(float(x) for x in row)) for row in box_nm] * unit.nanometer
        self._dcd.writeModel(pos_nm * unit.nanometer, periodicBoxVectors=box)
        self._e.writerow(
            [
                frame,
                round(time_ps, 4),
                round(potential, 3),
                round(kinetic, 3),
                round(temperature, 2),
                round(float(box_nm[2, 2]), 4),
            ]
        )
        self._m.writerow([frame, *_frame_modes(self.md, pos_nm, float(box_nm[2, 2]), self.cut)])

    def flush(self) -> None:
        for fh in (self._dcd_fh, self._e_fh, self._m_fh):
            fh.flush()

    def __enter__(self) -> _Tables:
        return self

    def __exit__(self, *exc: object) -> None:
        for fh in (self._dcd_fh, self._e_fh, self._m_fh):
            fh.close()


def _remd_production(
    sim: app.Simulation,
    system: openmm.System,
    md: MDSystem,
    out: Path,
    proto: Protocol,
    plat: openmm.Platform,
    n_frames: int,
    progress: dict[str, Any],
    timings: dict[str, float],
    seed: int,
) -> dict[str, Any]:
    """Production as parallel tempering (openmmtools) at the equilibrated volume; the frames
    of the lowest temperature are then written to the usual tables, so analysis, plots and
    ``load_run`` read a replica-exchange run like any other. Resumes from ``remd.nc``."""
    from ligandlab.simulate.remd import (
        STORE,
        lowest_temperature_frames,
        replica_exchange,
        temperature_ladder,
    )

    nvt = openmm.XmlSerializer.deserialize(openmm.XmlSerializer.serialize(system))
    for i in reversed(range(nvt.getNumForces())):
        if isinstance(nvt.getForce(i), openmm.MonteCarloAnisotropicBarostat):
            nvt.removeForce(i)
    state = sim.context.getState(getPositions=True, getVelocities=True)
    t_start = state.getTime().value_in_unit(unit.picosecond)
    t0 = time.perf_counter()
    try:
        stats = replica_exchange(
            nvt,
            state.getPositions(asNumpy=True).value_in_unit(unit.nanometer),
            state.getPeriodicBoxVectors(asNumpy=True).value_in_unit(unit.nanometer),
            out / STORE,
            temperature_ladder(proto.temperature_k, proto.max_temperature_k, proto.replicas),
            iterations=n_frames,
            steps_per_iteration=proto.steps(proto.frame_ps),
            timestep_fs=proto.timestep_fs,
            friction_per_ps=proto.friction_per_ps,
            platform=plat,
            velocities=state.getVelocities(asNumpy=True),
            seed=seed,
        )
    except SimulationError as exc:
        raise SimulationError(f"{exc}; {_kept(progress, out)}") from exc
    finally:
        timings["production"] = round(timings.get("production", 0.0) + time.perf_counter() - t0, 3)
    with _Tables(out, md, proto, sim.currentStep, proto.steps(proto.frame_ps), 0) as tables:
        for fr in lowest_temperature_frames(out / STORE):
            tables.write(
                fr.iteration - 1,
                t_start + fr.iteration * proto.frame_ps,
                fr.positions_nm,
                fr.box_nm,
                fr.potential_kj_mol,
                math.nan,  # velocities are not kept per iteration
                proto.temperature_k,
            )
    return stats


def _ligand_restraint(md: MDSystem, system: openmm.System) -> openmm.CustomExternalForce:
    """Position restraint on ligand heavy atoms, switched on only during NVT (k_lig)."""
    force = openmm.CustomExternalForce("0.5*k_lig*periodicdistance(x, y, z, x0, y0, z0)^2")
    force.addGlobalParameter("k_lig", 0.0)
    for name in ("x0", "y0", "z0"):
        force.addPerParticleParameter(name)
    for start, stop in md.ligand_atoms:
        for i in range(start, stop):
            if system.getParticleMass(i).value_in_unit(unit.dalton) > 4.5:
                force.addParticle(i, md.positions[i].tolist())
    system.addForce(force)
    return force


def _dof(system: openmm.System) -> int:
    n = sum(
        1
        for i in range(system.getNumParticles())
        if system.getParticleMass(i).value_in_unit(unit.dalton) > 0
    )
    return max(1, 3 * n - system.getNumConstraints() - 3)


def _steps(sim: app.Simulation, n: int, progress: dict[str, Any], out: Path) -> None:
    try:
        sim.step(n)
    except openmm.OpenMMException as exc:
        raise SimulationError(
            f"simulation blew up near step {sim.currentStep} ({exc}); {_kept(progress, out)}"
        ) from exc


def _check_finite(state: openmm.State, step: int, progress: dict[str, Any], out: Path) -> None:
    energy = state.getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)
    pos = state.getPositions(asNumpy=True).value_in_unit(unit.nanometer)
    if not math.isfinite(energy) or not np.all(np.isfinite(pos)):
        raise SimulationError(
            f"simulation blew up at step {step}: potential energy {energy}; {_kept(progress, out)}"
        )


def _kept(progress: dict[str, Any], out: Path) -> str:
    stages, frames = len(progress["stages"]), progress.get("frames", 0)
    return f"the last good checkpoint ({stages} stage(s), {frames} frame(s)) is kept in {out}"


def _frame_modes(md: MDSystem, pos: np.ndarray, box_z: float, cut: ModeCutoffs) -> list[Any]:
    z_mid = float(np.mean(pos[md.middle_pb, 2]))
    row: list[Any] = []
    for cat, an in md.anchors:
        idx = [i for i in (cat, an) if i is not None]
        h = heights(pos[idx, 2], z_mid, box_z, md.surface_offset_nm)
        h_n = float(h[0]) if cat is not None else None
        h_p = float(h[-1]) if an is not None else None
        row += [
            "" if h_n is None else round(h_n, 4),
            "" if h_p is None else round(h_p, 4),
            classify(h_n, h_p, cut),
        ]
    return row


def _write_provenance(
    out: Path,
    md: MDSystem,
    proto: Protocol,
    plat: openmm.Platform,
    timings: dict[str, float],
    seed: int,
    remd: dict[str, Any] | None = None,
) -> None:
    import rdkit

    import ligandlab

    prov = {
        "versions": {
            "ligandlab": ligandlab.__version__,
            "openmm": openmm.version.full_version,
            "rdkit": rdkit.__version__,
            "python": _platform.python_version(),
        },
        "protocol": asdict(proto),
        "seed": seed,
        "platform": plat.getName(),
        "system": {
            "atoms": md.system.getNumParticles(),
            "ion_model": md.ion_model,
            "variant": md.variant,
            "solvent": md.solvent,
            "n_solvent": md.n_solvent,
            "net_charge_e": md.net_charge,
            "box_nm": [round(float(x), 4) for x in md.box_nm],
            "lattice_nm": round(float(md.lattice_nm), 5),
            **md.info,
        },
        "timings_s": timings,
    }
    if remd is not None:
        prov["replica_exchange"] = remd
    _atomic_write(out / "provenance.json", json.dumps(prov, indent=1, default=str))


def load_run(directory: str | Path) -> RunResult:
    """Read a run directory back (frames, modes, heights, energies)."""
    out = Path(directory)
    if not (out / "progress.json").exists():
        raise LigandLabError(f"{out} is not a ligandlab run directory (no progress.json)")
    progress = json.loads((out / "progress.json").read_text())
    frames = int(progress.get("frames", 0))
    modes: list[list[str]] = []
    hn: list[list[float]] = []
    hp: list[list[float]] = []
    if (out / "modes.csv").exists():
        with (out / "modes.csv").open() as fh:
            rows = list(csv.reader(fh))[1 : 1 + frames]
        for row in rows:
            vals = row[1:]
            modes.append(vals[2::3])
            hn.append([float(x) if x else math.nan for x in vals[0::3]])
            hp.append([float(x) if x else math.nan for x in vals[1::3]])
    energies: list[dict[str, float]] = []
    if (out / "energies.csv").exists():
        with (out / "energies.csv").open() as fh:
            energies = [
                {k: float(v) for k, v in r.items()} for r in list(csv.DictReader(fh))[:frames]
            ]
    prov = (
        json.loads((out / "provenance.json").read_text())
        if (out / "provenance.json").exists()
        else {}
    )
    return RunResult(
        directory=out,
        frames=frames,
        modes=modes,
        h_n=np.array(hn),
        h_p=np.array(hp),
        energies=energies,
        platform=str(prov.get("platform", "")),
        timings=dict(progress.get("timings", {})),
    )
