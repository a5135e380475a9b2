"""How an export is written: rounding to 7 significant digits, compact JSON, atomic writes."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..cache import write_atomic

EXPORT_VERSION = 2


Pairs = list[tuple[dict[str, Any], dict[str, Any]]]


def rounded(value: Any, digits: int = 7) -> Any:
    """Round every float in a JSON-able structure to ``digits`` significant digits."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot export the non-finite value {value}")
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(v, digits) for v in value]
    return value


def dumps(document: dict[str, Any]) -> bytes:
    """The canonical bytes of an export (rounded floats, compact separators, UTF-8)."""
    return (json.dumps(rounded(document), ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def write_exports(data_dir: Path, documents: dict[str, dict[str, Any]]) -> list[Path]:
    """Write every document atomically under ``data_dir`` (relative names, e.g. ``training/x.json``).

    All files are first written as temporaries, then renamed, so an interruption while
    serializing leaves the previous exports untouched.
    """
    blobs = {name: dumps(doc) for name, doc in documents.items()}
    written = []
    for name, blob in blobs.items():
        path = data_dir / name
        write_atomic(path, blob)
        written.append(path)
    return written
