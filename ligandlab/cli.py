"""The ``ligandlab`` command line. Human output by default, ``--json`` for machines.

Every ``LigandLabError`` is printed as one line on stderr and the command exits with 2.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ligandlab import library
from ligandlab.chem import build_ligand, describe, write_ligands
from ligandlab.errors import LigandLabError, PlacementError

if TYPE_CHECKING:
    from ligandlab.campaign import CampaignResult

app = typer.Typer(
    add_completion=False,
    rich_markup_mode="markdown",
    no_args_is_help=True,
    help="Design and screen surface ligands for metal-halide nanocrystals.",
)


def _console() -> Console:
    """Rich console for tables. Piped or logged output (no terminal, no ``COLUMNS``) gets 160
    columns; Rich would otherwise squeeze every table into 80."""
    if Console().is_terminal or "COLUMNS" in os.environ:
        return Console()
    return Console(width=160)


console = _console()


class LibraryKind(StrEnum):
    heads = "heads"
    tails = "tails"
    mixtures = "mixtures"
    solvents = "solvents"
    materials = "materials"
    references = "references"


@app.command()
def build(
    head: Annotated[str, typer.Option(help="head id or alias: PE, PC, PEA, PPA, PBA, SB, ...")],
    tail: Annotated[str, typer.Option(help="library tail id/alias, or SMILES with one [*]")],
    bridge: Annotated[int | None, typer.Option(help="CH2 units between the charged groups")] = None,
    from_alcohol: Annotated[
        bool,
        typer.Option("--from-alcohol", help="treat --tail as an alcohol R-OH (virtual synthesis)"),
    ] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help=".sdf, .mol2, .pdb or .smi")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Build a ligand from head, bridge and tail; describe it and optionally write it."""
    from ligandlab.chem.fragments import Tail

    tail_arg: str | Tail = Tail.from_alcohol(tail) if from_alcohol else tail
    lig = build_ligand(head, bridge, tail_arg)
    desc = describe(lig)
    if output is not None:
        write_ligands([lig], output)
    record = {**lig.to_dict(), **desc.summary()}
    if output is not None:
        record["output"] = str(output)
    if as_json:
        typer.echo(json.dumps(record, default=str))
        return
    _print_rows([record], lig.name, False, vertical=True)


