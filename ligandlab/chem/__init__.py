"""Ligands: validation, assembly from fragments, conformers and descriptors."""

from ligandlab.chem.assembly import (
    Synthesis,
    build_ligand,
    enumerate_ligands,
    head_model,
    parse_ligand,
    reference_ligands,
    virtual_synthesis,
)
from ligandlab.chem.conformers import ConformerEnsemble, conformers
from ligandlab.chem.descriptors import (
    HeadDescriptors,
    LigandDescriptors,
    TailDescriptors,
    describe,
    describe_many,
    head_descriptors_for,
    split_head_tail,
    tail_descriptors,
)
from ligandlab.chem.fragments import Tail
from ligandlab.chem.hansen import HansenParameters, hansen, hansen_from_smiles
from ligandlab.chem.io import read_ligands, write_ligands
from ligandlab.chem.ionize import ionizable_groups, ionize
from ligandlab.chem.ligand import BINDING_GROUPS, Anchor, Ligand, Parts
from ligandlab.chem.mixture import Mixture
from ligandlab.chem.solvent_match import (
    antisolvents,
    best_solvent_class,
    ligands_for_solvent,
    match_solvents,
    solvent_classes,
    tail_hansen,
)
from ligandlab.chem.solvents import Solvent, flory_chi, hansen_distance, interaction_radius

__all__ = [
    "BINDING_GROUPS",
    "Anchor",
    "ConformerEnsemble",
    "HansenParameters",
    "HeadDescriptors",
    "Ligand",
    "LigandDescriptors",
    "Mixture",
    "Parts",
    "Solvent",
    "Synthesis",
    "Tail",
    "TailDescriptors",
    "antisolvents",
    "best_solvent_class",
    "build_ligand",
    "conformers",
    "describe",
    "describe_many",
    "enumerate_ligands",
    "flory_chi",
    "hansen",
    "hansen_distance",
    "hansen_from_smiles",
    "head_descriptors_for",
    "head_model",
    "interaction_radius",
    "ionizable_groups",
    "ionize",
    "ligands_for_solvent",
    "match_solvents",
    "parse_ligand",
    "read_ligands",
    "reference_ligands",
    "solvent_classes",
    "split_head_tail",
    "tail_descriptors",
    "tail_hansen",
    "virtual_synthesis",
    "write_ligands",
]
