"""Solvents (``library/solvents.yaml``), their miscibility and Hansen distances.

Goodness of a solvent for a ligand tail is judged by the Flory–Huggins parameter estimated
from Hansen parameters (Lindvig, Michelsen & Kontogeorgis, Fluid Phase Equilib. 203, 247
(2002)):

    chi = alpha * V_s / (R T) * [ (dD1 - dD2)^2 + 0.25 (dP1 - dP2)^2 + 0.25 (dH1 - dH2)^2 ]
        = alpha * V_s / (R T) * Ra^2 / 4,          alpha = 0.6

A tail brush is swollen (the colloid is stable) in a better-than-theta solvent, chi < 0.5
(Flory). That fixes the interaction radius without a fitted constant:
R0 = sqrt(2 R T / (alpha V_s)), and RED = Ra / R0 = sqrt(chi / 0.5) < 1 means "good".
Small solvent molecules get a larger R0, as the mixing entropy favours them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ligandlab import library
from ligandlab.chem.hansen import HansenParameters

R_J_PER_MOL_K = 8.314462618  # CODATA 2018
LINDVIG_ALPHA = 0.6  # Lindvig et al. 2002, correction factor in the Hansen-chi relation
THETA_CHI = 0.5  # Flory theta condition
ROOM_TEMPERATURE_K = 298.15


@dataclass(frozen=True)
class Solvent:
    """A library solvent; ``Solvent.get("toluene")``."""

    record: library.SolventRecord

    @classmethod
    def get(cls, name: str) -> Solvent:
        """The solvent for an id, alias or name (``UnknownSolventError`` lists close names)."""
        return cls(library.solvent(name))

    @classmethod
    def all(cls) -> tuple[Solvent, ...]:
        """Every solvent in the library."""
        return tuple(cls(r) for r in library.solvents())

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def cls(self) -> str:
        return self.record.cls

    @property
    def smiles(self) -> str:
        return self.record.smiles

    @property
    def hansen(self) -> HansenParameters:
        """The tabulated Hansen parameters and molar volume."""
        r = self.record
        return HansenParameters(r.d_d, r.d_p, r.d_h, r.v, smiles=r.smiles)

    @property
    def nc_compatible(self) -> bool:
        """False for solvents that dissolve or decompose lead-halide perovskites."""
        return self.record.nc_compatible

    @property
    def components(self) -> tuple[tuple[str, float], ...]:
        """(solvent id, volume fraction) of each part of a blend; empty for one solvent."""
        return self.record.components

    def miscible_with(self, other: Solvent | str) -> bool:
        """Whether the two solvents (or every part of two blends) mix in all proportions at
        room temperature."""
        theirs = other.record if isinstance(other, Solvent) else library.solvent(other)
        pairs = library.immiscible_pairs()
        return not any(
            frozenset((a, b)) in pairs for a in _part_ids(self.record) for b in _part_ids(theirs)
        )

    def __repr__(self) -> str:
        r = self.record
        return f"Solvent({r.id!r}, dD={r.d_d}, dP={r.d_p}, dH={r.d_h}, class={r.cls!r})"


def hansen_distance(a: HansenParameters, b: HansenParameters) -> float:
    """Ra = sqrt(4 (dD1-dD2)^2 + (dP1-dP2)^2 + (dH1-dH2)^2), MPa^1/2 (Hansen 2007, eq. 1.9)."""
    return math.sqrt(4 * (a.d_d - b.d_d) ** 2 + (a.d_p - b.d_p) ** 2 + (a.d_h - b.d_h) ** 2)


def flory_chi(
    solute: HansenParameters, solvent: Solvent, temperature: float = ROOM_TEMPERATURE_K
) -> float:
    """Flory–Huggins chi of a solute (tail) in a solvent from Hansen parameters (Lindvig 2002)."""
    ra = hansen_distance(solute, solvent.hansen)
    return LINDVIG_ALPHA * solvent.record.v * ra**2 / 4 / (R_J_PER_MOL_K * temperature)


def interaction_radius(solvent: Solvent, temperature: float = ROOM_TEMPERATURE_K) -> float:
    """R0 (MPa^1/2): the Hansen distance at which chi reaches the theta value 0.5."""
    rt = R_J_PER_MOL_K * temperature
    return math.sqrt(4 * THETA_CHI * rt / (LINDVIG_ALPHA * solvent.record.v))


def _part_ids(record: library.SolventRecord) -> list[str]:
    return [c for c, _ in record.components] or [record.id]
