"""Ligands assembled from head, bridge and tail fragments, and library enumeration."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdkit import Chem

from ligandlab import library
from ligandlab.chem.fragments import (
    Tail,
    bridge_fragment,
    fragment,
    join,
    resolve_tail,
    tail_fragment,
)
from ligandlab.chem.ligand import Ligand, Parts
from ligandlab.errors import BridgeError, InvalidSmilesError, LigandLabError

TailLike = str | Tail | library.TailRecord


def head_label(head: library.HeadRecord, bridge: int) -> str:
    """Short display name: the alias that fixes this bridge if there is one, else ID/n."""
    for alias, n in head.aliases.items():
        if n == bridge:
            return alias
    return f"{head.id}/{bridge}"


def resolve_bridge(head: str, bridge: int | None) -> tuple[library.HeadRecord, int]:
    """The head record and the bridge to use, checking the head's allowed range."""
    record, fixed = library.resolve_head(head)
    lo, hi = record.bridges
    if fixed is not None:
        if bridge is not None and bridge != fixed:
            raise BridgeError(
                f"head alias {head!r} fixes the bridge at C{fixed}; got bridge={bridge}. "
                f"Use head={record.id!r} with bridge in {lo}..{hi} instead"
            )
        return record, fixed
    n = record.default_bridge if bridge is None else bridge
    if not isinstance(n, int) or isinstance(n, bool) or not lo <= n <= hi:
        raise BridgeError(
            f"bridge {bridge!r} is outside the range allowed for head {record.id!r}: "
            f"{lo}..{hi} CH2 units"
        )
    return record, n


def build_ligand(
    head: str, bridge: int | None = None, tail: TailLike = "C16", name: str | None = None
) -> Ligand:
    """Assemble head + bridge + tail into a ``Ligand``.

    ``head`` is a library id or alias (PE, PE-NMe, PE-NMe2, PE-NMe3, SB, CB, GABA, bisPE;
    PEA, PPA, PBA, PC); ``bridge`` the number of CH2 between the two charged groups (the
    head's default when omitted); ``tail`` a library id/alias, a ``Tail`` or a SMILES with
    one ``[*]``.
    """
    record, n = resolve_bridge(head, bridge)
    t = resolve_tail(tail)
    smiles = _assemble(record.id, n, t.smiles)
    label = head_label(record, n)
    return Ligand.from_smiles(
        smiles,
        name=name or f"{t.id}-{label}",
        parts=Parts(head=record.id, bridge=n, tail=t.id),
        tail_smiles=t.smiles,
    )


@functools.lru_cache(maxsize=8192)
def _assemble(head_id: str, bridge: int, tail_smiles: str) -> str:
    record = library.head(head_id)
    pieces: list[Chem.Mol] = [fragment(record.core)]
    for k, end in enumerate(record.ends, start=1):
        pieces.append(bridge_fragment(10 * k, bridge))
        pieces.append(fragment(end))
    pieces.append(tail_fragment(Tail(id="_", smiles=tail_smiles)))
    try:
        mol = join(pieces)
    except Exception as exc:
        raise LigandLabError(
            f"could not join head {head_id} and tail {tail_smiles}: {exc}"
        ) from exc
    return Chem.MolToSmiles(mol)


# The methyl that stands in for the tail in head models is written as 13C, so head
# descriptors can tell it from an N-methyl of the head itself (MMFF ignores isotopes).
CAP_ISOTOPE = 13
_CAP_TAIL = Tail(id="methyl-cap", smiles=f"[*][{CAP_ISOTOPE}CH3]")


def head_model(head: str, bridge: int | None = None) -> Ligand:
    """The truncated model of a head + bridge (13C-methyl tail) used for head descriptors."""
    record, n = resolve_bridge(head, bridge)
    return build_ligand(record.id, n, _CAP_TAIL, name=f"{head_label(record, n)} (methyl model)")


