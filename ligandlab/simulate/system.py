"""One OpenMM System from an Interface: ion model + GAFF2 ligands + packed solvent.

Forces (the construction of shared/forcefields.md section 7):

- ``NonbondedForce`` (PME) carries every charge, the organic Lennard-Jones (GAFF2,
  Lorentz-Berthelot, Amber 1-4 scaling from each prmtop) and gives ions epsilon = 0;
- one ``CustomNonbondedForce`` with per-particle types and tabulated sigma/epsilon carries
  the ion-ion and ion-organic short-range terms, restricted by interaction groups so it
  never acts between two organic atoms;
- the bonded terms and constraints of every molecule copied from its prmtop;
- a harmonic restraint, 1/2 k |r - r0|^2 with k = 1000 kJ mol^-1 nm^-2, on the Pb atoms of
  the slab's middle layer (keeps the slab in place without freezing its surface).

Before anything is parameterised, :func:`check_parameters` lists every species without
parameters at once.
"""

from __future__ import annotations

import math
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openmm
from openmm import app, unit
from rdkit import Chem

from ligandlab.chem.conformers import conformers
from ligandlab.chem.ligand import Ligand
from ligandlab.chem.solvents import Solvent
from ligandlab.chem.volume import vdw_volume
from ligandlab.errors import ForceFieldError, LigandLabError
from ligandlab.materials.interface import Interface
from ligandlab.simulate.forcefield.gaff import GAFF_ELEMENTS, MoleculeParameters, parameterize
from ligandlab.simulate.forcefield.ions import IonModel, IonVariant, Pair, ion_model_for
from ligandlab.simulate.tools import executable

RESTRAINT_K = 1000.0  # kJ mol^-1 nm^-2, middle-layer Pb (issue spec)
AVOGADRO = 6.02214076e23
PACK_DENSITY = 0.9  # fraction of bulk density packed at the start; NPT relaxes the box (estimate)


@dataclass
class MDSystem:
    """Everything a protocol needs: the System, topology, positions and what is where."""

    system: openmm.System
    topology: app.Topology
    positions: np.ndarray  # nm, (n, 3)
    box_nm: np.ndarray  # (3,)
    ion_model: str
    variant: str
    ligand_atoms: list[tuple[int, int]]  # [start, stop) per ligand
    anchors: list[tuple[int | None, int | None]]  # (cationic centre, anionic centre) per ligand
    middle_pb: np.ndarray  # restrained Pb indices (middle layer)
    surface_offset_nm: float  # top A/X plane above the middle Pb plane
    lattice_nm: float
    n_solvent: int
    solvent: str | None
    net_charge: float
    n_slab: int = 0
    symbols: list[str] = field(default_factory=list)
    info: dict[str, object] = field(default_factory=dict)


def check_parameters(iface: Interface, model: IonModel, solvent: Solvent | None = None) -> None:
    """Raise one :class:`ForceFieldError` naming every species that lacks parameters."""
    problems: list[str] = []
    n_slab = len(iface.slab_index)
    symbols = iface.atoms.get_chemical_symbols()
    size = np.bincount(iface.residues[:n_slab])
    missing: set[str] = set()
    for i in range(n_slab):
        if size[iface.residues[i]] > 1:
            if iface.resnames[i] not in model.molecular_ions:
                missing.add(f"molecular ion {iface.resnames[i]}")
        elif symbols[i] not in model.species:
            missing.add(f"ion {symbols[i]}")
    problems.extend(f"slab {m}: not in ion model {model.id}" for m in sorted(missing))
    for lig in dict.fromkeys(iface.ligands):
        bad = sorted({a.GetSymbol() for a in lig.mol.GetAtoms()} - GAFF_ELEMENTS)
        if bad:
            problems.append(
                f"ligand {lig.name or lig.smiles}: element(s) {', '.join(bad)} not in GAFF2"
            )
    if solvent is not None:
        mol = Chem.MolFromSmiles(solvent.record.smiles)
        bad = sorted({a.GetSymbol() for a in mol.GetAtoms()} - GAFF_ELEMENTS)
        if bad:
            problems.append(f"solvent {solvent.id}: element(s) {', '.join(bad)} not in GAFF2")
    if problems:
        raise ForceFieldError("missing force-field parameters: " + "; ".join(problems))


