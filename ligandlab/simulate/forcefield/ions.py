"""Ion models for the inorganic slab, read from ``library/forcefields/*.yaml``.

A model gives, per variant (one self-consistent fitted parameter column), the ion charges
and pair parameters of the short-range ion-ion potential, plus pair parameters between
ions and specific ligand anchor atoms. Conventions, documented in docs/simulate.md:

- **Ion-organic pairs the model does not give** use Lorentz-Berthelot between the ion's
  UFF parameters and the organic atom's GAFF2 parameters (the combination rule GAFF itself
  uses); anchor atoms the table lists use its sigma, with epsilon the geometric mean of the
  ion's UFF and the atom's GAFF2 value (Pascazio et al. combined UFF and CGenFF epsilon
  geometrically).
- **Charges.** Models with scaled ion charges (Pascazio: q_Cs = 0.47-0.64 e; MYP: MA +1.36,
  X -1.13) scale every cationic ligand group to q_A and every anionic one to q_X: the
  group's formal charge of +/-1 becomes that by spreading the difference evenly over the
  group's atoms (its centre, binding atoms and the hydrogens on them). A ligand that
  replaces an A+ or X- then carries exactly the charge of the ion it replaces, so every
  interface built by ligand exchange stays exactly neutral.
  This is the convention the authors used when fitting their ligand columns.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ligandlab.chem.ligand import Ligand
from ligandlab.errors import ForceFieldError, LibraryError, UnknownIonModelError
from ligandlab.materials.material import Material

LIBRARY = Path(__file__).resolve().parents[3] / "library" / "forcefields"


@dataclass(frozen=True)
class Pair:
    """One tabulated pair term: 12-6 LJ (sigma nm, epsilon kJ/mol) plus Buckingham
    A exp(-r/rho) - C/r^6 (A kJ/mol, rho nm, C kJ mol^-1 nm^6); unused parts are zero."""

    sigma: float = 0.0
    epsilon: float = 0.0
    A: float = 0.0
    rho: float = 1.0
    C: float = 0.0


@dataclass(frozen=True)
class IonVariant:
    """One self-consistent parameter column. ``charges`` holds atomic ions and, for a
    molecular A cation, its total charge (``MA: 1.36``). ``sigma`` (LJ models) gives ion-ion
    sigma with UFF epsilon; ``pairs`` gives any pair in full, between ions or between an ion
    and an atom type of a molecular ion (``"Pb-MA:N"``); ``anchors`` gives ion-anchor sigma."""

    name: str
    charges: dict[str, float]
    sigma: dict[frozenset[str], float]  # nm, ion-ion pairs
    anchors: dict[str, dict[str, float]] = field(default_factory=dict)  # role -> ion -> sigma
    pairs: dict[frozenset[str], Pair] = field(default_factory=dict)

    def pair_sigma(self, a: str, b: str) -> float:
        return self.sigma[frozenset((a, b))]

    @property
    def a_charge(self) -> float:
        """Charge of the A cation (atomic or molecular): the unit ligand groups scale to."""
        a = [q for s, q in self.charges.items() if q > 0 and s != "Pb"]
        return a[0] if a else 1.0

    @property
    def x_charge(self) -> float:
        """Charge of the halide (negative): the unit anionic ligand groups scale to. Equal to
        -a_charge in the Pascazio sets, not in MYP (MA +1.36, X -1.13)."""
        x = [q for q in self.charges.values() if q < 0]
        return x[0] if x else -1.0


@dataclass(frozen=True)
class MolecularIon:
    """Parameters of a molecular A cation (MA, FA). Atom types: the heavy-atom element, or
    H plus the element it is bonded to (``HN``, ``HC``). ``charges`` and ``lj`` (sigma nm,
    epsilon kJ/mol) by type replace the GAFF2 values where given; bonded terms are GAFF2.
    Without ``charges`` the GAFF2/AM1-BCC charges are scaled uniformly to the variant's
    A-cation charge."""

    smiles: str
    charges: dict[str, float] = field(default_factory=dict)
    lj: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class IonModel:
    """One published ion parameter set (see the YAML file for the source)."""

    id: str
    name: str
    source: str
    form: str
    materials: tuple[str, ...]
    uff: dict[str, tuple[float, float]]  # element -> (sigma nm, epsilon kJ/mol)
    variants: dict[str, IonVariant]
    variant_for_group: dict[str, str]
    lattice: dict[str, Any]
    molecular_ions: dict[str, MolecularIon] = field(default_factory=dict)

    @property
    def species(self) -> tuple[str, ...]:
        return tuple(self.uff)

    def variant_for(self, ligands: list[Ligand]) -> IonVariant:
        """The column fitted with the first ligand group this model has one for, else core."""
        for lig in ligands:
            for anchor in (*lig.cations, *lig.anions):
                if anchor.group in self.variant_for_group:
                    return self.variants[self.variant_for_group[anchor.group]]
        return self.variants["core"]

    def epsilon(self, a: str, b: str) -> float:
        """Ion-ion epsilon (kJ/mol): geometric mean of the UFF values."""
        return float((self.uff[a][1] * self.uff[b][1]) ** 0.5)

    def ion_pair(self, variant: IonVariant, a: str, b: str) -> Pair:
        """The pair term between atomic ions ``a`` and ``b`` under ``variant``."""
        key = frozenset((a, b))
        if key in variant.pairs:
            return variant.pairs[key]
        return Pair(sigma=variant.pair_sigma(a, b), epsilon=self.epsilon(a, b))


def _load(path: Path) -> IonModel:
    try:
        raw = yaml.safe_load(path.read_text())
        variants = {}
        for name, v in raw["variants"].items():
            sigma = {frozenset(k.split("-")): float(x) for k, x in v["sigma"].items()}
            variants[name] = IonVariant(
                name=name,
                charges={k: float(x) for k, x in v["charges"].items()},
                sigma=sigma,
                anchors={
                    r: {k: float(x) for k, x in d.items()} for r, d in v.get("anchors", {}).items()
                },
                pairs={
                    frozenset(k.split("-")): Pair(**{p: float(x) for p, x in d.items()})
                    for k, d in v.get("pairs", {}).items()
                },
            )
        return IonModel(
            id=raw["id"],
            name=raw["name"],
            source=raw["source"],
            form=raw["form"],
            materials=tuple(raw["materials"]),
            uff={k: (float(d["sigma"]), float(d["epsilon"])) for k, d in raw["uff"].items()},
            variants=variants,
            variant_for_group=dict(raw.get("variant_for_group", {})),
            lattice=dict(raw.get("lattice", {})),
            molecular_ions={
                k: MolecularIon(
                    smiles=d["smiles"],
                    charges={t: float(q) for t, q in d.get("charges", {}).items()},
                    lj={t: (float(x[0]), float(x[1])) for t, x in d.get("lj", {}).items()},
                )
                for k, d in raw.get("molecular_ions", {}).items()
            },
        )
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise LibraryError(f"malformed ion model {path.name}: {exc}") from exc


@functools.cache
def ion_models() -> dict[str, IonModel]:
    """Every ion model in the library, by id."""
    return {m.id: m for m in (_load(p) for p in sorted(LIBRARY.glob("*.yaml")))}


def ion_model_for(material: str, model: str | None = None) -> IonModel:
    """The ion model for ``material`` (or the named one); a clear error lists what exists."""
    models = ion_models()
    if model is not None:
        if model not in models:
            raise UnknownIonModelError("ion model", model, models)
        return models[model]
    for m in models.values():
        if material in m.materials:
            return m
    covered = sorted({mat for m in models.values() for mat in m.materials})
    mat = Material.get(material)  # an unknown formula raises its own clear error
    if not mat.single and not mat.double:
        ends = [
            f"{a.symbol}{b.symbol}{x.symbol}3"
            for a, _ in mat.a_sites
            for b in mat.b_sites
            for x, _ in mat.halides
        ]
        lacking = [e for e in ends if not any(e in m.materials for m in models.values())]
        if lacking:
            raise ForceFieldError(
                f"{material}: no ion model for its end member(s) {', '.join(lacking)}; MD covers "
                f"{', '.join(covered)} and their mixtures where the models agree"
            )
        return merged_ion_model(mat.name, [ion_model_for(e) for e in ends])
    raise UnknownIonModelError(
        "material with an ion model",
        material,
        covered,
        message=f"{mat.name} has no ion model in library/forcefields, so no MD (slabs, placement "
        f"and the fast scorers work without one); MD covers {', '.join(covered)} and their "
        "mixtures where the models agree",
    )


def merged_ion_model(material: str, parts: list[IonModel]) -> IonModel:
    """One model for a mixed composition from the models of its end members
    (Cs0.5FA0.5PbBr3 from the CsPbBr3 and FAPbBr3 models; CsPbBr1.5I1.5 from CsPbBr3 and
    CsPbI3).

    Allowed only where the end members agree on everything they share: the form, the
    variants, the charges of the ions they have in common, the A- and X-ion charge of every
    variant, and the sigma of every pair they both give. The union then needs one rule and
    no new number:

    - a pair between an atomic and a molecular cation (Cs-FA) follows the ion-organic
      Lorentz-Berthelot rule the models already use;
    - a pair of two halides (Br-I) takes the mean of the two X-X sigma (Lorentz). In the
      Pascazio family this is exactly the transfer rule that built the Cl and I models
      (the Br value plus the Shannon radius shift of each halide in the pair).

    Models with tabulated non-LJ pairs (the MYP family) and models built on different charge
    conventions (Pascazio's scaled Cs+ against MYP's MA +1.36) are refused with the reason.
    """
    parts = sorted({m.id: m for m in parts}.values(), key=lambda m: m.id)  # one id per mix
    first = parts[0]
    for one, other in itertools.combinations(parts, 2):
        why = _mismatch(one, other)
        if why:
            raise ForceFieldError(
                f"{material}: no mixed ion model, because the end-member models "
                f"{one.id} and {other.id} differ ({why})"
            )
    uff = {k: u for m in parts for k, u in m.uff.items()}
    halides = sorted(k for k in uff if k in ("F", "Cl", "Br", "I"))
    variants = {}
    for name in first.variants:
        vs = [m.variants[name] for m in parts]
        anchors: dict[str, dict[str, float]] = {}
        for w in vs:
            for role, by_ion in w.anchors.items():
                anchors.setdefault(role, {}).update(by_ion)
        sigma = {k: x for w in vs for k, x in w.sigma.items()}
        for i, x in enumerate(halides):
            for y in halides[i + 1 :]:
                xx, yy = sigma[frozenset((x,))], sigma[frozenset((y,))]
                sigma.setdefault(frozenset((x, y)), (xx + yy) / 2)
        variants[name] = IonVariant(
            name=name,
            charges={k: q for w in vs for k, q in w.charges.items()},
            sigma=sigma,
            anchors=anchors,
            pairs={},
        )
    return IonModel(
        id="+".join(m.id for m in parts),
        name=f"{material}: union of " + " and ".join(m.name for m in parts),
        source="; ".join(m.source for m in parts),
        form=first.form,
        materials=(material,),
        uff=uff,
        variants=variants,
        variant_for_group=first.variant_for_group,
        lattice={},
        molecular_ions={k: mi for m in parts for k, mi in m.molecular_ions.items()},
    )


def _mismatch(a: IonModel, b: IonModel) -> str:
    """Why two end-member models cannot be merged ('' when they can)."""
    if a.form != b.form:
        return f"form {a.form} against {b.form}"
    if set(a.variants) != set(b.variants) or a.variant_for_group != b.variant_for_group:
        return "different variants"
    shared = (set(a.uff) | set(a.molecular_ions)) & (set(b.uff) | set(b.molecular_ions))
    for name, va in a.variants.items():
        vb = b.variants[name]
        if abs(va.a_charge - vb.a_charge) > 1e-9:
            return f"A-cation charge {va.a_charge:+.4f} against {vb.a_charge:+.4f} e ({name})"
        if abs(va.x_charge - vb.x_charge) > 1e-9:
            return f"halide charge {va.x_charge:+.4f} against {vb.x_charge:+.4f} e ({name})"
        for ion in shared:
            if abs(va.charges.get(ion, 0.0) - vb.charges.get(ion, 0.0)) > 1e-9:
                return f"{ion} charge ({name})"
        for pair in set(va.sigma) & set(vb.sigma):
            if abs(va.sigma[pair] - vb.sigma[pair]) > 1e-9:
                return f"{'-'.join(sorted(pair))} sigma ({name})"
        if va.pairs or vb.pairs:
            return "tabulated non-LJ pair terms"
    for ion in shared & set(a.uff) & set(b.uff):
        if a.uff[ion] != b.uff[ion]:
            return f"{ion} UFF parameters"
    return ""
