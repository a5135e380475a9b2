"""The sentences the pages compute from data, rendered from one template in both languages.

The wording lives in ``sentences.j2`` (one Jinja2 macro per sentence, English and Chinese
side by side); the facts are computed from the exports by :mod:`~ggmm_build.pages.verdicts`,
:mod:`~ggmm_build.pages.readback`, :mod:`~ggmm_build.pages.scaling` and the other modules of
facts. A page makes one :class:`Prose` for its data folder and prints sentences with inline
expressions::

    say = Prose("../data")
    `{python} say.en("record", "ka-vs-em")`
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2

from ..i18n.strings import LANGS
from .checks import identity_check
from .convergence import convergence_facts, stuck_runs_facts, tuning_outcome_facts
from .coursework import original_facts
from .format import Inline, fmt, fmt_sci
from .protocol import tuning_facts
from .readback import em_weight_facts, generated_facts, kept_step_facts, readback_facts, readback_worst, recovery_facts
from .scaling import scaling_accuracy_facts, scaling_cost_facts, scaling_law_facts
from .training import training_facts
from .verdicts import comparison_entry, correction_facts, fit_cost_facts, grid_record, record

__all__ = ["Prose", "SENTENCES", "render"]

#: The declared comparisons the headline sentences are about (names from build/experiments.toml).
HEADLINE = {"samples": "ka-vs-em", "regression": "kan-vs-mlp", "efficiency": "kan-vs-big-mlp"}


def _signed(value: float, digits: int = 3) -> str:
    text = fmt(value, digits)
    return text if text.startswith("-") or text == "n/a" else f"+{text}"


def _ci(pair: Sequence[float], digits: int = 3) -> str:
    lo, hi = pair
    return f"[{fmt(lo, digits)}, {fmt(hi, digits)}]"


def _labels(items: Sequence[str], lang: str) -> str:
    """Method labels (which hold no commas) as a list: "a, b and c" / "a、b 和 c"."""
    if len(items) < 2:
        return _names(items, lang)
    return f"{', '.join(items[:-1])} and {items[-1]}" if lang == "en" else f"{'、'.join(items[:-1])}和{items[-1]}"


def _names(items: Sequence[str], lang: str) -> str:
    if not items:
        return "none" if lang == "en" else "无"
    if lang == "zh":
        return "、".join(items)
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    # English titles may hold commas ("Two close, overlapping clusters"): semicolons keep them apart
    return "; ".join(items[:-1]) + "; and " + items[-1]


_CJK = "\u3400-\u9fff"
_BEFORE = re.compile(f"([{_CJK}])([A-Za-z0-9\\[(`$+-])")
_AFTER = re.compile(f"([A-Za-z0-9\\])`$%])([{_CJK}])")


def _space_cjk(text: str) -> str:
    """A space between Chinese characters and Latin letters, digits or brackets (both ways)."""
    return _AFTER.sub(r"\1 \2", _BEFORE.sub(r"\1 \2", text))


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ggmm_build.pages", "."),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.do"],
    )
    env.filters.update(
        num=fmt,
        signed=_signed,
        ci=_ci,
        names=_names,
        labels=_labels,
        pct=lambda v: fmt(100.0 * v, 2),
        lower_first=lambda s: s[:1].lower() + s[1:],
        upper_first=lambda s: s[:1].upper() + s[1:],
        sci=fmt_sci,
        thousands=lambda v: f"{int(v):,}",
    )
    return env


def render(name: str, lang: str, facts: Any) -> Inline:
    """Render the macro ``name`` of ``sentences.j2`` in ``lang`` with ``facts``."""
    if lang not in LANGS:
        raise ValueError(f"The parameter 'lang' must be one of {list(LANGS)}, but got {lang!r}.")
    module = _environment().get_template("sentences.j2").module
    macro = getattr(module, name, None)
    if macro is None or name not in SENTENCES:
        raise ValueError(f"The parameter 'name' must be one of {sorted(SENTENCES)}, but got {name!r}.")
    text = " ".join(str(macro(lang, facts)).split())
    return Inline(_space_cjk(text) if lang == "zh" else text)


class Prose:
    """Sentences computed from the exports in one data folder.

    Parameters
    ----------
    data : path
        The folder holding ``comparison.json``, ``recovered.json`` and the other exports
        (relative to the page, e.g. ``"../data"``).
    """

    def __init__(self, data: str | Path) -> None:
        self.data = Path(data)
        self._exports: dict[str, dict[str, Any]] = {}

    def _load(self, name: str) -> dict[str, Any]:
        if name not in self._exports:
            from ..documents.exports import load_export

            self._exports[name] = load_export(self.data / f"{name}.json")
        return self._exports[name]

    comparison = property(lambda self: self._load("comparison"), doc="``comparison.json``")
    recovered = property(lambda self: self._load("recovered"), doc="``recovered.json``")
    original = property(lambda self: self._load("original"), doc="``original.json``")
    tuning = property(lambda self: self._load("tuning"), doc="``tuning.json``")

    scaling = property(lambda self: self._load("scaling"), doc="``scaling.json``")

    def title(self, dataset: str) -> dict[str, str]:
        """A dataset's title per language."""
        return next(d["title"] for d in self.comparison["datasets"] if d["name"] == dataset)

    def say(self, lang: str, name: str, *args: Any) -> Inline:
        """The sentence ``name`` in ``lang`` (arguments as listed in :data:`SENTENCES`)."""
        if name not in SENTENCES:
            raise ValueError(f"The parameter 'name' must be one of {sorted(SENTENCES)}, but got {name!r}.")
        return render(name, lang, SENTENCES[name](self, *args))

    def en(self, name: str, *args: Any) -> Inline:
        """:meth:`say` in English."""
        return self.say("en", name, *args)

    def zh(self, name: str, *args: Any) -> Inline:
        """:meth:`say` in Chinese."""
        return self.say("zh", name, *args)