def build_system(
    iface: Interface,
    solvent: str | None = "toluene",
    n_solvent: int | None = None,
    solvent_nm: float = 2.0,
    ion_model: str | None = None,
    charge_method: str = "bcc",
    cutoff_nm: float = 1.0,
    constraints: str | None = "HBonds",
    hydrogen_mass_amu: float | None = None,
    seed: int = 0,
) -> MDSystem:
    """The periodic OpenMM system for ``iface``, optionally with a solvent layer.

    ``solvent=None`` leaves vacuum above the ligands. ``n_solvent`` fixes the number of
    solvent molecules; by default a ``solvent_nm`` thick layer is filled to 90 % of bulk
    density (``PACK_DENSITY``). ``hydrogen_mass_amu`` repartitions hydrogen mass (e.g. 3.0
    for a 4 fs step). The cut-off is capped at just under half the shortest box edge.
    """
    model = ion_model_for(iface.slab.material.name, ion_model)
    solv = Solvent.get(solvent) if solvent else None
    if solv is not None and solv.components:
        raise ForceFieldError(
            f"MD runs in one solvent: {solv.id!r} is a blend; pick one of its parts (the fast "
            "scorers take blends)"
        )
    check_parameters(iface, model, solv)
    variant = model.variant_for(iface.ligands)

    pos_a = iface.atoms.get_positions().copy()
    n_slab = len(iface.slab_index)
    slab_z = pos_a[:n_slab, 2]
    shift = 1.0 - slab_z.min()  # slab bottom at 1 A
    pos_a[:, 2] += shift
    top = pos_a[:, 2].max()
    cell = iface.atoms.cell.array
    lx, ly = cell[0, 0], cell[1, 1]
    params = {lig: parameterize(lig, charge_method) for lig in dict.fromkeys(iface.ligands)}
    solvent_params = parameterize(solv.record.smiles, charge_method, name=solv.id) if solv else None

    solvent_xyz: list[np.ndarray] = []
    if solv is not None and (n_solvent is None or n_solvent > 0):
        lz = top + 1.0 + solvent_nm * 10.0
        if n_solvent is None:
            n_solvent = _solvent_count(iface, solv, lx, ly, lz, pos_a)
        solvent_xyz = _pack(pos_a, solv, n_solvent, (lx, ly, lz), seed)
    else:
        n_solvent = 0
        lz = top + 1.0 + max(solvent_nm, 1.0) * 10.0  # vacuum gap
    box = np.array([lx, ly, lz]) / 10.0
    cutoff = min(cutoff_nm, 0.49 * float(box.min()))

    system = openmm.System()
    system.setDefaultPeriodicBoxVectors(
        openmm.Vec3(box[0], 0, 0), openmm.Vec3(0, box[1], 0), openmm.Vec3(0, 0, box[2])
    )
    nb = openmm.NonbondedForce()
    nb.setNonbondedMethod(openmm.NonbondedForce.PME)
    nb.setCutoffDistance(cutoff)
    nb.setEwaldErrorTolerance(5e-4)
    bonds = openmm.HarmonicBondForce()
    angles = openmm.HarmonicAngleForce()
    torsions = openmm.PeriodicTorsionForce()
    top_ = app.Topology()
    top_.setPeriodicBoxVectors(
        [openmm.Vec3(box[0], 0, 0), openmm.Vec3(0, box[1], 0), openmm.Vec3(0, 0, box[2])]
    )
    symbols = iface.atoms.get_chemical_symbols()

    # --- slab: atomic ions, and molecular A cations as molecules (GAFF2 bonded terms)
    slab_chain = top_.addChain("S")
    res_of: dict[int, app.Residue] = {}
    ion_types = list(model.species)
    ptype: list[int] = []
    organic_types: dict[tuple[float, float, str], int] = {}
    atomic_ions: list[int] = []
    molecular = {
        name: _molecular_ion(model, variant, name, charge_method)
        for name in sorted({iface.resnames[i] for i in range(n_slab)} & set(model.molecular_ions))
    }
    i = 0
    while i < n_slab:
        sym = symbols[i]
        r = int(iface.residues[i])
        name = iface.resnames[i]
        if name in molecular:
            m_params, m_charges, m_roles, m_lj, perm = molecular[name]
            block = slice(i, i + len(perm))
            pos_a[block] = pos_a[block][perm]
            _add_molecule(
                system, nb, bonds, angles, torsions, top_, slab_chain, m_params, m_charges,
                m_roles, organic_types, ptype, len(ion_types), constraints, hydrogen_mass_amu,
                name, lj=m_lj,
            )  # fmt: skip
            i += len(perm)
            continue
        if r not in res_of:
            res_of[r] = top_.addResidue(name, slab_chain)
        top_.addAtom(sym, app.Element.getBySymbol(sym), res_of[r])
        atomic_ions.append(system.getNumParticles())
        system.addParticle(app.Element.getBySymbol(sym).mass)
        nb.addParticle(variant.charges[sym], 0.3, 0.0)
        ptype.append(ion_types.index(sym))
        i += 1

    compensation = _compensate_polar_layers(iface, model, variant, nb, atomic_ions, symbols, pos_a)

    # --- organics (ligands, then solvent)
    ligand_atoms: list[tuple[int, int]] = []
    anchors: list[tuple[int | None, int | None]] = []
    lig_chain = top_.addChain("L")
    per_ligand = {  # charges and anchor roles once per distinct ligand, not per copy
        lig: (anchor_roles(lig, variant), scaled_charges(lig, p, variant, model))
        for lig, p in params.items()
    }
    for p in iface.placements:
        lig = iface.ligands[p.ligand]
        start = system.getNumParticles()
        roles, charges = per_ligand[lig]
        _add_molecule(
            system,
            nb,
            bonds,
            angles,
            torsions,
            top_,
            lig_chain,
            params[lig],
            charges,
            roles,
            organic_types,
            ptype,
            len(ion_types),
            constraints,
            hydrogen_mass_amu,
            f"L{p.ligand + 1:02d}"[:3],
        )
        ligand_atoms.append((start, system.getNumParticles()))
        seat = lig.seating_cation
        cat = start + seat.center if seat is not None else None
        an = start + lig.anions[0].center if lig.anions else None
        anchors.append((cat, an))
    if solvent_params is not None and solvent_xyz:
        sol_chain = top_.addChain("W")
        neutral = _integer_charges(solvent_params)
        for _ in solvent_xyz:
            _add_molecule(
                system,
                nb,
                bonds,
                angles,
                torsions,
                top_,
                sol_chain,
                solvent_params,
                neutral,
                {},
                organic_types,
                ptype,
                len(ion_types),
                constraints,
                hydrogen_mass_amu,
                "SOL",
            )
    positions = np.concatenate([pos_a, *solvent_xyz]) / 10.0 if solvent_xyz else pos_a / 10.0
    if len(positions) != system.getNumParticles():
        raise LigandLabError("internal: coordinates and topology disagree in atom count")

    # --- ion short-range table
    _add_ion_pairs(system, nb, model, variant, ion_types, organic_types, ptype, atomic_ions, cutoff)
    for force in (nb, bonds, angles, torsions):
        system.addForce(force)

    # --- middle-layer Pb restraint
    slab_to_iface = {int(s): i for i, s in enumerate(iface.slab_index)}
    middle = np.array(
        [slab_to_iface[int(i)] for i in iface.slab.middle_pb if int(i) in slab_to_iface]
    )
    restraint = openmm.CustomExternalForce("0.5*k*periodicdistance(x, y, z, x0, y0, z0)^2")
    restraint.addGlobalParameter("k", RESTRAINT_K)
    for name in ("x0", "y0", "z0"):
        restraint.addPerParticleParameter(name)
    for i in middle:
        restraint.addParticle(int(i), positions[i].tolist())
    system.addForce(restraint)

    net = sum(
        nb.getParticleParameters(i)[0].value_in_unit(unit.elementary_charge)
        for i in range(nb.getNumParticles())
    )
    if abs(net) > 1e-6:
        raise ForceFieldError(
            f"assembled system carries {net:+.6f} e: ligands not replacing ions one for one "
            "(e.g. charged ligands in BM1) cannot be neutral with this ion model"
        )
    s = iface.slab.sites[1]
    z_mid = float(np.mean(pos_a[middle, 2])) if len(middle) else float(np.median(slab_z + shift))
    return MDSystem(
        system=system,
        topology=top_,
        positions=positions,
        box_nm=box,
        ion_model=model.id,
        variant=variant.name,
        ligand_atoms=ligand_atoms,
        anchors=anchors,
        middle_pb=middle,
        surface_offset_nm=(s.z_plane + shift - z_mid) / 10.0,
        lattice_nm=iface.slab.material.a / 10.0,
        n_solvent=len(solvent_xyz),
        solvent=solv.id if solv else None,
        net_charge=net,
        symbols=[a.element.symbol for a in top_.atoms()],
        n_slab=n_slab,
        info={
            "surface_compensation_e": compensation,
            "cutoff_nm": cutoff,
            "charge_method": charge_method,
            "constraints": constraints,
        },
    )