@app.command("library")
def library_cmd(
    kind: Annotated[
        LibraryKind,
        typer.Argument(help="heads, tails, mixtures, solvents, materials or references"),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """List the library's head groups, tails, mixtures, solvents, materials or reference
    ligands (the established ligands designs are compared against)."""
    rows: list[dict[str, object]]
    if kind is LibraryKind.heads:
        rows = [
            {
                "id": h.id,
                "aliases": ", ".join(f"{a}={b}" for a, b in h.aliases.items()),
                "bridges": f"{h.bridges[0]}-{h.bridges[1]}",
                "cation": h.cation,
                "anion": h.anion,
                "name": h.name,
            }
            for h in library.heads()
        ]
    elif kind is LibraryKind.tails:
        rows = [
            {
                "id": t.id,
                "class": t.cls,
                "name": t.name,
                "smiles": t.smiles,
                "Mn": t.mn if t.mn else "",
            }
            for t in library.tails()
        ]
    elif kind is LibraryKind.solvents:
        rows = [
            {
                "id": x.id,
                "class": x.cls,
                "dD": x.d_d,
                "dP": x.d_p,
                "dH": x.d_h,
                "V": x.v,
                "eps": x.dielectric,
                "bp": x.bp,
                "NC-safe": "yes" if x.nc_compatible else "no",
            }
            for x in library.solvents()
        ]
    elif kind is LibraryKind.materials:
        from ligandlab.materials import Material, material_names

        rows = [
            {
                "name": mat.name,
                "a_A": mat.a,
                "t": round(mat.tolerance_factor, 3),
                "mu": round(mat.octahedral_factor, 3),
                "sites_nm2": round(mat.site_density_nm2, 3),
                "source": mat.source,
            }
            for mat in (Material.get(name) for name in material_names())
        ]
    elif kind is LibraryKind.references:
        from ligandlab.chem import reference_ligands

        rows = [
            {
                "id": r.id,
                "name": r.name,
                "class": lig.ligand_class,
                "smiles": lig.smiles,
                "binds": r.binds,
                "source": r.source,
            }
            for r, lig in zip(library.references(), reference_ligands(), strict=True)
        ]
    else:
        rows = [
            {
                "id": m.id,
                "name": m.name,
                "components": "; ".join(f"{c.name} {c.fraction:.2f}" for c in m.components),
            }
            for m in library.mixtures()
        ]
    _print_rows(rows, f"library {kind.value}", as_json)
    if kind is LibraryKind.materials and not as_json:
        console.print(
            "Mixtures are built on request by Vegard's law: mixed halides (CsPbBr2I, "
            "CsPb(Br0.5I0.5)3, CsSnBr2I), mixed A sites (Cs0.5FA0.5PbI3) and mixed lead-tin "
            "B sites (CsPb0.5Sn0.5I3)."
        )


@app.command("describe")
def describe_smiles(
    smiles: Annotated[
        str, typer.Argument(help="ligand SMILES with explicit charges, or a library name")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Validate a ligand (SMILES, library name such as C8C12-PEA, or reference such as
    OAm) and print its class, anchors and descriptors."""
    from ligandlab.chem.assembly import parse_ligand

    lig = parse_ligand(smiles)
    record = {**lig.to_dict(), **describe(lig).summary()}
    record["anchors"] = ", ".join(f"{a.group}@{a.center}" for a in lig.anchors)
    _print_rows([record], lig.name, as_json, vertical=True)


@app.command("solvents")
def solvents_cmd(
    tail: Annotated[
        str | None, typer.Option(help="library tail id/alias, or tail SMILES with one [*]")
    ] = None,
    smiles: Annotated[
        str | None, typer.Option(help="ligand SMILES or library name (its tail is used)")
    ] = None,
    solvent: Annotated[
        str | None,
        typer.Option(help="with --library: rank tails for it; with --tail/--smiles: anti-solvents"),
    ] = None,
    library_: Annotated[
        bool, typer.Option("--library", help="rank the default library's tails for --solvent")
    ] = False,
    classes: Annotated[bool, typer.Option("--classes", help="rank solvent classes")] = False,
    top: Annotated[int, typer.Option(help="rows to show")] = 15,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Match ligand tails and solvents by Hansen parameters (like dissolves like).

    --tail C8C12: solvents for that tail, best first. --tail C8C12 --solvent hexane:
    anti-solvents to precipitate such NCs from hexane. --solvent PGMEA --library: the
    library's tails ranked for PGMEA.
    """
    from ligandlab.chem import solvent_match as sm

    if (tail is None) == (smiles is None) and not (library_ and solvent):
        raise LigandLabError("give one of --tail or --smiles, or --solvent with --library")
    if tail is not None and smiles is not None:
        raise LigandLabError("give --tail or --smiles, not both")
    if library_:
        if solvent is None:
            raise LigandLabError("--library needs --solvent")
        table = sm.ligands_for_solvent(solvent)
        title = f"library tails for {solvent}"
    else:
        from ligandlab.chem.assembly import parse_ligand

        subject: object = tail if tail is not None else parse_ligand(str(smiles))
        label = tail if tail is not None else str(smiles)
        if solvent is not None:
            table = sm.antisolvents(subject, solvent)
            title = f"anti-solvents for {label} dispersed in {solvent}"
        elif classes:
            table = sm.solvent_classes(subject)
            title = f"solvent classes for {label}"
        else:
            table = sm.match_solvents(subject)
            title = f"solvents for {label}"
    if not as_json:  # keep the terminal table narrow; JSON carries every column
        short = ["ligand", "solvent", "class", "d_d", "d_p", "d_h", "ra", "red", "chi", "good"]
        short += ["mean_chi", "mean_red", "best", "best_red", "n", "bp", "note"]
        table = table[[c for c in short if c in table.columns]]
    rows = [
        {str(k): v for k, v in row.items()}
        for row in table.head(top).round(2).to_dict(orient="records")
    ]
    _print_rows(rows, title, as_json)


class Termination(StrEnum):
    AX = "AX"
    PbX2 = "PbX2"


class BindingMode(StrEnum):
    BM1 = "BM1"
    BM2 = "BM2"
    BM2p = "BM2'"
    BM3 = "BM3"


@app.command("slab")
def slab_cmd(
    material: Annotated[
        str,
        typer.Argument(
            help="e.g. FAPbBr3, CsPbBr2I, CsPb(Br0.5I0.5)3, Cs0.5FA0.5PbI3, CsSnI3, Cs2AgBiBr6"
        ),
    ],
    size: Annotated[tuple[int, int], typer.Option(help="surface cells along x and y")] = (8, 8),
    layers: Annotated[int, typer.Option(help="PbX2 layers (3 or more)")] = 3,
    termination: Annotated[Termination, typer.Option(help="surface layer")] = Termination.AX,
    facet: Annotated[str, typer.Option(help="100, 110 or 111")] = "100",
    ax_fraction: Annotated[
        float | None,
        typer.Option(
            help="[ABr]: fraction of surface AX pairs kept (0-1); default: ligands "
            "replace the pairs they displace"
        ),
    ] = None,
    ligand: Annotated[
        list[str] | None,
        typer.Option(help="ligand name (C8C12-PEA) or SMILES; repeat for a mixed shell"),
    ] = None,
    coverage: Annotated[float, typer.Option(help="[Lig]: ligands per surface A-site")] = 1.0,
    mode: Annotated[BindingMode, typer.Option(help="binding mode")] = BindingMode.BM3,
    pattern: Annotated[str, typer.Option(help="uniform, random or checkerboard")] = "uniform",
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help=".pdb, .extxyz or .cif")
    ] = None,
    png: Annotated[Path | None, typer.Option(help="top and side view PNG")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Build a slab with tagged surface sites, optionally with ligands on them."""
    from ligandlab.materials import Interface, Slab, build_slab, place_ligands

    slab = build_slab(
        material,
        size=size,
        layers=layers,
        termination=termination.value,
        facet=facet,
        ax_fraction=ax_fraction,
        seed=seed,
    )
    record: dict[str, object] = {
        "material": slab.material.name,
        "facet": slab.facet,
        "termination": slab.termination,
        "size": f"{slab.size[0]}x{slab.size[1]}",
        "layers": slab.layers,
        "surface A-sites": slab.top.n,
        **{k: v for k, v in slab.checks.items()},
        **slab.geometry.to_dict(),
    }
    target: Slab | Interface = slab
    if ligand:
        # one mixture name ("lecithin") keeps its mole fractions
        ligs = ligand[0] if len(ligand) == 1 else list(ligand)
        iface = place_ligands(
            slab, ligs, coverage=coverage, mode=mode.value, pattern=pattern, seed=seed
        )
        record["modes"] = iface.modes()
        for name, h in iface.heights().items():
            if not h["count"]:  # a mixture component that drew no site
                continue
            record[f"{name} cation height (A)"] = round(h["cation_height_A"], 2)
            record[f"{name} anion height (A)"] = round(h["anion_height_A"], 2)
        record["closest ligand-ligand (A)"] = round(iface.min_intermolecular_distance(), 2)
        record["charge"] = iface.charge
        target = iface
    record["composition"] = target.composition()
    record["atoms"] = len(target.atoms)
    if output is not None:
        record["output"] = str(target.write(output))
    if png is not None:
        record["png"] = str(target.render(png))
    _print_rows([record], f"{slab.material.name} slab", as_json, vertical=True)


@app.command("nanocrystal")
def nanocrystal_cmd(
    material: Annotated[str, typer.Argument(help="e.g. CsPbBr3")],
    edge: Annotated[float, typer.Option(help="edge length, nm")] = 8.0,
    ligand: Annotated[
        str | None, typer.Option(help="ligand name, SMILES or mixture (lecithin)")
    ] = None,
    coverage: Annotated[float, typer.Option(help="ligands per surface A-site")] = 1.0,
    nc_mg: Annotated[float | None, typer.Option(help="batch: mg of nanocrystals")] = None,
    pb_mmol: Annotated[float | None, typer.Option(help="batch: mmol of Pb")] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="with --ligand: write the capped cube (.pdb or .xyz)"),
    ] = None,
    mode: Annotated[str, typer.Option(help="binding mode of the written shell")] = "BM3",
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Surface sites of a cube-shaped nanocrystal and the ligand amount to add; with -o,
    the cube with ligands on its facets."""
    from ligandlab.materials import build_nanocrystal, cap_nanocrystal

    nc = build_nanocrystal(material, edge_nm=edge)
    record: dict[str, object] = nc.summary()
    if ligand is not None:
        amount = nc.ligand_amount(ligand, coverage, nc_mg=nc_mg, pb_mmol=pb_mmol)
        record.update(
            {
                k: f"{v:.4g}" if isinstance(v, float) and not as_json else v
                for k, v in amount.to_dict().items()
            }
        )
    if output is not None:
        if ligand is None:
            raise PlacementError("--output writes a capped cube: give --ligand too")
        capped = cap_nanocrystal(nc, ligand, coverage, mode=mode)
        record["placed_ligands"] = capped.n_ligands
        record["capped_charge"] = capped.charge
        record["output"] = str(capped.write(output))
    _print_rows([record], f"{nc.material.name} nanocrystal", as_json, vertical=True)


def _parse_weights(weight: list[str] | None) -> dict[str, float] | None:
    """``scorer=number`` options as a weights dict (None when none are given)."""
    from ligandlab.errors import WeightError

    if not weight:
        return None
    weights: dict[str, float] = {}
    for w in weight:
        name, _, val = w.partition("=")
        try:
            weights[name] = float(val)
        except ValueError as exc:
            raise WeightError(f"weight {w!r} is not scorer=number") from exc
    return weights


def _brief(details: dict[str, object]) -> str:
    """A scorer's scalar details as key=value on one line (--json has them all)."""
    items = []
    for k, v in details.items():
        if isinstance(v, float):
            items.append(f"{k}={v:.4g}")
        elif isinstance(v, (int, str, bool)) or v is None:
            items.append(f"{k}={v}")
    return ", ".join(items)


@app.command("score")
def score_cmd(
    ligand: Annotated[str, typer.Argument(help="library name (C8C12-PEA) or SMILES")],
    material: Annotated[str, typer.Option(help="material, e.g. CsPbBr3")] = "CsPbBr3",
    solvent: Annotated[str | None, typer.Option(help="solvent, e.g. toluene")] = None,
    facet: Annotated[str, typer.Option(help="100, 110 or 111")] = "100",
    termination: Annotated[Termination, typer.Option(help="surface layer")] = Termination.AX,
    scorer: Annotated[
        list[str] | None,
        typer.Option(help="scorer(s) to run; default every fast one (md_binding runs MD)"),
    ] = None,
    weight: Annotated[
        list[str] | None, typer.Option(help="scorer=weight, e.g. pi_stacking=0.5")
    ] = None,
    ionize: Annotated[
        bool, typer.Option("--ionize", help="charge neutral amines and acids as they bind")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Score one ligand and show why: each scorer's value, raw quantity and details.

    Where `rank` compares many ligands, `score` explains one: the protrusion and span fit
    behind fit_geometry, the coverage and spacing behind steric_density, and so on.
    """
    from ligandlab.chem import ionize as ionize_ligand
    from ligandlab.chem.assembly import parse_ligand
    from ligandlab.scoring import score

    lig = parse_ligand(ligand)
    if ionize:
        lig = ionize_ligand(lig)
    card = score(
        lig,
        material=material,
        solvent=solvent,
        facet=facet,
        termination=termination.value,
        weights=_parse_weights(weight),
        scorers=scorer,
    )
    if as_json:
        record = {
            "name": lig.name,
            "smiles": lig.smiles,
            "material": material,
            "solvent": solvent,
            "facet": facet,
            "termination": termination.value,
            "total": card.total,
            "limiting": card.limiting,
            "scores": {k: dataclasses.asdict(v) for k, v in card.scores.items()},
            "failures": card.failures,
        }
        typer.echo(json.dumps(record, default=str))
        return
    rows: list[dict[str, object]] = [
        {
            "scorer": name,
            "value": f"{res.value:.3f}",
            "raw": f"{res.raw:.4g} {res.unit}".strip(),
            "details": _brief(res.details),
        }
        for name, res in card.scores.items()
    ]
    rows += [
        {"scorer": name, "value": "failed", "raw": "", "details": msg}
        for name, msg in card.failures.items()
    ]
    where = f"{material} ({facet}) {termination.value}" + (f" in {solvent}" if solvent else "")
    _print_rows(rows, f"{lig.name} on {where}", False)
    typer.echo(f"total {card.total:.3f}, limited by {card.limiting}")


@app.command("rank")
def rank_cmd(
    material: Annotated[list[str], typer.Option(help="material(s), e.g. CsPbBr3")] = ["CsPbBr3"],  # noqa: B006
    solvent: Annotated[list[str] | None, typer.Option(help="solvent(s), e.g. toluene")] = None,
    smiles: Annotated[list[str] | None, typer.Option(help="ligand names or SMILES")] = None,
    file: Annotated[
        Path | None, typer.Option(help=".smi (SMILES or name [display name] per line) or .sdf")
    ] = None,
    use_library: Annotated[
        bool, typer.Option("--library", help="rank the whole default library")
    ] = False,
    references: Annotated[
        bool,
        typer.Option(
            "--references", help="add the reference ligands (OAm, OA, DDAB...) for comparison"
        ),
    ] = False,
    weight: Annotated[
        list[str] | None, typer.Option(help="scorer=weight, e.g. pi_stacking=0.5")
    ] = None,
    facet: Annotated[str, typer.Option(help="100, 110 or 111")] = "100",
    termination: Annotated[Termination, typer.Option(help="surface layer")] = Termination.AX,
    top: Annotated[int, typer.Option(help="rows to show")] = 20,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="write the whole table: .csv or .json"),
    ] = None,
    ionize: Annotated[
        bool,
        typer.Option(
            "--ionize", help="charge neutral amines and acids of --smiles/--file as they bind"
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Rank ligands on materials (and in solvents) with every fast scorer.

    --smiles and --file take SMILES, library names (C8C12-PEA) and reference names (OAm,
    DDAB; `ligandlab library references`); a .smi file has one per line, optionally
    followed by a display name. Protonation states of SMILES are taken as written: neutral
    oleylamine has no binding group. --ionize gives the bound ions (oleylammonium,
    oleate); see ll.ionize. A hydrohalide salt with a neutral HX (CCN.Br, as PubChem
    writes it) reads as its ammonium.
    """
    from ligandlab.chem import enumerate_ligands, ionizable_groups, reference_ligands
    from ligandlab.chem import ionize as ionize_ligand
    from ligandlab.chem.assembly import parse_named_ligands
    from ligandlab.chem.io import check_writable, read_ligands
    from ligandlab.errors import OutputError
    from ligandlab.scoring import rank

    items = [lig for t in smiles or [] for lig in parse_named_ligands(t)]
    if file is not None:
        items += read_ligands(file)
    if ionize:
        items = [ionize_ligand(lig) for lig in items]
    else:
        neutral = [lig.name for lig in items if not lig.anchors and ionizable_groups(lig)]
        if neutral:
            shown = ", ".join(neutral[:3]) + (" ..." if len(neutral) > 3 else "")
            typer.echo(
                f"note: {len(neutral)} ligand(s) written neutral cannot bind ({shown}); "
                "--ionize charges their amine/acid groups",
                err=True,
            )
    if references:
        items += reference_ligands()
    if use_library:
        items += list(enumerate_ligands())
    if not items:
        raise LigandLabError("give --smiles, --file, --references or --library")
    weights = _parse_weights(weight)
    suffix = output.suffix.lower() if output is not None else ""
    if output is not None:  # fail before the ranking, not after it
        if suffix not in (".csv", ".json"):
            raise OutputError(f"cannot write {output}: use a .csv or .json file name")
        check_writable(output)
    df = rank(
        items,
        material=material,
        solvent=solvent,
        facet=facet,
        termination=termination.value,
        weights=weights,
    )
    if as_json:
        typer.echo(df.head(top).to_json(orient="records"))
    else:
        drop = {"smiles"} | {c for c in ("material", "solvent") if df[c].nunique() <= 1}
        # a scorer that applied to no candidate (solvent_match without --solvent) gets no
        # column; one that failed keeps it, blank, with the message under "failed"
        drop |= {
            c
            for c in df.columns
            if df[c].dtype.kind == "f"
            and df[c].isna().all()
            and not df["failed"].str.contains(f"{c}:", regex=False).any()
        }
        cols = [c for c in df.columns if c not in drop]
        rows: list[dict[str, object]] = [
            {
                str(c): (("" if v != v else f"{v:.3f}") if isinstance(v, float) else v)
                for c, v in row.items()
            }
            for row in df[cols].head(top).to_dict(orient="records")
        ]  # NaN (v != v): not scored, shown blank
        _print_rows(rows, f"ranking ({len(df)} candidates)", False)
    if output is not None:  # after the table is shown, so a failed write loses nothing
        try:
            if suffix == ".csv":
                df.to_csv(output, index=False)
            else:
                df.to_json(output, orient="records", indent=1)
        except OSError as exc:
            raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from exc


simulate_app = typer.Typer(help="OpenMM simulations: binding modes and coverage maps.")
app.add_typer(simulate_app, name="simulate")


@simulate_app.command("binding")
def simulate_binding_cmd(
    ligand: Annotated[str, typer.Argument(help="ligand name (C5-PEA) or SMILES")],
    material: Annotated[str, typer.Option(help="material with an ion model")] = "CsPbBr3",
    solvent: Annotated[str | None, typer.Option(help="solvent, or 'none' for vacuum")] = "toluene",
    protocol: Annotated[str, typer.Option(help="quick, short, standard, remd or test")] = "quick",
    n_ligands: Annotated[int, typer.Option(help="ligands on the slab")] = 1,
    size: Annotated[int, typer.Option(help="slab size n (n x n sites)")] = 4,
    out: Annotated[Path, typer.Option(help="run directory (resumed if present)")] = Path(
        "binding-run"
    ),
    platform: Annotated[str | None, typer.Option(help="force CUDA, OpenCL or CPU")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Binding-mode populations of a ligand on a slab (minimise, NVT, NPT, production)."""
    import ligandlab.simulate as sim

    res = sim.binding(
        ligand,
        material=material,
        solvent=None if solvent in (None, "none") else solvent,
        protocol=protocol,
        n_ligands=n_ligands,
        size=(size, size),
        directory=out,
        platform=platform,
    )
    record: dict[str, object] = {"directory": str(out), "frames": res.run.frames}
    record.update(res.mean_populations())
    record["bound_fraction"] = round(res.bound_fraction, 4)
    _print_rows([record], f"binding of {ligand} on {material}", as_json, vertical=True)


@simulate_app.command("coverage")
def simulate_coverage_cmd(
    ligand: Annotated[str, typer.Argument(help="ligand name (C5-PEA) or SMILES")],
    material: Annotated[str, typer.Option(help="material with an ion model")] = "CsPbBr3",
    coverage: Annotated[list[float], typer.Option(help="coverage(s) in (0, 1]")] = [0.5, 1.0],  # noqa: B006
    solvent: Annotated[str | None, typer.Option(help="solvent, or 'none' for vacuum")] = "toluene",
    protocol: Annotated[str, typer.Option(help="quick, short, standard, remd or test")] = "quick",
    size: Annotated[int, typer.Option(help="slab size n (n x n sites)")] = 4,
    out: Annotated[Path, typer.Option(help="directory for the runs")] = Path("coverage-runs"),
    platform: Annotated[str | None, typer.Option(help="force CUDA, OpenCL or CPU")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Surface stability against coverage: integrity, desorbed ligands, rupture flag."""
    import dataclasses

    import ligandlab.simulate as sim

    points = sim.coverage(
        ligand,
        material=material,
        coverages=coverage,
        solvent=None if solvent in (None, "none") else solvent,
        protocol=protocol,
        size=(size, size),
        directory=out,
        platform=platform,
    )
    from ligandlab.simulate.plots import plot_coverage

    png = plot_coverage({ligand: points}, out / "coverage-map.png", title=f"{ligand} on {material}")
    rows = [dataclasses.asdict(p) if as_json else p.summary() for p in points]
    _print_rows(rows, f"coverage map of {ligand} (plot: {png})", as_json)


campaign_app = typer.Typer(help="Design campaigns: run, status, report, export.")
app.add_typer(campaign_app, name="campaign")


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


@campaign_app.command("run")
def campaign_run_cmd(
    file: Annotated[Path, typer.Argument(help="campaign spec (YAML)")],
    output: Annotated[Path | None, typer.Option(help="output folder (overrides the spec)")] = None,
    executor: Annotated[str | None, typer.Option(help="local or dask")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler, tcp://host:port")] = None,
    workers: Annotated[int | None, typer.Option(help="worker processes")] = None,
    report: Annotated[bool, typer.Option(help="write the HTML report at the end")] = True,
    top: Annotated[int, typer.Option(help="rows to show")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Run (or resume) a campaign; prints the top of the ranking and where the report is."""
    import pandas as pd

    from ligandlab.campaign import Campaign

    camp = Campaign.from_yaml(file)
    result = camp.run(executor=executor, scheduler=scheduler, workers=workers, output=output)
    page = result.report() if report else None
    table = result.table
    if as_json:
        rec = {"status": result.status(), "report": str(page) if page else None}
        rec["top"] = json.loads(table.head(top).to_json(orient="records"))
        typer.echo(json.dumps(rec, default=str))
        return
    title = f"{result.name}: top {min(top, len(table))} of {len(table)}"
    _print_table(table, result.scorers, top, title)
    if table["material"].nunique() > 1:
        from ligandlab.campaign.report import best_per_material

        firsts = [rows.head(1) for rows in best_per_material(table, n=1).values()]
        _print_table(pd.concat(firsts), result.scorers, len(firsts), "best on each material")
    _print_failures(result, limit=5)
    console.print(f"results: {escape(str(result.directory / 'campaign.sqlite'))}")
    if page is not None:
        console.print(f"report: {escape(str(page))}")


def _failure_rows(result: CampaignResult) -> list[dict[str, object]]:
    """The store's failures joined to the candidates they belong to."""
    fails = result.failures()
    if fails.empty:
        return []
    cols = ["key", "name", "material", "solvent"]
    who = result.fast_table()[cols].set_index("key")
    rows = []
    for f in fails.to_dict(orient="records"):
        c = who.loc[f["candidate"]] if f["candidate"] in who.index else None
        rows.append(
            {
                "name": c["name"] if c is not None else f["candidate"],
                "material": c["material"] if c is not None else "",
                "solvent": (c["solvent"] or "") if c is not None else "",
                "stage": f["stage"],
                "scorer": f["scorer"],
                "reason": f["message"],
            }
        )
    return rows


def _print_failures(result: CampaignResult, limit: int | None = None) -> None:
    rows = _failure_rows(result)
    if not rows:
        return
    shown = rows if limit is None else rows[:limit]
    title = f"{len(rows)} failed (recorded with the reason; the other candidates ran on)"
    if len(shown) < len(rows):
        title += f"; first {len(shown)}, all with: ligandlab campaign status {result.directory}"
    _print_rows(shown, title, False)


@campaign_app.command("status")
def campaign_status_cmd(
    directory: Annotated[Path, typer.Argument(help="campaign output folder")],
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Candidates done, failed and pending per stage, the runs so far, and what failed."""
    from ligandlab.campaign import CampaignResult

    res = CampaignResult(directory)
    st = res.status()
    runs = st.pop("runs")
    if as_json:
        typer.echo(json.dumps({**st, "runs": runs, "failures": _failure_rows(res)}, default=str))
        return
    _print_rows([st], "campaign status", False, vertical=True)
    if runs:
        _print_rows(runs, "runs", False)
    _print_failures(res)


@campaign_app.command("report")
def campaign_report_cmd(
    directory: Annotated[Path, typer.Argument(help="campaign output folder")],
    output: Annotated[Path | None, typer.Option(help="report folder (default DIR/report)")] = None,
) -> None:
    """Write the HTML report (ranking, breakdown, Pareto, heatmap, simulations)."""
    from ligandlab.campaign import CampaignResult

    page = CampaignResult(directory).report(output)
    console.print(f"report: {escape(str(page))}")


@campaign_app.command("export")
def campaign_export_cmd(
    directory: Annotated[Path, typer.Argument(help="campaign output folder")],
    format: Annotated[
        ExportFormat, typer.Option("--format", help="csv or parquet")
    ] = ExportFormat.csv,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="file to write")] = None,
) -> None:
    """Export the result table as CSV or Parquet."""
    from ligandlab.campaign import CampaignResult

    res = CampaignResult(directory)
    path = res.export(output or directory / f"results.{format.value}", format.value)
    console.print(f"wrote {escape(str(path))}")


def _print_table(df: object, scorers: list[str], top: int, title: str) -> None:
    import pandas as pd

    assert isinstance(df, pd.DataFrame)
    cols = ["name", "material", "solvent", "total", *scorers, "limiting"]
    if "md_binding" in df and df["md_binding"].notna().any():
        cols.append("md_binding")
    cols = [c for c in cols if c in df and not (c == "solvent" and df[c].isna().all())]
    rows: list[dict[str, object]] = [
        {
            str(c): (("" if v != v else f"{v:.3f}") if isinstance(v, float) else v)
            for c, v in row.items()
        }
        for row in df[cols].head(top).to_dict(orient="records")
    ]  # NaN (v != v): not simulated, shown blank
    _print_rows(rows, title, False)


@app.command("cache")
def cache_cmd(
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear",
            help="delete one namespace (repeat for more); 'all' for every ligandlab namespace",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Where the disk cache is and what it holds; --clear deletes namespaces of it."""
    from ligandlab import cache

    root = cache.cache_dir()
    if root is None:
        raise LigandLabError("the cache is off (LIGANDLAB_CACHE=off)")
    if clear:
        freed = cache.clear(None if "all" in clear else clear)
        rows = [{"namespace": ns, "freed_MB": round(b / 1e6, 2)} for ns, b in freed.items()]
        _print_rows(rows, f"cleared from {root}", as_json)
        return
    rows = [
        {"namespace": ns, "files": n, "MB": round(b / 1e6, 2)}
        for ns, (n, b) in cache.usage().items()
    ]
    _print_rows(rows, f"cache {root}", as_json)


@app.command("plugins")
def plugins_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """List every registered scorer (built-in and third-party)."""
    from ligandlab.scoring import scorer_info

    _print_rows(scorer_info(), "scorers", as_json)


def _print_rows(
    rows: list[dict[str, object]], title: str, as_json: bool, vertical: bool = False
) -> None:
    if as_json:
        typer.echo(json.dumps(rows, default=str))
        return
    # user data goes through escape(): rich reads "[n+]" in an aromatic SMILES as markup
    # and drops it, so CCCCn1cc[n+](C)c1 printed as CCCCn1cc(C)c1
    if vertical and len(rows) == 1:
        table = Table(title=escape(title), show_header=False)
        for k, v in rows[0].items():
            table.add_row(escape(str(k)), _cell(v))
    else:
        table = Table(title=escape(title))
        for col in rows[0] if rows else []:
            table.add_column(escape(str(col)), overflow="fold")
        for row in rows:
            table.add_row(*(_cell(v) for v in row.values()))
    console.print(table)


def _cell(value: object) -> str:
    return "" if value is None else escape(str(value))


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning ``LigandLabError`` into one line and exit code 2."""
    try:
        app(args=argv, standalone_mode=False)
    except LigandLabError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:
        if isinstance(exc, _usage_errors()):
            message = exc.format_message()  # type: ignore[attr-defined]
            if message.startswith("Got unexpected extra argument"):
                # options take one value each; "--smiles A B" is the common slip
                message += "; repeat the option for each value, e.g. --smiles A --smiles B"
            typer.echo(f"error: {message}", err=True)
            sys.exit(2)
        raise


def _usage_errors() -> tuple[type[Exception], ...]:
    """Usage-error classes (unknown option, bad value): click's, and those of the click copy
    that newer typer releases vendor, which do not derive from click's (and may come
    without click installed)."""
    errors: list[type[Exception]] = []
    if hasattr(typer, "TyperException"):
        errors.append(typer.TyperException)
    try:
        import click
    except ImportError:
        pass
    else:
        errors.append(click.ClickException)
    return tuple(errors)


if __name__ == "__main__":
    main()
