"""Temperature replica exchange (parallel tempering) through openmmtools.

``openmmtools.multistate.ParallelTemperingSampler`` does the work: ``n`` replicas of the
same (NVT) system on a geometric temperature ladder, Langevin dynamics between exchange
attempts, Gibbs-sampling exchanges of the temperatures between replicas, and a NetCDF
store it can resume from. This module only adapts it to a ligandlab run: it chooses the
platform, silences openmmtools' console chatter, and reads back the frames of the lowest
temperature (the ensemble we analyse) with the replica that held it at each iteration.

Every iteration is a checkpoint (``checkpoint_interval=1``) so that the lowest-temperature
trajectory is complete; the store therefore holds all replicas' coordinates for every
iteration (atoms x replicas x iterations x 12 bytes).

Seeds. openmmtools draws its exchanges from NumPy's global generator (numba's, in its
jitted swap-all mixing), and its context cache creates the one shared context from the
first integrator it is given, whose seed is 0 (OpenMM then picks a fresh random seed). Out
of the box no two runs agree. Here the Langevin move's integrators carry the run's seed,
and both generators are seeded for each ``extend`` (NumPy's global state is restored
afterwards). A fresh run is then repeatable on a
deterministic platform (Reference; CPU with one thread). A resumed run is a valid
continuation, but it does not repeat an uninterrupted one bit for bit, because the context
and its random stream are created again.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import openmm
from openmm import unit

from ligandlab.errors import SimulationError
from ligandlab.simulate.platforms import platform_properties

STORE = "remd.nc"


def _quiet_import() -> Any:
    """openmmtools (and pymbar under it) log warnings at import and on every reporter; we
    keep errors only."""
    for name in ("openmmtools", "pymbar", "mpiplus"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with contextlib.redirect_stdout(io.StringIO()):
        from openmmtools import cache, mcmc, multistate, states
    return cache, mcmc, multistate, states


@functools.cache
def _seeded_move_class() -> Any:
    """openmmtools' ``LangevinDynamicsMove`` whose integrators carry a fixed seed.

    A subclass rather than a patch: openmmtools stores the move in the NetCDF file by module
    and class name, and a resumed run looks the class up here again (module
    ``__getattr__`` below). It is built on first use so that importing this module does not
    import openmmtools.
    """
    _, mcmc, _, _ = _quiet_import()

    class SeededLangevinDynamicsMove(mcmc.LangevinDynamicsMove):  # type: ignore[name-defined]
        def __init__(self, seed: int = 0, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.seed = int(seed)

        def _get_integrator(self, thermodynamic_state: Any) -> Any:
            integrator = super()._get_integrator(thermodynamic_state)
            integrator.setRandomNumberSeed(self.seed)
            return integrator

        def __getstate__(self) -> dict[str, Any]:
            state: dict[str, Any] = super().__getstate__()
            state["seed"] = self.seed
            return state

        def __setstate__(self, serialization: dict[str, Any]) -> None:
            super().__setstate__(serialization)
            self.seed = int(serialization.get("seed", 0))

    return SeededLangevinDynamicsMove


def __getattr__(name: str) -> Any:
    if name == "SeededLangevinDynamicsMove":  # for openmmtools' deserialisation
        return _seeded_move_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _numba_seeder() -> Any:
    """A jitted ``np.random.seed``: numba-compiled code (openmmtools' swap-all mixing) draws
    from numba's own generator, which only a call inside numba code can seed."""
    import numba

    @numba.njit(cache=False)
    def seed_numba(seed: int) -> None:
        np.random.seed(seed)

    return seed_numba


@contextlib.contextmanager
def _numpy_seeded(seed: int) -> Iterator[None]:
    """Seed the generators openmmtools' exchanges draw from: NumPy's global one (restored
    afterwards) and numba's (which has no state to save from Python)."""
    saved = np.random.get_state()
    np.random.seed(seed % 2**32)
    _numba_seeder()(seed % 2**32)
    try:
        yield
    finally:
        np.random.set_state(saved)


def temperature_ladder(t_min: float, t_max: float, n: int) -> list[float]:
    """Geometric ladder from ``t_min`` to ``t_max`` (K), the spacing openmmtools uses: equal
    exchange acceptance between neighbours when the heat capacity is constant."""
    if n < 2:
        return [t_min]
    return [float(t) for t in np.geomspace(t_min, t_max, n)]


@dataclass(frozen=True)
class Frame:
    """One iteration at the lowest temperature."""

    iteration: int
    replica: int
    positions_nm: np.ndarray
    box_nm: np.ndarray  # (3, 3)
    potential_kj_mol: float


def replica_exchange(
    system: openmm.System,
    positions_nm: np.ndarray,
    box_nm: np.ndarray | None,
    store: str | Path,
    temperatures_k: list[float],
    iterations: int,
    steps_per_iteration: int,
    timestep_fs: float,
    friction_per_ps: float,
    platform: openmm.Platform,
    velocities: Any = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Run (or resume) parallel tempering of ``system`` to ``iterations`` exchange attempts.

    ``system`` must have no barostat (replicas run at constant volume). The store is created
    on the first call and resumed from its last iteration afterwards. ``seed`` fixes the
    Langevin noise and the exchanges (module docstring). Returns the temperatures, the
    number of iterations done, and the exchange acceptance between neighbouring
    temperatures.
    """
    cache, _, multistate, states = _quiet_import()
    store = Path(store)
    if any(
        isinstance(f, openmm.MonteCarloBarostat | openmm.MonteCarloAnisotropicBarostat)
        for f in system.getForces()
    ):
        raise SimulationError("replica exchange runs at constant volume: remove the barostat")
    contexts = cache.ContextCache(
        capacity=None,
        time_to_live=None,
        platform=platform,
        platform_properties=platform_properties(platform) or None,
    )
    if store.exists():
        reporter = multistate.MultiStateReporter(str(store), open_mode="a", checkpoint_interval=1)
        with contextlib.redirect_stdout(io.StringIO()):  # it prints citations
            sampler = multistate.ParallelTemperingSampler.from_storage(reporter)
    else:
        move = _seeded_move_class()(
            seed=seed + 1,  # OpenMM reads 0 as "pick one at random"
            timestep=timestep_fs * unit.femtosecond,
            collision_rate=friction_per_ps / unit.picosecond,
            n_steps=steps_per_iteration,
            reassign_velocities=False,
        )
        sampler = multistate.ParallelTemperingSampler(
            mcmc_moves=move, number_of_iterations=iterations, online_analysis_interval=None
        )
        sampler._global_citation_silence = True  # openmmtools prints citations to stdout
        thermo = states.ThermodynamicState(system, temperatures_k[0] * unit.kelvin)
        box = None if box_nm is None else [openmm.Vec3(*row) for row in box_nm] * unit.nanometer
        start = states.SamplerState(
            positions_nm * unit.nanometer, velocities=velocities, box_vectors=box
        )
        reporter = multistate.MultiStateReporter(str(store), checkpoint_interval=1)
        sampler.create(
            thermo,
            start,
            reporter,
            min_temperature=temperatures_k[0] * unit.kelvin,
            max_temperature=temperatures_k[-1] * unit.kelvin,
            n_temperatures=len(temperatures_k),
        )
    sampler.energy_context_cache = contexts
    sampler.sampler_context_cache = contexts
    try:
        if sampler.iteration < iterations:
            with _numpy_seeded(seed + sampler.iteration):
                sampler.extend(iterations - sampler.iteration)
    except Exception as exc:  # openmmtools raises its own NaN error classes and OpenMM's
        raise SimulationError(
            f"replica exchange failed at iteration {sampler.iteration} ({exc}); "
            f"the store {store} keeps every finished iteration"
        ) from exc
    finally:
        reporter.close()
    return exchange_statistics(store)


def exchange_statistics(store: str | Path) -> dict[str, Any]:
    """Temperatures, iterations and neighbour acceptance read from a store."""
    _, _, multistate, _ = _quiet_import()
    reporter = multistate.MultiStateReporter(str(store), open_mode="r")
    try:
        temps = [
            float(s.temperature.value_in_unit(unit.kelvin))
            for s in reporter.read_thermodynamic_states()[0]
        ]
        last = int(reporter.read_last_iteration(last_checkpoint=False))
        n_accepted, n_proposed = reporter.read_mixing_statistics()
    finally:
        reporter.close()
    acc = np.sum(np.asarray(n_accepted), axis=0)
    prop = np.sum(np.asarray(n_proposed), axis=0)
    neighbour = [
        round(
            float(acc[i, i + 1] + acc[i + 1, i]) / max(1.0, float(prop[i, i + 1] + prop[i + 1, i])),
            4,
        )
        for i in range(len(temps) - 1)
    ]
    import openmmtools

    return {
        "engine": f"openmmtools {openmmtools.__version__}",
        "temperatures_k": [round(t, 2) for t in temps],
        "iterations": last,
        "neighbour_acceptance": neighbour,
    }


def lowest_temperature_frames(store: str | Path, start: int = 1) -> Iterator[Frame]:
    """Frames of the lowest temperature, iteration ``start`` onwards (0 is the start)."""
    _, _, multistate, _ = _quiet_import()
    reporter = multistate.MultiStateReporter(str(store), open_mode="r")
    try:
        thermo = reporter.read_thermodynamic_states()[0]
        kt0 = float(
            (unit.MOLAR_GAS_CONSTANT_R * thermo[0].temperature).value_in_unit(
                unit.kilojoule_per_mole
            )
        )
        which = np.asarray(reporter.read_replica_thermodynamic_states())
        last = int(reporter.read_last_iteration(last_checkpoint=False))
        for it in range(start, last + 1):
            replica = int(np.flatnonzero(which[it] == 0)[0])
            sampler_states = reporter.read_sampler_states(it)
            s = sampler_states[replica]
            energies = reporter.read_energies(it)[0]  # u[replica, state], reduced
            yield Frame(
                iteration=it,
                replica=replica,
                positions_nm=np.asarray(s.positions.value_in_unit(unit.nanometer)),
                box_nm=np.asarray(s.box_vectors.value_in_unit(unit.nanometer)),
                potential_kj_mol=float(energies[replica, 0]) * kt0,
            )
    finally:
        reporter.close()
