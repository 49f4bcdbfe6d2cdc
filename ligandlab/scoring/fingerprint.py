"""Fingerprints that key the score cache: a scorer's code and the inputs every score uses.

``code_fingerprint`` lets an edited scorer recompute even when its author has not bumped
``version`` yet, as happens while a plugin is developed (the walk is in ``sourcehash``).
"""

from __future__ import annotations

import functools
import sys

from ligandlab import cache, library, sourcehash
from ligandlab.chem.descriptors import descriptor_version
from ligandlab.sourcehash import digest_of, package_sources, source_file


@functools.cache
def code_fingerprint(cls: type) -> str:
    """A hash of the source that defines a scorer class ("" when there is none).

    It covers the scorer's file and every module of the same top-level package that file
    uses, directly or through another such module: imports anywhere in the file, at module
    level or inside a function (``from .physics import strain``, ``from .constants import
    K``), and objects defined in such a module. An edit to a plugin's helper module or to
    a constant it imports therefore counts. Code in other packages is not covered:
    ligandlab's own inputs are in ``inputs_fingerprint``.
    """
    module = sys.modules.get(cls.__module__)
    sources = package_sources(module) if module is not None else []
    if not sources:  # no module object: fall back to the class's own file
        sources = [(cls.__module__, p) for p in [source_file(cls)] if p]
    return digest_of(sources)


def inputs_fingerprint() -> str:
    """What every score depends on besides the scorer: ``release_fingerprint``, the
    descriptor version (with the hash of the code that computes descriptors) and the hash
    of ligandlab's own code (the package and every module its public API uses,
    ``sourcehash.module_digest``). An upgrade, an edit to ligandlab's code from a git
    checkout, or an edited material, solvent or fragment record therefore never serves
    stale cached scores."""
    return cache.key_of(
        release_fingerprint(), descriptor_version(), sourcehash.module_digest("ligandlab")
    )


def release_fingerprint() -> str:
    """The package version and the library data (``library.fingerprint``): what a
    simulation depends on besides its own settings. Campaign simulations are keyed by this,
    not by the code hash, so editing a scorer or a descriptor never re-runs hours of MD."""
    import ligandlab

    return cache.key_of(ligandlab.__version__, library.fingerprint())
