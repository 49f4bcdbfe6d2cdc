"""Ligands: validation, assembly from fragments, conformers and descriptors."""

from ligandlab.chem.assembly import (
    Synthesis,
    build_ligand,
    enumerate_ligands,
    head_model,
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
from ligandlab.chem.io import write_ligands
from ligandlab.chem.ligand import Anchor, Ligand, Parts
from ligandlab.chem.mixture import Mixture

__all__ = [
    "Anchor",
    "ConformerEnsemble",
    "HeadDescriptors",
    "Ligand",
    "LigandDescriptors",
    "Mixture",
    "Parts",
    "Synthesis",
    "Tail",
    "TailDescriptors",
    "build_ligand",
    "conformers",
    "describe",
    "describe_many",
    "enumerate_ligands",
    "head_descriptors_for",
    "head_model",
    "split_head_tail",
    "tail_descriptors",
    "virtual_synthesis",
    "write_ligands",
]
