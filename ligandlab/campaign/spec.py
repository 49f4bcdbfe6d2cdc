"""The campaign spec: what to screen, where, with which scorers, and what to simulate.

A spec is YAML (or a dict, or keyword arguments) validated by pydantic. Every field is
checked before any work starts, and *all* invalid fields are reported in one
``SpecError``: unknown materials, solvents, scorers, heads or tails, bad weights, missing
ligand files, an unknown simulation protocol. Relative ligand-file paths resolve against
the spec file's folder; ``output`` resolves against the working directory (it is where
you want results, like ``-o``).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ligandlab.errors import LigandLabError, UnknownNameError
from ligandlab.materials.slab import Facet, Termination


class SpecError(LigandLabError, ValueError):
    """A campaign spec with invalid fields; the message lists every one of them."""


def _name_error(exc: LigandLabError) -> str:
    """The message of a name lookup error without the exception type."""
    return str(exc)


class LigandSource(BaseModel):
    """One source of ligands; exactly one of ``library``, ``smiles`` or ``file``.

    - ``library``: heads x bridges x tails enumerated from the fragment library
      (``{}`` or ``default`` = the default library; omitted lists mean "all").
    - ``smiles``: SMILES strings or library names (``C8C12-PEA``), each optionally
      followed by a space and a display name.
    - ``file``: a ``.smi`` (SMILES [name] per line) or ``.sdf`` file.
    """

    model_config = ConfigDict(extra="forbid")

    library: LibrarySelection | None = Field(
        default=None,
        description=(
            "heads x bridges x tails from the fragment library; `{}` or `default` = the default "
            "library"
        ),
    )
    smiles: list[str] | None = Field(
        default=None,
        description=(
            "SMILES, library names (`C8C12-PEA`) or reference ligands (`OAm`, `DDAB`; "
            "`ligandlab library references`), each optionally followed by a space and a "
            "display name"
        ),
    )
    file: Path | None = Field(
        default=None,
        description=(
            "a `.smi`/`.smiles`/`.txt` (SMILES [name] per line, `#` comments) or `.sdf`/`.mol` "
            "file, relative to the spec file"
        ),
    )

    ionize: bool = Field(
        default=False,
        description=(
            "with smiles or file: charge groups written neutral as they bind the surface "
            "(amine to ammonium, acid to its anion; `ll.ionize`)"
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _default_library(cls, data: Any) -> Any:
        if data == "library" or (isinstance(data, dict) and data.get("library") == "default"):
            return {"library": {}}
        return data

    @model_validator(mode="after")
    def _exactly_one(self) -> LigandSource:
        given = [k for k in ("library", "smiles", "file") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of library, smiles or file per ligand source"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.ionize and self.library is not None:
            raise ValueError("ionize applies to smiles and file sources; library ligands are ions")
        return self

    @field_validator("smiles")
    @classmethod
    def _smiles(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        from ligandlab.chem.assembly import parse_named_ligands

        bad = []
        for item in v:
            try:
                parse_named_ligands(item)
            except LigandLabError as exc:
                bad.append(str(exc))
        if not v:
            raise ValueError("empty SMILES list")
        if bad:
            raise ValueError("; ".join(bad))
        return v

    @field_validator("file")
    @classmethod
    def _file(cls, v: Path | None, info: ValidationInfo) -> Path | None:
        if v is None:
            return v
        base = (info.context or {}).get("base")
        path = v if v.is_absolute() or base is None else Path(base) / v
        from ligandlab.chem.io import READ_FORMATS

        if path.suffix.lower() not in READ_FORMATS:
            raise ValueError(f"{v}: ligand files must be {', '.join(READ_FORMATS)}")
        if not path.is_file():
            raise ValueError(f"ligand file {path} does not exist")
        return path


class LibrarySelection(BaseModel):
    """Heads x bridges x tails from the fragment library (``None`` = all / allowed /
    default tails)."""

    model_config = ConfigDict(extra="forbid")

    heads: list[str] | None = Field(
        default=None, description="head ids or aliases (`ligandlab library heads`); omitted = all"
    )
    bridges: list[int] | None = Field(
        default=None,
        description=(
            "CH2 counts; each head keeps those it allows; omitted = each head's allowed range"
        ),
    )
    tails: list[str] | None = Field(
        default=None,
        description="tail ids, aliases or tail SMILES with one `[*]`; omitted = the default tails",
    )

    @field_validator("heads")
    @classmethod
    def _heads(cls, v: list[str] | None) -> list[str] | None:
        from ligandlab import library

        if v is None:
            return v
        bad = []
        for h in v:
            try:
                library.resolve_head(h)
            except UnknownNameError as exc:
                bad.append(_name_error(exc))
        if bad:
            raise ValueError("; ".join(bad))
        return v

    @field_validator("tails")
    @classmethod
    def _tails(cls, v: list[str] | None) -> list[str] | None:
        from ligandlab.chem.assembly import resolve_tail

        if v is None:
            return v
        bad = []
        for t in v:
            try:
                resolve_tail(t)
            except LigandLabError as exc:
                bad.append(str(exc))
        if bad:
            raise ValueError("; ".join(bad))
        return v

    @field_validator("bridges")
    @classmethod
    def _bridges(cls, v: list[int] | None) -> list[int] | None:
        if v is not None and any(b < 1 or b > 12 for b in v):
            raise ValueError(f"bridges must be CH2 counts between 1 and 12, got {v}")
        return v


LigandSource.model_rebuild()


class Funnel(BaseModel):
    """The simulation stage: the ``top`` candidates of the fast ranking (0 = none) are
    simulated with ``protocol`` (see ``ll.simulate.PROTOCOLS``) as one ligand on a
    ``size`` x ``size`` slab, its tail cut to ``tail_carbons`` carbons."""

    model_config = ConfigDict(extra="forbid")

    top: int = Field(
        default=0,
        ge=0,
        description="how many of the best fast-ranked candidates to simulate (0 = none)",
    )
    protocol: str = Field(
        default="short",
        description=(
            "simulation protocol: `test`, `short`, `quick`, `standard`, `remd` "
            "(`ll.simulate.PROTOCOLS`)"
        ),
    )
    tail_carbons: int = Field(
        default=5,
        ge=1,
        description="tail carbons kept in the simulated model (Morad et al. simulated C5 tails)",
    )
    size: int = Field(
        default=4,
        ge=2,
        le=12,
        description="slab size (size x size unit cells, 3 layers, one ligand started in BM3)",
    )
    seed: int = Field(default=0, description="random seed for placement, packing and dynamics")
    platform: str | None = Field(
        default=None,
        description=(
            "force an OpenMM platform (`CUDA`, `OpenCL`, `CPU`); omitted = the fastest available"
        ),
    )

    @field_validator("protocol")
    @classmethod
    def _protocol(cls, v: str) -> str:
        from ligandlab.simulate.run import PROTOCOLS

        if v not in PROTOCOLS:
            raise ValueError(f"unknown protocol {v!r}; known: {', '.join(PROTOCOLS)}")
        return v


class CampaignSpec(BaseModel):
    """Everything a campaign needs; see ``docs/campaign-spec.md`` for every field."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="campaign", description="label shown in the report and `status`")
    ligands: list[LigandSource] = Field(
        min_length=1,
        description=(
            "one or more ligand sources (below); ligands are de-duplicated by canonical SMILES"
        ),
    )
    materials: list[str] = Field(
        min_length=1,
        description=(
            "material formulas: library names (`ligandlab library materials`), mixed halides "
            "(`CsPbBr2I`) or mixed A sites (`Cs0.5FA0.5PbI3`)"
        ),
    )
    facets: list[Facet] = Field(default=["100"], description="Miller facets: `100`, `110`, `111`")
    terminations: list[Termination] = Field(
        default=["AX"],
        description=(
            "`AX` (A-X rich) or `PbX2`; PbX2 applies to (100) only, so (110) and (111) take "
            "the AX surface of this list"
        ),
    )
    solvents: list[str] | None = Field(
        default=None,
        description=(
            "solvent ids or aliases (`ligandlab library solvents`) or blends "
            "(`toluene/hexane 3:1`, by volume; the fast scorers only); omit for no solvent "
            "(solvent_match is skipped)"
        ),
    )
    scorers: list[str] | None = Field(
        default=None,
        description="fast scorers to run (`ligandlab plugins`); omitted = every fast scorer",
    )
    weights: dict[str, float] | None = Field(
        default=None,
        description=(
            "scorer -> weight >= 0 for the total (weighted geometric mean); omitted = 1 each"
        ),
    )
    funnel: Funnel = Field(default=Funnel(), description="the simulation stage (below)")
    executor: Literal["local", "dask"] = Field(
        default="local", description="`local` (process pool; in-process with one worker) or `dask`"
    )
    scheduler: str | None = Field(
        default=None,
        description=(
            "Dask scheduler address `tcp://host:port`; omitted = a LocalCluster (executor dask "
            "only)"
        ),
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        description="worker processes (local pool or LocalCluster); omitted = CPU count, at most 8",
    )
    batch_size: int = Field(
        default=4,
        ge=1,
        description="ligands per task (each task scores all surfaces and solvents of its ligands)",
    )
    output: Path = Field(
        default=Path("campaign-results"),
        description="output folder, relative to the working directory (store, simulations, report)",
    )

    @field_validator("facets", mode="before")
    @classmethod
    def _facets_as_text(cls, v: Any) -> Any:
        # YAML reads 100 as an int; facets are Miller-index labels
        return [str(x) for x in v] if isinstance(v, list) else v

    @field_validator("materials")
    @classmethod
    def _materials(cls, v: list[str]) -> list[str]:
        from ligandlab.materials.material import Material

        bad, names = [], []
        for m in v:
            try:
                names.append(Material.get(m).name)  # as the library spells it (CsPbBr₃)
            except LigandLabError as exc:
                bad.append(str(exc))
        if bad:
            raise ValueError("; ".join(bad))
        return list(dict.fromkeys(names))

    @field_validator("solvents")
    @classmethod
    def _solvents(cls, v: list[str] | None) -> list[str] | None:
        from ligandlab import library

        if v is None:
            return v
        bad, out = [], []
        for s in v:
            try:
                out.append(library.solvent(s).id)
            except LigandLabError as exc:
                bad.append(str(exc))
        if bad:
            raise ValueError("; ".join(bad))
        return out

    @field_validator("scorers")
    @classmethod
    def _scorers(cls, v: list[str] | None) -> list[str] | None:
        from ligandlab.scoring.manager import get_scorer

        if v is None:
            return v
        bad = []
        for s in v:
            try:
                scorer = get_scorer(s)
            except LigandLabError as exc:
                bad.append(str(exc))
                continue
            if scorer.cost != "fast":
                bad.append(f"scorer {s!r} is slow; simulations belong in the funnel")
        if bad:
            raise ValueError("; ".join(bad))
        return v

    @field_validator("weights")
    @classmethod
    def _weights(cls, v: dict[str, float] | None, info: ValidationInfo) -> dict[str, float] | None:
        from ligandlab.scoring.manager import scorers

        if v is None:
            return v
        run = info.data.get("scorers") or scorers("fast")
        bad = []
        for name, w in v.items():
            if name not in run:
                known = ", ".join(run)
                bad.append(f"weight for {name!r}, which is not a scorer of this campaign ({known})")
            elif not math.isfinite(w) or w < 0:
                bad.append(f"weight of {name!r} must be a finite number >= 0, got {w!r}")
        if not bad and not any(v.get(n, 1.0) > 0 for n in run):
            bad.append("all weights are zero; give at least one positive weight")
        if bad:
            raise ValueError("; ".join(bad))
        return v

    @model_validator(mode="after")
    def _scheduler_needs_dask(self) -> CampaignSpec:
        if self.scheduler is not None and self.executor != "dask":
            raise ValueError("scheduler is only used with executor: dask")
        return self

    @model_validator(mode="after")
    def _some_surface(self) -> CampaignSpec:
        if not self.surfaces():
            raise ValueError(
                f"no buildable surface among facets {self.facets} x terminations "
                f"{self.terminations}: PbX2 termination is built for (100) only"
            )
        return self

    def surfaces(self) -> list[tuple[str, str]]:
        """(facet, termination) pairs to screen: the cross product of ``facets`` and
        ``terminations`` without the cuts that are not built ((110)/(111) PbX2)."""
        from ligandlab.materials.slab import surface_supported

        return [(f, t) for f in self.facets for t in self.terminations if surface_supported(f, t)]

    def scorer_names(self) -> list[str]:
        from ligandlab.scoring.manager import scorers

        return list(self.scorers) if self.scorers is not None else scorers("fast")

    def n_workers(self) -> int:
        return self.workers or max(1, min(os.cpu_count() or 1, 8))


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part not in ("function-after[_exactly_one(), LigandSource]",):
            out += ("." if out else "") + str(part)
    return out or "spec"


def validate_spec(data: Any, base: Path | None = None) -> CampaignSpec:
    """A validated spec, or one ``SpecError`` listing every invalid field."""
    if not isinstance(data, dict):
        raise SpecError(f"a campaign spec is a mapping of fields, not {type(data).__name__}")
    try:
        return CampaignSpec.model_validate(data, context={"base": base})
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            msg = str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"{_location(err['loc'])}: {msg}")
        n = len(lines)
        raise SpecError(
            f"invalid campaign spec ({n} problem{'s' if n > 1 else ''}): " + " | ".join(lines)
        ) from None


def load_spec(path: str | Path) -> CampaignSpec:
    """Read and validate a YAML spec file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise SpecError(f"cannot read campaign file {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise SpecError(f"campaign file {path} is not valid YAML: {exc}") from exc
    return validate_spec(data, base=path.resolve().parent)
