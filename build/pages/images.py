"""Static pictures of Plotly figures: content-addressed, rendered in batches by one kaleido session.

A picture is named by a hash of everything that decides its pixels (the figure's JSON, its size
and scale, the plotly and kaleido versions), so it is rendered once and then found in the cache
folder whatever page or build asks for it again. The site build renders every picture the pages
need before Quarto runs (:func:`collecting` records what the pages' cells ask for, without
rendering; :func:`render_missing` renders what the cache lacks, reusing one headless browser and
retrying a failed picture); while Quarto executes a page, :func:`write_png` only copies from the
cache. A miss there (a page run outside the build) renders on the spot, with the same retries.

The cache folder is ``$GGMM_IMAGE_CACHE``, else ``.cache/site/images`` in the Quarto project that
holds the working directory (the folder with ``_quarto.yml``), else none (always render).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["ImageRequest", "cache_dir", "collecting", "render_missing", "write_png"]

#: Bump when the way pictures are made changes without any input changing.
IMAGE_VERSION = 1
#: Attempts per picture before giving up (the browser is restarted between attempts).
RETRIES = 4


def _versions() -> str:
    found = []
    for name in ("plotly", "kaleido"):
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:  # pragma: no cover - both are dependencies
            found.append(f"{name}=?")
    return ";".join(found)


@dataclass(frozen=True)
class ImageRequest:
    """One picture: a figure's JSON at a size and pixel density.

    Attributes
    ----------
    spec : str
        ``fig.to_json()``.
    width, height : int
        Size in CSS pixels.
    scale : float
        Device pixels per CSS pixel.
    palette : bool
        Store the PNG with a 256-colour palette (a third of the bytes for a chart; for screens,
        not for print).
    """

    spec: str
    width: int
    height: int
    scale: float
    palette: bool = False

    @property
    def key(self) -> str:
        """The picture's content hash (file stem in the cache)."""
        text = f"{IMAGE_VERSION}|{_versions()}|{self.width}x{self.height}@{self.scale}|{self.palette}|{self.spec}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _project_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "_quarto.yml").is_file():
            return folder
    return None


def cache_dir() -> Path | None:
    """The folder of cached pictures (see the module docstring), or None."""
    given = os.environ.get("GGMM_IMAGE_CACHE", "").strip()
    if given:
        return Path(given)
    root = _project_root(Path.cwd().resolve())
    return root / ".cache" / "site" / "images" if root is not None else None


_collected: list[ImageRequest] | None = None


@contextlib.contextmanager
def collecting() -> Iterator[list[ImageRequest]]:
    """Record the pictures :func:`write_png` is asked for instead of making them.

    Yields
    ------
    requests : list of ImageRequest
        Filled while the block runs.
    """
    global _collected
    previous, _collected = _collected, []
    try:
        yield _collected
    finally:
        _collected = previous


def _log(message: str) -> None:
    print(f"images: {message}", file=sys.stderr, flush=True)


class _Session:
    """One kaleido browser for many pictures; restarted after a failure."""

    def __init__(self) -> None:
        self.running = False

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> None:
        if not self.running:
            import kaleido

            kaleido.start_sync_server(silence_warnings=True)
            self.running = True

    def stop(self) -> None:
        if self.running:
            import kaleido

            with contextlib.suppress(Exception):
                kaleido.stop_sync_server(silence_warnings=True)
            self.running = False

    def png(self, request: ImageRequest) -> bytes:
        import json

        import kaleido

        last: Exception | None = None
        for attempt in range(1, RETRIES + 1):
            try:
                self.start()
                opts = {"format": "png", "width": request.width, "height": request.height, "scale": request.scale}
                data = kaleido.calc_fig_sync(json.loads(request.spec), opts=opts)
                if not data or not bytes(data[:8]) == b"\x89PNG\r\n\x1a\n":
                    raise RuntimeError("kaleido returned no PNG")
                return _to_palette(bytes(data)) if request.palette else bytes(data)
            except Exception as exc:  # noqa: BLE001 - kaleido raises many kinds; each gets a retry
                last = exc
                _log(f"attempt {attempt}/{RETRIES} failed ({type(exc).__name__}: {str(exc)[:160]}); retrying")
                self.stop()
                time.sleep(0.5 * attempt)
        raise RuntimeError(
            f"kaleido could not render a {request.width}x{request.height} picture after {RETRIES} attempts"
        ) from last


def _to_palette(png: bytes) -> bytes:
    """The same picture as an optimized 256-colour PNG (no dithering: flat colours stay flat)."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    quantized = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    quantized.save(out, "PNG", optimize=True)
    return out.getvalue()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def render_missing(requests: Iterable[ImageRequest], folder: Path) -> int:
    """Render every requested picture that ``folder`` lacks, in one kaleido session.

    Parameters
    ----------
    requests : iterable of ImageRequest
    folder : Path
        The cache folder (created when needed).

    Returns
    -------
    rendered : int
        How many pictures were made.
    """
    todo = {r.key: r for r in requests if not (folder / f"{r.key}.png").is_file()}
    if not todo:
        return 0
    started = time.perf_counter()
    with _Session() as session:
        for key, request in todo.items():
            _atomic_write(folder / f"{key}.png", session.png(request))
    _log(f"rendered {len(todo)} picture(s) in {time.perf_counter() - started:.1f} s")
    return len(todo)


def write_png(fig: Any, path: Path, width: int, height: int, scale: float, palette: bool = False) -> Path:
    """Put the picture of ``fig`` at ``path``: from the cache, else rendered now (then cached).

    While :func:`collecting` is active the request is recorded and nothing is written.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    path : Path
        Where the PNG goes.
    width, height : int
        Size in CSS pixels.
    scale : float
        Device pixels per CSS pixel.
    palette : bool
        A 256-colour PNG (see :class:`ImageRequest`).

    Returns
    -------
    path : Path
    """
    request = ImageRequest(fig.to_json(), int(width), int(height), float(scale), bool(palette))
    if _collected is not None:
        _collected.append(request)
        return path
    folder = cache_dir()
    cached = folder / f"{request.key}.png" if folder is not None else None
    if cached is None or not cached.is_file():
        with _Session() as session:
            data = session.png(request)
        if cached is not None:
            _atomic_write(cached, data)
        else:
            _atomic_write(path, data)
            return path
    data = cached.read_bytes()
    if not path.is_file() or path.read_bytes() != data:
        _atomic_write(path, data)
    return path