# ----------------------------------------------------------------------------- charges


def _compensate_polar_layers(
    iface: Interface,
    model: IonModel,
    variant: IonVariant,
    nb: openmm.NonbondedForce,
    atomic_ions: list[int],
    symbols: list[str],
    pos: np.ndarray,
) -> float:
    """Make a slab neutral under partial ion charges that are not formal multiples.

    With formal charges any stoichiometric slab cut is neutral, and so is every Pascazio
    set (q_Pb = 2 q_A = -2 q_X). The MYP family (MA +1.36, Pb +2.03, X -1.13) makes AX layers
    +0.23 e per cell and PbX2 layers -0.23 e: a slab with one more AX than PbX2 layer carries
    +0.23 e per surface cell. As in Tasker's treatment of polar stackings, the two outermost
    X planes take the excess between them: it is spread evenly over their X ions, so each
    outer layer carries half the bulk layer charge. Returns the charge moved (e), 0 for
    models that need none.
    """
    slab = iface.slab
    first: dict[int, int] = {}
    for i, r in enumerate(slab.residues):
        first.setdefault(int(r), i)
    slab_symbols = slab.atoms.get_chemical_symbols()
    bare = 0.0
    for i in first.values():
        name = slab.resnames[i]
        bare += (
            variant.charges[name]
            if name in model.molecular_ions
            else variant.charges[slab_symbols[i]]
        )
    if abs(bare) < 1e-9:
        return 0.0
    xs = [i for i in atomic_ions if symbols[i] in ("Cl", "Br", "I")]
    z = pos[xs, 2]
    outer = [i for i, zi in zip(xs, z, strict=True) if zi > z.max() - 0.3 or zi < z.min() + 0.3]
    for i in outer:
        q, sig, eps = nb.getParticleParameters(i)
        nb.setParticleParameters(i, q - bare / len(outer) * unit.elementary_charge, sig, eps)
    return round(-bare, 6)


