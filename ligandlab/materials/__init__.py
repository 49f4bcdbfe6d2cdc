"""Materials, slabs with tagged surface sites, ligand placement and whole nanocrystals."""

from ligandlab.materials.material import Ion, Material, material_names
from ligandlab.materials.slab import SiteGeometry, Slab, SurfaceSites, build_slab, site_geometry

__all__ = [
    "Ion",
    "Material",
    "SiteGeometry",
    "Slab",
    "SurfaceSites",
    "build_slab",
    "material_names",
    "site_geometry",
]
