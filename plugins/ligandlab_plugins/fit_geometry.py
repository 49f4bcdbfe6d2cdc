"""fit_geometry: how well the ligand's charged groups fit the actual surface sites.

From the head group's conformer ensemble (MMFF, distance-dependent dielectric 4r, so
zwitterions are not all folded into a salt bridge) and the site geometry measured on the
built slab (SCIENCE.md section 4):

- **Cation in the A-site pocket.** The cationic group's radius (N to its outermost atom plus
  the vdW radius; at least 3.17 A when N carries a second heavy substituent, and at least
  formamidinium's 2.53 A for an amidinium or guanidinium) against the
  pocket radius (nearest X minus the halide radius); of several cationic groups, the
  smallest. A group
  larger than the pocket rides higher: protrusion h = max(0, r_cat - r_pocket).
- **Anion on the X site.** In BM3 the anionic O takes the X position, so the N...O span must
  match the A-to-X distance, target d* = sqrt(d_AX^2 + h^2). The fraction of the ensemble
  near d* (Gaussian, sigma) is P; -RT ln P is the conformational free energy ("strain")
  to hold the binding span.
- **Halves of an A-X pair.** Each charged group fills half an A-X pair. A cation-only ligand
  (BM2) scores 0.5 x pocket term; an anion-only one (BM2') scores 0.5. A zwitterion scores
  pocket term x (0.5 + 0.5 x span fit): its ammonium always binds as in BM2, and its anion
  adds the other half as far as the span puts it on the X site (BM3). So a zwitterion never
  scores below the same cation alone. A chelating anion adds credit for how often its
  O...donor bite matches one Pb (2.6 A, estimate).

Limits: rigid-site geometry, no surface relaxation, and a Gaussian tolerance that is an
estimate. MD (md_binding) is the check.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from rdkit import Chem

import ligandlab as ll
from ligandlab.chem.descriptors import HEAD_CONFORMERS
from ligandlab.chem.truncate import truncate_tail
from ligandlab.materials.material import ion

RT_KCAL = 0.593  # kcal/mol at 298 K
# Neutral (L-type) donors that bind surface Pb by a lone pair, which this scorer does not
# model: named in the reason so that a TOPO or dodecanethiol score of 0 is not misread.
NEUTRAL_DONORS = (
    ("phosphine oxide", Chem.MolFromSmarts("[PX4](=O)([#6])([#6])[#6]")),
    ("phosphine", Chem.MolFromSmarts("[PX3]([#6])([#6])[#6]")),
    ("thiol", Chem.MolFromSmarts("[SX2H1][#6]")),
    ("pyridine-type N", Chem.MolFromSmarts("[nX2;+0]")),
)
N_SUBSTITUENT_REACH_A = 1.47 + 1.70  # C-N bond + Bondi radius of C
# An amidinium or guanidinium spreads its charge over N-C-N, so its N alone understates the
# group: it is at least as wide as formamidinium, whose effective radius (2.53 A, Kieslich,
# Sun & Cheetham, Chem. Sci. 5, 4712 (2014)) library/materials.yaml holds. A lower bound: a
# guanidinium or an acetamidinium-type group is wider still.
AMIDINIUM_LIKE = "FA"
BITE_SIGMA_A = 0.3  # tolerance of a chelate's O...donor bite around bite_a (estimate)


class FitGeometry:
    name = "fit_geometry"
    # 4.2: the reason names neutral (L-type) donors; 4.3: the best-seated of several cations;
    # 4.4: charges that form no known group (a sulfonium) are named, not called "no charge";
    # 4.5: a chelate's bite is read on its head model (HEAD_CONFORMERS conformers, was 12
    # of the whole ligand) from the closest O...donor pair, not the first pair only;
    # details give value_se, the conformer-sampling standard error of the value;
    # 4.6: an amidinium or guanidinium is at least formamidinium-sized (2.53 A), not sized
    # from its charged N like an ammonium (2.21 A)
    version = "4.6"
    needs = frozenset({"ligand", "surface"})
    cost = "fast"

    def __init__(
        self,
        span_sigma_a: float = 0.4,
        protrusion_scale_a: float = 0.75,
        p_ref: float = 0.3,
        bite_a: float = 2.6,
    ) -> None:
        # span_sigma_a: tolerance of the N...O span (estimate); protrusion_scale_a: the
        # protrusion at which the pocket term falls to 1/e (estimate); p_ref: ensemble
        # fraction at the target that counts as a full fit (estimate).
        self.params: dict[str, Any] = {
            "span_sigma_a": span_sigma_a,
            "protrusion_scale_a": protrusion_scale_a,
            "p_ref": p_ref,
            "bite_a": bite_a,
        }

    def score(self, candidate: ll.Candidate, context: ll.Context) -> ll.ScoreResult:
        lig = candidate.ligand
        desc = context.descriptors(lig)
        head_key = desc.head.model_smiles if desc.head else lig.smiles
        key = (self.name, head_key, candidate.surface, bool(lig.chelate_pairs))
        return context.memo(key, lambda: self._fit(candidate, context, desc))

    def _fit(self, cand: ll.Candidate, context: ll.Context, desc: Any) -> ll.ScoreResult:
        lig = cand.ligand
        geo = context.site_geometry(*cand.surface)
        p = self.params
        details: dict[str, Any] = {
            "a_to_x_A": round(geo.a_to_x, 3),
            "pocket_radius_A": round(geo.pocket_radius, 3),
        }
        if not lig.anchors:
            groups = ll.ionizable_groups(lig)
            donors = _neutral_donors(lig.mol)
            charged = sorted(
                {
                    f"{a.GetSymbol()}{'+' if a.GetFormalCharge() > 0 else '-'}"
                    for a in lig.mol.GetAtoms()
                    if a.GetFormalCharge()
                }
            )
            details["reason"] = (
                (
                    f"its charges ({', '.join(charged)}) form no binding group this scorer "
                    f"knows ({', '.join(name for name, _ in ll.BINDING_GROUPS)})"
                    if charged
                    else "no charged binding group"
                )
                + (
                    f"; neutral as written ({', '.join(groups)}): ll.ionize() or --ionize "
                    "gives the surface-bound ion"
                    if groups
                    else ""
                )
                + (
                    f"; {', '.join(donors)}: a neutral (L-type) donor to Pb, not modelled"
                    if donors
                    else ""
                )
            )
            return ll.ScoreResult(0.0, 0.0, "kcal/mol", details)
        head = desc.head
        pocket_fit, h = 1.0, 0.0
        if lig.cations and head is not None and head.cation_radii:
            # of several cationic groups (a diammonium) the one that seats best takes the pocket
            r_cat = min(
                _group_radius(r, degree, group)
                for r, degree, group in zip(
                    head.cation_radii,
                    head.cation_heavy_degrees,
                    _cation_groups(head.model_smiles),
                    strict=True,
                )
            )
            h = max(0.0, r_cat - geo.pocket_radius)
            pocket_fit = math.exp(-((h / p["protrusion_scale_a"]) ** 2))
            details.update(
                cation_radius_A=round(r_cat, 3),
                protrusion_nm=round(h / 10.0, 4),
            )
        if lig.cations and lig.anions and head is not None and head.d_no:
            spans = np.asarray(head.d_no)
            target = math.hypot(geo.a_to_x, h)
            prob, prob_se = _fraction(spans, target, p["span_sigma_a"])
            strain = -RT_KCAL * math.log(max(prob, 1e-6))
            span_fit = min(1.0, prob / p["p_ref"])
            value_se = pocket_fit * 0.5 * (prob_se / p["p_ref"] if prob < p["p_ref"] else 0.0)
            details.update(
                mode="BM3",
                target_span_A=round(target, 3),
                span_median_A=round(float(np.median(spans)), 3),
                span_fraction=round(prob, 4),
                span_fraction_se=round(prob_se, 4),
                value_se=round(value_se, 4),
                strain_kcal_mol=round(strain, 3),
            )
            return ll.ScoreResult(pocket_fit * (0.5 + 0.5 * span_fit), strain, "kcal/mol", details)
        if lig.cations:
            details.update(mode="BM2", reason="cation only: fills the A half of an A-X pair")
            return ll.ScoreResult(0.5 * pocket_fit, h / 10.0, "nm protrusion", details)
        value = 0.5
        details.update(mode="BM2'", reason="anion only: fills the X half of an A-X pair")
        if lig.chelate_pairs:
            model = _chelate_model(lig)
            bite, bite_se = context.memo(("bite", model.smiles), lambda: _bite_fraction(model, p))
            value = 0.5 + 0.5 * bite
            details.update(chelate_bite_fraction=round(bite, 4), value_se=round(0.5 * bite_se, 4))
        return ll.ScoreResult(value, 0.0, "kcal/mol", details)


def _neutral_donors(mol: Chem.Mol) -> list[str]:
    return [name for name, pattern in NEUTRAL_DONORS if mol.HasSubstructMatch(pattern)]


def _chelate_model(lig: ll.Ligand) -> ll.Ligand:
    """The chelate with its tail cut two carbons beyond the anion, its donors and the atoms
    between them (rings that carry them kept whole): the bite is local, and the model is
    small enough for a large ensemble."""
    path = {i for o, d in lig.chelate_pairs for i in Chem.GetShortestPath(lig.mol, o, d)}
    model = truncate_tail(lig, 2, keep=path)
    return model if model.chelate_pairs else lig


def _group_radius(radius: float, heavy_degree: int, group: str) -> float:
    """The radius that one cationic group presents to the pocket: the head model's N-based
    radius, raised to the reach of a second heavy substituent on N (besides the chain to
    the anion: C-N 1.47 + Bondi C 1.70 A, whatever the head model shows) and, for an
    amidinium or guanidinium, to formamidinium's effective radius."""
    if heavy_degree >= 2:
        radius = max(radius, N_SUBSTITUENT_REACH_A)
    if group == "amidinium":
        radius = max(radius, ion(AMIDINIUM_LIKE).radius)
    return radius