def _integer_charges(params: MoleculeParameters) -> list[float]:
    """Prmtop charges shifted evenly so the molecule's total is exactly its formal charge."""
    prm = _prmtop(params)
    q = np.array(prm._prmtop.getCharges(), dtype=float)
    q += (params.net_charge - q.sum()) / len(q)
    return q.tolist()


def _group_atoms(lig: Ligand, mol: Chem.Mol) -> list[tuple[list[int], int]]:
    """(atoms, formal charge) of each charged group: centre, binding atoms, their H atoms."""
    out = []
    for anchor in (*lig.cations, *lig.anions):
        heavy = {anchor.center, *anchor.binding}
        atoms = set(heavy)
        for i in heavy:
            atoms.update(
                n.GetIdx() for n in mol.GetAtomWithIdx(i).GetNeighbors() if n.GetAtomicNum() == 1
            )
        formal = sum(mol.GetAtomWithIdx(i).GetFormalCharge() for i in heavy)
        out.append((sorted(atoms), formal))
    return out


def scaled_charges(
    lig: Ligand, params: MoleculeParameters, variant: IonVariant, model: IonModel
) -> list[float]:
    """AM1-BCC charges made integer, then each cationic group scaled to q_A and each anionic
    one to q_X (see ions)."""
    q = np.array(_integer_charges(params))
    mol = conformers(lig.smiles, n=1, seed=0).mol
    for atoms, formal in _group_atoms(lig, mol):
        unit_q = variant.a_charge if formal > 0 else -variant.x_charge
        if formal:
            q[atoms] += formal * (unit_q - 1.0) / len(atoms)
    return q.tolist()


