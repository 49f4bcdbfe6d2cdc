"""Ligand validation, classes and anchors for every ligand class."""

from __future__ import annotations

import pytest

import ligandlab as ll


@pytest.mark.parametrize(
    ("smiles", "cls", "family", "charge"),
    [
        ("CCCCCCCCCCCCCCCCOP(=O)([O-])OCC[NH3+]", "zwitterion", "zwitterion", 0),
        ("[NH3+]CCc1ccccc1", "ammonium", "cationic", 1),
        ("CCCCCCCC/C=C\\CCCCCCCC[NH3+]", "ammonium", "cationic", 1),
        ("CCCCCCCC/C=C\\CCCCCCCC(=O)[O-]", "carboxylate", "anionic", -1),
        ("CCCCCCCCCCCCCCCCCCP(=O)([O-])O", "phosphonate", "anionic", -1),
        ("CCCCCCCCP(=O)([O-])CCCCCCCC", "phosphinate", "anionic", -1),
        ("CCCCCCCCCCCCOP(=O)([O-])O", "phosphate", "anionic", -1),
        ("CCCCCCCCCCCCS(=O)(=O)[O-]", "sulfonate", "anionic", -1),
        ("CCCCCCCCCCCCOS(=O)(=O)[O-]", "sulfate", "anionic", -1),
        ("[O-]C(=O)c1ccccn1", "chelating_anion", "anionic", -1),
        ("[O-]C(=O)c1ccccc1O", "chelating_anion", "anionic", -1),
        ("CCCCCCCCN", "neutral", "neutral", 0),
        ("CC[N+](=O)[O-]", "neutral", "neutral", 0),
        ("NC=[NH2+]", "cationic", "cationic", 1),
    ],
)
def test_classes(smiles: str, cls: str, family: str, charge: int) -> None:
    lig = ll.Ligand.from_smiles(smiles)
    assert (lig.ligand_class, lig.family, lig.charge) == (cls, family, charge)


def test_anchor_atoms_of_pe() -> None:
    lig = ll.Ligand.from_smiles("[NH3+]CCOP(=O)([O-])OCCCCC")
    mol = lig.mol
    (cat,) = lig.cations
    (an,) = lig.anions
    assert mol.GetAtomWithIdx(cat.center).GetSymbol() == "N" and cat.group == "primary_ammonium"
    assert mol.GetAtomWithIdx(an.center).GetSymbol() == "P" and an.group == "phosphate"
    assert sorted(mol.GetAtomWithIdx(i).GetSymbol() for i in an.binding) == ["O", "O"]


def test_chelate_pair_is_carboxylate_o_and_ring_n() -> None:
    lig = ll.Ligand.from_smiles("[O-]C(=O)c1ccccn1")
    mol = lig.mol
    assert lig.chelate_pairs
    for o, d in lig.chelate_pairs:
        assert mol.GetAtomWithIdx(o).GetSymbol() == "O"
        assert mol.GetAtomWithIdx(d).GetSymbol() == "N"


def test_canonical_identity_and_key() -> None:
    a = ll.Ligand.from_smiles("[NH3+]CCOP([O-])(=O)OCCCCCCCCCCCCCCCC")
    b = ll.build_ligand("PE", 2, "C16")
    assert a == b and a.key == b.key == "BQISFTKVULMCDX-UHFFFAOYSA-N"
    assert a.smiles == b.smiles


@pytest.mark.parametrize(
    ("smiles", "fragment"),
    [
        ("CC(C", "cannot be parsed"),
        ("C[N](C)(C)(C)C", "not a valid molecule"),
        ("CC[NH3+].CC(=O)[O-]", "2 molecules besides spectator ions"),
        ("[Cs+].[Br-]", "only spectator ions"),
        ("[Pb+2].[Br-].[Br-]", "only spectator ions"),  # not a radical: Pb2+ is 6s2
        ("[Pb]", "radical"),
        # an open-shell metal ion is no radical: the salt's real problem is named instead
        ("CCCCCCCC(=O)[O-].[Fe+3]", r"2 molecules besides spectator ions \(.*\[Fe\+3\]\)"),
        ("C[CH2]", "radical"),
        ("[*]CCCC", "attachment point"),
        ("", "empty"),
    ],
)
def test_bad_smiles(smiles: str, fragment: str) -> None:
    with pytest.raises(ll.errors.InvalidSmilesError, match=fragment):
        ll.Ligand.from_smiles(smiles)