def enumerate_ligands(
    heads: Sequence[str] | None = None,
    bridges: Iterable[int] | None = None,
    tails: Iterable[TailLike] | None = None,
) -> list[Ligand]:
    """Every head x bridge x tail combination, de-duplicated by canonical SMILES.

    ``None`` means every library head, each head's allowed bridges and the default tails.
    Bridges outside one head's range are skipped for that head; a bridge allowed by no
    requested head is an error.
    """
    head_names = list(heads) if heads is not None else [h.id for h in library.heads()]
    tail_list = [resolve_tail(t) for t in (tails if tails is not None else library.default_tails())]
    wanted = sorted(set(bridges)) if bridges is not None else None
    combos: list[tuple[library.HeadRecord, int]] = []
    used: set[int] = set()
    for name in head_names:
        record, fixed = library.resolve_head(name)
        lo, hi = record.bridges
        allowed = [fixed] if fixed is not None else list(range(lo, hi + 1))
        chosen = allowed if wanted is None else [b for b in allowed if b in wanted]
        used.update(chosen)
        combos.extend((record, b) for b in chosen)
    if wanted is not None and (unused := sorted(set(wanted) - used)):
        raise BridgeError(f"bridges {unused} are allowed by none of the heads {head_names}")
    seen: set[str] = set()
    out: list[Ligand] = []
    for record, b in combos:
        for t in tail_list:
            lig = build_ligand(record.id, b, t)
            if lig.smiles not in seen:
                seen.add(lig.smiles)
                out.append(lig)
    return out


@dataclass(frozen=True)
class SynthesisStep:
    """One step of a virtual synthesis, with its reagents."""

    description: str
    reagents: tuple[str, ...]


@dataclass(frozen=True)
class Synthesis:
    """A virtual synthesis of a phospholipid ligand from an alcohol R-OH."""

    alcohol: str
    product: Ligand
    steps: tuple[SynthesisStep, ...]
    source: str


_AMINO_ALCOHOLS = {2: "2-aminoethan-1-ol", 3: "3-aminopropan-1-ol", 4: "4-aminobutan-1-ol"}


def virtual_synthesis(alcohol: str, head: str = "PE", bridge: int | None = None) -> Synthesis:
    """The paper's route from an alcohol R-OH to R-PE (bridge 2-4) or R-PC.

    PE family: ROH + POCl3, then HO(CH2)nNH2 closes the oxazaphospholane ring, acid
    hydrolysis opens it to R-O-P(=O)(O-)-O-(CH2)n-NH3+. PC: ROH +
    2-chloro-2-oxo-1,3,2-dioxaphospholane (COP), then NMe3 (bridge 2 only).
    """
    record, n = resolve_bridge(head, bridge)
    tail = Tail.from_alcohol(alcohol)
    source = (
        "Morad et al., Nature 626, 542 (2024), Methods "
        "(routes after Eibl and Engel, ref. 29, and ref. 65)"
    )
    steps: tuple[SynthesisStep, ...]
    if record.id == "PE":
        steps = (
            SynthesisStep("alcoholysis of POCl3 to R-O-P(O)Cl2", ("POCl3", "Et3N", "THF, 0 degC")),
            SynthesisStep(
                f"ring closure with {_AMINO_ALCOHOLS[n]} to the 2-oxo-1,3,2-oxazaphospholane",
                (_AMINO_ALCOHOLS[n], "Et3N", "THF, 40 degC"),
            ),
            SynthesisStep(
                "acidic hydrolysis of the P-N bond to the zwitterion",
                ("AcOH/H2O", "90 degC" if n == 4 else "70 degC"),
            ),
        )
    elif record.id == "PE-NMe3" and n == 2:
        steps = (
            SynthesisStep(
                "alcoholysis of COP",
                ("2-chloro-2-oxo-1,3,2-dioxaphospholane", "Et3N", "THF, 0 degC"),
            ),
            SynthesisStep(
                "ring opening with trimethylamine", ("NMe3 in THF", "MeCN, 70 degC, 12 h")
            ),
        )
    else:
        raise BridgeError(
            f"virtual synthesis covers PE (bridge 2-4: PEA, PPA, PBA) and PC; got {head!r}/{n}"
        )
    product = build_ligand(record.id, n, tail)
    return Synthesis(alcohol=alcohol, product=product, steps=steps, source=source)


def _reference(record: library.ReferenceRecord) -> Ligand:
    if record.smiles is not None:
        return Ligand.from_smiles(record.smiles, name=record.id)
    assert record.head is not None and record.tail is not None  # ReferenceRecord checks it
    return build_ligand(record.head, record.bridge, record.tail, name=record.id)


def reference_ligands(*names: str) -> list[Ligand]:
    """The library's reference ligands (``library/references.yaml``), or those named.

    These are the established capping ligands a design is compared against: OAm
    (oleylammonium), OA (oleate), DDAB, ASC18 (a sulfobetaine), DOPA (the phosphinate of the
    TOPO/PbBr2 synthesis). Each comes as it binds, named by its id; ids and aliases are
    case-insensitive (``"oleylamine"`` gives OAm, the ion).
    """
    records = [library.reference(n) for n in names] if names else list(library.references())
    return [_reference(r) for r in records]


