"""``ll.simulate.binding`` and ``ll.simulate.coverage``: the user-facing MD entry points."""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import openmm
from openmm import unit

from ligandlab.chem.assembly import as_ligand
from ligandlab.chem.ligand import Ligand
from ligandlab.errors import LigandLabError
from ligandlab.materials.placement import place_ligands
from ligandlab.materials.slab import build_slab
from ligandlab.simulate.analysis import MODES, populations
from ligandlab.simulate.integrity import (
    RUPTURE_INTEGRITY,
    first_below,
    integrity_series,
    surface_integrity,
)
from ligandlab.simulate.run import Protocol, RunResult, run
from ligandlab.simulate.system import build_system


@dataclass
class BindingResult:
    """Binding modes of the ligands over a production run."""

    run: RunResult
    mode_populations: dict[str, list[float]]  # mode -> fraction of ligands per frame

    @property
    def bound_fraction(self) -> float:
        """Mean fraction of ligand-frames not unbound."""
        unbound = self.mode_populations.get("unbound", [])
        return float(1.0 - np.mean(unbound)) if unbound else float("nan")

    def __repr__(self) -> str:
        pops = ", ".join(f"{m} {v:.2f}" for m, v in self.mean_populations().items() if v > 0)
        return (
            f"BindingResult({pops or 'no frames'} over the second half, bound fraction "
            f"{self.bound_fraction:.2f}; {self.run!r})"
        )

    def mean_populations(self, last: float = 0.5) -> dict[str, float]:
        """Mode populations averaged over the last ``last`` fraction of the frames."""
        n = len(next(iter(self.mode_populations.values()), []))
        start = int(n * (1 - last))
        return {
            m: round(float(np.mean(v[start:])), 4) if v else float("nan")
            for m, v in self.mode_populations.items()
        }


def _run_dir(directory: str | Path | None, tag: str) -> Path:
    if directory is not None:
        return Path(directory)
    return Path(tempfile.mkdtemp(prefix=f"ligandlab-{tag}-"))


def binding(
    ligand: Ligand | str,
    material: str = "FAPbBr3",
    solvent: str | None = "toluene",
    protocol: str | Protocol = "quick",
    n_ligands: int = 1,
    size: tuple[int, int] = (4, 4),
    layers: int = 3,
    mode: str = "BM3",
    directory: str | Path | None = None,
    platform: str | None = None,
    charge_method: str = "bcc",
    n_solvent: int | None = None,
    solvent_nm: float = 2.0,
    seed: int = 0,
) -> BindingResult:
    """Simulate ``n_ligands`` copies of a ligand on a slab and classify their binding modes.

    Ligands start in ``mode`` on random sites. The run directory (a temporary one unless
    ``directory`` is given) can be re-used: a second call resumes or re-reads it.
    """
    lig = as_ligand(ligand, LigandLabError)
    slab = build_slab(material, size=size, layers=layers)
    n_sites = slab.top.n
    if not 1 <= n_ligands <= n_sites:
        raise LigandLabError(f"n_ligands must be 1..{n_sites} on a {size[0]}x{size[1]} slab")
    iface = place_ligands(slab, lig, coverage=n_ligands / n_sites, mode=mode, seed=seed)
    md = build_system(
        iface,
        solvent=solvent,
        n_solvent=n_solvent,
        solvent_nm=solvent_nm,
        charge_method=charge_method,
        seed=seed,
    )
    result = run(md, _run_dir(directory, "binding"), protocol, platform=platform, seed=seed)
    return BindingResult(result, populations(result.modes))


def bm3_population(
    ligand: Ligand,
    material: str,
    solvent: str | None,
    directory: str | Path,
    protocol: str | Protocol = "quick",
    tail_carbons: int = 5,
    size: int = 4,
    seed: int = 0,
    platform: str | None = None,
) -> tuple[float, dict[str, object]]:
    """The ``md_binding`` measure: one tail-truncated copy of ``ligand`` started in BM3 on a
    ``size`` x ``size`` slab; returns its BM3 population over the second half of production
    and details (every mode's population, bound fraction, model SMILES, frames, platform,
    run folder). Shared by the md_binding scorer and the campaign funnel."""
    from ligandlab.chem.truncate import truncate_tail

    model = truncate_tail(ligand, tail_carbons)
    res = binding(
        model,
        material=material,
        solvent=solvent,
        protocol=protocol,
        size=(size, size),
        directory=directory,
        platform=platform,
        seed=seed,
    )
    pops = res.mean_populations(last=0.5)
    details: dict[str, object] = {
        "populations": pops,
        "bound_fraction": round(res.bound_fraction, 4),
        "model": model.smiles,
        "frames": res.run.frames,
        "platform": res.run.platform,
        "directory": str(directory),
    }
    return float(pops.get("BM3", 0.0)), details


