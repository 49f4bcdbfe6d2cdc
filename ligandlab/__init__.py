"""ligandlab: design and screen surface ligands for soft metal-halide nanocrystals.

The public API is re-exported here; nothing else should import from private paths.
"""

from ligandlab import cache, errors, library
from ligandlab.chem import (
    ConformerEnsemble,
    HeadDescriptors,
    Ligand,
    LigandDescriptors,
    Mixture,
    Synthesis,
    Tail,
    TailDescriptors,
    build_ligand,
    conformers,
    describe,
    describe_many,
    enumerate_ligands,
    head_descriptors_for,
    tail_descriptors,
    virtual_synthesis,
    write_ligands,
)
from ligandlab.errors import LigandLabError

__version__ = "0.1.0"

__all__ = [
    "ConformerEnsemble",
    "HeadDescriptors",
    "Ligand",
    "LigandDescriptors",
    "LigandLabError",
    "Mixture",
    "Synthesis",
    "Tail",
    "TailDescriptors",
    "__version__",
    "build_ligand",
    "cache",
    "conformers",
    "describe",
    "describe_many",
    "enumerate_ligands",
    "errors",
    "head_descriptors_for",
    "library",
    "tail_descriptors",
    "virtual_synthesis",
    "write_ligands",
]
