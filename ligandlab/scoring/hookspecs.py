"""The one hookspec module of the ``ligandlab`` pluggy project.

A plugin module (or object) implements ``ligandlab_scorers`` with the ``hookimpl`` marker
and is registered through the ``ligandlab`` entry-point group, exactly like the built-ins::

    [project.entry-points.ligandlab]
    my_scorers = "my_package.scorers"
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from ligandlab.scoring.types import Scorer

PROJECT = "ligandlab"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def ligandlab_scorers() -> list[Scorer]:  # type: ignore[empty-body]
    """Return the scorer objects this plugin provides (see ``ligandlab.scoring.Scorer``)."""