@pytest.mark.parametrize(
    ("written", "ligand"),
    [
        ("[Na+].[O-]C(=O)CCCCCCC/C=C\\CCCCCCCC", "CCCCCCCC/C=C\\CCCCCCCC(=O)[O-]"),  # sodium oleate
        ("CCCCCCCCCCCC[N+](C)(C)CCCCCCCCCCCC.[Br-]", "CCCCCCCCCCCC[N+](C)(C)CCCCCCCCCCCC"),  # DDAB
        ("CCCCCCCCCCCCOS(=O)(=O)[O-].[Na+]", "CCCCCCCCCCCCOS(=O)(=O)[O-]"),  # SDS
        ("[Na+].[Na+].[O-]P(=O)([O-])CCCCCCCC", "CCCCCCCCP(=O)([O-])[O-]"),
        ("CC[NH3+].O.[Cl-]", "CC[NH3+]"),  # hydrate
        ("CC[NH3+].F[B-](F)(F)F", "CC[NH3+]"),
        ("CC[NH3+].[O-]Cl(=O)(=O)=O", "CC[NH3+]"),
        ("CC[NH3+].OS(=O)(=O)[O-]", "CC[NH3+]"),
        # a hydrohalide salt: HX leaves its proton on the base (PubChem writes PEABr so)
        ("CCCCCCCCN.Br", "CCCCCCCC[NH3+]"),
        ("C1=CC=C(C=C1)CCN.Br", "[NH3+]CCc1ccccc1"),
        ("NCCCCN.Br.Br", "[NH3+]CCCC[NH3+]"),
        ("NCCCCN.Br", "NCCCC[NH3+]"),  # one HX, one proton
        ("CCCCc1cccnc1.Br", "CCCCc1ccc[nH+]c1"),  # pyridinium bromide
        ("CCCCCCCCC(=O)O.Cl", "CCCCCCCCC(=O)O"),  # no base: HCl changes nothing
        ("[Na+].CC(=O)[O-]", "CC(=O)[O-]"),  # acetate is a ligand, not a spectator
        # lead oleate, the usual oleate source: the ligand once, without Pb2+
        (
            "CCCCCCCC/C=C\\CCCCCCCC(=O)[O-].CCCCCCCC/C=C\\CCCCCCCC(=O)[O-].[Pb+2]",
            "CCCCCCCC/C=C\\CCCCCCCC(=O)[O-]",
        ),
        ("[Zn+2].[Br-].[Br-].CCCCCCCC[NH3+]", "CCCCCCCC[NH3+]"),
    ],
)
def test_salts_lose_their_spectator_ions(written: str, ligand: str) -> None:
    lig = ll.Ligand.from_smiles(written)
    assert lig.smiles == ligand
    assert lig.name == ligand  # named by the ligand, not by the salt
    assert lig == ll.Ligand.from_smiles(ligand)


def test_bad_fragments_and_names() -> None:
    with pytest.raises(ll.errors.UnknownHeadError, match="closest: PE"):
        ll.build_ligand("PF", 2, "C16")
    with pytest.raises(ll.errors.UnknownTailError, match="C8C12"):
        ll.build_ligand("PE", 2, "C8C21")
    with pytest.raises(ll.errors.BridgeError, match=r"2\.\.4"):
        ll.build_ligand("PE", 5, "C16")
    with pytest.raises(ll.errors.BridgeError, match="fixes the bridge"):
        ll.build_ligand("PEA", 3, "C16")
    with pytest.raises(ll.errors.FragmentError, match="2 attachment points"):
        ll.build_ligand("PE", 2, "[*]CCCC[*]")
    with pytest.raises(ll.errors.FragmentError, match="0 attachment points"):
        ll.Tail.from_smiles("CCCC")
    with pytest.raises(ll.errors.FragmentError, match="phenol"):
        ll.Tail.from_alcohol("Oc1ccccc1")
    with pytest.raises(ll.errors.FragmentError, match="non-equivalent OH"):
        ll.Tail.from_alcohol("OCCCC(O)C")
    with pytest.raises(ll.errors.InvalidSmilesError, match="fragments"):
        ll.build_ligand("PE", 2, "[*]CCCC.CC")
    # every one of these is a LigandLabError
    assert issubclass(ll.errors.UnknownTailError, ll.LigandLabError)


