"""Keep Quarto's freeze honest: new exports or new figure code make the pages that use them run again.

Quarto's freeze (``execute: freeze: auto``) keys a document's results on the document's text
only. The site's cells read exported data and call ``ggmm`` and the page helpers of the build
side (:data:`CELL_CODE`), so a new export or a change to that code would otherwise leave old
figures and numbers in place. Before each render this step compares the exports and the code
with what the frozen results were made from
(``_freeze/ggmm-exports.json``) and removes the frozen results that are stale. ``_freeze/`` is a
local cache, never committed: a fresh clone executes every page once.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

__all__ = ["FREEZE_MANIFEST", "code_hash", "export_hashes", "refresh_freeze", "stale_freeze_dirs"]

DATA = Path("report/data")
FREEZE_MANIFEST = Path("_freeze/ggmm-exports.json")
#: Manifest key of the hash of the code the cells run.
CODE_KEY = "<ggmm code>"
#: The packages the documents' code cells run: the science and the build side's page helpers.
CELL_CODE = ("ggmm", "build/figures", "build/i18n", "build/pages", "build/documents")


def _log(message: str) -> None:
    print(f"site: {message}", file=sys.stderr, flush=True)


def export_hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every export under ``report/data``, by path relative to it."""
    data = root / DATA
    return {
        path.relative_to(data).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(data.rglob("*.json"))
    }


def code_hash(root: Path) -> str:
    """One hash of the Python, JSON and template files of the packages the cells run (:data:`CELL_CODE`),
    or "" when none is present."""
    digest = hashlib.sha256()
    found = False
    for folder in CELL_CODE:
        package = root / folder
        if not package.is_dir():
            continue
        found = True
        for path in sorted(package.rglob("*")):
            if path.suffix in (".py", ".json", ".j2") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest() if found else ""


def _freeze_dir(root: Path, source: Path) -> Path:
    return root / "_freeze" / source.with_suffix("")


def stale_freeze_dirs(
    root: Path, previous: dict[str, str], current: dict[str, str], sources: Iterable[Path]
) -> list[Path]:
    """Frozen results of the documents reading an export (or running code) that changed.

    A document reads an export when its source names the file (``data/comparison.json``) or
    its folder (``data/training``); every document with code cells runs the code of :data:`CELL_CODE`.

    Parameters
    ----------
    root : Path
    previous, current : dict
        Manifests (:func:`export_hashes`, plus :data:`CODE_KEY`) of the frozen and the current state.
    sources : iterable of Path
        Project-relative document paths.

    Returns
    -------
    folders : list of Path
        Existing ``_freeze`` folders to remove.
    """
    changed = {name for name in set(previous) | set(current) if previous.get(name) != current.get(name)}
    if not changed:
        return []
    code_changed = CODE_KEY in changed
    stale = []
    for source in sources:
        text = (root / source).read_text(encoding="utf-8")
        reads = any(
            f"data/{name}" in text
            or (Path(name).parent != Path(".") and f"data/{Path(name).parent.as_posix()}" in text)
            for name in changed
            if name != CODE_KEY
        )
        runs_code = code_changed and "```{python}" in text
        folder = _freeze_dir(root, source)
        if (reads or runs_code) and folder.exists():
            stale.append(folder)
    return stale


def _documents(root: Path) -> list[Path]:
    return sorted(
        p.relative_to(root)
        for p in (root / "report").rglob("*.qmd")
        if not any(part.startswith(("_", ".")) for part in p.relative_to(root).parts)
    )


def refresh_freeze(root: Path) -> list[Path]:
    """Remove stale frozen results and record the current state; returns the folders removed."""
    manifest = root / FREEZE_MANIFEST
    previous = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    current = export_hashes(root)
    code = code_hash(root)
    if code:
        current[CODE_KEY] = code
    stale = stale_freeze_dirs(root, previous, current, _documents(root)) if previous else []
    for folder in stale:
        _log(f"exports or code changed: dropping frozen results in {folder.relative_to(root)}")
        shutil.rmtree(folder)
    if current != previous and (root / "_freeze").exists():
        manifest.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return stale