@dataclass(frozen=True)
class CoveragePoint:
    """One coverage of a stability map: how the surface and the ligands fared."""

    coverage: float
    n_ligands: int
    integrity: float  # fraction of top-face Pb keeping all their X neighbours at the end
    desorbed: int  # ligands unbound in the last frame
    desorbed_ions: int  # slab ions more than 1 nm above their starting face at the end
    ruptured: bool  # integrity below RUPTURE_INTEGRITY at the end
    bm3_fraction: float
    directory: str
    frame_ps: float = 0.0
    # per production frame: integrity and number of unbound ligands
    integrity_series: tuple[float, ...] = field(default=(), repr=False)
    desorbed_series: tuple[int, ...] = field(default=(), repr=False)
    # production time (ps) at which integrity first fell below RUPTURE_INTEGRITY, and at
    # which a ligand was first unbound; None if never
    rupture_ps: float | None = None
    first_desorption_ps: float | None = None
    # mean height (nm) of the ligands' cationic N and anionic P above the surface plane over
    # the second half of production: whether the cations stay in the A-site pockets
    h_n_nm: float = float("nan")
    h_p_nm: float = float("nan")

    def summary(self) -> dict[str, object]:
        """The scalar fields (no per-frame series), for tables."""
        return {
            k: v
            for k, v in asdict(self).items()
            if k not in ("integrity_series", "desorbed_series")
        }


def coverage(
    ligand: Ligand | str,
    material: str = "FAPbBr3",
    coverages: list[float] | tuple[float, ...] = (0.5, 1.0),
    solvent: str | None = "toluene",
    protocol: str | Protocol = "quick",
    size: tuple[int, int] = (4, 4),
    layers: int = 3,
    directory: str | Path | None = None,
    platform: str | None = None,
    charge_method: str = "bcc",
    n_solvent: int | None = None,
    solvent_nm: float = 2.0,
    seed: int = 0,
) -> list[CoveragePoint]:
    """Stability map: one BM3 run per coverage; integrity, desorption and a rupture flag."""
    lig = as_ligand(ligand, LigandLabError)
    root = _run_dir(directory, "coverage")
    bad = [c for c in coverages if not 0.0 < c <= 1.0]
    if bad:  # before any run starts
        raise LigandLabError(f"coverage must be in (0, 1], got {bad}")
    slab = build_slab(material, size=size, layers=layers)  # placement does not modify it
    out: list[CoveragePoint] = []
    for cov in coverages:
        iface = place_ligands(slab, lig, coverage=cov, mode="BM3", seed=seed)
        md = build_system(
            iface,
            solvent=solvent,
            n_solvent=n_solvent,
            solvent_nm=solvent_nm,
            charge_method=charge_method,
            seed=seed,
        )
        sub = root / f"coverage-{cov:.3f}"
        res = run(md, sub, protocol, platform=platform, seed=seed)
        state = openmm.XmlSerializer.deserialize((sub / "state.xml").read_text())
        pos = state.getPositions(asNumpy=True).value_in_unit(unit.nanometer)
        box = np.diag(state.getPeriodicBoxVectors(asNumpy=True).value_in_unit(unit.nanometer))
        integrity = surface_integrity(md, pos, box)
        series = integrity_series(md, sub)
        unbound = [sum(m == "unbound" for m in row) for row in res.modes]
        frame_ps = Protocol.get(protocol).frame_ps
        rupture = first_below(series, RUPTURE_INTEGRITY)
        desorbed_at = next((i for i, u in enumerate(unbound) if u), None)
        last = res.modes[-1] if res.modes else []
        n_slab = md.n_slab
        lifted = np.abs(pos[:n_slab, 2] - md.positions[:n_slab, 2]) > 1.0
        pops = populations(res.modes)
        h_n, h_p = _late_mean(res.h_n), _late_mean(res.h_p)
        out.append(
            CoveragePoint(
                coverage=cov,
                n_ligands=len(iface.placements),
                integrity=round(integrity, 4),
                desorbed=sum(m == "unbound" for m in last),
                desorbed_ions=int(lifted.sum()),
                ruptured=bool(integrity < RUPTURE_INTEGRITY),
                bm3_fraction=round(float(np.mean(pops["BM3"])), 4) if pops["BM3"] else float("nan"),
                directory=str(sub),
                frame_ps=frame_ps,
                integrity_series=tuple(round(float(x), 4) for x in series),
                desorbed_series=tuple(unbound),
                rupture_ps=None if rupture is None else (rupture + 1) * frame_ps,
                first_desorption_ps=None if desorbed_at is None else (desorbed_at + 1) * frame_ps,
                h_n_nm=h_n,
                h_p_nm=h_p,
            )
        )
    return out


def _late_mean(heights: np.ndarray) -> float:
    """Mean over ligands and the second half of the frames (NaN where there is none)."""
    late = np.asarray(heights, dtype=float)[len(heights) // 2 :]
    late = late[np.isfinite(late)]
    return round(float(late.mean()), 4) if late.size else float("nan")


__all__ = ["MODES", "BindingResult", "CoveragePoint", "binding", "coverage", "surface_integrity"]
