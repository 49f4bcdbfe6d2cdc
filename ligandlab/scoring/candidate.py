"""Candidates (ligand x surface x solvent) and the per-run context that factors work.

A scorer asks the context for what it needs: site geometry per (material, facet,
termination), descriptors per ligand part, and its own memoised intermediates through
``memo``, keyed by only what they depend on. A ligand-only quantity is then computed once
per ligand, a ligand x surface quantity once per pair, whatever the number of solvents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ligandlab.chem.descriptors import LigandDescriptors, describe_all
from ligandlab.chem.ligand import Ligand
from ligandlab.materials.material import Material
from ligandlab.materials.slab import SiteGeometry, build_slab

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Candidate:
    """One ligand on one surface of one material, optionally in one solvent."""

    ligand: Ligand
    material: str
    facet: str = "100"
    termination: str = "AX"
    solvent: str | None = None

    @property
    def surface(self) -> tuple[str, str, str]:
        return (self.material, self.facet, self.termination)

    @property
    def key(self) -> str:
        """Stable across runs and machines: canonical SMILES + surface + solvent."""
        text = "|".join(
            (self.ligand.smiles, self.material, self.facet, self.termination, self.solvent or "")
        )
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Candidate) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


@dataclass
class Context:
    """Shared, memoised inputs for one scoring run (not thread-safe; one per process)."""

    _memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def memo(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()`` once per ``key`` in this context."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def material(self, name: str) -> Material:
        return self.memo(("material", name), lambda: Material.get(name))

    def site_geometry(
        self, material: str, facet: str = "100", termination: str = "AX"
    ) -> SiteGeometry:
        """Site geometry measured on a small slab of this surface (built once)."""

        def build() -> SiteGeometry:
            size = (2, 2) if facet == "100" else (1, 1)
            slab = build_slab(material, size, 3, termination, facet, check=False)  # type: ignore[arg-type]
            return slab.geometry

        return self.memo(("geometry", material, facet, termination), build)

    def descriptors(self, ligand: Ligand) -> LigandDescriptors:
        """Head and tail descriptors (per part, cached on disk). A part that cannot be
        described raises its error here, for every scorer that asks, without being
        recomputed: the ranking records it as that candidate's failure."""
        hit = self.memo(("describe", ligand.smiles), lambda: describe_all([ligand], workers=1)[0])
        if isinstance(hit, Exception):
            raise hit.with_traceback(None)
        return hit

    def prefetch(self, ligands: list[Ligand]) -> None:
        """Describe many ligands at once (distinct parts in parallel); a ligand that cannot
        be described keeps its error for ``descriptors`` to raise."""
        todo = [lig for lig in ligands if ("describe", lig.smiles) not in self._memo]
        if todo:
            for lig, d in zip(todo, describe_all(todo), strict=True):
                self._memo[("describe", lig.smiles)] = d