def _readback(p: Prose) -> dict[str, Any]:
    facts = readback_facts(p.comparison)
    worse, better = len(facts["center_worse"]["en"]), len(facts["center_better"]["en"])
    return {**facts, "counts": {"worse": worse, "better": better, "tied": facts["n"] - worse - better}}


def _generated(p: Prose) -> dict[str, Any]:
    return {**generated_facts(p.recovered), "worst": readback_worst(p.recovered)}


def _recovery(p: Prose, dataset: str) -> dict[str, Any]:
    return {**recovery_facts(p.recovered, dataset), "title": p.title(dataset)}


def _training(p: Prose, name: str) -> dict[str, Any]:
    from ..documents.exports import load_export

    return training_facts(load_export(p.data / "training" / f"{name}.json"))


def _em_weights(p: Prose, dataset: str) -> dict[str, Any] | None:
    from ..documents.exports import load_export

    facts = em_weight_facts(load_export(p.data / "em_history.json"), dataset)
    return None if facts is None else {**facts, "title": p.title(dataset)}


def _params_claim(p: Prose) -> dict[str, Any]:
    entry = record(p.comparison, HEADLINE["efficiency"])
    cost = fit_cost_facts(p.comparison, "original")
    law = None
    try:
        law = scaling_law_facts(p.scaling)["mlp"]["params_max"]
    except (ValueError, KeyError):
        law = None
    big = cost["big"]["params"]
    return {
        "record": entry,
        "kan_params": cost["kan"]["params"],
        "big_params": big,
        "law_max": law if law and big and law > big else None,
    }


#: Every sentence: name -> facts(prose, *args).
SENTENCES: dict[str, Callable[..., Any]] = {
    "comparison": lambda p, name, dataset: comparison_entry(p.comparison, name, dataset),
    "record": lambda p, name: record(p.comparison, name),
    "headline_samples": lambda p: record(p.comparison, HEADLINE["samples"]),
    "headline_regression": lambda p: {
        "test": record(p.comparison, HEADLINE["regression"]),
        "grid": grid_record(p.comparison, HEADLINE["regression"]),
    },
    "headline_readback": _readback,
    "readback_all": _readback,
    "readback_random": _readback,
    "readback_steps": lambda p: {**kept_step_facts(p.comparison), "start": _readback(p)},
    "recovery_centers": _recovery,
    "recovery_shape": _recovery,
    "recovery_shapes": lambda p: {"rows": [_recovery(p, e["dataset"]) for e in p.recovered["datasets"]]},
    "recovery_weights": _recovery,
    "symbolic": _recovery,
    "generated": _generated,
    "grid_record": lambda p, name: grid_record(p.comparison, name),
    "correction": lambda p: correction_facts(p.comparison),
    "training_prune": _training,
    "training_losses": _training,
    "training_caption": _training,
    "em_weights": _em_weights,
    "params_claim": _params_claim,
    "generated_shape": lambda p: generated_facts(p.recovered),
    "original_negative": lambda p: original_facts(p.original),
    "original_symbolic": lambda p: original_facts(p.original),
    "claims_params": lambda p: {
        "record": record(p.comparison, HEADLINE["efficiency"]),
        "grid": grid_record(p.comparison, HEADLINE["efficiency"]),
    },
    "claims_time": lambda p, dataset: fit_cost_facts(p.comparison, dataset),
    "tuning": lambda p: tuning_facts(p.tuning),
    "tuning_budget": lambda p: {**tuning_facts(p.tuning), **tuning_outcome_facts(p.tuning)},
    "identity_check": lambda p, seed=0, n=100_000: identity_check(seed, n),
    "sampler_note": lambda p, n, seed: {"n": n, "seed": seed},
    "scaling_law": lambda p: scaling_law_facts(p.scaling),
    "claims_scaling": lambda p: scaling_law_facts(p.scaling),
    "scaling_budget": lambda p: scaling_law_facts(p.scaling),
    "scaling_shape": lambda p: scaling_law_facts(p.scaling),
    "scaling_cost": lambda p: scaling_cost_facts(p.scaling),
    "scaling_limits": lambda p: scaling_cost_facts(p.scaling),
    "scaling_accuracy": lambda p: scaling_accuracy_facts(p.scaling),
    "convergence": lambda p: convergence_facts(p.comparison),
    "tuning_outcome": lambda p: tuning_outcome_facts(p.tuning),
    "stuck_runs": lambda p: stuck_runs_facts(p.comparison, p.tuning),
}
