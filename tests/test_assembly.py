"""Assembly of ligands from head, bridge and tail: exact canonical SMILES regressions."""

from __future__ import annotations

from collections import Counter

import pytest
from rdkit import Chem
from rdkit.Chem import rdCIPLabeler

import ligandlab as ll

# (head, bridge, tail, expected RDKit canonical SMILES). Written by hand from the structures
# (the PE/PC hexadecyl cases are the issue's own); compared after RDKit canonicalisation.
CASES = [
    ("PE", 2, "C16", "CCCCCCCCCCCCCCCCOP(=O)([O-])OCC[NH3+]"),
    ("PC", None, "C16", "CCCCCCCCCCCCCCCCOP(=O)([O-])OCC[N+](C)(C)C"),
    ("PE", 3, "C16", "CCCCCCCCCCCCCCCCOP(=O)([O-])OCCC[NH3+]"),
    ("PE", 4, "C16", "CCCCCCCCCCCCCCCCOP(=O)([O-])OCCCC[NH3+]"),
    ("PEA", None, "C8C12", "CCCCCCCCCCC(CCCCCCCC)COP(=O)([O-])OCC[NH3+]"),
    ("PPA", None, "C8C12", "CCCCCCCCCCC(CCCCCCCC)COP(=O)([O-])OCCC[NH3+]"),
    ("PBA", None, "2-octyldodecyl", "CCCCCCCCCCC(CCCCCCCC)COP(=O)([O-])OCCCC[NH3+]"),
    ("PE-NMe", 2, "C12", "CCCCCCCCCCCCOP(=O)([O-])OCC[NH2+]C"),
    ("PE-NMe2", 2, "C12", "CCCCCCCCCCCCOP(=O)([O-])OCC[NH+](C)C"),
    ("PE-NMe3", 3, "C12", "CCCCCCCCCCCCOP(=O)([O-])OCCC[N+](C)(C)C"),
    ("PE", 2, "C8", "CCCCCCCCOP(=O)([O-])OCC[NH3+]"),
    ("PE", 2, "stearyl", "CCCCCCCCCCCCCCCCCCOP(=O)([O-])OCC[NH3+]"),
    ("PE", 2, "EH", "CCCCC(CC)COP(=O)([O-])OCC[NH3+]"),
    ("PE", 2, "C6C10", "CCCCCCCCC(CCCCCC)COP(=O)([O-])OCC[NH3+]"),
    ("PE", 2, "phytanyl", "CC(C)CCCC(C)CCCC(C)CCCC(C)CCOP(=O)([O-])OCC[NH3+]"),
    ("PE", 2, "oleyl", "CCCCCCCC/C=C\\CCCCCCCCOP(=O)([O-])OCC[NH3+]"),
    ("PE", 2, "linoleyl", "CCCCC/C=C\\C/C=C\\CCCCCCCCOP(=O)([O-])OCC[NH3+]"),
    ("PE", 2, "benzyl", "[NH3+]CCOP(=O)([O-])OCc1ccccc1"),
    ("PE", 2, "phenethyl", "[NH3+]CCOP(=O)([O-])OCCc1ccccc1"),
    ("PE", 3, "phenylpropyl", "[NH3+]CCCOP(=O)([O-])OCCCc1ccccc1"),
    ("PE", 2, "biphenylmethyl", "[NH3+]CCOP(=O)([O-])OCc1ccc(-c2ccccc2)cc1"),
    ("PE", 2, "naphthylmethyl", "[NH3+]CCOP(=O)([O-])OCc1cccc2ccccc12"),
    ("PE", 2, "bromobenzyl", "[NH3+]CCOP(=O)([O-])OCc1ccc(Br)cc1"),
    (
        "PE",
        2,
        "perfluorooctyl",
        "[NH3+]CCOP(=O)([O-])OCCC(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)C(F)(F)F",
    ),
    ("PE", 2, "chlorobenzyl", "[NH3+]CCOP(=O)([O-])OCc1ccc(Cl)cc1"),
    ("PE", 2, "mPEG3", "COCCOCCOCCOP(=O)([O-])OCC[NH3+]"),
    ("PE", 2, "PEG-OH", "OCCOCCOCCOCCOCCOCCOCCOCCOCCOP(=O)([O-])OCC[NH3+]"),
    ("PE", 2, "PPG-OH", "CC(CO)OCC(C)OCC(C)OCC(C)OCC(C)OCC(C)OCC(C)OP(=O)([O-])OCC[NH3+]"),
    (
        "PE",
        2,
        "PS900",
        "CCC(C)CC(CC(CC(CC(CC(CC(CC(CC(CCOP(=O)([O-])OCC[NH3+])c1ccccc1)c1ccccc1)c1ccccc1)"
        "c1ccccc1)c1ccccc1)c1ccccc1)c1ccccc1)c1ccccc1",
    ),
    # DOPC as PubChem writes it (sn-glycero-3-phosphocholine, R)
    (
        "PC",
        None,
        "DOG",
        "CCCCCCCC/C=C\\CCCCCCCC(=O)OC[C@H](COP(=O)([O-])OCC[N+](C)(C)C)OC(=O)CCCCCCC/C=C\\CCCCCCCC",
    ),
    ("SB", 3, "C12", "CCCCCCCCCCCC[N+](C)(C)CCCS(=O)(=O)[O-]"),
    ("CB", 1, "C12", "CCCCCCCCCCCC[N+](C)(C)CC(=O)[O-]"),
    ("GABA", 3, "C12", "CCCCCCCCCCCC[NH2+]CCCC(=O)[O-]"),
    ("bisPE", 2, "C12", "CCCCCCCCCCCCOCC(COP(=O)([O-])OCC[NH3+])OP(=O)([O-])OCC[NH3+]"),
    ("PE", 2, "C5", "CCCCCOP(=O)([O-])OCC[NH3+]"),
    ("PE", 2, "[*]CC1CCCCC1", "[NH3+]CCOP(=O)([O-])OCC1CCCCC1"),
]


