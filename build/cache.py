"""A content-addressed cache of experiment results.

The key of an entry hashes the job's config entry, the versions of the packages that
shape its result and the code of the project modules the job runs (:class:`SourceTree`):
the job runner, the parts of ``ggmm`` its kind uses and the module of the estimator it
names, with everything they import inside the project. The code is hashed as syntax trees,
so layout, comments and docstrings are in no key. Editing an estimator retrains its
jobs and no others; presentation code (figures, strings, widgets, the site) is in no key,
since no job imports it. Entries are gzip-compressed JSON written
atomically (temporary file, then rename), so an interrupted build never leaves a
half-written entry; an entry that cannot be read back or has the wrong schema is
reported, deleted and recomputed, never served.
"""

from __future__ import annotations

import ast
import functools
import gzip
import hashlib
import importlib
import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from .syntax import code_dump

CACHE_SCHEMA = "ggmm-cache"
CACHE_SCHEMA_VERSION = 1
_PACKAGES = ("numpy", "scipy", "scikit-learn", "torch", "pykan", "ggmm-kan-report")


def package_versions() -> dict[str, str]:
    """Installed versions of the packages whose behaviour shapes the results."""
    versions = {}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def job_key(entry: dict[str, Any], tree: SourceTree | None = None) -> str:
    """The cache key of a job: a SHA-256 of its entry, the package versions and its code's hash.

    ``tree`` is the source the code hash reads (this installation's when None).
    """
    code = (tree or source_tree()).job_digest(entry)
    blob = json.dumps(
        {"entry": entry, "versions": _versions_once(), "code": code}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


@functools.cache
def _versions_once() -> dict[str, str]:
    return package_versions()  # reading package metadata costs ~3 ms, and a build asks once per job


@functools.cache
def source_tree() -> SourceTree:
    """This installation's sources, read once per process (a build does not edit its own code)."""
    return SourceTree()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; exports are served as a website
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Cache:
    """Results of finished jobs, one file per key under ``root``.

    Parameters
    ----------
    root : Path
        The cache folder (created when needed).
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.recovered: list[str] = []

    def path(self, key: str) -> Path:
        """Where the entry of ``key`` lives."""
        return self.root / key[:2] / f"{key}.json.gz"

    def get(self, key: str) -> dict[str, Any] | None:
        """The cached result of ``key``, or None when absent or corrupt (corrupt entries are removed)."""
        path = self.path(key)
        if not path.exists():
            return None
        try:
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                entry = json.load(handle)
            if not isinstance(entry, dict) or entry.get("schema") != CACHE_SCHEMA:
                raise ValueError("not a cache entry")
            if entry.get("version") != CACHE_SCHEMA_VERSION:
                raise ValueError(f"cache schema version {entry.get('version')!r}")
            if entry.get("key") != key or not isinstance(entry.get("result"), dict):
                raise ValueError("key or result missing")
        except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
            message = f"cache: entry {path} is corrupt ({exc}); recomputing it"
            print(message, file=sys.stderr)
            self.recovered.append(message)
            path.unlink(missing_ok=True)
            return None
        return entry["result"]

    def put(self, key: str, job: dict[str, Any], result: dict[str, Any]) -> None:
        """Store ``result`` for ``key`` atomically."""
        entry = {"schema": CACHE_SCHEMA, "version": CACHE_SCHEMA_VERSION, "key": key, "job": job, "result": result}
        raw = json.dumps(entry, separators=(",", ":")).encode()
        write_atomic(self.path(key), gzip.compress(raw, mtime=0))


# ---------------------------------------------------------------------------
# The code a job runs
# ---------------------------------------------------------------------------

#: The module that runs jobs (``KINDS``, ``execute``) and the package of the estimators it looks up by name.
RUNNER = "ggmm_build.jobs"
REGISTRY = "ggmm.estimators"
#: The module that turns results into exports: its code is part of the exports' provenance, not of any job's.
EXPORTER = "ggmm_build.export"


def _normalized(data: bytes) -> bytes:
    """``data`` with CRLF and CR line endings as LF, so a checkout's line-ending setting changes no key."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _default_roots() -> dict[str, Path]:
    spec = importlib.util.find_spec("ggmm")  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cannot locate the ggmm package")
    return {"ggmm": Path(next(iter(spec.submodule_search_locations))), "ggmm_build": Path(__file__).resolve().parent}


class SourceTree:
    """The project's Python sources, read as files: which modules a job runs, and their hash.

    Imports are read with :mod:`ast`, never executed. A module's dependencies are the modules
    its code imports anywhere (module level or inside functions) within the packages of
    ``roots``; ``from package import name`` counts the module that defines ``name`` (followed
    through the package's re-exports), not the whole package, so a package ``__init__`` that
    only gathers names adds no edge between the modules it gathers. Only ``import package``
    of a whole package counts every module in it.

    Parameters
    ----------
    roots : dict, optional
        Top-level package name -> its folder; ``ggmm`` and ``ggmm_build`` (the ``build/``
        folder) of this installation when None.
    """

    def __init__(self, roots: dict[str, Path] | None = None) -> None:
        self.roots = {name: Path(path) for name, path in (roots or _default_roots()).items()}
        self._hashes: dict[str, str] = {}
        self._trees: dict[str, ast.Module] = {}
        self._deps: dict[str, frozenset[str]] = {}
        self._digests: dict[tuple[str, str | None], str] = {}

    # -- files -------------------------------------------------------------

    def file(self, module: str) -> Path | None:
        """The source file of ``module`` (``x.py`` or ``x/__init__.py``), or None outside ``roots``."""
        top, *rest = module.split(".")
        if top not in self.roots:
            return None
        base = self.roots[top].joinpath(*rest)
        for candidate in (base / "__init__.py", base.with_suffix(".py") if rest else None):
            if candidate is not None and candidate.is_file():
                return candidate
        return None

    def is_package(self, module: str) -> bool:
        path = self.file(module)
        return path is not None and path.name == "__init__.py"

    def read(self, path: Path) -> bytes:
        """The bytes of a source file, line endings normalized."""
        return _normalized(path.read_bytes())

    def source_hash(self, module: str) -> str:
        """A hash of what ``module``'s code does: its syntax tree without docstrings.

        Layout, comments and docstrings are not in it, so reformatting or re-documenting a
        module retrains nothing; any change to a statement, name or constant is.
        """
        if module not in self._hashes:
            self._hashes[module] = hashlib.sha256(code_dump(self.syntax(module)).encode()).hexdigest()
        return self._hashes[module]

    def syntax(self, module: str) -> ast.Module:
        if module not in self._trees:
            path = self._existing(module)
            self._trees[module] = ast.parse(self.read(path), filename=str(path))
        return self._trees[module]

    def _existing(self, module: str) -> Path:
        path = self.file(module)
        if path is None:
            raise ModuleNotFoundError(f"no source for module {module!r} under {sorted(self.roots)}")
        return path

    def package_modules(self, package: str) -> set[str]:
        """Every module of ``package``, subpackages included."""
        folder = self._existing(package).parent
        found = set()
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            parts = parts[:-1] if parts[-1] == "__init__" else parts
            found.add(".".join((package, *parts)))
        return found

    # -- imports -----------------------------------------------------------

    def _base(self, module: str, level: int) -> str:
        """The package a relative import of ``level`` dots in ``module`` starts from."""
        parts = module.split(".") if self.is_package(module) else module.split(".")[:-1]
        return ".".join(parts[: len(parts) - (level - 1)])

    def defining_module(self, package: str, name: str, _seen: frozenset[str] = frozenset()) -> set[str]:
        """The module(s) whose code ``from package import name`` runs for ``name``."""
        if self.file(f"{package}.{name}") is not None:
            return {f"{package}.{name}"}
        if not self.is_package(package) or package in _seen:
            return {package} if self.file(package) else set()
        for node in self.syntax(package).body:
            if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names):
                origin = next(a.name for a in node.names if (a.asname or a.name) == name)
                source = self._absolute(package, node)
                return self.defining_module(source, origin, _seen | {package}) if source else set()
            if isinstance(node, ast.Import) and any(a.asname == name for a in node.names):
                return self._whole(next(a.name for a in node.names if a.asname == name))
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
                return {package}
        # bound at run time (a lazy ``__getattr__``): ask the installed package where the object lives
        value = getattr(importlib.import_module(package), name, None)
        where = getattr(value, "__module__", None)
        if isinstance(where, str) and where != package and self.file(where) is not None:
            return {where}
        return {package}

    def _absolute(self, module: str, node: ast.ImportFrom) -> str | None:
        if node.level:
            base = self._base(module, node.level)
            return f"{base}.{node.module}" if node.module else base
        return node.module

    def _whole(self, module: str) -> set[str]:
        """What ``import module`` brings in: the module, or every module of a package."""
        if self.file(module) is None:
            return set()
        return self.package_modules(module) if self.is_package(module) else {module}

    def imported(self, module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
        """The project modules one import statement of ``module`` runs."""
        if isinstance(node, ast.Import):
            return set().union(*(self._whole(alias.name) for alias in node.names))
        source = self._absolute(module, node)
        if source is None or source.split(".")[0] not in self.roots:
            return set()
        found: set[str] = set()
        for alias in node.names:
            found |= self._whole(source) if alias.name == "*" else self.defining_module(source, alias.name)
        return found

    def dependencies(self, module: str) -> frozenset[str]:
        """The project modules that ``module``'s import statements name (not transitively)."""
        if module not in self._deps:
            found: set[str] = set()
            for node in ast.walk(self.syntax(module)):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    found |= self.imported(module, node)
            self._deps[module] = frozenset(found - {module})
        return self._deps[module]

    def closure(self, modules: set[str]) -> set[str]:
        """``modules`` and everything they import within the project, transitively."""
        todo, seen = list(modules), set()
        while todo:
            module = todo.pop()
            if module not in seen:
                seen.add(module)
                todo.extend(self.dependencies(module))
        return seen

    def digest(self, modules: set[str]) -> str:
        """One SHA-256 of the named modules' sources (their names included)."""
        blob = "".join(f"{m}\0{self.source_hash(m)}\n" for m in sorted(modules))
        return hashlib.sha256(blob.encode()).hexdigest()

    # -- what a job runs ---------------------------------------------------

    def job_modules(self, entry: dict[str, Any]) -> set[str]:
        """The project modules a job runs: the runner, what its ``kind`` uses, its estimator's module.

        The runner's own file counts whole; of its imports, only those its kind's function (and
        the runner functions that calls, and ``execute``) use. The estimator class the entry names
        is looked up in :data:`REGISTRY` at run time; its module and that module's imports count.
        """
        modules = {RUNNER} | self.closure(self.runner_uses(entry["kind"]))
        if entry.get("estimator") is not None:
            modules |= self.closure(self.defining_module(REGISTRY, entry["estimator"]))
        return modules

    def job_digest(self, entry: dict[str, Any]) -> str:
        """The hash of the code a job runs (:meth:`job_modules`)."""
        which = (entry["kind"], entry.get("estimator"))
        if which not in self._digests:
            self._digests[which] = self.digest(self.job_modules(entry))
        return self._digests[which]

    def runner_uses(self, kind: str) -> set[str]:
        """The project modules the runner's code for ``kind`` uses directly.

        Read from the runner's syntax: the function ``KINDS[kind]`` names, the runner functions
        it calls (transitively) and ``execute``, and the module-level statements that are not
        functions. A use of the registry package as a whole (``getattr(estimators, name)``) is the
        job's estimator, counted by :meth:`job_modules`. When the runner does not have this shape,
        every import it makes counts.
        """
        syntax = self.syntax(RUNNER)
        functions = {n.name: n for n in syntax.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        kinds = _kinds_table(syntax)
        if kind not in kinds or kinds[kind] not in functions:
            return set(self.dependencies(RUNNER))
        bindings: dict[str, tuple[str, str | None]] = {}  # local name -> (module, name taken from it or None)
        for statement in syntax.body:
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    local = alias.asname or alias.name.split(".")[0]
                    bindings[local] = (alias.name if alias.asname else local, None)
            elif isinstance(statement, ast.ImportFrom) and (source := self._absolute(RUNNER, statement)):
                bindings.update({alias.asname or alias.name: (source, alias.name) for alias in statement.names})
        used: set[str] = set()
        todo: list[ast.AST] = [functions[kinds[kind]]]
        skip = ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef
        # module-level constants the functions may read
        todo += [n for n in syntax.body if not isinstance(n, skip) and not _is_kinds_table(n)]
        if "execute" in functions:
            todo.append(functions["execute"])
        seen: set[int] = set()
        while todo:
            node = todo.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            used |= self._uses(node, bindings, functions, todo)
        return used

    def _uses(
        self,
        node: ast.AST,
        bindings: dict[str, tuple[str, str | None]],
        functions: Mapping[str, ast.AST],
        todo: list[ast.AST],
    ) -> set[str]:
        """The project modules ``node`` of the runner uses; the runner functions it names go on ``todo``."""
        used: set[str] = set()
        bases = {
            id(sub.value)
            for sub in ast.walk(node)
            if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name)
        }
        for sub in ast.walk(node):
            if isinstance(sub, ast.Import | ast.ImportFrom):
                used |= self.imported(RUNNER, sub)
            elif isinstance(sub, ast.Name) and sub.id in functions and functions[sub.id] is not node:
                todo.append(functions[sub.id])
            elif isinstance(sub, ast.Name) and sub.id in bindings:
                module, name = bindings[sub.id]
                if module.split(".")[0] not in self.roots:
                    continue
                if name is not None:
                    used |= self.defining_module(module, name)
                elif id(sub) not in bases and module != REGISTRY:
                    used |= self._whole(module)  # a module passed around whole: all of it
            elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id in bindings:
                module, name = bindings[sub.value.id]
                if name is None and module.split(".")[0] in self.roots:
                    used |= self.defining_module(module, sub.attr)
        return used


def _kinds_literal(node: ast.AST) -> ast.Dict | None:
    """The dict of a ``KINDS = {...}`` (or ``KINDS: ... = {...}``) statement; None for any other node."""
    target: ast.expr
    value: ast.expr | None
    if isinstance(node, ast.AnnAssign):
        target, value = node.target, node.value
    elif isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
    else:
        return None
    if isinstance(target, ast.Name) and target.id == "KINDS" and isinstance(value, ast.Dict):
        return value
    return None


def _is_kinds_table(node: ast.AST) -> bool:
    return _kinds_literal(node) is not None


def _kinds_table(syntax: ast.Module) -> dict[str, str]:
    """The runner's ``KINDS = {"kind": function, ...}`` as names, or {} when it is not such a literal."""
    for node in syntax.body:
        if (table := _kinds_literal(node)) is not None:
            return {
                k.value: v.id
                for k, v in zip(table.keys, table.values, strict=True)
                if isinstance(k, ast.Constant) and isinstance(k.value, str) and isinstance(v, ast.Name)
            }
    return {}
