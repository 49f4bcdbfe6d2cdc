"""OpenMM simulations: force fields, system assembly, protocols, binding-mode analysis.

``ll.simulate.binding(...)`` and ``ll.simulate.coverage(...)`` are the entry points; the
pieces (``parameterize``, ``build_system``, ``run``, ``classify``) are public for scripts
that need more control. Imported lazily by ``ligandlab`` (OpenMM loads only when used).
"""

from ligandlab.simulate.analysis import MODES, ModeCutoffs, classify, populations
from ligandlab.simulate.api import BindingResult, CoveragePoint, binding, bm3_population, coverage
from ligandlab.simulate.forcefield.gaff import MoleculeParameters, parameterize
from ligandlab.simulate.forcefield.ions import IonModel, ion_model_for, ion_models
from ligandlab.simulate.integrity import integrity_series, surface_integrity
from ligandlab.simulate.platforms import available_platforms, choose_platform
from ligandlab.simulate.plots import plot_coverage, plot_dn_dp, plot_modes
from ligandlab.simulate.run import PROTOCOLS, Protocol, RunResult, load_run, run
from ligandlab.simulate.system import MDSystem, build_system, check_parameters

__all__ = [
    "MODES",
    "PROTOCOLS",
    "BindingResult",
    "CoveragePoint",
    "IonModel",
    "MDSystem",
    "ModeCutoffs",
    "MoleculeParameters",
    "Protocol",
    "RunResult",
    "available_platforms",
    "binding",
    "bm3_population",
    "build_system",
    "check_parameters",
    "choose_platform",
    "classify",
    "coverage",
    "integrity_series",
    "ion_model_for",
    "ion_models",
    "load_run",
    "parameterize",
    "plot_coverage",
    "plot_dn_dp",
    "plot_modes",
    "populations",
    "run",
    "surface_integrity",
]