@pytest.mark.parametrize(("head", "bridge", "tail", "expected"), CASES)
def test_regression_smiles(head: str, bridge: int | None, tail: str, expected: str) -> None:
    lig = ll.build_ligand(head, bridge, tail)
    assert lig.smiles == Chem.CanonSmiles(expected)


def test_at_least_thirty_cases_and_every_tail_class_covered() -> None:
    classes = {ll.library.tail(t).cls for _, _, t, _ in CASES if "*" not in t}
    all_classes = {t.cls for t in ll.library.default_tails()}
    assert len(CASES) >= 30
    assert all_classes <= classes


def test_issue_examples_exact() -> None:
    assert ll.build_ligand("PE", 2, "C16").smiles == "CCCCCCCCCCCCCCCCOP(=O)([O-])OCC[NH3+]"
    assert ll.build_ligand("PC", 2, "C16").smiles == "CCCCCCCCCCCCCCCCOP(=O)([O-])OCC[N+](C)(C)C"


def test_natural_stereocentre_is_R() -> None:
    mol = ll.build_ligand("PC", None, "DOG").mol
    rdCIPLabeler.AssignCIPLabels(mol)
    labels = [a.GetProp("_CIPCode") for a in mol.GetAtoms() if a.HasProp("_CIPCode")]
    assert labels == ["R"]


def _counts(smiles: str) -> Counter[str]:
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    return Counter(a.GetSymbol() for a in mol.GetAtoms())


def _expected_counts(lig: ll.Ligand) -> Counter[str]:
    """Atom balance of the assembly: (head-CH3) + (R-H) - CH4 = head-R."""
    assert lig.parts is not None and lig.tail_smiles is not None
    head = _counts(ll.chem.head_model(lig.parts.head, lig.parts.bridge).smiles)
    tail = _counts(lig.tail_smiles.replace("*", "[H]"))
    out = head + tail
    out.subtract({"C": 1, "H": 4})
    return +out


def test_every_built_phospholipid_is_neutral_zwitterion_with_right_formula() -> None:
    ligs = ll.enumerate_ligands()
    assert len(ligs) >= 200
    for lig in ligs:
        assert lig.charge == 0 and lig.ligand_class == "zwitterion", lig.name
        assert _counts(lig.smiles) == _expected_counts(lig), lig.name
        n_cat = len(lig.cations)
        assert n_cat == len(lig.anions) == (2 if lig.parts and lig.parts.head == "bisPE" else 1)


