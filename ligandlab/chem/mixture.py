"""Ligand mixtures (e.g. natural lecithin): defined molecules with mole fractions."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ligandlab import library
from ligandlab.chem.assembly import build_ligand
from ligandlab.chem.ligand import Ligand
from ligandlab.errors import LibraryError


@dataclass(frozen=True)
class Mixture:
    """A mixture record resolved into ``Ligand`` components and their mole fractions."""

    id: str
    name: str
    components: tuple[tuple[Ligand, float], ...]
    source: str

    @classmethod
    def get(cls, name: str) -> Mixture:
        """The library mixture ``name`` (e.g. ``"lecithin"``)."""
        rec = library.mixture(name)
        comps = []
        for c in rec.components:
            if c.smiles:
                lig = Ligand.from_smiles(c.smiles, name=c.name)
            elif c.head and c.tail:
                lig = build_ligand(c.head, c.bridge, c.tail, name=c.name)
            else:
                raise LibraryError(
                    f"mixture {rec.id}: component {c.name} needs smiles or head+tail"
                )
            comps.append((lig, c.fraction))
        return cls(rec.id, rec.name, tuple(comps), rec.source)

    @classmethod
    def find(cls, item: object) -> Mixture | None:
        """``item`` if it is a mixture, the library mixture it names, else ``None``."""
        if isinstance(item, Mixture):
            return item
        if isinstance(item, str) and library.find_mixture(item) is not None:
            return cls.get(item)
        return None

    @property
    def mean_mw(self) -> float:
        """Number-average molar mass (g/mol)."""
        return sum(lig.mw * x for lig, x in self.components)

    @property
    def ligands(self) -> tuple[Ligand, ...]:
        return tuple(lig for lig, _ in self.components)

    @property
    def fractions(self) -> tuple[float, ...]:
        """Mole fractions, in the order of :attr:`ligands`."""
        return tuple(x for _, x in self.components)

    def labelled(self, label: str | None = None) -> list[Ligand]:
        """The components renamed ``"<label or id>: <component>"``, so that a ranking or a
        placed shell shows which mixture each came from."""
        prefix = label or self.id
        return [dataclasses.replace(lig, name=f"{prefix}: {lig.name}") for lig in self.ligands]
