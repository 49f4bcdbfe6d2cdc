"""Typed access to the data in ``library/``.

The files are found inside the installed package (``ligandlab/_library``, put there by the
wheel build) or, for an editable install, in the source checkout's ``library/``.
``LIGANDLAB_LIBRARY`` points at another copy. Every record carries its ``source``.
Records are plain data (no RDKit); ``ligandlab.chem`` turns them into molecules.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ligandlab.errors import (
    LibraryError,
    SolventError,
    UnknownHeadError,
    UnknownMixtureError,
    UnknownReferenceError,
    UnknownSolventError,
    UnknownTailError,
)

TailClass = Literal[
    "linear_alkyl",
    "branched_alkyl",
    "unsaturated",
    "aromatic",
    "halogenated",
    "polyether",
    "polystyrene",
    "diacylglycerol",
    "methyl",
]


def data_root() -> Path:
    """Directory holding the library YAML files."""
    env = os.environ.get("LIGANDLAB_LIBRARY")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve().parent
    candidates += [here / "_library", here.parent / "library"]
    for path in candidates:
        if (path / "heads.yaml").is_file():
            return path
    raise LibraryError(
        "ligandlab library data not found; looked in " + ", ".join(str(c) for c in candidates)
    )


def fingerprint() -> str:
    """A hash of the library data in use (every file but ``validation/``).

    Cached scores and simulations key on it, so editing a lattice constant, a solvent's
    Hansen parameters or an ion model (here or in a ``LIGANDLAB_LIBRARY`` copy) recomputes
    what depends on them instead of serving values computed from the old data. A plugin
    that caches its own results should key on it too.
    """
    return _fingerprint(data_root())


@functools.cache
def _fingerprint(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root)
        if rel.parts[0] == "validation" or any(part.startswith((".", "__")) for part in rel.parts):
            continue
        h.update(rel.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


@functools.cache
def load_yaml(name: str) -> Any:
    """Parsed content of ``library/<name>`` (cached for the process)."""
    path = data_root() / name
    try:
        with path.open() as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise LibraryError(f"library file {path} is missing") from exc
    except yaml.YAMLError as exc:
        raise LibraryError(f"library file {path} is not valid YAML: {exc}") from exc


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HeadRecord(_Record):
    """A zwitterionic head group assembled as core + bridge(s) + cationic/anionic end(s).

    ``core`` carries ``[*:1]`` where the tail attaches and ``[*:10k]`` where bridge k starts;
    end k carries ``[*:10k+1]`` where bridge k ends. A bridge is n CH2 units.
    """

    id: str
    name: str
    family: str
    core: str
    ends: tuple[str, ...]
    bridges: tuple[int, int] = Field(description="allowed bridge range, inclusive")
    default_bridge: int
    aliases: dict[str, int] = Field(default_factory=dict, description="alias -> fixed bridge")
    cation: str
    anion: str
    source: str

    @field_validator("bridges")
    @classmethod
    def _range(cls, v: tuple[int, int]) -> tuple[int, int]:
        if v[0] < 1 or v[1] < v[0]:
            raise ValueError(f"bad bridge range {v}")
        return v


class TailRecord(_Record):
    """A tail R with one attachment point ``[*]`` at the atom bonded to the head."""

    id: str
    name: str
    smiles: str
    cls: TailClass = Field(alias="class")
    aliases: tuple[str, ...] = ()
    alcohol: str | None = Field(default=None, description="precursor alcohol R-OH, if common")
    mn: float | None = Field(default=None, description="number-average molar mass, g/mol")
    in_default_library: bool = True
    source: str

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class MixtureComponent(_Record):
    """One molecule of a mixture and its mole fraction."""

    name: str
    smiles: str | None = None
    head: str | None = None
    bridge: int | None = None
    tail: str | None = None
    fraction: float = Field(gt=0, le=1)


class MixtureRecord(_Record):
    """A natural or commercial ligand mixture such as lecithin."""

    id: str
    name: str
    components: tuple[MixtureComponent, ...]
    source: str

    @field_validator("components")
    @classmethod
    def _sum_to_one(cls, v: tuple[MixtureComponent, ...]) -> tuple[MixtureComponent, ...]:
        total = sum(c.fraction for c in v)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"component fractions sum to {total}, not 1")
        return v


class ReferenceRecord(_Record):
    """An established capping ligand that designs are compared against (OAm, OA, DDAB...).

    ``smiles`` is the species as it binds and ``reagent`` the compound as bought; a
    zwitterion the fragment library builds is given as ``head``/``bridge``/``tail`` instead.
    """

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    smiles: str | None = None
    head: str | None = None
    bridge: int | None = None
    tail: str | None = None
    reagent: str | None = Field(default=None, description="the compound as bought, SMILES")
    binds: str = Field(description="how it binds, in words")
    source: str

    @model_validator(mode="after")
    def _one_structure(self) -> ReferenceRecord:
        if (self.smiles is None) == (self.head is None or self.tail is None):
            raise ValueError(f"reference {self.id}: give either smiles or head and tail")
        return self


SolventClass = Literal[
    "alkane",
    "aromatic",
    "halogenated",
    "fluorous",
    "ether",
    "ketone",
    "ester",
    "alcohol",
    "polar_aprotic",
    "water",
]


class SolventRecord(_Record):
    """A solvent: Hansen parameters (MPa^1/2), molar volume (cm3/mol) and properties."""

    id: str
    name: str
    smiles: str
    cls: SolventClass = Field(alias="class")
    aliases: tuple[str, ...] = ()
    d_d: float
    d_p: float = Field(ge=0)
    d_h: float = Field(ge=0)
    v: float = Field(gt=0, description="molar volume, cm3/mol")
    dielectric: float | None = None
    bp: float | None = Field(default=None, description="normal boiling point, C")
    nc_compatible: bool = True
    why: str | None = Field(default=None, description="why it is not NC-compatible")
    estimated: bool = False
    source: str = "hansen2007 (HSP, V); crc97 (dielectric, bp)"
    components: tuple[tuple[str, float], ...] = Field(
        default=(), description="for a blend: (solvent id, volume fraction) of each component"
    )

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _records(name: str, model: type[_Record], key: str) -> tuple[Any, ...]:
    raw = load_yaml(name)
    try:
        return tuple(model.model_validate(item) for item in raw[key])
    except (ValidationError, KeyError, TypeError) as exc:
        raise LibraryError(f"library file {name} is malformed: {exc}") from exc


@functools.cache
def heads() -> tuple[HeadRecord, ...]:
    """Every head group in the library."""
    return _records("heads.yaml", HeadRecord, "heads")


@functools.cache
def tails() -> tuple[TailRecord, ...]:
    """Every tail in the library."""
    return _records("tails.yaml", TailRecord, "tails")


@functools.cache
def mixtures() -> tuple[MixtureRecord, ...]:
    """Every mixture record (e.g. natural lecithin)."""
    return _records("mixtures.yaml", MixtureRecord, "mixtures")


@functools.cache
def references() -> tuple[ReferenceRecord, ...]:
    """Every reference ligand (``library/references.yaml``)."""
    return _records("references.yaml", ReferenceRecord, "references")


def reference_names() -> list[str]:
    """Reference ligand ids and aliases."""
    return [n for r in references() for n in (r.id, *r.aliases)]


def find_reference(name: str) -> ReferenceRecord | None:
    """The reference ligand whose id or alias is ``name`` (case-insensitive), else ``None``."""
    low = name.strip().lower()
    for r in references():
        if low in (n.lower() for n in (r.id, *r.aliases)):
            return r
    return None


def reference(name: str) -> ReferenceRecord:
    """The reference ligand for an id or alias (case-insensitive)."""
    found = find_reference(name)
    if found is None:
        raise UnknownReferenceError("reference ligand", name, reference_names())
    return found


@functools.cache
def solvents() -> tuple[SolventRecord, ...]:
    """Every solvent in the library."""
    return _records("solvents.yaml", SolventRecord, "solvents")


def solvent_names() -> list[str]:
    """Solvent ids and aliases."""
    return [n for s in solvents() for n in (s.id, *s.aliases)]


def solvent(name: str) -> SolventRecord:
    """The solvent record for an id, alias or name (case-insensitive), or for a blend
    written ``"toluene/hexane"`` (equal volumes) or ``"toluene/hexane 3:1"`` (by volume)."""
    low = name.strip().lower()
    for s in solvents():
        if low in (s.id.lower(), s.name.lower(), *(a.lower() for a in s.aliases)):
            return s
    parts = _blend_parts(name)
    if parts is not None:
        return _blend(*parts)
    raise UnknownSolventError("solvent", name, solvent_names())


_RATIO = re.compile(r"^\d*\.?\d+(?::\d*\.?\d+)+$")
_VV = re.compile(r"\s*\(?\s*v\s*/\s*v\s*\)?\s*$", re.IGNORECASE)


def _blend_parts(name: str) -> tuple[tuple[str, ...], tuple[float, ...] | None] | None:
    """(component names, volume ratio or None) of ``"a/b 3:1"`` or ``"a + b"``, else None."""
    text = _VV.sub("", name.strip())
    if "/" not in text and "+" not in text:
        return None
    ratio = None
    head, _, last = text.rpartition(" ")
    if head and _RATIO.match(last):
        text, ratio = head, tuple(float(x) for x in last.split(":"))
    return tuple(n.strip() for n in re.split(r"[/+]", text)), ratio


@functools.lru_cache(maxsize=256)
def _blend(names: tuple[str, ...], ratio: tuple[float, ...] | None) -> SolventRecord:
    """A solvent blend by Hansen's volume-fraction rule: each HSP component is the
    volume-weighted mean (Hansen, Hansen Solubility Parameters: A User's Handbook, 2nd ed.,
    CRC 2007, ch. 1). The molar volume is that of an ideal mixture, 1 / sum(phi_i / V_i)."""
    label = "/".join(names)
    if len(names) < 2 or not all(names):
        raise SolventError(
            f"solvent blend {label!r}: name two or more solvents, e.g. 'toluene/hexane 3:1'"
        )
    recs = [solvent(n) for n in names]  # parts hold no "/" or "+", so none is a blend
    ids = [r.id for r in recs]
    if len(set(ids)) != len(ids):
        raise SolventError(f"solvent blend {label!r}: a solvent appears twice")
    given = ratio or (1.0,) * len(recs)
    if len(given) != len(recs) or any(x <= 0 for x in given):
        raise SolventError(
            f"solvent blend {label!r}: give one positive volume part per solvent, e.g. "
            + ":".join(["1"] * len(recs))
        )
    pairs = immiscible_pairs()
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if frozenset((a, b)) in pairs:
                raise SolventError(f"solvent blend {label!r}: {a} and {b} do not mix")
    phi = [x / sum(given) for x in given]
    main = recs[max(range(len(recs)), key=lambda i: phi[i])]
    whys = [f"{r.id}: {r.why}" for r in recs if r.why]
    parts = ":".join(f"{x:g}" for x in given)

    def mean(field: str) -> float:
        return sum(f * getattr(r, field) for f, r in zip(phi, recs, strict=True))

    return SolventRecord.model_validate(
        {
            "id": "/".join(ids) + " " + parts,
            "name": " / ".join(r.name for r in recs) + f" ({parts} v/v)",
            "smiles": ".".join(r.smiles for r in recs),
            "class": main.cls,
            "d_d": mean("d_d"),
            "d_p": mean("d_p"),
            "d_h": mean("d_h"),
            "v": 1.0 / sum(f / r.v for f, r in zip(phi, recs, strict=True)),
            "nc_compatible": all(r.nc_compatible for r in recs),
            "why": "; ".join(whys) or None,
            "estimated": any(r.estimated for r in recs),
            "source": "volume-fraction blend (Hansen 2007, ch. 1) of "
            + "; ".join(f"{r.id} [{r.source}]" for r in recs),
            "components": tuple((r.id, f) for r, f in zip(recs, phi, strict=True)),
        }
    )


@functools.cache
def immiscible_pairs() -> frozenset[frozenset[str]]:
    """Solvent id pairs that do not mix in all proportions (classes expanded)."""
    raw = load_yaml("solvents.yaml").get("immiscible", [])
    ids = [s.id for s in solvents()]

    def expand(term: str) -> list[str]:
        if term == "*":
            return ids
        members = [s.id for s in solvents() if s.cls == term]
        if members:
            return members
        return [solvent(term).id]

    out: set[frozenset[str]] = set()
    for a, b in raw:
        for x in expand(a):
            for y in expand(b):
                if x != y:
                    out.add(frozenset((x, y)))
    return frozenset(out)


def default_tails() -> tuple[TailRecord, ...]:
    """The tails of the default screening library (helper caps such as methyl left out)."""
    return tuple(t for t in tails() if t.in_default_library)


def head_names() -> list[str]:
    """Head ids and aliases, as accepted by ``build_ligand``."""
    out: list[str] = []
    for h in heads():
        out.append(h.id)
        out.extend(h.aliases)
    return out


def resolve_head(name: str) -> tuple[HeadRecord, int | None]:
    """The head record for an id or alias, and the bridge an alias fixes (else ``None``)."""
    low = name.strip().lower()
    for h in heads():
        if h.id.lower() == low:
            return h, None
        for alias, bridge in h.aliases.items():
            if alias.lower() == low:
                return h, bridge
    raise UnknownHeadError("head", name, head_names())


def head(name: str) -> HeadRecord:
    """The head record for an id or alias."""
    return resolve_head(name)[0]


def tail(name: str) -> TailRecord:
    """The tail record for an id or alias (case-insensitive)."""
    low = name.strip().lower()
    for t in tails():
        if t.id.lower() == low or low in (a.lower() for a in t.aliases):
            return t
    known = [t.id for t in tails()] + [a for t in tails() for a in t.aliases]
    raise UnknownTailError("tail", name, known)


def find_mixture(name: str) -> MixtureRecord | None:
    """The mixture record whose id is ``name`` (case-insensitive), else ``None``."""
    low = name.strip().lower()
    for m in mixtures():
        if m.id.lower() == low:
            return m
    return None


def mixture(name: str) -> MixtureRecord:
    """The mixture record for an id (case-insensitive)."""
    found = find_mixture(name)
    if found is None:
        raise UnknownMixtureError("mixture", name, [m.id for m in mixtures()])
    return found
