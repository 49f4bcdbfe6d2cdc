"""Van der Waals volume of a conformer: RDKit's grid method, counted with numpy.

``AllChem.ComputeMolVolume`` encodes the molecule on a 0.2 A grid in C++ and then counts
the fully occupied voxels in a Python list comprehension, one boost call per voxel: for a
stretched 40 A tail that loop (millions of voxels) took longer than the encoding, 8 s of
a cold screen. ``vdw_volume`` takes the same steps and counts the voxels from the grid's
packed 2-bit occupancy in numpy, so it returns exactly RDKit's number (tested).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rdkit import Chem, Geometry
from rdkit.Chem import rdMolTransforms, rdShapeHelpers

# DiscreteValueVect's serialised form (RDKit Code/DataStructs/DiscreteValueVect.cpp,
# toString): int32 -version, then uint32 type, bits per value, mask, length, number of
# uint32 words, then the words, all little-endian; another layout falls back to the slow count.
_HEADER_WORDS = 6
_PICKLE_VERSION = 1


def vdw_volume(mol: Chem.Mol, conf_id: int = -1, grid_spacing: float = 0.2) -> float:
    """Volume (A^3) of conformer ``conf_id``: voxels of a ``grid_spacing`` grid that lie
    inside an atom's Bondi sphere, hydrogens included (``AllChem.ComputeMolVolume``'s
    definition with its default 2 A box margin)."""
    mol = Chem.Mol(mol)
    conf = mol.GetConformer(conf_id)
    rdMolTransforms.CanonicalizeConformer(conf, ignoreHs=False)
    lo, hi = rdShapeHelpers.ComputeConfBox(conf)
    margin = 2.0
    grid = Geometry.UniformGrid3D(
        hi.x - lo.x + 2 * margin,
        hi.y - lo.y + 2 * margin,
        hi.z - lo.z + 2 * margin,
        spacing=grid_spacing,
    )
    rdShapeHelpers.EncodeShape(mol, grid, conf_id, ignoreHs=False, vdwScale=1.0)
    return grid_spacing**3 * _count_full(grid.GetOccupancyVect())


def _count_full(occupancy: Any) -> int:
    """Voxels holding the top value 3 (inside an atom) in a 2-bit occupancy vector."""
    blob = bytes(occupancy.__reduce__()[1][0])
    head = np.frombuffer(blob, dtype="<i4", count=_HEADER_WORDS)
    version, bits, mask, length, words = int(-head[0]), int(head[2]), int(head[3]), *head[4:6]
    if version != _PICKLE_VERSION or bits != 2 or mask != 3:
        # an unknown layout: RDKit's own (slow) count
        return sum(1 for value in occupancy if value == 3)
    data = np.frombuffer(blob, dtype="<u4", count=int(words), offset=4 * _HEADER_WORDS)
    shifts = np.arange(0, 32, 2, dtype=np.uint32)
    values = ((data[:, None] >> shifts) & 3).ravel()[: int(length)]
    return int(np.count_nonzero(values == 3))
