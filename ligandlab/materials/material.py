"""Perovskite materials: lattice constant, ionic radii, tolerance and octahedral factors.

Names are formulas: ``"CsPbBr3"``, ``"FAPbI3"``, the tin perovskites ``"CsSnI3"``,
``"MASnBr3"`` (Br and I), mixed lead-tin B sites ``"CsPb0.5Sn0.5I3"`` or
``"FA(Pb0.7Sn0.3)I3"``, mixed halides written either with fractions,
``"CsPb(Br0.5I0.5)3"``, or with subscripts that add up to 3, ``"CsPbBr1.5I1.5"`` or
``"CsPbBr2I"``, mixed A-site cations with fractions that add up to 1, ``"Cs0.5FA0.5PbI3"`` or
``"(FA0.9Cs0.1)Pb(I0.8Br0.2)3"`` (Vegard's law on the lattice constant and the radii), and the
double perovskites ``"Cs2AgBiBr6"`` and ``"Cs2AgBiCl6"``. Data and sources are in
``library/materials.yaml``.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any

from ligandlab import library
from ligandlab.errors import MaterialError, UnknownMaterialError, closest

_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_NUM = r"\d*\.?\d+"
# the A site: one cation, or fractions adding up to 1, optionally in parentheses
_A_ONE = re.compile(r"^(Cs|MA|FA)$")
_A_MIXED = re.compile(rf"^\(?((?:(?:Cs|MA|FA){_NUM}){{2,}})\)?$")
_A_PART = re.compile(rf"(Cs|MA|FA)({_NUM})")
# the X site: Br3; (Br0.5I0.5)3 with fractions; Br2I or Br1.5I1.5 with subscripts adding to 3
_X_ONE = re.compile(r"^(Cl|Br|I)3$")
_X_FRACTIONS = re.compile(rf"^\(((?:(?:Cl|Br|I){_NUM}){{2,}})\)3$")
_X_PART = re.compile(rf"(Cl|Br|I)({_NUM})")
_X_SUBSCRIPTS = re.compile(rf"^((?:(?:Cl|Br|I)(?:{_NUM})?){{2,}})$")
_X_SUBSCRIPT_PART = re.compile(rf"(Cl|Br|I)({_NUM})?")
# the B site: Pb or Sn, or fractions of both adding up to 1, optionally in parentheses
_B_ONE = re.compile(r"^(Pb|Sn)$")
_B_MIXED = re.compile(rf"^\(?((?:(?:Pb|Sn){_NUM}){{2,}})\)?$")
_B_PART = re.compile(rf"(Pb|Sn)({_NUM})")
_ABX3 = re.compile(r"^(?P<a>.+?)(?P<b>\(?(?:(?:Pb|Sn)[\d.]*)+\)?)(?P<x>(?:\(|Cl|Br|I).*)$")


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
    a_sites: tuple[tuple[Ion, float], ...]  # (ion, fraction); one entry unless mixed
    b_sites: tuple[Ion, ...]  # (Pb,), (Sn,), (Pb, Sn) mixed, or (Ag, Bi) for a double
    halides: tuple[tuple[Ion, float], ...]  # (ion, fraction)
    a: float  # pseudo-cubic lattice constant, A (primitive ABX3 cell)
    source: str
    double: bool = False
    b_fractions: tuple[float, ...] = ()  # of each b_sites ion when randomly mixed (Pb/Sn)
    notes: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def get(cls, name: str) -> Material:
        """The material for a formula; unknown names list the closest known ones.

        Unicode subscripts pasted from a paper (``CsPbBr₃``) read as digits."""
        return _material(name.strip().translate(_SUBSCRIPT_DIGITS))

    @property
    def a_site(self) -> Ion:
        """The A-site cation; for a mixed A site, the majority one."""
        return max(self.a_sites, key=lambda t: t[1])[0]

    @property
    def r_a(self) -> float:
        """A-site radius (A), fraction-weighted for mixed cations."""
        return sum(ion.radius * f for ion, f in self.a_sites)

    @property
    def r_x(self) -> float:
        """Halide radius (A), fraction-weighted for mixed halides."""
        return sum(ion.radius * f for ion, f in self.halides)

    @property
    def r_b(self) -> float:
        """Mean B-site radius (A), fraction-weighted for a mixed B site."""
        if self.mixed_b:
            return sum(b.radius * f for b, f in zip(self.b_sites, self.b_fractions, strict=True))
        return sum(b.radius for b in self.b_sites) / len(self.b_sites)

    @property
    def tolerance_factor(self) -> float:
        """Goldschmidt t = (r_A + r_X) / (sqrt(2) (r_B + r_X))."""
        return (self.r_a + self.r_x) / (math.sqrt(2) * (self.r_b + self.r_x))

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
        return _pick(self.halides, u).symbol

    def a_ion_for(self, u: float) -> Ion:
        """A cation for a site, given a uniform number u in [0, 1) (mixed A sites)."""
        return _pick(self.a_sites, u)

    @property
    def mixed_a(self) -> bool:
        return len(self.a_sites) > 1

    @property
    def mixed_b(self) -> bool:
        """A random Pb/Sn B site (a double perovskite's ordered B sites are not "mixed")."""
        return len(self.b_fractions) > 1

    @property
    def single(self) -> bool:
        """One A cation, one B metal and one halide: not mixed and not a double perovskite."""
        return not (self.double or self.mixed_a or self.mixed_b or len(self.halides) > 1)

    def b_ion_for(self, u: float) -> Ion:
        """A B cation for a site, given a uniform number u in [0, 1) (mixed Pb/Sn)."""
        return _pick(tuple(zip(self.b_sites, self.b_fractions, strict=True)), u)

    def charges(self) -> dict[str, int]:
        """Formal charge of every ion, keyed by its residue name (``"CS"``, ``"PB"``, ...)."""
        out = {ion.symbol.upper(): ion.charge for ion, _ in self.a_sites}
        out.update({b.symbol.upper(): b.charge for b in self.b_sites})
        out.update({ion.symbol.upper(): ion.charge for ion, _ in self.halides})
        return out

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "a_A": self.a,
            "A": " ".join(f"{i.symbol}{f:g}" for i, f in self.a_sites)
            if self.mixed_a
            else self.a_site.symbol,
            "B": " ".join(
                f"{b.symbol}{f:g}" for b, f in zip(self.b_sites, self.b_fractions, strict=True)
            )
            if self.mixed_b
            else "/".join(b.symbol for b in self.b_sites),
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


def ion(symbol: str) -> Ion:
    """The lattice ion ``symbol`` (``Cs``, ``FA``, ``Pb``, ``Br``...) from
    library/materials.yaml, with its radius and source."""
    ions = _ions()
    if symbol not in ions:
        raise MaterialError(f"unknown ion {symbol!r}; known: {', '.join(sorted(ions))}")
    return ions[symbol]


@functools.cache
def _table() -> dict[tuple[str, str, str], dict[str, Any]]:
    """Single perovskites by (A, B, X)."""
    raw = library.load_yaml("materials.yaml")
    return {(p["a_site"], p.get("b", "Pb"), p["x"]): p for p in raw["perovskites"]}


def material_names() -> list[str]:
    """Every named material in the library (mixed compositions are built on request)."""
    raw = library.load_yaml("materials.yaml")
    names = [f"{a}{b}{x}3" for a, b, x in _table()]
    return names + [d["id"] for d in raw["double_perovskites"]]


def _row(name: str, a_site: str, b: str, x: str) -> dict[str, Any]:
    """The library row of the end member ``a_site`` ``b`` ``x``, or a clear error."""
    row = _table().get((a_site, b, x))
    if row is None:
        have = ", ".join(f"{a}{bb}{xx}3" for a, bb, xx in _table() if bb == b)
        raise MaterialError(
            f"{name!r}: no lattice constant for {a_site}{b}{x}3 in the library; "
            f"the {b} perovskites it has are {have}"
        )
    return row


def _pick(parts: tuple[tuple[Ion, float], ...], u: float) -> Ion:
    acc = 0.0
    for ion, f in parts:
        acc += f
        if u < acc:
            return ion
    return parts[-1][0]


@functools.cache
def _material(name: str) -> Material:
    ions = _ions()
    raw = library.load_yaml("materials.yaml")
    for d in raw["double_perovskites"]:
        if d["id"].lower() == name.lower():
            return Material(
                name=d["id"],
                a_sites=((ions[d["a_site"]], 1.0),),
                b_sites=(ions[d["b1"]], ions[d["b3"]]),
                halides=((ions[d["x"]], 1.0),),
                a=d["a"] / 2.0,
                source=d["source"] + " (a/2 is the pseudo-cubic ABX3 cell)",
                double=True,
            )
    m = _ABX3.match(name)
    a_parts = _a_parts(name, m.group("a")) if m else None
    b_parts = _b_parts(name, m.group("b")) if m else None
    x_parts = _x_parts(name, m.group("x")) if m else None
    if m is None or a_parts is None or b_parts is None or x_parts is None:
        if closest(name, material_names(), n=1):
            raise UnknownMaterialError("material", name, material_names())
        raise MaterialError(
            f"cannot build {name!r}: supported are APbX3 (A = Cs, MA, FA; X = Cl, Br, I), ASnX3 "
            "(X = Br, I), mixed halides such as 'CsPb(Br0.5I0.5)3' or 'CsPbBr2I', mixed A sites "
            "such as 'Cs0.5FA0.5PbI3', mixed B sites such as 'CsPb0.5Sn0.5I3', and the double "
            "perovskites " + ", ".join(d["id"] for d in raw["double_perovskites"])
        )
    if len(a_parts) == 1 and len(b_parts) == 1 and len(x_parts) == 1:
        (a_site, _), (b, _), (x, _) = a_parts[0], b_parts[0], x_parts[0]
        row = _row(name, a_site, b, x)
        return Material(
            name, ((ions[a_site], 1.0),), (ions[b],), ((ions[x], 1.0),), row["a"], row["source"]
        )
    # Vegard's law, linear in each site's fractions:
    # a = sum_A sum_B sum_X f_A f_B f_X a(ABX), radii weighted the same way (an estimate).
    combos = [(a, fa, b, fb, x, fx) for a, fa in a_parts for b, fb in b_parts for x, fx in x_parts]
    rows = {(a, b, x): _row(name, a, b, x) for a, _, b, _, x, _ in combos}
    lattice = sum(fa * fb * fx * rows[(a, b, x)]["a"] for a, fa, b, fb, x, fx in combos)
    ends = [row["source"] for row in rows.values()]
    sites = (("A-site cations", a_parts), ("B-site metals", b_parts), ("halides", x_parts))
    mixed = [w for w, parts in sites if len(parts) > 1]
    what = " and ".join([", ".join(mixed[:-1]), mixed[-1]] if len(mixed) > 1 else mixed)
    return Material(
        name,
        tuple((ions[a], f) for a, f in a_parts),
        tuple(ions[b] for b, _ in b_parts),
        tuple((ions[x], f) for x, f in x_parts),
        lattice,
        "Vegard's law between " + "; ".join(dict.fromkeys(ends)),
        b_fractions=tuple(f for _, f in b_parts) if len(b_parts) > 1 else (),
        notes=(f"lattice constant and radii interpolated over the mixed {what} (Vegard)",),
    )


def _a_parts(name: str, text: str) -> list[tuple[str, float]] | None:
    """The A site as (cation, fraction); None when ``text`` is not an A site at all."""
    return _site_parts(name, text, (_A_ONE, _A_MIXED, _A_PART), "A-site", "an A-site cation")


def _b_parts(name: str, text: str) -> list[tuple[str, float]] | None:
    """The B site as (metal, fraction); None when ``text`` is not a B site at all."""
    return _site_parts(name, text, (_B_ONE, _B_MIXED, _B_PART), "B-site", "a B-site metal")


def _site_parts(
    name: str, text: str, patterns: tuple[re.Pattern[str], ...], site: str, kind: str
) -> list[tuple[str, float]] | None:
    """One ion, or fractions adding up to 1 (optionally in parentheses), by the site's
    (one, mixed, part) patterns; None when ``text`` is not that site at all."""
    one, mixed, part = patterns
    if one.match(text):
        return [(text, 1.0)]
    m = mixed.match(text)
    if not m or (text.startswith("(") != text.endswith(")")):
        return None
    parts = [(ion, float(f)) for ion, f in part.findall(m.group(1))]
    return _fractions(name, parts, total=1.0, what=f"{site} fractions", kind=kind)


def _x_parts(name: str, text: str) -> list[tuple[str, float]] | None:
    """The X site as (halide, fraction); None when ``text`` is not an X site at all."""
    m = _X_ONE.match(text)
    if m:
        return [(m.group(1), 1.0)]
    m = _X_FRACTIONS.match(text)
    if m:
        parts = [(x, float(f)) for x, f in _X_PART.findall(m.group(1))]
        return _fractions(name, parts, total=1.0, what="halide fractions", kind="a halide")
    m = _X_SUBSCRIPTS.match(text)
    if m:
        parts = [(x, float(n) if n else 1.0) for x, n in _X_SUBSCRIPT_PART.findall(m.group(1))]
        return _fractions(name, parts, total=3.0, what="halide subscripts", kind="a halide")
    return None


def _fractions(
    name: str, parts: list[tuple[str, float]], *, total: float, what: str, kind: str
) -> list[tuple[str, float]]:
    """``parts`` (symbol, amount) checked to add up to ``total``, as fractions of 1."""
    symbols = [x for x, _ in parts]
    if len(set(symbols)) != len(symbols):
        raise MaterialError(f"{name!r}: {kind} appears twice")
    given = sum(f for _, f in parts)
    if abs(given - total) > 1e-6 or any(f <= 0 for _, f in parts):
        raise MaterialError(
            f"{name!r}: {what} must be positive and add up to {total:g} (they add up to {given:g})"
        )
    return [(x, f / total) for x, f in parts]