def anchor_roles(lig: Ligand, variant: IonVariant) -> dict[int, str]:
    """Atom index -> anchor role for atoms whose ion pair sigma the variant tabulates."""
    mol = conformers(lig.smiles, n=1, seed=0).mol
    roles: dict[int, str] = {}

    def put(i: int, role: str) -> None:
        if role in variant.anchors:
            roles[i] = role

    for anchor in (*lig.cations, *lig.anions):
        c = mol.GetAtomWithIdx(anchor.center)
        hs = [n.GetIdx() for n in c.GetNeighbors() if n.GetAtomicNum() == 1]
        if anchor.group == "primary_ammonium":
            put(anchor.center, "ammonium_N")
            for h in hs:
                put(h, "ammonium_H")
        elif anchor.group == "quaternary_ammonium":
            put(anchor.center, "quaternary_N")
            for n in c.GetNeighbors():
                put(n.GetIdx(), "quaternary_C")
                for h in n.GetNeighbors():
                    if h.GetAtomicNum() == 1:
                        put(h.GetIdx(), "quaternary_H")
        elif anchor.group in ("carboxylate", "sulfonate"):
            put(anchor.center, f"{anchor.group}_{c.GetSymbol()}")
            for o in anchor.binding:
                put(o, f"{anchor.group}_O")
    return roles


# ----------------------------------------------------------------------------- molecules


def _molecular_ion(
    model: IonModel, variant: IonVariant, name: str, charge_method: str
) -> tuple[
    MoleculeParameters, list[float], dict[int, str], dict[int, tuple[float, float]], list[int]
]:
    """A molecular A cation's parameters: GAFF2 molecule, charges, per-atom types
    (``"MA:N"``, ``"MA:HN"``, used for its pair terms with the ions), LJ overrides, and the
    permutation from the slab's atom order (the material SMILES) to the prmtop's."""
    spec = model.molecular_ions[name]
    params = parameterize(spec.smiles, charge_method, name=name)
    mol = conformers(spec.smiles, n=1, seed=0).mol  # prmtop atom order
    tmpl = Chem.AddHs(Chem.MolFromSmiles(spec.smiles))  # slab atom order (materials.slab)
    match = mol.GetSubstructMatch(tmpl)  # template atom -> prmtop atom
    if len(match) != mol.GetNumAtoms():
        raise LigandLabError(f"internal: cannot map the slab's {name} atoms onto its prmtop")
    perm = [0] * len(match)
    for t, m in enumerate(match):
        perm[m] = t
    types = []
    for atom in mol.GetAtoms():
        if atom.GetAtomicNum() == 1:
            types.append("H" + atom.GetNeighbors()[0].GetSymbol())
        else:
            types.append(atom.GetSymbol())
    if spec.charges:
        missing = sorted(set(types) - set(spec.charges))
        if missing:
            raise ForceFieldError(
                f"ion model {model.id}: no charge for {name} atom type(s) {missing}"
            )
        charges = [spec.charges[t] for t in types]
    else:  # GAFF2/AM1-BCC made integer (+1), then scaled to the A-site charge of the model
        charges = [q * variant.a_charge for q in _integer_charges(params)]
    total = sum(charges)
    if abs(total - variant.a_charge) > 1e-6:
        raise ForceFieldError(
            f"ion model {model.id}: {name} carries {total:+.4f} e, the variant's A charge is "
            f"{variant.a_charge:+.4f} e"
        )
    charges = [q + (variant.a_charge - total) / len(charges) for q in charges]  # exact
    roles = {k: f"{name}:{t}" for k, t in enumerate(types)}
    lj = {k: spec.lj[t] for k, t in enumerate(types) if t in spec.lj}
    return params, charges, roles, lj, perm


