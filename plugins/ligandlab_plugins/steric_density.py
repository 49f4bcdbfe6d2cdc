"""steric_density: can the tails cover the surface, and do they keep crystals apart?

From the tail descriptors (3D conformer ensemble of the methyl-capped tail) and the area
per site measured on the built slab (SCIENCE.md sections 3-4):

- **Achievable coverage** theta = min(1, area per site / tail cross-section).
- **Packing.** Linear saturated chains of 12 or more carbons crystallise on the surface and
  give poorer colloids than branched or bent tails (paper; hexadecyl vs C8C12 and oleyl).
  A tail with no branch, double bond, ring or ether counts its longest run of CH2/CH3
  carbons (``alkyl_run``: 16 for hexadecyl, 15 for each palmitoyl of a diacyl, 7 for
  octanoyl). Crystallinity c rises from 0 at a run of 10 to 1 at 16 (linear ramp, an
  estimate), and the packing factor is 1 - c/2.
- **Brush.** The dry shell thickness is h = V_tail x theta / area per site, the tail volume
  spread over the area it covers. The predicted inter-crystal spacing is 2h, from two
  interdigitating shells. A shell under about 1 nm stabilises weakly: the brush factor is
  1 - exp(-h / 0.5 nm), an estimate.

value = packing x brush factor. raw = the predicted spacing (nm). theta enters through h
only: a bulky tail that binds fewer sites still covers the surface, and its thinner shell
is its cost. (Up to version 2 the value was theta x packing x brush, which charged bulky
tails twice and put dioleoyl tails below hexadecyl, against the paper.)

Limits: dry shells. Swollen polymer brushes in solvent are thicker than this estimate.
"""

from __future__ import annotations

import math
from typing import Any

import ligandlab as ll


class StericDensity:
    name = "steric_density"
    # 2: crystallinity from the longest alkyl run, not all carbons; 3: theta only through h
    version = "3"
    needs = frozenset({"ligand", "surface"})
    cost = "fast"

    def __init__(self, brush_scale_nm: float = 0.5) -> None:
        self.params: dict[str, Any] = {"brush_scale_nm": brush_scale_nm}

    def score(self, candidate: ll.Candidate, context: ll.Context) -> ll.ScoreResult:
        desc = context.descriptors(candidate.ligand)
        tail_key = desc.tail.tail_smiles if desc.tail else candidate.ligand.smiles
        key = (self.name, tail_key, candidate.surface)
        return context.memo(key, lambda: self._score(candidate, context, desc.tail))

    def _score(self, cand: ll.Candidate, context: ll.Context, tail: Any) -> ll.ScoreResult:
        geo = context.site_geometry(*cand.surface)
        area = geo.area_per_site_nm2
        if tail is None:
            return ll.ScoreResult(
                0.0, 0.0, "nm", {"reason": "no tail: no steric barrier between crystals"}
            )
        theta = min(1.0, area / max(tail.cross_section_nm2, 1e-6))
        linear = (
            tail.branch_points == 0
            and tail.unsaturations == 0
            and tail.aromatic_rings == 0
            and tail.ether_oxygens == 0
        )
        crystallinity = min(1.0, max(0.0, (tail.alkyl_run - 10) / 6)) if linear else 0.0
        packing = 1.0 - 0.5 * crystallinity
        thickness = tail.volume_nm3 * theta / area
        spacing = 2.0 * thickness
        brush = 1.0 - math.exp(-thickness / self.params["brush_scale_nm"])
        details = {
            "achievable_coverage": round(theta, 4),
            "area_per_site_nm2": round(area, 4),
            "tail_cross_section_nm2": round(tail.cross_section_nm2, 4),
            "crystallinity": round(crystallinity, 3),
            "shell_thickness_nm": round(thickness, 3),
            "spacing_nm": round(spacing, 3),
        }
        return ll.ScoreResult(packing * brush, spacing, "nm", details)