@pytest.mark.parametrize(
    ("written", "bound", "cls", "groups"),
    [
        ("CCCCCCCC/C=C\\CCCCCCCCN", "CCCCCCCC/C=C\\CCCCCCCC[NH3+]", "ammonium", ("amine",)),
        (
            "CCCCCCCC/C=C\\CCCCCCCC(=O)O",
            "CCCCCCCC/C=C\\CCCCCCCC(=O)[O-]",
            "carboxylate",
            ("carboxylic acid",),
        ),
        # a diacid P gives up one proton (pKa1 ~2, pKa2 ~7)
        (
            "CCCCCCCCCCCCP(=O)(O)O",
            "CCCCCCCCCCCCP(=O)([O-])O",
            "phosphonate",
            ("phosphonic/phosphoric acid",),
        ),
        ("CCCCCCCCCCCCS(=O)(=O)O", "CCCCCCCCCCCCS(=O)(=O)[O-]", "sulfonate", None),
        # the phospholipid as its neutral tautomer becomes the zwitterion the library builds
        ("CCCCCOP(=O)(O)OCCN", "CCCCCOP(=O)([O-])OCC[NH3+]", "zwitterion", None),
        ("NCCCC(=O)O", "[NH3+]CCCC(=O)[O-]", "zwitterion", ("carboxylic acid", "amine")),
        ("[NH3+]CCCC(=O)O", "[NH3+]CCCC(=O)[O-]", "zwitterion", ("carboxylic acid",)),
        # the ring N of picolinic acid stays a neutral chelating donor
        ("OC(=O)c1ccccn1", "O=C([O-])c1ccccn1", "chelating_anion", None),
        ("CCCCC(=N)N", "CCCCC(N)=[NH2+]", "cationic", ("amidine/guanidine",)),
        ("CCCCN(C)C", "CCCC[NH+](C)C", "ammonium", None),
        # left alone: aniline, amide, alcohol, thiol, oxime, and ions as written
        ("Nc1ccccc1", "Nc1ccccc1", "neutral", ()),
        ("CCCCCCCCC(N)=O", "CCCCCCCCC(N)=O", "neutral", ()),
        ("CCCCCCCCO", "CCCCCCCCO", "neutral", ()),
        ("CCCCCCCCS", "CCCCCCCCS", "neutral", ()),
        ("CC=NO", "CC=NO", "neutral", ()),
        ("CCCCCCCC[NH3+]", "CCCCCCCC[NH3+]", "ammonium", ()),
    ],
)
def test_ionize_gives_the_surface_bound_form(
    written: str, bound: str, cls: str, groups: tuple[str, ...] | None
) -> None:
    lig = ll.ionize(written)
    assert lig.smiles == ll.Ligand.from_smiles(bound).smiles and lig.ligand_class == cls
    if groups is not None:
        assert ll.ionizable_groups(written) == groups
    assert ll.ionize(lig) is lig  # nothing left to charge
    assert ll.ionizable_groups(lig) == ()


def test_ionize_keeps_names_and_refuses_bad_input() -> None:
    oam = ll.Ligand.from_smiles("CCCCCCCC/C=C\\CCCCCCCCN", name="oleylamine")
    assert ll.ionize(oam).name == "oleylamine"
    assert ll.ionize("CCCCCCCCN", name="OctA").name == "OctA"
    assert ll.ionize("CCCCCCCCN").name == "CCCCCCCC[NH3+]"
    # a name that was only the neutral SMILES follows the new SMILES
    assert ll.ionize(ll.Ligand.from_smiles("CCCCCCCCN")).name == "CCCCCCCC[NH3+]"
    for bad in ("C(C", "[*]CCN", "CCN.CCC(=O)O"):
        with pytest.raises(ll.errors.InvalidSmilesError):
            ll.ionize(bad)
    # the amine hydrobromide is already the ammonium; ionize leaves it so
    assert ll.ionize("CCCCCCCCN.Br").smiles == "CCCCCCCC[NH3+]"
