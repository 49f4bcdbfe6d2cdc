"""OpenMM platform choice: CUDA, then OpenCL, then CPU, unless one is forced; CPU threads."""

from __future__ import annotations

import os

import openmm

from ligandlab.errors import PlatformError

PREFERENCE = ("CUDA", "OpenCL", "CPU")


def available_platforms() -> list[str]:
    return [
        openmm.Platform.getPlatform(i).getName() for i in range(openmm.Platform.getNumPlatforms())
    ]


def _works(name: str) -> bool:
    """Whether a context can really be created (a CUDA plugin may load without a GPU)."""
    try:
        platform = openmm.Platform.getPlatformByName(name)
        system = openmm.System()
        system.addParticle(1.0)
        openmm.Context(system, openmm.VerletIntegrator(0.001), platform)
        return True
    except Exception:
        return False


def choose_platform(force: str | None = None) -> openmm.Platform:
    """The platform to run on. ``force`` (or ``LIGANDLAB_PLATFORM``) names one explicitly;
    an unavailable forced platform is an error, never a silent fallback."""
    force = force or os.environ.get("LIGANDLAB_PLATFORM") or None
    names = available_platforms()
    if force is not None:
        match = {n.lower(): n for n in names}.get(force.lower())
        if match is None or not _works(match):
            raise PlatformError(
                f"OpenMM platform {force!r} is not available here (usable: "
                f"{', '.join(n for n in names if _works(n))})"
            )
        return openmm.Platform.getPlatformByName(match)
    for name in PREFERENCE:
        if name in names and _works(name):
            return openmm.Platform.getPlatformByName(name)
    return openmm.Platform.getPlatformByName("Reference")


def platform_properties(platform: openmm.Platform) -> dict[str, str]:
    """Context properties for ``platform``: on the CPU, ``Threads`` from ``OPENMM_CPU_THREADS``.

    OpenMM reads that variable only once, when the library loads. Campaign workers set it
    after a fork (``ligandlab.campaign.executors``) so that several workers share the cores
    instead of each starting one thread per core; passing it per context makes that work
    whatever was imported first.
    """
    threads = os.environ.get("OPENMM_CPU_THREADS", "").strip()
    if platform.getName() == "CPU" and threads.isdigit() and int(threads) > 0:
        return {"Threads": threads}
    return {}
