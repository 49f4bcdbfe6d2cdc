"""Perovskite materials: lattice constant, ionic radii, tolerance and octahedral factors.

Names are formulas: ``"CsPbBr3"``, ``"FAPbI3"``, mixed halides written either with fractions,
``"CsPb(Br0.5I0.5)3"``, or with subscripts that add up to 3, ``"CsPbBr1.5I1.5"`` or
``"CsPbBr2I"`` (Vegard's law on the lattice constant and the halide radius), and the double
perovskite ``"Cs2AgBiBr6"``. Data and sources are in ``library/materials.yaml``.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any

from ligandlab import library
from ligandlab.errors import MaterialError, UnknownMaterialError, closest

_SINGLE = re.compile(r"^(Cs|MA|FA)Pb(Cl|Br|I)3$")
_MIXED = re.compile(r"^(Cs|MA|FA)Pb\(((?:(?:Cl|Br|I)(?:\d*\.?\d+))+)\)3$")
_PART = re.compile(r"(Cl|Br|I)(\d*\.?\d+)")
# CsPbBr2I, CsPbBr1.5I1.5: two or more halides whose subscripts add up to 3
_SUBSCRIPT = re.compile(r"^(Cs|MA|FA)Pb((?:(?:Cl|Br|I)(?:\d*\.?\d+)?){2,})$")
_SUBSCRIPT_PART = re.compile(r"(Cl|Br|I)(\d*\.?\d+)?")


@dataclass(frozen=True)
class Ion:
    """An ion of the lattice: symbol, charge, radius (A); molecular cations carry SMILES."""

    symbol: str
    charge: int
    radius: float
    kind: str
    smiles: str | None
    source: str


@dataclass(frozen=True)
class Material:
    """A cubic or pseudo-cubic perovskite (single or rock-salt double)."""

    name: str
    a_site: Ion
    b_sites: tuple[Ion, ...]  # (Pb,) or (Ag, Bi) for a double perovskite
    halides: tuple[tuple[Ion, float], ...]  # (ion, fraction)
    a: float  # pseudo-cubic lattice constant, A (primitive ABX3 cell)
    source: str
    double: bool = False
    notes: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def get(cls, name: str) -> Material:
        """The material for a formula; unknown names list the closest known ones."""
        return _material(name.strip())

    @property
    def r_x(self) -> float:
        """Halide radius (A), fraction-weighted for mixed halides."""
        return sum(ion.radius * f for ion, f in self.halides)

    @property
    def r_b(self) -> float:
        """Mean B-site radius (A)."""
        return sum(b.radius for b in self.b_sites) / len(self.b_sites)

    @property
    def tolerance_factor(self) -> float:
        """Goldschmidt t = (r_A + r_X) / (sqrt(2) (r_B + r_X))."""
        return (self.a_site.radius + self.r_x) / (math.sqrt(2) * (self.r_b + self.r_x))

    @property
    def octahedral_factor(self) -> float:
        """mu = r_B / r_X (octahedra are stable for about 0.41-0.90)."""
        return self.r_b / self.r_x

    @property
    def a_nm(self) -> float:
        return self.a / 10.0

    @property
    def site_density_nm2(self) -> float:
        """Surface A-sites per nm^2 on (100): 1/a^2."""
        return 1.0 / self.a_nm**2

    @property
    def majority_halide(self) -> str:
        return max(self.halides, key=lambda t: t[1])[0].symbol

    def halide_for(self, u: float) -> str:
        """Halide symbol for a site, given a uniform number u in [0, 1) (mixed halides)."""
        acc = 0.0
        for ion, f in self.halides:
            acc += f
            if u < acc:
                return ion.symbol
        return self.halides[-1][0].symbol

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "a_A": self.a,
            "A": self.a_site.symbol,
            "B": "/".join(b.symbol for b in self.b_sites),
            "X": " ".join(f"{i.symbol}{f:g}" for i, f in self.halides),
            "tolerance": round(self.tolerance_factor, 3),
            "octahedral": round(self.octahedral_factor, 3),
            "sites_per_nm2": round(self.site_density_nm2, 3),
            "source": self.source,
        }


@functools.cache
def _ions() -> dict[str, Ion]:
    raw = library.load_yaml("materials.yaml")["ions"]
    return {
        k: Ion(k, v["charge"], v["radius"], v["kind"], v.get("smiles"), v["source"])
        for k, v in raw.items()
    }


@functools.cache
def _table() -> dict[tuple[str, str], dict[str, Any]]:
    raw = library.load_yaml("materials.yaml")
    return {(p["a_site"], p["x"]): p for p in raw["perovskites"]}


def material_names() -> list[str]:
    """Every named material in the library (mixed halides are built on request)."""
    raw = library.load_yaml("materials.yaml")
    names = [f"{p['a_site']}Pb{p['x']}3" for p in raw["perovskites"]]
    return names + [d["id"] for d in raw["double_perovskites"]]


@functools.cache
def _material(name: str) -> Material:
    ions = _ions()
    raw = library.load_yaml("materials.yaml")
    for d in raw["double_perovskites"]:
        if d["id"].lower() == name.lower():
            return Material(
                name=d["id"],
                a_site=ions[d["a_site"]],
                b_sites=(ions[d["b1"]], ions[d["b3"]]),
                halides=((ions[d["x"]], 1.0),),
                a=d["a"] / 2.0,
                source=d["source"] + " (a/2 is the pseudo-cubic ABX3 cell)",
                double=True,
            )
    m = _SINGLE.match(name)
    if m:
        a_site, x = m.groups()
        row = _table()[(a_site, x)]
        return Material(
            name, ions[a_site], (ions["Pb"],), ((ions[x], 1.0),), row["a"], row["source"]
        )
    m = _MIXED.match(name)
    if m:
        a_site, body = m.groups()
        parts = [(x, float(f)) for x, f in _PART.findall(body)]
        return _mixed(name, a_site, parts, total=1.0, what="halide fractions")
    m = _SUBSCRIPT.match(name)
    if m:
        a_site, body = m.groups()
        parts = [(x, float(n) if n else 1.0) for x, n in _SUBSCRIPT_PART.findall(body)]
        return _mixed(name, a_site, parts, total=3.0, what="halide subscripts")
    if closest(name, material_names(), n=1):
        raise UnknownMaterialError("material", name, material_names())
    raise MaterialError(
        f"cannot build {name!r}: supported are APbX3 (A = Cs, MA, FA; X = Cl, Br, I), mixed "
        "halides such as 'CsPb(Br0.5I0.5)3' or 'CsPbBr2I', and " + ", ".join(material_names()[-1:])
    )


def _mixed(
    name: str, a_site: str, parts: list[tuple[str, float]], *, total: float, what: str
) -> Material:
    """A mixed-halide APbX3 by Vegard's law; ``parts`` are (halide, amount) adding to ``total``."""
    symbols = [x for x, _ in parts]
    if len(set(symbols)) != len(symbols):
        raise MaterialError(f"{name!r}: a halide appears twice")
    given = sum(f for _, f in parts)
    if abs(given - total) > 1e-6 or any(f <= 0 for _, f in parts):
        raise MaterialError(
            f"{name!r}: {what} must be positive and add up to {total:g} (they add up to {given:g})"
        )
    fractions = [(x, f / total) for x, f in parts]
    ions = _ions()
    return Material(
        name,
        ions[a_site],
        (ions["Pb"],),
        tuple((ions[x], f) for x, f in fractions),
        sum(_table()[(a_site, x)]["a"] * f for x, f in fractions),
        "Vegard's law between " + "; ".join(_table()[(a_site, x)]["source"] for x, _ in parts),
        notes=("lattice constant and halide radius interpolated (Vegard)",),
    )
