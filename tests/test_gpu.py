"""GPU checks (``pytest -m gpu``): the GPU platform is chosen by default and computes the
same physics as the CPU. Skipped where no CUDA or OpenCL device can open a context."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import ligandlab as ll

sim = pytest.importorskip("ligandlab.simulate")
openmm = pytest.importorskip("openmm")

from ligandlab.simulate.platforms import _works  # noqa: E402

GPUS = [name for name in ("CUDA", "OpenCL") if name in sim.available_platforms() and _works(name)]
pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not GPUS, reason="no CUDA or OpenCL device"),
]


def _system(n_solvent: int = 8) -> sim.MDSystem:
    slab = ll.build_slab("CsPbBr3", size=(3, 3), layers=3)
    iface = ll.place_ligands(slab, ll.parse_ligand("C5-PEA"), coverage=1 / 9, mode="BM3", seed=0)
    return sim.build_system(iface, solvent="toluene", n_solvent=n_solvent, solvent_nm=1.2)


def _energy_forces(md: sim.MDSystem, platform: str) -> tuple[float, np.ndarray]:
    plat = openmm.Platform.getPlatformByName(platform)
    context = openmm.Context(md.system, openmm.VerletIntegrator(0.001), plat)
    context.setPositions(md.positions)
    box = md.box_nm
    context.setPeriodicBoxVectors((box[0], 0, 0), (0, box[1], 0), (0, 0, box[2]))
    state = context.getState(getEnergy=True, getForces=True)
    energy = state.getPotentialEnergy().value_in_unit(openmm.unit.kilojoule_per_mole)
    forces = state.getForces(asNumpy=True).value_in_unit(
        openmm.unit.kilojoule_per_mole / openmm.unit.nanometer
    )
    return float(energy), np.asarray(forces)


def test_a_gpu_is_chosen_when_nothing_is_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIGANDLAB_PLATFORM", raising=False)
    assert sim.choose_platform().getName() == GPUS[0]


@pytest.mark.parametrize("platform", GPUS)
def test_gpu_energy_and_forces_match_the_cpu(platform: str) -> None:
    """The same System (Buckingham/Lennard-Jones ions, PME, GAFF2 ligand and solvent) on the
    GPU's default mixed/single precision agrees with the CPU platform."""
    md = _system()
    e_cpu, f_cpu = _energy_forces(md, "CPU")
    e_gpu, f_gpu = _energy_forces(md, platform)
    assert np.isfinite(e_gpu) and np.all(np.isfinite(f_gpu))
    # PME and single-precision accumulation differ in the last digits (CPU against the
    # Reference platform: 5e-6 in energy, 4e-5 RMS in forces); 1e-4 of this system's
    # -3.3e4 kJ/mol is 3 kJ/mol, well below the binding-energy differences we report
    assert e_gpu == pytest.approx(e_cpu, rel=1e-4)
    rms = float(np.sqrt(np.mean((f_gpu - f_cpu) ** 2)))
    scale = float(np.sqrt(np.mean(f_cpu**2)))
    assert rms < 1e-3 * scale


def test_binding_run_on_the_gpu_classifies_like_the_cpu(tmp_path: Path) -> None:
    """A short BM3 run finishes on the GPU, reports its platform, and keeps the ligand in
    the mode the CPU run keeps it in (PE in BM3 on CsPbBr3, 'test' protocol)."""
    md = _system()
    gpu = sim.run(md, tmp_path / "gpu", "test", platform=GPUS[0])
    cpu = sim.run(md, tmp_path / "cpu", "test", platform="CPU")
    assert gpu.platform == GPUS[0] and cpu.platform == "CPU"
    assert gpu.frames == cpu.frames
    assert np.all(np.isfinite([e["potential_kj_mol"] for e in gpu.energies]))
    assert gpu.modes[-1] == cpu.modes[-1] == ["BM3"]