_PRMTOP_CACHE: dict[str, app.AmberPrmtopFile] = {}
_TMP = Path(tempfile.gettempdir()) / "ligandlab-prmtop"


def _prmtop(params: MoleculeParameters) -> app.AmberPrmtopFile:
    key = params.smiles + params.charge_method
    if key not in _PRMTOP_CACHE:
        _TMP.mkdir(parents=True, exist_ok=True)
        _PRMTOP_CACHE[key] = app.AmberPrmtopFile(str(params.write_prmtop(_TMP)))
    return _PRMTOP_CACHE[key]


_SUBSYSTEM_CACHE: dict[tuple[str, str, str | None, float | None], openmm.System] = {}


def _molecule_system(
    params: MoleculeParameters, constraints: str | None, hydrogen_mass: float | None
) -> openmm.System:
    """The prmtop's own System, created once per molecule type (not once per copy)."""
    key = (params.smiles, params.charge_method, constraints, hydrogen_mass)
    if key not in _SUBSYSTEM_CACHE:
        cons = {None: None, "HBonds": app.HBonds}[constraints]
        kwargs = {"hydrogenMass": hydrogen_mass * unit.amu} if hydrogen_mass else {}
        _SUBSYSTEM_CACHE[key] = _prmtop(params).createSystem(
            nonbondedMethod=app.NoCutoff, constraints=cons, **kwargs
        )
    return _SUBSYSTEM_CACHE[key]


def _add_molecule(
    system: openmm.System,
    nb: openmm.NonbondedForce,
    bonds: openmm.HarmonicBondForce,
    angles: openmm.HarmonicAngleForce,
    torsions: openmm.PeriodicTorsionForce,
    topology: app.Topology,
    chain: app.Chain,
    params: MoleculeParameters,
    charges: list[float],
    roles: dict[int, str],
    organic_types: dict[tuple[float, float, str], int],
    ptype: list[int],
    n_ion_types: int,
    constraints: str | None,
    hydrogen_mass: float | None,
    resname: str,
    lj: dict[int, tuple[float, float]] | None = None,
) -> None:
    """Copy one molecule's prmtop system into ``system`` at the next particle index;
    ``lj`` replaces the prmtop's (sigma nm, epsilon kJ/mol) of the atoms it names."""
    prm = _prmtop(params)
    sub = _molecule_system(params, constraints, hydrogen_mass)
    off = system.getNumParticles()
    residue = topology.addResidue(resname, chain)
    atoms = []
    for atom in prm.topology.atoms():
        atoms.append(topology.addAtom(atom.name, atom.element, residue))
    for b in prm.topology.bonds():
        topology.addBond(atoms[b[0].index], atoms[b[1].index])
    for i in range(sub.getNumParticles()):
        system.addParticle(sub.getParticleMass(i))
    for i in range(sub.getNumConstraints()):
        a, b, d = sub.getConstraintParameters(i)
        system.addConstraint(a + off, b + off, d)
    for force in sub.getForces():
        if isinstance(force, openmm.HarmonicBondForce):
            for i in range(force.getNumBonds()):
                a, b, r, k = force.getBondParameters(i)
                bonds.addBond(a + off, b + off, r, k)
        elif isinstance(force, openmm.HarmonicAngleForce):
            for i in range(force.getNumAngles()):
                a, b, c, t, k = force.getAngleParameters(i)
                angles.addAngle(a + off, b + off, c + off, t, k)
        elif isinstance(force, openmm.PeriodicTorsionForce):
            for i in range(force.getNumTorsions()):
                a, b, c, d, n, ph, k = force.getTorsionParameters(i)
                torsions.addTorsion(a + off, b + off, c + off, d + off, n, ph, k)
        elif isinstance(force, openmm.NonbondedForce):
            for i in range(force.getNumParticles()):
                _, sig, eps = force.getParticleParameters(i)
                s = sig.value_in_unit(unit.nanometer)
                e = eps.value_in_unit(unit.kilojoule_per_mole)
                if lj and i in lj:
                    s, e = lj[i]
                nb.addParticle(charges[i], s, e)
                key = (round(s, 6), round(e, 6), roles.get(i, ""))
                if key not in organic_types:
                    organic_types[key] = n_ion_types + len(organic_types)
                ptype.append(organic_types[key])
            for i in range(force.getNumExceptions()):
                a, b, qq, sig, eps = force.getExceptionParameters(i)
                qq_scaled = qq.value_in_unit(unit.elementary_charge**2)
                qa = force.getParticleParameters(a)[0].value_in_unit(unit.elementary_charge)
                qb = force.getParticleParameters(b)[0].value_in_unit(unit.elementary_charge)
                # keep the prmtop's 1-4 Coulomb scale factor, applied to the final charges
                scale = qq_scaled / (qa * qb) if abs(qa * qb) > 1e-12 else 0.0
                nb.addException(a + off, b + off, scale * charges[a] * charges[b], sig, eps)


