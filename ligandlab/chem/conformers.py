"""Conformer ensembles: RDKit ETKDGv3 embedding + MMFF94 minimisation, cached on disk.

Zwitterions minimised in the gas phase (constant dielectric 1) fold into an internal
N-H...O salt bridge, which hides how far the two charged groups can reach. The default
``dielectric="4r"`` screens electrostatics with a distance-dependent dielectric
eps(r) = 4 r (Weiner et al., J. Am. Chem. Soc. 106, 765 (1984)), a standard implicit
treatment of a polar environment. ``"1"`` gives the gas phase for comparison.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from rdkit import Chem, rdBase
from rdkit.Chem import AllChem, rdDistGeom

from ligandlab import cache, sourcehash
from ligandlab.errors import ConformerError, LigandLabError

# MMFF dielectric model codes in RDKit (MMFF::DielModel: CONSTANT = 1, DISTANCE = 2).
_DIELECTRICS = {"4r": (2, 4.0), "1": (1, 1.0), "80": (1, 80.0)}
METHOD_VERSION = "etkdgv3+mmff94/v2"  # v2: partial embeddings topped up (2026-11-22)


@dataclass(frozen=True, eq=False)
class ConformerEnsemble:
    """Conformers of one molecule (with hydrogens), lowest MMFF energy first.

    Heavy atoms come first in the order of ``Chem.MolFromSmiles(smiles)``; energies in
    kcal/mol; coordinates in Angstrom.
    """

    smiles: str
    mol: Chem.Mol
    energies: np.ndarray
    method: str
    seed: int

    def __len__(self) -> int:
        return self.mol.GetNumConformers()

    def positions(self, i: int = 0) -> np.ndarray:
        """Coordinates (n_atoms x 3, Angstrom) of conformer ``i``."""
        return np.asarray(self.mol.GetConformer(i).GetPositions())

    def all_positions(self) -> np.ndarray:
        """Coordinates of every conformer, shape (n_conf, n_atoms, 3), Angstrom."""
        return np.stack([c.GetPositions() for c in self.mol.GetConformers()])

    def boltzmann_weights(self, temperature_k: float = 298.15) -> np.ndarray:
        """Boltzmann weights of the conformers from their MMFF energies."""
        kt = 0.0019872 * temperature_k  # kcal/mol/K, gas constant
        e = self.energies - self.energies.min()
        w = np.exp(-e / kt)
        return w / w.sum()


THREADS_ENV = "LIGANDLAB_RDKIT_THREADS"


def rdkit_threads() -> int:
    """Threads for RDKit embedding and minimisation: ``LIGANDLAB_RDKIT_THREADS``, else 0
    (all cores). Process pools set it to cores / workers (``worker_threads``), so that N
    workers do not each start one thread per core."""
    raw = os.environ.get(THREADS_ENV, "").strip()
    if not raw:
        return 0
    try:
        return max(0, int(raw))
    except ValueError:
        raise LigandLabError(f"{THREADS_ENV} must be a whole number, got {raw!r}") from None


def cores_per_worker(workers: int) -> int:
    """This machine's usable cores shared out over ``workers`` processes (at least 1)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) // max(1, workers))


def worker_threads(workers: int) -> int:
    """RDKit threads for each of ``workers`` processes sharing this machine's cores; a
    ``LIGANDLAB_RDKIT_THREADS`` set by the user wins."""
    return rdkit_threads() or cores_per_worker(workers)


def set_rdkit_threads(threads: int) -> None:
    """Process-pool initializer: this worker's RDKit thread count."""
    os.environ[THREADS_ENV] = str(threads)


def set_dielectric(props: object, dielectric: str = "4r") -> None:
    """Apply a named dielectric model to RDKit ``MMFFMolProperties``."""
    model, constant = _DIELECTRICS[dielectric]
    props.SetMMFFDielectricModel(model)  # type: ignore[attr-defined]
    props.SetMMFFDielectricConstant(constant)  # type: ignore[attr-defined]


