"""A content-addressed cache of experiment results.

The key of an entry hashes the job's config entry, the versions of the packages that
shape its result and :data:`CODE_VERSION`. Entries are gzip-compressed JSON written
atomically (temporary file, then rename), so an interrupted build never leaves a
half-written entry; an entry that cannot be read back or has the wrong schema is
reported, deleted and recomputed, never served.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

#: Bump when a change to ggmm's estimators or to the pipeline changes results.
CODE_VERSION = 2
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


def job_key(entry: dict[str, Any]) -> str:
    """The cache key of a job: a SHA-256 of its entry, the package versions and the code version."""
    blob = json.dumps({"entry": entry, "versions": package_versions(), "code": CODE_VERSION},
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


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
        entry = {"schema": CACHE_SCHEMA, "version": CACHE_SCHEMA_VERSION, "key": key, "job": job,
                 "result": result}
        raw = json.dumps(entry, separators=(",", ":")).encode()
        write_atomic(self.path(key), gzip.compress(raw, mtime=0))