def _add_ion_pairs(
    system: openmm.System,
    nb: openmm.NonbondedForce,
    model: IonModel,
    variant: IonVariant,
    ion_types: list[str],
    organic_types: dict[tuple[float, float, str], int],
    ptype: list[int],
    atomic_ions: list[int],
    cutoff: float,
) -> None:
    """The short-range ion terms as one tabulated CustomNonbondedForce: ion-ion pairs from
    the model, ion-organic pairs from the model where it gives them (anchor sigma, or a full
    pair for a molecular A cation's atom types) and Lorentz-Berthelot with UFF otherwise.
    Buckingham terms are added to the expression only for models that use them."""
    n_types = len(ion_types) + len(organic_types)
    tables = {k: np.zeros((n_types, n_types)) for k in ("sig", "eps", "A", "rho", "C")}
    tables["rho"][:] = 1.0

    def put(i: int, j: int, pair: Pair) -> None:
        for k, v in (
            ("sig", pair.sigma), ("eps", pair.epsilon), ("A", pair.A), ("rho", pair.rho),
            ("C", pair.C),
        ):  # fmt: skip
            tables[k][i, j] = tables[k][j, i] = v

    for i, a in enumerate(ion_types):
        for j, b in enumerate(ion_types):
            put(i, j, model.ion_pair(variant, a, b))
    for (s_org, e_org, role), t in organic_types.items():
        for i, ion in enumerate(ion_types):
            s_ion, e_ion = model.uff[ion]
            if frozenset((ion, role)) in variant.pairs:
                put(i, t, variant.pairs[frozenset((ion, role))])
                continue
            s = variant.anchors[role][ion] if role in variant.anchors else 0.5 * (s_ion + s_org)
            put(i, t, Pair(sigma=s, epsilon=math.sqrt(e_ion * e_org)))
    buckingham = bool(np.any(tables["A"]) or np.any(tables["C"]))
    expr = "4*eps*((sig/r)^12-(sig/r)^6)"
    if buckingham:
        expr += " + A*exp(-r/rho) - C/r^6; A=At(t1, t2); rho=rhot(t1, t2); C=Ct(t1, t2)"
    force = openmm.CustomNonbondedForce(expr + "; sig=sigt(t1, t2); eps=epst(t1, t2)")
    force.addPerParticleParameter("t")
    # Discrete2DFunction is indexed x + nx*y; the tables are symmetric
    names = ("sig", "eps", "A", "rho", "C") if buckingham else ("sig", "eps")
    for k in names:
        force.addTabulatedFunction(
            f"{k}t", openmm.Discrete2DFunction(n_types, n_types, tables[k].ravel().tolist())
        )
    force.setNonbondedMethod(openmm.CustomNonbondedForce.CutoffPeriodic)
    force.setCutoffDistance(cutoff)
    for t in ptype:
        force.addParticle([float(t)])
    # the same exclusions as the NonbondedForce (only organic pairs have any; harmless)
    for i in range(nb.getNumExceptions()):
        a, b, *_ = nb.getExceptionParameters(i)
        force.addExclusion(a, b)
    ions = set(atomic_ions)
    organics = set(range(len(ptype))) - ions
    force.addInteractionGroup(ions, ions)
    if organics:
        force.addInteractionGroup(ions, organics)
    system.addForce(force)