def test_formula_of_pe_hexadecyl() -> None:
    # C16H33-O-PO3(-)-C2H4-NH3(+): C18 H40 N O4 P
    assert ll.build_ligand("PEA", None, "C16").formula == "C18H40NO4P"
    assert ll.build_ligand("PC", None, "C16").formula == "C21H46NO4P"


def test_enumerate_deduplicates_and_respects_head_ranges() -> None:
    ligs = ll.enumerate_ligands(heads=["PE", "PEA", "CB"], bridges=[2, 3], tails=["C8", "C8"])
    smiles = [lig.smiles for lig in ligs]
    assert len(smiles) == len(set(smiles))
    # PE/2, PE/3 (PEA duplicates PE/2), CB/2, CB/3
    assert len(ligs) == 4
    assert {lig.parts.bridge for lig in ligs if lig.parts} == {2, 3}


def test_enumerate_accepts_records_and_names() -> None:
    ligs = ll.enumerate_ligands(heads=["PC"], tails=ll.library.default_tails()[:3])
    assert len(ligs) == 3 and all(lig.parts and lig.parts.head == "PE-NMe3" for lig in ligs)


def test_parts_and_names() -> None:
    lig = ll.build_ligand("PPA", tail="C8C12")
    assert lig.parts == ll.chem.Parts("PE", 3, "C8C12")
    assert lig.name == "C8C12-PPA"
    assert ll.build_ligand("PE-NMe", 3, "C8").name == "C8-PE-NMe/3"


def test_user_tail_smiles_and_alcohol_route_agree() -> None:
    from_smiles = ll.build_ligand("PE", 2, "[*]CCc1ccc(F)cc1")
    from_alcohol = ll.build_ligand("PE", 2, ll.Tail.from_alcohol("OCCc1ccc(F)cc1"))
    assert (
        from_smiles.smiles
        == from_alcohol.smiles
        == Chem.CanonSmiles("[NH3+]CCOP(=O)([O-])OCCc1ccc(F)cc1")
    )


def test_virtual_synthesis_routes() -> None:
    syn = ll.virtual_synthesis("CCCCCCCCCCCCCCCCO", head="PE", bridge=3)
    assert syn.product.smiles == "CCCCCCCCCCCCCCCCOP(=O)([O-])OCCC[NH3+]"
    assert "3-aminopropan-1-ol" in syn.steps[1].reagents
    assert syn.steps[0].reagents[0] == "POCl3"
    pc = ll.virtual_synthesis("CCCCCCCCCCCCCCCCO", head="PC")
    assert pc.product.smiles == "CCCCCCCCCCCCCCCCOP(=O)([O-])OCC[N+](C)(C)C"
    # symmetric PEG diol: either OH reacts, one product
    peg = ll.Tail.from_alcohol("OCCOCCOCCO")
    assert peg.smiles == Chem.CanonSmiles("[*]CCOCCOCCO")


def test_lecithin_mixture() -> None:
    lec = ll.Mixture.get("lecithin")
    assert abs(sum(x for _, x in lec.components) - 1.0) < 1e-9
    heads = {lig.parts.head for lig in lec.ligands if lig.parts}
    assert heads == {"PE", "PE-NMe3"}  # primary and quaternary ammonium, as in the paper
    assert all(lig.ligand_class == "zwitterion" for lig in lec.ligands)
    assert 700 < lec.mean_mw < 800  # diacyl glycerophospholipids with C16-C18 chains


def test_a_mixture_name_gives_its_labelled_components() -> None:
    from ligandlab.chem.assembly import as_ligand, as_ligands, parse_named_ligands

    lec = ll.Mixture.get("lecithin")
    ligs = as_ligands(["C8C12-PEA", "Lecithin"])
    assert len(ligs) == 1 + len(lec.components)
    assert [lig.name for lig in ligs[1:]] == [f"lecithin: {lig.name}" for lig in lec.ligands]
    assert [lig.smiles for lig in ligs[1:]] == [lig.smiles for lig in lec.ligands]
    named = parse_named_ligands("lecithin soy PC")
    assert named[0].name == f"soy PC: {lec.ligands[0].name}"
    assert parse_named_ligands("C8C12-PEA mine")[0].name == "mine"
    with pytest.raises(ll.LigandLabError, match="is a mixture of 5 ligands"):
        as_ligand("lecithin")
    with pytest.raises(ll.LigandLabError, match=r"a mixture \(lecithin\)"):
        ll.parse_ligand("lecithine")
