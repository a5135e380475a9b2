"""Render every picture the documents need before Quarto runs (the pre-render step).

The site's pages show a poster (a picture of each figure) until plotly.js is needed; the PDF
and the PPTX show print pictures. Rendering them while Quarto executes the documents meant one
browser start per picture, inside a busy render, and a failed start failed the render. Instead,
this step runs each document's code cells in this process the way Quarto would (working
directory, execution format), with :func:`ggmm_build.pages.images.collecting` recording what the
emitters ask for, then renders every picture the cache lacks in one kaleido session, with
retries. While Quarto runs, the emitters copy pictures from that cache.

A document is collected again only when its source, the exports or the code the cells run changed
since its last successful collection (``.cache/site/collected.json``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..pages import images
from .freeze import code_hash, export_hashes

__all__ = ["COLLECTED", "IMAGE_CACHE", "collect_document", "prerender_images"]

IMAGE_CACHE = Path(".cache/site/images")
COLLECTED = Path(".cache/site/collected.json")
_CELL = re.compile(r"^```\{python\}[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def _log(message: str) -> None:
    print(f"site: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _as_quarto(document: Path, fmt: str) -> Iterator[None]:
    """Working directory, ``QUARTO_EXECUTE_INFO`` and ``QUARTO_DOCUMENT_FILE`` as Quarto sets them."""
    saved_cwd, saved_env = Path.cwd(), dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        info = Path(tmp) / "execute-info.json"
        info.write_text(
            json.dumps({"document-path": str(document), "format": {"identifier": {"target-format": fmt}}}),
            encoding="utf-8",
        )
        os.environ["QUARTO_EXECUTE_INFO"] = str(info)
        os.environ["QUARTO_DOCUMENT_FILE"] = document.name
        os.chdir(document.parent)
        try:
            yield
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)


def collect_document(document: Path, fmt: str) -> list[images.ImageRequest]:
    """The pictures a document's cells ask for when executed for ``fmt`` (nothing is rendered).

    Parameters
    ----------
    document : Path
        An absolute ``.qmd`` path.
    fmt : str
        The Quarto target format (``"html"``, ``"typst"``, ``"revealjs"``, ``"pptx"``).

    Returns
    -------
    requests : list of ImageRequest
    """
    cells = _CELL.findall(document.read_text(encoding="utf-8"))
    namespace: dict[str, object] = {"__name__": "__main__"}
    with images.collecting() as requests, _as_quarto(document, fmt), contextlib.redirect_stdout(io.StringIO()):
        for k, cell in enumerate(cells, start=1):
            exec(compile(cell, f"{document.name}:cell {k}", "exec"), namespace)  # noqa: S102 - the report's own code
    return list(requests)


def _stamp(root: Path, document: Path, fmt: str) -> str:
    digest = hashlib.sha256()
    digest.update(fmt.encode())
    digest.update((root / document).read_bytes())
    digest.update(json.dumps(export_hashes(root), sort_keys=True).encode())
    digest.update(code_hash(root).encode())
    return digest.hexdigest()


def prerender_images(root: Path, documents: Sequence[tuple[Path, Sequence[str]]], force: bool = False) -> int:
    """Collect the pictures of the documents that changed and render what the cache lacks.

    Parameters
    ----------
    root : Path
        The project folder.
    documents : sequence of (Path, sequence of str)
        Project-relative documents and the formats Quarto executes them for.
    force : bool
        Collect every document even when unchanged.

    Returns
    -------
    rendered : int
        Pictures rendered.
    """
    record_path = root / COLLECTED
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.is_file() else {}
    folder = root / IMAGE_CACHE
    requests: list[images.ImageRequest] = []
    done: dict[str, dict[str, object]] = {}
    started = time.perf_counter()
    os.environ["GGMM_IMAGE_CACHE"] = str(folder)
    try:
        for document, formats in documents:
            for fmt in formats:
                key, stamp = f"{document.as_posix()}|{fmt}", _stamp(root, document, fmt)
                previous = record.get(key) or {}
                if (
                    not force
                    and previous.get("stamp") == stamp
                    and all((folder / f"{name}.png").is_file() for name in previous.get("images", []))
                ):
                    continue
                try:
                    found = collect_document(root / document, fmt)
                    requests += found
                    done[key] = {"stamp": stamp, "images": sorted({r.key for r in found})}
                except Exception:  # noqa: BLE001 - Quarto will execute the page and report the error
                    _log(
                        f"{document} ({fmt}): a cell failed while collecting pictures; Quarto will report it\n"
                        + traceback.format_exc(limit=3)
                    )
        if done:
            _log(
                f"collected {len(requests)} picture request(s) from {len(done)} document run(s) "
                f"in {time.perf_counter() - started:.1f} s"
            )
        rendered = images.render_missing(requests, folder)
    finally:
        os.environ.pop("GGMM_IMAGE_CACHE", None)
    record.update(done)
    record_path.parent.mkdir(parents=True, exist_ok=True)
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return rendered