def conformers(
    mol_or_smiles: Chem.Mol | str,
    n: int = 30,
    seed: int = 0,
    dielectric: str = "4r",
    max_iters: int = 2000,
) -> ConformerEnsemble:
    """An MMFF-minimised ETKDGv3 ensemble of ``n`` conformers, cached by
    (canonical SMILES, method, count, seed, hash of this module's code)."""
    if dielectric not in _DIELECTRICS:
        raise LigandLabError(
            f"unknown dielectric {dielectric!r}; allowed: {', '.join(_DIELECTRICS)}"
        )
    if n < 1:
        raise LigandLabError(f"conformer count must be at least 1, got {n}")
    smiles = mol_or_smiles if isinstance(mol_or_smiles, str) else Chem.MolToSmiles(mol_or_smiles)
    smiles = Chem.CanonSmiles(smiles)
    method = f"{METHOD_VERSION}/eps={dielectric}/iters={max_iters}"
    # the code's hash joins the key: an edit here recomputes without a METHOD_VERSION bump
    key = cache.key_of(smiles, method, n, seed, sourcehash.module_digest(__name__))
    hit = cache.load("conformers", key)
    if hit is not None:
        binary, energies = hit
        return ConformerEnsemble(smiles, Chem.Mol(binary), np.asarray(energies), method, seed)
    ensemble = _generate(smiles, n, seed, dielectric, max_iters, method)
    binary = ensemble.mol.ToBinary()
    cache.store("conformers", key, (binary, ensemble.energies.tolist()))
    # Hand back what the cache holds, not the fresh molecule: RDKit pickles coordinates in
    # single precision, and a 1e-6 A difference grew into a different MMFF minimum of a
    # stretched PS900 tail (cross-section 1.29 vs 1.32 nm2), so cold and warm runs disagreed.
    return ConformerEnsemble(smiles, Chem.Mol(binary), ensemble.energies, method, seed)


def _generate(
    smiles: str, n: int, seed: int, dielectric: str, max_iters: int, method: str
) -> ConformerEnsemble:
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    params = rdDistGeom.ETKDGv3()
    # RDKit's randomSeed=0 makes every conformer of a multi-conformer embedding identical
    # (seen with RDKit 2026.09), so user seeds are shifted by one.
    params.randomSeed = seed + 1
    params.numThreads = rdkit_threads()
    # ETKDG's bounds use UFF bond lengths, and the UFF typer logs "Unrecognized charge
    # state" for valid ions (phosphonium P+, thiolate S-) though the embedding succeeds
    with rdBase.BlockLogs():
        cids = list(rdDistGeom.EmbedMultipleConfs(mol, n, params))
    if len(cids) < n:
        # Above ~100 atoms ETKDG's eigenvector start coordinates fail for most attempts
        # (RDKit failure counts: INITIAL_COORDS; a 132-atom PC lipid gave 1 of 12, and 153
        # of the 752 default-library ligands came up short). Random start coordinates, RDKit's
        # own advice for large molecules, top the ensemble up to ``n``.
        params.useRandomCoords = True
        params.clearConfs = False
        with rdBase.BlockLogs():
            cids += list(rdDistGeom.EmbedMultipleConfs(mol, n - len(cids), params))
    if not cids:
        raise ConformerError(f"RDKit could not embed a 3D conformer for {smiles}")
    props = AllChem.MMFFGetMoleculeProperties(mol)
    if props is None:
        raise ConformerError(f"MMFF94 has no parameters for {smiles}")
    set_dielectric(props, dielectric)
    # MMFFOptimizeMoleculeConfs cannot take the screened-dielectric properties, so one
    # force field built with them minimises every conformer, on all cores. It gives the
    # same coordinates and energies as a force field per conformer (tested), at half the
    # wall time on 2 cores.
    ff = AllChem.MMFFGetMoleculeForceField(mol, props, confId=cids[0])
    with rdBase.BlockLogs():
        results = AllChem.OptimizeMoleculeConfs(
            mol, ff, numThreads=rdkit_threads(), maxIters=max_iters
        )
    energies = np.array([energy for _, energy in results])
    order = np.argsort(energies, kind="stable")
    out = Chem.Mol(mol)
    out.RemoveAllConformers()
    for new_id, old in enumerate(order):
        conf = Chem.Conformer(mol.GetConformer(cids[int(old)]))
        conf.SetId(new_id)
        out.AddConformer(conf, assignId=False)
    return ConformerEnsemble(smiles, out, energies[order], method, seed)
