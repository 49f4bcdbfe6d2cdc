"""Built-in ligandlab scorers.

Installed as the import package ``ligandlab_plugins`` and registered through the same
``ligandlab`` entry-point group a third-party package uses (see pyproject.toml). Plugins
import only the public ``ligandlab`` API.
"""

from __future__ import annotations

import ligandlab as ll
from ligandlab_plugins.fit_geometry import FitGeometry
from ligandlab_plugins.md_binding import MDBinding
from ligandlab_plugins.pi_stacking import PiStacking
from ligandlab_plugins.solvent_match import SolventMatch
from ligandlab_plugins.steric_density import StericDensity


@ll.hookimpl
def ligandlab_scorers() -> list[object]:
    return [FitGeometry(), StericDensity(), PiStacking(), SolventMatch(), MDBinding()]
