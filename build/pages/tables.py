"""HTML and Markdown tables the pages print (one language per call; headers from the string table)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import check_lang
from ..i18n.strings import t
from .checks import tail_mass
from .format import fmt, fmt_sci
from .readback import generated_facts
from .scaling import scaling_cost_facts, scaling_law_facts

__all__ = [
    "comparisons_table",
    "exports_table",
    "generated_table",
    "methods_table",
    "readback_table",
    "sampler_table",
    "scaling_cost_table",
    "scaling_law_table",
    "summary_table",
    "tail_table",
    "tuning_table",
    "versions_table",
]

Doc = Mapping[str, Any]


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _html_table(header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()

    def escape_text(text: str) -> str:
        # element content: only &, < and > need escaping; an escaped apostrophe (&#x27;) would reach
        # the PDF verbatim through Quarto's HTML-table conversion
        return escape(text, quote=False)

    head = "".join(f'<th scope="col">{escape_text(h)}</th>' for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td style="text-align: right">{escape_text(c)}</td>' if i in numeric else f"<td>{escape_text(c)}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f'<table class="table table-sm"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _header(keys: list[str], lang: str) -> list[str]:
    check_lang(lang)
    return [t(f"table.{key}", lang) for key in keys]


def _interval_text(stat: Mapping[str, Any] | None) -> str:
    if not stat:
        return "—"
    return f"{fmt(stat['mean'])} [{fmt(stat['lo'])}, {fmt(stat['hi'])}]"


def methods_table(comparison: Doc, lang: str) -> str:
    """The compared methods: label, family, name in the data, median parameter count."""
    header = _header(["method", "family", "name", "params_median"], lang)
    rows = []
    for method in comparison["methods"]:
        counts = [run["n_params"] for run in comparison["runs"] if run["method"] == method["name"]]
        rows.append(
            [
                method["label"][lang],
                t(f"family.{method['family']}", lang),
                method["name"],
                f"{int(np.median(counts)):,}" if counts else "—",
            ]
        )
    return _html_table(header, rows, numeric={3})


def summary_table(comparison: Doc, lang: str) -> str:
    """Every (dataset, method): held-out NLL above the truth's, test and grid RMSE with intervals, size, time.

    Within a dataset the density estimators come first, sorted by their NLL gap; the
    regression models (no likelihood) follow, sorted by test RMSE.
    """
    header = _header(["dataset", "method", "nll_gap", "rmse_test", "rmse_grid", "params", "seconds"], lang)
    labels = {m["name"]: m["label"][lang] for m in comparison["methods"]}
    rows = []
    for d in comparison["datasets"]:
        group = [s for s in comparison["summary"] if s["dataset"] == d["name"]]
        group.sort(key=lambda s: (s.get("nll_gap") is None, (s.get("nll_gap") or s["rmse_test"])["mean"]))
        for s in group:
            seconds = s.get("seconds")
            rows.append(
                [
                    d["title"][lang],
                    labels[s["method"]],
                    _interval_text(s.get("nll_gap")),
                    _interval_text(s["rmse_test"]),
                    _interval_text(s.get("rmse_grid")),
                    f"{int(s['n_params']):,}",
                    fmt(seconds["mean"], 2) if seconds else "—",
                ]
            )
    return _html_table(header, rows, numeric={5, 6})


def comparisons_table(comparison: Doc, lang: str) -> str:
    """The declared paired comparisons on every dataset: difference, interval, seeds won, verdict."""
    header = _header(["comparison", "dataset", "difference", "seeds_won", "verdict"], lang)
    titles = {d["name"]: d["title"][lang] for d in comparison["datasets"]}
    order = {d["name"]: i for i, d in enumerate(comparison["datasets"])}
    names = list(dict.fromkeys(c["name"] for c in comparison["comparisons"]))
    rows = []
    for c in sorted(comparison["comparisons"], key=lambda c: (names.index(c["name"]), order[c["dataset"]])):
        if c["log"]:
            diff = t("unit.ratio", lang).format(
                value=fmt(c["ratio"]), ci=f"[{fmt(c['ratio_lo'])}, {fmt(c['ratio_hi'])}]"
            )
        else:
            sign = "" if c["mean"] < 0 else "+"
            diff = t("unit.nats", lang).format(value=f"{sign}{fmt(c['mean'])}", ci=f"[{fmt(c['lo'])}, {fmt(c['hi'])}]")
        final = c.get("verdict_adjusted") or c["verdict"]
        final = "tied" if final in ("tie", "tied") else final
        verdict = t(f"verdict.{final}", lang)
        if final != ("tied" if c["verdict"] in ("tie", "tied") else c["verdict"]):
            verdict += t("verdict.borderline_mark", lang).format(raw=t(f"verdict.{c['verdict']}", lang))
        rows.append([c["label"][lang], titles[c["dataset"]], diff, f"{c['wins_a']} : {c['wins_b']}", verdict])
    return _html_table(header, rows)


def _setting(setting: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in sorted(setting.items()))


def tuning_table(tuning: Doc, comparison: Doc, lang: str) -> str:
    """Every tuning job: the setting chosen, its validation score against the worst, settings tried."""
    header = _header(["dataset", "method", "setting", "score", "candidates"], lang)
    labels = {m["name"]: m["label"][lang] for m in comparison["methods"]}
    titles = {d["name"]: d["title"][lang] for d in comparison["datasets"]}
    rows = []
    for e in tuning["entries"]:
        chosen = e["scores"][e["candidates"].index(e["chosen"])]
        unit = "NLL" if e["score"] == "nll" else "RMSE"
        rows.append(
            [
                titles.get(e["dataset"], e["dataset"]),
                labels.get(e["method"], e["method"]),
                _setting(e["chosen"]),
                f"{unit} {fmt(chosen)} / {fmt(max(e['scores']))}",
                str(len(e["candidates"])),
            ]
        )
    return _html_table(header, rows, numeric={4})


def generated_table(recovered: Doc, lang: str) -> str:
    """The read-back on generated mixtures per (p, grid): worst center RMSE and mean |Δp|, KAN against EM."""
    header = _header(["p", "grid", "mixtures", "center_max", "p_abs"], lang)
    rows = [
        [
            fmt(r["p"], 2),
            str(r["grid"]),
            str(r["n"]),
            f"{fmt(r['kan_center_max'])} / {fmt(r['em_center_max'])}",
            f"{fmt(r['kan_p_abs'])} / {fmt(r['em_p_abs'])}",
        ]
        for r in generated_facts(recovered)["rows"]
    ]
    return _html_table(header, rows, numeric={0, 1, 2})


def scaling_law_table(scaling: Doc, lang: str) -> str:
    """The scaling law per family: sizes, parameter range, test RMSE at both ends, the exponent alpha."""
    header = _header(["method", "sizes", "param_range", "rmse_ends", "alpha", "paper_alpha"], lang)
    facts = scaling_law_facts(scaling)
    rows = []
    for key, symbol in (("kan", "G"), ("mlp", "w")):
        f = facts[key]
        position = t("scaling.position." + f["position"], lang)
        rows.append(
            [
                f["label"][lang],
                f"{symbol} = {', '.join(str(v) for v in f['sizes'])}",
                f"{f['params_min']:,} – {f['params_max']:,}",
                f"{fmt(f['rmse_first'])} → {fmt(f['rmse_last'])}",
                f"{fmt(f['alpha'])} [{fmt(f['lo'])}, {fmt(f['hi'])}]",
                f"{facts['paper_alpha']}: {position}" if key == "kan" else "—",
            ]
        )
    return _html_table(header, rows)


def _exponent(fit: Mapping[str, Any] | None) -> str:
    return "—" if not fit else f"{fmt(fit['slope'])} [{fmt(fit['lo'])}, {fmt(fit['hi'])}]"


def scaling_cost_table(scaling: Doc, lang: str) -> str:
    """Per method: the exponents of CPU time against N and against D, and the cells not run (with the limit)."""
    header = _header(["method", "exponent_samples", "exponent_dims", "not_run"], lang)
    facts = scaling_cost_facts(scaling)
    refused = {r["label"]["en"]: r for r in facts["refused"]}
    rows = []
    for m in facts["methods"]:
        r = refused.get(m["label"]["en"])
        note = (
            "—"
            if r is None
            else "; ".join(
                f"D = {c['dim']}, N = {c['n_train']:,}: {fmt_sci(c['amount'])} > {fmt_sci(r['limit'])}"
                for c in r["cells"]
            )
        )
        if r is not None:
            note = t("scaling.work." + r["measure"], lang) + ": " + note
        rows.append([m["label"][lang], _exponent(m["samples"]), _exponent(m["dims"]), note])
    return _html_table(header, rows)


def tail_table(ps: Iterable[float], lang: str) -> str:
    """Markdown table of :func:`tail_mass` for the shapes ``ps``."""
    names = {1.0: t("name.laplace", lang), 2.0: t("name.gaussian", lang)}
    rows = [[fmt(p, 2), names.get(float(p), ""), fmt(tail_mass(p), 3)] for p in ps]
    return _markdown_table(_header(["shape", "known_as", "tail"], lang), rows)


def sampler_table(ps: Iterable[float], lang: str, n: int = 20_000, seed: int = 0) -> str:
    """Markdown table comparing the exact sampler with the original coursework's.

    For each shape, one centered unit-scale component is sampled ``n`` times with
    :meth:`GeneralizedGaussianMixture.sample` and with the original formula
    ``sign(u) |u|^(1/p)``, ``u ~ U(-1, 1)``; the table gives the share of draws beyond one
    scale (against the exact value) and the Kolmogorov-Smirnov p-value against
    ``scipy.stats.gennorm``.
    """
    from scipy import stats

    from ggmm.distribution import GeneralizedGaussianMixture

    rows = []
    for i, p in enumerate(ps):
        mixture = GeneralizedGaussianMixture([[0.0]], [[1.0]], [1.0], p=float(p))
        exact = mixture.sample(n, seed + i)[0][:, 0]
        u = np.random.default_rng(seed + 1000 + i).uniform(-1.0, 1.0, n)
        original = np.sign(u) * np.abs(u) ** (1.0 / p)
        cdf = stats.gennorm(p).cdf
        rows.append(
            [
                fmt(p, 2),
                fmt(tail_mass(p), 3),
                fmt(float(np.mean(np.abs(exact) > 1.0)), 3),
                fmt(float(np.mean(np.abs(original) > 1.0)), 3),
                fmt(float(stats.kstest(exact, cdf).pvalue), 2),
                fmt(float(stats.kstest(original, cdf).pvalue), 2),
            ]
        )
    header = _header(["shape", "exact_share", "exact_sampler", "original_sampler", "ks_exact", "ks_original"], lang)
    return _markdown_table(header, rows)


def exports_table(folder: str | os.PathLike[str], lang: str) -> str:
    """The exported JSON files: path, schema, size, SHA-256 prefix."""
    base = Path(folder)
    rows = []
    for path in sorted(base.rglob("*.json")):
        raw = path.read_bytes()
        try:
            schema = str(json.loads(raw).get("schema", ""))
        except (ValueError, AttributeError):
            schema = ""
        rows.append(
            [
                path.relative_to(base).as_posix(),
                schema,
                f"{len(raw) / 1024:,.0f} KiB",
                hashlib.sha256(raw).hexdigest()[:16],
            ]
        )
    return _html_table(_header(["file", "schema", "size", "sha"], lang), rows, numeric={2})


def versions_table(manifest: Doc, lang: str) -> str:
    """The package versions the exports were computed with (from ``manifest.json``)."""
    rows = [[name, version] for name, version in sorted(manifest["versions"].items())]
    return _html_table(_header(["package", "version"], lang), rows)


def readback_table(comparison: Doc, lang: str) -> str:
    """The read-back on every preset against EM (and the k-means start when the runs record it).

    Means over seeds of the per-run ``param_errors``; the ratios are the paired geometric-mean
    ratios KAN / EM with their 95% interval (:func:`ggmm_build.pages.readback.readback_facts`).
    """
    from .readback import readback_facts

    facts = readback_facts(comparison)
    init = facts["has_init"]
    header = _header(
        [
            "dataset",
            "readback.center_init" if init else "readback.center",
            "readback.center_ratio",
            "readback.scale",
            "readback.scale_ratio",
            "readback.weight",
            "readback.p",
        ],
        lang,
    )

    def ratio(d: Mapping[str, Any] | None) -> str:
        return "—" if not d else f"{fmt(d['ratio'])} [{fmt(d['ratio_lo'])}, {fmt(d['ratio_hi'])}]"

    rows = []
    for r in facts["rows"]:
        ka, em = r["ka"], r["em"]
        center = f"{fmt(ka['center_rmse'])} / {fmt(em['center_rmse'])}"
        if init:
            center += f" / {fmt(r['init']['center_rmse'])}"
        rows.append(
            [
                r["title"][lang],
                center,
                ratio(r["center"]),
                f"{fmt(ka['scale_rmse'])} / {fmt(em['scale_rmse'])}",
                ratio(r["scale"]),
                f"{fmt(ka['weight_max_abs'])} / {fmt(em['weight_max_abs'])}",
                f"{fmt(ka['p_abs'])} / {fmt(em['p_abs'])}",
            ]
        )
    return _html_table(header, rows)
