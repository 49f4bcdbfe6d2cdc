"""Temperature replica exchange: correct sampling on a toy system, and the slab protocol."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import ligandlab as ll

sim = pytest.importorskip("ligandlab.simulate")
openmm = pytest.importorskip("openmm")
from ligandlab.simulate.remd import (  # noqa: E402
    exchange_statistics,
    lowest_temperature_frames,
    replica_exchange,
    temperature_ladder,
)

# A tilted double well in x (harmonic in y, z) for independent particles. Barrier 30 kJ/mol
# (12 kT at 300 K, 3 kT at 1200 K); the left well is lower by 2 x TILT.
BARRIER, X0, TILT, K_YZ, MASS = 30.0, 0.1, 2.5, 500.0, 12.0
N_PARTICLES = 6


def double_well() -> openmm.System:
    system = openmm.System()
    force = openmm.CustomExternalForce("dwh*((x/dwx)^2-1)^2 + dwb*x/dwx + dwk*(y^2+z^2)")
    for name, value in (("dwh", BARRIER), ("dwx", X0), ("dwb", TILT), ("dwk", K_YZ)):
        force.addGlobalParameter(name, value)
    for i in range(N_PARTICLES):
        system.addParticle(MASS)
        force.addParticle(i, [])
    system.addForce(force)
    return system


def exact_left_fraction(t_k: float) -> float:
    """P(x < 0) from the Boltzmann distribution of U(x), by quadrature."""
    x = np.linspace(-0.3, 0.3, 60001)
    u = BARRIER * ((x / X0) ** 2 - 1) ** 2 + TILT * x / X0
    w = np.exp(-(u - u.min()) / (0.0083144626 * t_k))
    return float(w[x < 0].sum() / w.sum())


def test_replica_exchange_samples_the_boltzmann_distribution(tmp_path: Path) -> None:
    """Started in the higher (right) well, 300 K alone stays there; replica exchange to
    1200 K gives the Boltzmann population of the lower well at 300 K."""
    platform = openmm.Platform.getPlatformByName("Reference")
    start = np.tile([X0, 0.0, 0.0], (N_PARTICLES, 1))
    exact = exact_left_fraction(300.0)
    assert 0.85 < exact < 0.9

    # control: plain Langevin at 300 K for as many steps as the lowest replica makes
    integrator = openmm.LangevinMiddleIntegrator(300.0, 5.0, 0.002)
    integrator.setRandomNumberSeed(7)
    context = openmm.Context(double_well(), integrator, platform)
    context.setPositions(start)
    stuck = []
    for _ in range(200):
        integrator.step(1000)
        pos = context.getState(getPositions=True).getPositions(asNumpy=True)._value
        stuck.append(pos[:, 0] < 0)
    assert np.mean(stuck) < 0.2, "the toy barrier must trap plain MD at 300 K"

    store = tmp_path / "toy.nc"
    ladder = temperature_ladder(300.0, 1200.0, 5)
    assert ladder[0] == 300.0 and ladder[-1] == pytest.approx(1200.0)
    stats = replica_exchange(
        double_well(), start, None, store, ladder, 800, 250, 2.0, 5.0, platform
    )
    assert stats["iterations"] == 800
    assert all(0.2 < a < 0.8 for a in stats["neighbour_acceptance"])
    frames = list(lowest_temperature_frames(store, start=50))
    left = np.array([f.positions_nm[:, 0] < 0 for f in frames]).mean(axis=1)
    blocks = [b.mean() for b in np.array_split(left, 5)]
    sem = float(np.std(blocks, ddof=1) / np.sqrt(len(blocks)))
    assert abs(left.mean() - exact) < max(0.06, 3 * sem), (left.mean(), exact, sem)
    # the lowest temperature visits several replicas: exchanges happened
    assert len({f.replica for f in frames}) == len(ladder)

    # resume: extending the store continues from its last iteration
    more = replica_exchange(double_well(), start, None, store, ladder, 820, 250, 2.0, 5.0, platform)
    assert more["iterations"] == 820 == exchange_statistics(store)["iterations"]


def test_remd_protocol_on_a_slab_writes_the_lowest_temperature_run(tmp_path: Path) -> None:
    slab = ll.build_slab("CsPbBr3", size=(3, 3), layers=3)
    iface = ll.place_ligands(slab, ll.parse_ligand("C5-PEA"), coverage=1 / 9, mode="BM3", seed=0)
    md = sim.build_system(iface, solvent=None)
    settings = dict(
        minimize_iterations=100,
        nvt_ps=0.2,
        npt_ps=0.2,
        production_ps=0.6,
        frame_ps=0.1,
        timestep_fs=1.0,
        replicas=3,
        max_temperature_k=330.0,
    )
    res = sim.run(md, tmp_path, "remd", platform="CPU", **settings)
    assert res.frames == 6 and len(res.modes) == 6 and res.modes[0] == ["BM3"]
    assert np.all(np.isfinite([e["potential_kj_mol"] for e in res.energies]))
    prov = json.loads((tmp_path / "provenance.json").read_text())
    remd = prov["replica_exchange"]
    assert remd["temperatures_k"] == [300.0, 314.64, 330.0]
    assert remd["engine"].startswith("openmmtools") and remd["iterations"] == 6
    assert len(remd["neighbour_acceptance"]) == 2
    from ligandlab.simulate.run import _dcd_frames

    assert _dcd_frames(tmp_path / "trajectory.dcd", md.system.getNumParticles()) == 6
    again = sim.run(md, tmp_path, "remd", platform="CPU", **settings)
    assert again.frames == 6  # finished: re-read, not re-run


def _toy_run(store: Path, seed: int) -> np.ndarray:
    platform = openmm.Platform.getPlatformByName("Reference")
    start = np.tile([X0, 0.0, 0.0], (N_PARTICLES, 1))
    ladder = temperature_ladder(300.0, 1200.0, 4)
    replica_exchange(
        double_well(), start, None, store, ladder, 30, 50, 2.0, 5.0, platform, seed=seed
    )
    return np.array([f.positions_nm for f in lowest_temperature_frames(store)])


def test_replica_exchange_repeats_with_its_seed(tmp_path: Path) -> None:
    """Same seed, same trajectory (Langevin noise and exchanges); another seed, another one;
    and the caller's NumPy global generator is left as it was."""
    np.random.seed(123)
    expected_draw = np.random.rand()
    np.random.seed(123)
    a = _toy_run(tmp_path / "a.nc", seed=3)
    assert np.random.rand() == expected_draw
    b = _toy_run(tmp_path / "b.nc", seed=3)
    c = _toy_run(tmp_path / "c.nc", seed=4)
    assert a.shape == (30, N_PARTICLES, 3)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_replica_exchange_resumes_with_its_seeded_move(tmp_path: Path) -> None:
    """The store names the seeded move; a second call resumes from it to more iterations."""
    platform = openmm.Platform.getPlatformByName("Reference")
    start = np.tile([X0, 0.0, 0.0], (N_PARTICLES, 1))
    ladder = temperature_ladder(300.0, 1200.0, 3)
    store = tmp_path / "r.nc"
    replica_exchange(double_well(), start, None, store, ladder, 5, 50, 2.0, 5.0, platform, seed=1)
    stats = replica_exchange(
        double_well(), start, None, store, ladder, 12, 50, 2.0, 5.0, platform, seed=1
    )
    assert stats["iterations"] == 12
    frames = list(lowest_temperature_frames(store))
    assert [f.iteration for f in frames] == list(range(1, 13))