# ----------------------------------------------------------------------------- solvent


def _solvent_count(
    iface: Interface, solv: Solvent, lx: float, ly: float, lz: float, pos: np.ndarray
) -> int:
    """Molecules filling the box outside the slab and the ligands at PACK_DENSITY."""
    n_slab = len(iface.slab_index)
    slab_thick = pos[:n_slab, 2].max() - pos[:n_slab, 2].min() + 2.0
    lig_volume = 0.0
    for lig in iface.ligands:
        lig_volume += vdw_volume(conformers(lig.smiles, n=1, seed=0).mol)
    free = lx * ly * (lz - slab_thick) - lig_volume  # A^3
    per_molecule = solv.record.v * 1e24 / AVOGADRO  # cm3/mol -> A^3
    return max(1, int(PACK_DENSITY * free / per_molecule))


def _pack(
    fixed: np.ndarray, solv: Solvent, n: int, box: tuple[float, float, float], seed: int
) -> list[np.ndarray]:
    """Solvent coordinates (A) around the fixed interface atoms, packed with packmol (PBC)."""
    lx, ly, lz = box
    mol = conformers(solv.record.smiles, n=1, seed=0).mol
    one = mol.GetConformer().GetPositions()
    with tempfile.TemporaryDirectory(prefix="ligandlab-pack-") as tmp:
        work = Path(tmp)
        wrapped = fixed.copy()  # packmol wants fixed atoms inside the periodic box
        wrapped[:, 0] %= lx
        wrapped[:, 1] %= ly
        _xyz(work / "fixed.xyz", ["X"] * len(fixed), wrapped)
        _xyz(work / "solvent.xyz", [a.GetSymbol() for a in mol.GetAtoms()], one)
        (work / "pack.inp").write_text(
            f"tolerance 2.0\nfiletype xyz\noutput out.xyz\nseed {seed + 1}\n"
            f"pbc 0.0 0.0 0.0 {lx:.4f} {ly:.4f} {lz:.4f}\n"
            "structure fixed.xyz\n  number 1\n  fixed 0. 0. 0. 0. 0. 0.\nend structure\n"
            f"structure solvent.xyz\n  number {n}\n"
            f"  inside box 0. 0. 0. {lx:.4f} {ly:.4f} {lz:.4f}\n"
            "end structure\n"
        )
        with (work / "pack.inp").open() as fh:
            proc = subprocess.run(
                [executable("packmol")], stdin=fh, cwd=work, capture_output=True, text=True
            )
        out = work / "out.xyz"
        if not out.exists() or "ERROR" in proc.stdout:
            raise LigandLabError(
                f"packmol could not place {n} {solv.id} molecules; give fewer (n_solvent) "
                "or a thicker layer (solvent_nm)"
            )
        lines = out.read_text().splitlines()[2:]
        xyz = np.array([[float(v) for v in ln.split()[1:4]] for ln in lines])
    per = len(one)
    body = xyz[len(fixed) :]
    return [body[i * per : (i + 1) * per] for i in range(n)]


def _xyz(path: Path, symbols: list[str], xyz: np.ndarray) -> None:
    rows = [f"{s} {x:.4f} {y:.4f} {z:.4f}" for s, (x, y, z) in zip(symbols, xyz, strict=True)]
    path.write_text(f"{len(rows)}\n\n" + "\n".join(rows) + "\n")
