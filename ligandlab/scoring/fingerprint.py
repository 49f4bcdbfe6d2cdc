"""Fingerprints that key the score cache: a scorer's code and the inputs every score uses.

``code_fingerprint`` lets an edited scorer recompute even when its author has not bumped
``version`` yet, as happens while a plugin is developed. Python offers no "modules this
code depends on" query (``modulefinder`` walks whole programs, stdlib included), so the
package-local walk below is our own.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import inspect
import sys
import types

from ligandlab import cache, library
from ligandlab.chem.descriptors import DESCRIPTOR_VERSION


@functools.cache
def code_fingerprint(cls: type) -> str:
    """A hash of the source that defines a scorer class ("" when there is none).

    It covers the scorer's file and every module of the same top-level package that file
    uses, directly or through another such module: imports anywhere in the file, at module
    level or inside a function (``from .physics import strain``, ``from .constants import
    K``), and objects defined in such a module. An edit to a plugin's helper module or to
    a constant it imports therefore counts. Code in other packages is not covered:
    ligandlab's own caches carry their versions (descriptors, conformers).
    """
    module = sys.modules.get(cls.__module__)
    sources = _package_sources(module) if module is not None else []
    if not sources:  # no module object: fall back to the class's own file
        sources = [(cls.__module__, p) for p in [_source_file(cls)] if p]
    if not sources:
        return ""
    digest = hashlib.sha256()
    try:  # module names, not paths, so a moved checkout keeps its cache
        for name, path in sources:
            with open(path, "rb") as fh:
                digest.update(name.encode() + b"\0" + fh.read())
    except OSError:
        return ""
    return digest.hexdigest()[:16]


def inputs_fingerprint() -> str:
    """What every score depends on besides the scorer: the package version, the descriptor
    version and the library data (``library.fingerprint``). An upgrade or an edited
    material, solvent or fragment record therefore never serves stale cached scores."""
    import ligandlab

    return cache.key_of(ligandlab.__version__, DESCRIPTOR_VERSION, library.fingerprint())


def _source_file(obj: object) -> str | None:
    try:  # TypeError: built-in; OSError: no source (python -c, a REPL, a notebook)
        return inspect.getsourcefile(obj)  # type: ignore[arg-type]
    except (TypeError, OSError):
        return None


def _module_path(name: str) -> str | None:
    """The source file of module ``name``, imported or not (a function-level import may
    not have run yet). Finding it imports the parent packages only, never the module."""
    module = sys.modules.get(name)
    if module is not None:
        return _source_file(module)
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    origin = spec.origin if spec is not None else None
    return origin if origin and origin.endswith(".py") else None


def _imported_modules(name: str, path: str, top: str) -> set[str]:
    """Modules of package ``top`` that the file of module ``name`` imports, anywhere in it.

    ``from pkg import x`` names the submodule ``pkg.x`` when there is one, else ``pkg``
    itself (x is then an attribute defined or re-exported there). A parent package that
    Python runs on the way to a submodule is not a dependency and is not listed."""
    try:
        with open(path, "rb") as fh:
            tree = ast.parse(fh.read(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return set()
    package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            try:
                base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            except (ImportError, ValueError):
                continue
            if base.split(".")[0] != top:  # other packages are not covered (see above)
                continue
            base_path = _module_path(base) or ""
            for alias in node.names:  # only a package has submodules; probing a plain
                sub = f"{base}.{alias.name}"  # module's attribute would import the module
                is_sub = base_path.endswith("__init__.py") and _module_path(sub) is not None
                found.add(sub if is_sub else base)
    return {m for m in found if m.split(".")[0] == top}


def _package_sources(module: types.ModuleType) -> list[tuple[str, str]]:
    """(name, source file) of ``module`` and of the modules of its top-level package it
    uses, transitively: those its files import (``_imported_modules``) and those defining
    objects in its namespace (a class or function handed over by other means)."""
    top = module.__name__.split(".")[0]
    seen: dict[str, str | None] = {}
    stack = [module.__name__]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        path = seen[name] = _module_path(name)
        deps = _imported_modules(name, path, top) if path else set()
        mod = sys.modules.get(name)
        for value in list(vars(mod).values()) if mod is not None else []:
            if inspect.ismodule(value):
                deps.add(value.__name__)
                continue
            try:  # a proxy or lazy object may raise anything from getattr
                owner = getattr(value, "__module__", None)
            except Exception:
                owner = None
            if isinstance(owner, str) and owner in sys.modules:
                deps.add(owner)
        stack.extend(d for d in deps if d.split(".")[0] == top and d not in seen)
    return sorted((name, path) for name, path in seen.items() if path)
