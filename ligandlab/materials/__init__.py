"""Materials, slabs with tagged surface sites, ligand placement and whole (capped)
nanocrystals."""

from ligandlab.materials.capped import CappedNanocrystal, cap_nanocrystal
from ligandlab.materials.interface import Interface
from ligandlab.materials.material import Ion, Material, material_names
from ligandlab.materials.nanocrystal import LigandAmount, Nanocrystal, build_nanocrystal
from ligandlab.materials.placement import MODES, Placement, place_ligands
from ligandlab.materials.slab import SiteGeometry, Slab, SurfaceSites, build_slab, site_geometry

__all__ = [
    "MODES",
    "CappedNanocrystal",
    "Interface",
    "Ion",
    "LigandAmount",
    "Material",
    "Nanocrystal",
    "Placement",
    "SiteGeometry",
    "Slab",
    "SurfaceSites",
    "build_nanocrystal",
    "build_slab",
    "cap_nanocrystal",
    "material_names",
    "place_ligands",
    "site_geometry",
]
