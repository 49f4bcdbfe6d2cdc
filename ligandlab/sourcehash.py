"""Hashes of source code, so a cache keyed by them never serves results of older code.

``module_digest`` hashes a module and the modules of its own top-level package that it
uses, transitively. Python offers no "modules this code depends on" query
(``modulefinder`` walks whole programs, stdlib included), so the package-local walk below
is our own. Scorers use it through ``scoring.fingerprint.code_fingerprint``; ligandlab's
conformer, descriptor and rod caches add it to their hand-bumped versions, so an edit to
the code that computes them recomputes them even when nobody bumped a version.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import inspect
import os
import sys
import types


@functools.cache
def module_digest(name: str) -> str:
    """A 16-hex hash of module ``name`` and the same-package modules it uses, or "" when
    its source cannot be read (a zipped or compiled install): the key then falls back to
    the hand-bumped versions alone. Computed once per process."""
    module = sys.modules.get(name)
    return digest_of(package_sources(module)) if module is not None else ""


def digest_of(sources: list[tuple[str, str]]) -> str:
    """The hash of (module name, source file) pairs; "" when one cannot be read. Module
    names, not paths, are hashed, so a moved checkout keeps its cache."""
    if not sources:
        return ""
    digest = hashlib.sha256()
    try:
        for name, path in sources:
            with open(path, "rb") as fh:
                digest.update(name.encode() + b"\0" + fh.read())
    except OSError:
        return ""
    return digest.hexdigest()[:16]


def source_file(obj: object) -> str | None:
    try:  # TypeError: built-in; OSError: no source (python -c, a REPL, a notebook)
        return inspect.getsourcefile(obj)  # type: ignore[arg-type]
    except (TypeError, OSError):
        return None


def _module_path(name: str) -> str | None:
    """The source file of module ``name``, imported or not (a function-level import may
    not have run yet). Finding it imports the parent packages only, never the module."""
    module = sys.modules.get(name)
    if module is not None:
        return source_file(module)
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    origin = spec.origin if spec is not None else None
    return origin if origin and origin.endswith(".py") else None


def _imported_modules(name: str, path: str, top: str) -> frozenset[str]:
    """Modules of package ``top`` that the file of module ``name`` imports, anywhere in it.

    ``from pkg import x`` names the submodule ``pkg.x`` when there is one, else ``pkg``
    itself (x is then an attribute defined or re-exported there). A parent package that
    Python runs on the way to a submodule is not a dependency and is not listed. A file is
    parsed once per process and version (every scorer's and cache's digest walks the same
    files: 72 parses, 0.7 s of a warm screen before), again after an edit."""
    try:
        st = os.stat(path)
    except OSError:
        return frozenset()
    return _parsed_imports(name, path, top, st.st_mtime_ns, st.st_size)


@functools.cache
def _parsed_imports(name: str, path: str, top: str, mtime_ns: int, size: int) -> frozenset[str]:
    try:
        with open(path, "rb") as fh:
            tree = ast.parse(fh.read(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return frozenset()
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
    return frozenset(m for m in found if m.split(".")[0] == top)


def package_sources(module: types.ModuleType) -> list[tuple[str, str]]:
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
        deps = set(_imported_modules(name, path, top)) if path else set()
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
