"""ligandlab: design and screen surface ligands for soft metal-halide nanocrystals.

The public API is re-exported here; nothing else should import from private paths.
"""

from ligandlab import cache, errors, library
from ligandlab.campaign import Campaign, CampaignResult, CampaignSpec
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
    flory_chi,
    hansen,
    head_descriptors_for,
    ionizable_groups,
    ionize,
    ligands_for_solvent,
    match_solvents,
    parse_ligand,
    read_ligands,
    reference_ligands,
    solvent_classes,
    tail_descriptors,
    virtual_synthesis,
    write_ligands,
)
from ligandlab.errors import LigandLabError
from ligandlab.materials import (
    CappedNanocrystal,
    Interface,
    LigandAmount,
    Material,
    Nanocrystal,
    SiteGeometry,
    Slab,
    build_nanocrystal,
    build_slab,
    cap_nanocrystal,
    material_names,
    place_ligands,
)
from ligandlab.scoring import (
    Candidate,
    Context,
    ScoreCard,
    Scorer,
    ScoreResult,
    hookimpl,
    rank,
    score,
    scorer_info,
    scorers,
)

__version__ = "0.1.0"

__all__ = [
    "Campaign",
    "CampaignResult",
    "CampaignSpec",
    "Candidate",
    "CappedNanocrystal",
    "ConformerEnsemble",
    "Context",
    "HansenParameters",
    "HeadDescriptors",
    "Interface",
    "Ligand",
    "LigandAmount",
    "LigandDescriptors",
    "LigandLabError",
    "Material",
    "Mixture",
    "Nanocrystal",
    "ScoreCard",
    "ScoreResult",
    "Scorer",
    "SiteGeometry",
    "Slab",
    "Solvent",
    "Synthesis",
    "Tail",
    "TailDescriptors",
    "__version__",
    "antisolvents",
    "best_solvent_class",
    "build_ligand",
    "build_nanocrystal",
    "build_slab",
    "cache",
    "cap_nanocrystal",
    "conformers",
    "describe",
    "describe_many",
    "enumerate_ligands",
    "errors",
    "flory_chi",
    "hansen",
    "head_descriptors_for",
    "hookimpl",
    "ionizable_groups",
    "ionize",
    "library",
    "ligands_for_solvent",
    "match_solvents",
    "material_names",
    "parse_ligand",
    "place_ligands",
    "rank",
    "read_ligands",
    "reference_ligands",
    "score",
    "scorer_info",
    "scorers",
    "simulate",
    "solvent_classes",
    "tail_descriptors",
    "virtual_synthesis",
    "write_ligands",
]


def __getattr__(name: str) -> object:
    """``ll.simulate`` loads OpenMM only when first used."""
    if name == "simulate":
        import importlib

        return importlib.import_module("ligandlab.simulate")
    raise AttributeError(f"module 'ligandlab' has no attribute {name!r}")
