"""ligandlab: design and screen surface ligands for soft metal-halide nanocrystals.

The public API is re-exported here; nothing else should import from private paths.
"""

from ligandlab import cache, errors, library
from ligandlab.chem import (
    ConformerEnsemble,
    HansenParameters,
    HeadDescriptors,
    Ligand,
    LigandDescriptors,
    Mixture,
    Solvent,
    Synthesis,
    Tail,
    TailDescriptors,
    antisolvents,
    best_solvent_class,
    build_ligand,
    conformers,
    describe,
    describe_many,
    enumerate_ligands,
    hansen,
    head_descriptors_for,
    ligands_for_solvent,
    match_solvents,
    solvent_classes,
    tail_descriptors,
    virtual_synthesis,
    write_ligands,
)
from ligandlab.errors import LigandLabError

__version__ = "0.1.0"

__all__ = [
    "ConformerEnsemble",
    "HansenParameters",
    "HeadDescriptors",
    "Ligand",
    "LigandDescriptors",
    "LigandLabError",
    "Mixture",
    "Solvent",
    "Synthesis",
    "Tail",
    "TailDescriptors",
    "__version__",
    "antisolvents",
    "best_solvent_class",
    "build_ligand",
    "cache",
    "conformers",
    "describe",
    "describe_many",
    "enumerate_ligands",
    "errors",
    "hansen",
    "head_descriptors_for",
    "library",
    "ligands_for_solvent",
    "match_solvents",
    "solvent_classes",
    "tail_descriptors",
    "virtual_synthesis",
    "write_ligands",
]