def parse_ligand(text: str) -> Ligand:
    """A ligand from a reference name (``OAm``, ``DDAB``), a library name (``TAIL-HEAD``,
    e.g. ``C8C12-PEA``, ``C5-PE/3``) or a SMILES; what the CLI and campaign files accept."""
    text = text.strip()
    ref = library.find_reference(text)
    if ref is not None:
        return _reference(ref)
    mix = library.find_mixture(text)
    if mix is not None:
        names = ", ".join(c.name for c in mix.components)
        raise LigandLabError(
            f"{mix.id!r} is a mixture of {len(mix.components)} ligands ({names}); "
            f"ll.rank, place_ligands and campaigns take it whole, one ligand per component; "
            f"pick one from ll.Mixture.get({mix.id!r}).ligands for anything else"
        )
    for record in library.heads():
        lo, hi = record.bridges
        for n in range(lo, hi + 1):
            for label in {head_label(record, n), f"{record.id}/{n}"}:
                if text.endswith("-" + label) and len(text) > len(label) + 1:
                    try:
                        return build_ligand(record.id, n, text[: -len(label) - 1])
                    except LigandLabError:
                        continue
    try:
        return Ligand.from_smiles(text)
    except LigandLabError as exc:
        raise InvalidSmilesError(
            f"{text!r} is neither a library ligand name (TAIL-HEAD, e.g. C8C12-PEA or "
            f"C5-PE/3), a reference ligand ({', '.join(r.id for r in library.references())}), "
            f"a mixture ({', '.join(m.id for m in library.mixtures())}) nor a valid SMILES: {exc}"
        ) from exc


def mixture_components(text: str, label: str | None = None) -> list[Ligand] | None:
    """The components of the library mixture named ``text`` (e.g. ``"lecithin"``), each
    named ``"<label or id>: <component>"`` so a ranking shows where it came from; ``None``
    when ``text`` names no mixture."""
    if library.find_mixture(text) is None:
        return None
    from ligandlab.chem.mixture import Mixture  # mixture.py imports this module

    return Mixture.get(text).labelled(label)


def parse_ligands(text: str) -> list[Ligand]:
    """``parse_ligand``, except that a mixture name gives its components (see
    :func:`mixture_components`)."""
    return mixture_components(text.strip()) or [parse_ligand(text)]


def parse_named_ligand(text: str) -> Ligand:
    """``parse_ligand`` for a line of a ``.smi`` file or a spec entry: a SMILES, library
    or reference name, optionally followed by whitespace and a display name."""
    if library.find_reference(text) is not None:  # a reference alias may hold spaces
        return parse_ligand(text)
    token, *rest = text.split(None, 1) or [""]
    lig = parse_ligand(token)
    return dataclasses.replace(lig, name=rest[0].strip()) if rest else lig


def parse_named_ligands(text: str) -> list[Ligand]:
    """``parse_named_ligand``, except that a mixture name gives its components, labelled
    with the display name when one follows."""
    token, *rest = text.split(None, 1) or [""]
    components = mixture_components(token, rest[0].strip() if rest else None)
    return components or [parse_named_ligand(text)]


def as_ligands(items: object, error: type[LigandLabError] = LigandLabError) -> list[Ligand]:
    """A list of ligands from a Ligand, a name/SMILES, a mixture, or a list of those
    (``error`` is the exception class raised for anything else or for an empty list). A
    mixture (``"lecithin"`` or a ``Mixture``) gives its components."""
    from ligandlab.chem.mixture import Mixture

    seq = items if isinstance(items, (list, tuple)) else [items]
    out = []
    for item in seq:
        if isinstance(item, Ligand):
            out.append(item)
        elif isinstance(item, Mixture):
            out.extend(item.labelled())
        elif isinstance(item, str):
            out.extend(parse_ligands(item))
        else:
            raise error(
                f"expected a Ligand, library name, mixture or SMILES, not {type(item).__name__}"
            )
    if not out:
        raise error("no ligands given")
    return out


def as_ligand(item: object, error: type[LigandLabError] = LigandLabError) -> Ligand:
    """One ligand from a Ligand or a name/SMILES; a mixture raises ``error`` (a function
    that takes one ligand cannot take several)."""
    if isinstance(item, Ligand):
        return item
    if isinstance(item, str):
        return parse_ligand(item)
    ligs = as_ligands(item, error)
    if len(ligs) != 1:
        raise error(f"expected one ligand, got {len(ligs)}")
    return ligs[0]
