"""Tail–solvent matching: which solvents disperse a ligand, which ligands suit a solvent,
and which anti-solvents precipitate the nanocrystals for purification.

"Like dissolves like" made quantitative: the ligand's tail (the part facing the solvent) is
described by Hansen parameters from structure (:mod:`ligandlab.chem.hansen`), a solvent by
its tabulated ones, and goodness by the Hansen-derived Flory chi (see
:mod:`ligandlab.chem.solvents`): RED = sqrt(chi / 0.5) < 1 is a good solvent.

A solvent class (alkane, aromatic, ...) is judged by the mean chi of its NC-compatible
members, so one small molecule does not decide for its class.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from ligandlab import library
from ligandlab.chem.assembly import parse_ligand
from ligandlab.chem.hansen import HansenParameters, hansen
from ligandlab.chem.ligand import Ligand
from ligandlab.chem.mixture import Mixture
from ligandlab.chem.solvents import (
    ROOM_TEMPERATURE_K,
    Solvent,
    flory_chi,
    hansen_distance,
    interaction_radius,
)
from ligandlab.errors import InvalidSmilesError, LigandLabError

Tailed = Ligand | Mixture | HansenParameters | str | Any


def tail_hansen(obj: Tailed) -> HansenParameters:
    """Hansen parameters of what faces the solvent: a ligand's tail, a tail id or SMILES,
    or a ligand name (``C8C12-PEA``, ``OAm``).

    A mixture (e.g. ``"lecithin"`` or an ``ll.Mixture``) is the volume-fraction blend of
    its components' tails, the mixing rule Hansen uses for blends (Hansen 2007, ch. 1).
    """
    if isinstance(obj, HansenParameters):
        return obj
    obj = Mixture.find(obj) or obj
    if isinstance(obj, Mixture):
        parts = [(hansen(lig), x) for lig, x in obj.components]
        vols = [h.volume * x for h, x in parts]
        total = sum(vols)
        return HansenParameters(
            d_d=sum(h.d_d * w for (h, _), w in zip(parts, vols, strict=True)) / total,
            d_p=sum(h.d_p * w for (h, _), w in zip(parts, vols, strict=True)) / total,
            d_h=sum(h.d_h * w for (h, _), w in zip(parts, vols, strict=True)) / total,
            volume=total / sum(x for _, x in parts),
            smiles=obj.id,
        )
    if isinstance(obj, str):
        try:
            return hansen(obj)
        except InvalidSmilesError as exc:
            not_a_tail = exc
        try:  # a ligand name such as C8C12-PEA or OAm: its tail
            return hansen(parse_ligand(obj))
        except LigandLabError:
            mixtures = ", ".join(m.id for m in library.mixtures())
            raise InvalidSmilesError(
                f"{not_a_tail}; ligand names (C8C12-PEA, OAm) and mixtures ({mixtures}) "
                "are taken too"
            ) from None
    return hansen(obj)


def _label(obj: Tailed) -> str:
    for attr in ("name", "id"):
        value = getattr(obj, attr, None)
        if isinstance(value, str):
            return value
    return str(obj)


def _solvents(solvents: Iterable[Solvent | str] | None) -> list[Solvent]:
    if solvents is None:
        return list(Solvent.all())
    return [s if isinstance(s, Solvent) else Solvent.get(s) for s in solvents]


def match_solvents(
    ligand: Tailed,
    solvents: Iterable[Solvent | str] | None = None,
    *,
    temperature: float = ROOM_TEMPERATURE_K,
) -> pd.DataFrame:
    """Solvents for a ligand (or tail), best first.

    Columns: solvent, name, class, d_d, d_p, d_h, ra (Hansen distance), r0 (interaction
    radius), red, chi, good (red < 1), nc_compatible, note. Solvents that dissolve the
    nanocrystal itself (DMF, DMSO, NMP, water) come last whatever their match.
    """
    h = tail_hansen(ligand)
    rows = []
    for s in _solvents(solvents):
        chi = flory_chi(h, s, temperature)
        r0 = interaction_radius(s, temperature)
        ra = hansen_distance(h, s.hansen)
        rows.append(
            {
                "solvent": s.id,
                "name": s.name,
                "class": s.cls,
                "d_d": s.record.d_d,
                "d_p": s.record.d_p,
                "d_h": s.record.d_h,
                "ra": ra,
                "r0": r0,
                "red": ra / r0,
                "chi": chi,
                "good": bool(ra < r0 and s.nc_compatible),
                "nc_compatible": s.nc_compatible,
                "note": s.record.why or "",
            }
        )
    table = pd.DataFrame(rows)
    table = table.sort_values(["nc_compatible", "chi"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)


def solvent_classes(ligand: Tailed, *, temperature: float = ROOM_TEMPERATURE_K) -> pd.DataFrame:
    """Solvent classes for a ligand, best first: mean chi of NC-compatible members.

    Columns: class, mean_chi, mean_red, best (member), best_red, n.
    """
    table = match_solvents(ligand, temperature=temperature)
    table = table[table["nc_compatible"]]
    out = []
    for cls, group in table.groupby("class", sort=False):
        best = group.sort_values("chi").iloc[0]
        out.append(
            {
                "class": cls,
                "mean_chi": group["chi"].mean(),
                "mean_red": (group["chi"].mean() / 0.5) ** 0.5,
                "best": best["solvent"],
                "best_red": best["red"],
                "n": len(group),
            }
        )
    return pd.DataFrame(out).sort_values("mean_chi", kind="stable").reset_index(drop=True)


def best_solvent_class(ligand: Tailed) -> str:
    """The solvent class that suits a ligand's tail best (see :func:`solvent_classes`)."""
    return str(solvent_classes(ligand)["class"].iloc[0])


