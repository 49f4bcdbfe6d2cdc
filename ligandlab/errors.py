"""One exception hierarchy for every user mistake ligandlab can detect.

Each message says what was wrong and what is allowed. The CLI prints the message of
any ``LigandLabError`` as one line and exits with status 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


class LigandLabError(Exception):
    """Base class of every error caused by input that ligandlab cannot accept."""


class InvalidSmilesError(LigandLabError, ValueError):
    """A SMILES string that RDKit cannot parse or sanitise, or that breaks a ligand rule."""


class FragmentError(LigandLabError, ValueError):
    """A head or tail fragment with the wrong attachment points."""


class BridgeError(LigandLabError, ValueError):
    """A bridge length outside what a head group allows."""


class UnknownNameError(LigandLabError, KeyError):
    """A name not found in a library; the message lists the closest known names."""

    def __init__(
        self, kind: str, name: str, known: Iterable[str], message: str | None = None
    ) -> None:
        self.kind, self.name = kind, name
        self.known = sorted(set(known))
        close = closest(name, self.known)
        hint = f"closest: {', '.join(close)}" if close else f"known: {', '.join(self.known[:12])}"
        super().__init__(message or f"unknown {kind} {name!r}; {hint}")

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


class UnknownHeadError(UnknownNameError):
    """Head group not in library/heads.yaml."""


class UnknownTailError(UnknownNameError):
    """Tail not in library/tails.yaml."""


class UnknownMixtureError(UnknownNameError):
    """Mixture not in library/mixtures.yaml."""


class UnknownReferenceError(UnknownNameError):
    """Reference ligand not in library/references.yaml."""


class UnknownSolventError(UnknownNameError):
    """Solvent not in library/solvents.yaml."""


class SolventError(LigandLabError, ValueError):
    """A solvent blend that cannot be made (unknown part, bad ratio, immiscible pair)."""


class HansenGroupError(LigandLabError, ValueError):
    """A structure with a group the Hansen group-contribution method does not cover."""


class UnknownMaterialError(UnknownNameError):
    """Material not in library/materials.yaml."""


class MaterialError(LigandLabError, ValueError):
    """An impossible composition, or a slab or nanocrystal that cannot be built as asked."""


class PlacementError(LigandLabError, ValueError):
    """Ligands that cannot be placed as asked (coverage, count, mode, sites)."""


class ConformerError(LigandLabError, RuntimeError):
    """RDKit could not embed any 3D conformer for a molecule."""


class OutputError(LigandLabError, OSError):
    """An output path that cannot be written, or an unsupported output format."""


class LibraryError(LigandLabError):
    """A library data file that is missing or malformed."""


def closest(name: str, known: Iterable[str], n: int = 5) -> list[str]:
    """The known names most similar to ``name`` (case-insensitive), best first."""
    known = list(known)
    lower = {k.lower(): k for k in known}
    hits = difflib.get_close_matches(name.lower(), list(lower), n=n, cutoff=0.4)
    best = [lower[h] for h in hits]
    prefix = [k for k in known if k.lower().startswith(name.lower()[:2]) and k not in best]
    return best + prefix[: max(0, n - len(best))]


class ScorerError(LigandLabError, ValueError):
    """A scorer or plugin that breaks the contract (bad value, bad declaration)."""


class UnknownScorerError(UnknownNameError):
    """A scorer name that no registered plugin provides."""


class WeightError(LigandLabError, ValueError):
    """Ranking weights that are negative, not finite, or all zero."""


class ForceFieldError(LigandLabError, ValueError):
    """A molecule or ion that the force field cannot parameterise (the message names it)."""


class UnknownIonModelError(UnknownNameError):
    """A material or ion model without parameters in ``library/forcefields``."""


class PlatformError(LigandLabError, RuntimeError):
    """A forced OpenMM platform that this machine does not provide."""


class SimulationError(LigandLabError, RuntimeError):
    """A simulation that blew up (NaN or infinite energy) or cannot resume."""


def writable_directory(directory: Path, label: str) -> Path:
    """Create ``directory`` and prove it writable before any work goes there; otherwise raise
    :class:`OutputError` "cannot write <label>: <reason>"."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write {label}: {exc.strerror or exc}") from exc
    return directory
