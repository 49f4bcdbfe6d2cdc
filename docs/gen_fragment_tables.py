"""Generate docs/fragments.md: the library's heads, tails, mixtures and reference ligands.

Run by ``make docs``; the page is committed so the docs read well without building.
"""

from __future__ import annotations

from pathlib import Path

import ligandlab as ll


def _md(rows: list[list[str]], header: list[str]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(out)


def main() -> None:
    heads = []
    for h in ll.library.heads():
        example = ll.build_ligand(h.id, h.default_bridge, "C12")
        aliases = ", ".join(f"{a} = {h.id}/{b}" for a, b in h.aliases.items())
        heads.append(
            [
                f"`{h.id}`",
                h.name,
                f"{h.bridges[0]}–{h.bridges[1]}",
                aliases,
                f"`{example.smiles}`",
                h.source,
            ]
        )
    tails = [
        [
            f"`{t.id}`",
            t.name,
            t.cls,
            f"`{t.smiles}`",
            ", ".join(t.aliases),
            str(int(t.mn)) if t.mn else "",
            t.source,
        ]
        for t in ll.library.tails()
    ]
    mixes = []
    for m in ll.library.mixtures():
        mixes.append(
            [
                f"`{m.id}`",
                m.name,
                "; ".join(f"{c.name} ({c.fraction:.2f})" for c in m.components),
                m.source,
            ]
        )
    refs = [
        [f"`{r.id}`", r.name, lig.ligand_class, f"`{lig.smiles}`", ", ".join(r.aliases), r.source]
        for r, lig in zip(ll.library.references(), ll.reference_ligands(), strict=True)
    ]
    text = "\n\n".join(
        [
            "# Fragment library\n\nGenerated from `library/*.yaml` by "
            "`docs/gen_fragment_tables.py` (do not edit by hand). Example SMILES use a "
            "dodecyl tail and the head's default bridge.",
            "## Heads\n\n"
            + _md(heads, ["id", "name", "bridges", "aliases", "example (C12)", "source"]),
            f"## Tails ({len(tails)})\n\n"
            + _md(tails, ["id", "name", "class", "SMILES", "aliases", "Mn", "source"]),
            "## Mixtures\n\n" + _md(mixes, ["id", "name", "components (mole fraction)", "source"]),
            "## Reference ligands\n\nEstablished capping ligands to compare designs "
            "against, as they bind (see [ranking](ranking.md#compare-with-the-ligands-you-use-"
            "today)).\n\n"
            + _md(refs, ["id", "name", "class", "SMILES (bound)", "aliases", "source"]),
        ]
    )
    path = Path(__file__).with_name("fragments.md")
    path.write_text(text + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
