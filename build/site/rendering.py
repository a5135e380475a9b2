"""Run Quarto for each language, and only for what changed.

Per language the site has two outputs, rendered by separate Quarto calls:

``web``
    The pages and the slides (reveal.js and PPTX; pages link the deck's source, so it must be
    part of this render): ``quarto render --profile <lang>,web``, where ``_quarto-web.yml``
    leaves the PDF source out of the render list.
``pdf``
    ``report/pdf/ggmm-kan-report.qmd`` to Typst PDF: ``quarto render --profile pdf,<lang>``,
    a project render (so the second language reuses the first one's frozen results) into
    ``.cache/site/pdf/`` (``_quarto-pdf.yml``), copied from there into the language folder.

``make slides`` renders only ``report/slides.qmd`` (the ``slides`` target).

Each output has a stamp, a hash of everything it is made from (its sources, the project and
profile configuration, filters, bibliography, exports, the code the cells run, the assets, the
build code and the Quarto version); an output whose stamp is unchanged and whose files exist is
not rendered again. A render of the pages cleans the language folder of files it did not make,
so a copy of each PDF is kept in ``.cache/site/outputs/<lang>/`` and put back afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .freeze import code_hash, export_hashes
from .pdf import PDF_SOURCE
from .sources import SLIDES

__all__ = ["OUTPUTS", "QuartoMissing", "Target", "find_quarto", "render", "run", "targets"]

SITE = Path("_site")
STAMPS = Path(".cache/site/stamps.json")
STASH = Path(".cache/site/outputs")
PDF_OUTPUT = Path(".cache/site/pdf")
QUARTO_HELP = (
    "Quarto was not found on PATH. Everything before Quarto is built: the exports in report/data/, "
    "the plotly.js bundles in assets/vendor/, the pictures in .cache/site/images/ and the PDF source "
    "report/pdf/ggmm-kan-report.qmd.\n"
    "Install Quarto (1.8 or later) to render the site, the slides and the PDF:\n"
    "  * with the installer from https://quarto.org/docs/get-started/ (Debian/Ubuntu: the .deb), or\n"
    "  * on a machine with internet access: .venv/bin/pip install quarto-cli\n"
    "then run `make site` again."
)


class QuartoMissing(RuntimeError):
    """Raised when a step needs the quarto binary and it is not installed."""


@dataclass(frozen=True)
class Target:
    """One output of one language.

    Attributes
    ----------
    lang : str
    kind : {"web", "pdf", "slides"}
        ``slides`` renders only the deck (``make slides``); ``web`` includes it.
    """

    lang: str
    kind: str

    @property
    def name(self) -> str:
        return f"{self.lang}:{self.kind}"

    def command(self, quarto: str) -> list[str]:
        """The Quarto call that renders this output."""
        if self.kind == "web":
            return [quarto, "render", "--profile", f"{self.lang},web"]
        if self.kind == "pdf":
            return [quarto, "render", "--profile", f"pdf,{self.lang}"]
        return [quarto, "render", SLIDES.as_posix(), "--profile", self.lang]

    def outputs(self, root: Path) -> list[Path]:
        """Files whose presence says the output exists."""
        base = root / SITE / self.lang
        if self.kind == "web":
            return [
                base / "report" / "overview" / "index.html",
                base / "search.json",
                base / SLIDES.with_suffix(".html"),
                base / SLIDES.with_suffix(".pptx"),
            ]
        if self.kind == "pdf":
            return [base / PDF_SOURCE.with_suffix(".pdf")]
        return [base / SLIDES.with_suffix(".html"), base / SLIDES.with_suffix(".pptx")]


OUTPUTS = ("web", "pdf")
#: The build modules whose code decides what an output holds (the others only run or measure it).
MAKERS = ("__init__", "assets", "freeze", "images", "links", "output", "sources", "pdf", "rendering")
KINDS = ("web", "pdf", "slides")


def targets(langs: Iterable[str], kinds: Iterable[str] = OUTPUTS) -> list[Target]:
    """Every (language, kind) pair, web first (its render cleans the language folder)."""
    order = {kind: k for k, kind in enumerate(KINDS)}
    return [Target(lang, kind) for lang in langs for kind in sorted(kinds, key=order.__getitem__)]


def _log(message: str) -> None:
    print(f"site: {message}", file=sys.stderr, flush=True)


def find_quarto() -> str:
    """Path of the quarto binary; raises :class:`QuartoMissing` when absent."""
    found = shutil.which("quarto")
    if not found:
        raise QuartoMissing(QUARTO_HELP)
    return found


def _environment() -> dict[str, str]:
    """This interpreter first on PATH (Quarto's pre/post-render run ``python``) and for Jupyter."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("QUARTO_PYTHON", sys.executable)
    return env


def run(command: Sequence[str], root: Path) -> None:
    """Run a command in the project folder; exit with its code when it fails."""
    _log("$ " + " ".join(command))
    result = subprocess.run(list(command), cwd=root, env=_environment(), check=False)
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def _files(root: Path, patterns: Iterable[str]) -> list[Path]:
    out: list[Path] = []
    for pattern in patterns:
        out += sorted(p for p in root.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    return out


def _quarto_version(quarto: str | None) -> str:
    if quarto is None:
        return ""
    try:
        return subprocess.run([quarto, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def stamp(root: Path, target: Target, quarto_version: str = "") -> str:
    """The hash of everything ``target`` is made from (see the module docstring)."""
    common = [
        "_quarto.yml",
        f"_quarto-{target.lang}.yml",
        "report/_filters/*",
        "report/references.bib",
        "assets/css/*",
        "assets/js/*",
        "assets/images/*",
        "build/site/templates/*",
        ".cache/site/crossref-numbers.json",
        *(f"build/site/{name}.py" for name in MAKERS),
    ]
    own = {
        "web": ["_quarto-web.yml", "report/**/*.qmd"],
        "pdf": ["_quarto-pdf.yml", PDF_SOURCE.as_posix()],
        "slides": [SLIDES.as_posix()],
    }[target.kind]
    if target.kind == "pdf":
        common = [c for c in common if not c.startswith("assets/")]
    digest = hashlib.sha256(f"{target.name}|{quarto_version}".encode())
    for path in _files(root, common + own):
        relative = path.relative_to(root).as_posix()
        if target.kind == "web" and relative.startswith("report/pdf/"):
            continue
        digest.update(relative.encode())
        digest.update(path.read_bytes())
    for path in _files(root, ["assets/vendor/*"]):
        digest.update(f"{path.name}:{path.stat().st_size}".encode())
    digest.update(json.dumps(export_hashes(root), sort_keys=True).encode())
    digest.update(code_hash(root).encode())
    return digest.hexdigest()


def _keep_pdf(root: Path, lang: str) -> None:
    """Copy the PDF just rendered into the language folder and keep a copy for later pages renders."""
    made = root / PDF_OUTPUT / PDF_SOURCE.with_suffix(".pdf")
    for target in (root / SITE / lang / PDF_SOURCE.with_suffix(".pdf"), root / STASH / lang / made.name):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(made, target)


def _restore_pdf(root: Path, lang: str) -> bool:
    """Put the kept PDF back into the language folder; False when none was kept."""
    kept = root / STASH / lang / PDF_SOURCE.with_suffix(".pdf").name
    if not kept.is_file():
        return False
    target = root / SITE / lang / PDF_SOURCE.with_suffix(".pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_bytes() != kept.read_bytes():
        shutil.copy2(kept, target)
    return True


def render(root: Path, wanted: Sequence[Target], quarto: str | None = None, force: bool = False) -> list[Target]:
    """Render the targets whose inputs changed (all of them with ``force``); returns those rendered.

    Parameters
    ----------
    root : Path
        The project folder.
    wanted : sequence of Target
        In order: a language's ``web`` before its ``pdf`` and ``slides``.
    quarto : str, optional
        The quarto binary (default: :func:`find_quarto`).
    force : bool
        Render even when nothing changed.

    Returns
    -------
    rendered : list of Target
    """
    quarto = quarto or find_quarto()
    version = _quarto_version(quarto)
    path = root / STAMPS
    stamps = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    rendered: list[Target] = []
    for target in wanted:
        current = stamp(root, target, version)
        present = all(p.is_file() for p in target.outputs(root))
        restored = target.kind == "pdf" and _restore_pdf(root, target.lang)
        if not force and stamps.get(target.name) == current and (present or restored):
            _log(f"{target.name} is up to date")
            continue
        started = time.perf_counter()
        stamps.pop(target.name, None)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stamps, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        run(target.command(quarto), root)
        if target.kind == "web":
            _restore_pdf(root, target.lang)
        elif target.kind == "pdf":
            _keep_pdf(root, target.lang)
        stamps[target.name] = current
        path.write_text(json.dumps(stamps, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        _log(f"{target.name} rendered in {time.perf_counter() - started:.1f} s")
        rendered.append(target)
    return rendered