def _cation_groups(model_smiles: str) -> list[str]:
    """Group names of the head model's cations, in the order of its ``cation_radii`` (both
    come from ``Ligand.from_smiles`` of the same model SMILES)."""
    return [c.group for c in ll.Ligand.from_smiles(model_smiles).cations]


def _fraction(d: np.ndarray, target: float, sigma: float) -> tuple[float, float]:
    """Gaussian-weighted fraction of ``d`` near ``target`` and its standard error.

    The standard error, sd(w) / sqrt(n), is the conformer-sampling uncertainty: for the PE
    heads it comes within 30 % of the sd over 8 ensemble seeds (0.017-0.034 against
    0.014-0.032 in value on CsPbBr3 and CsPbI3, slightly conservative)."""
    w = np.exp(-((d - target) ** 2) / (2 * sigma**2))
    se = float(np.std(w, ddof=1) / math.sqrt(len(w))) if len(w) > 1 else 0.0
    return float(np.mean(w)), se


def _bite_fraction(lig: ll.Ligand, p: dict[str, Any]) -> tuple[float, float]:
    """Ensemble fraction whose closest anionic O...donor pair is near ``bite_a``, and its
    standard error.

    Every pair counts: the two O of a carboxylate swap places when it turns by 180 degrees,
    so the first pair alone saw the bite in about half the conformers that have it. With
    12 conformers of the whole ligand (up to version 4.4) the fraction moved by 0.06-0.11
    (sd over 6 seeds) for 4-alkylpicolinates and a salicylate."""
    ens = ll.conformers(lig.smiles, n=HEAD_CONFORMERS)
    xyz = ens.all_positions()
    o_idx = [o for o, _ in lig.chelate_pairs]
    d_idx = [d for _, d in lig.chelate_pairs]
    d = np.linalg.norm(xyz[:, o_idx] - xyz[:, d_idx], axis=-1).min(axis=1)
    return _fraction(d, p["bite_a"], BITE_SIGMA_A)