def ligands_for_solvent(
    solvent: Solvent | str,
    ligands: Sequence[Tailed] | None = None,
    *,
    temperature: float = ROOM_TEMPERATURE_K,
) -> pd.DataFrame:
    """Ligands (default: the library's tails) for one solvent, best first.

    Columns: ligand, d_d, d_p, d_h, ra, red, chi, good.
    """
    s = solvent if isinstance(solvent, Solvent) else Solvent.get(solvent)
    items: Sequence[Tailed] = (
        [t.id for t in library.default_tails()] if ligands is None else ligands
    )
    r0 = interaction_radius(s, temperature)
    rows = []
    for item in items:
        h = tail_hansen(item)
        ra = hansen_distance(h, s.hansen)
        rows.append(
            {
                "ligand": _label(item),
                "d_d": h.d_d,
                "d_p": h.d_p,
                "d_h": h.d_h,
                "ra": ra,
                "red": ra / r0,
                "chi": flory_chi(h, s, temperature),
                "good": bool(ra < r0),
            }
        )
    return pd.DataFrame(rows).sort_values("chi", kind="stable").reset_index(drop=True)


def antisolvents(
    ligand: Tailed,
    solvent: Solvent | str,
    *,
    temperature: float = ROOM_TEMPERATURE_K,
) -> pd.DataFrame:
    """Anti-solvents to precipitate NCs capped with ``ligand`` from ``solvent``, best first.

    An anti-solvent must mix with the dispersing solvent, be poor for the tail (RED > 1) and
    leave the nanocrystal intact; the poorest match for the tail comes first. Columns as
    :func:`match_solvents`, plus bp.
    """
    disp = solvent if isinstance(solvent, Solvent) else Solvent.get(solvent)
    table = match_solvents(ligand, temperature=temperature)
    keep = [
        name != disp.id and bool(safe) and float(red) > 1.0 and disp.miscible_with(str(name))
        for name, safe, red in zip(
            table["solvent"], table["nc_compatible"], table["red"], strict=True
        )
    ]
    out = table[keep].sort_values("red", ascending=False, kind="stable").copy()
    out["bp"] = [library.solvent(s).bp for s in out["solvent"]]
    return out.drop(columns=["good", "note"]).reset_index(drop=True)
