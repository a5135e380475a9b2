"""HTML and Markdown tables the pages print (both languages)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .format import fmt, fmt_interval
from .numbers import _mean, _summary_rows, tail_mass
from .quarto import check_lang

__all__ = ["exports_table", "methods_table", "sampler_table", "summary_table", "tail_table", "versions_table"]


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _html_table(header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    from html import escape

    numeric = numeric or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td style="text-align: right">{escape(c)}</td>' if i in numeric else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f'<table class="table table-sm"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


_FAMILY = {"KAN": {"en": "KAN", "zh": "KAN"}, "MLP": {"en": "MLP", "zh": "MLP"},
           "classical": {"en": "classical", "zh": "经典方法"}}


def methods_table(comparison: Mapping[str, Any], lang: str) -> str:
    """HTML table of the compared methods: label, family, median parameter count."""
    import numpy as np

    check_lang(lang)
    rows = []
    for method in comparison["methods"]:
        counts = [run["n_params"] for run in comparison["runs"] if run["method"] == method["name"]]
        median = f"{int(np.median(counts)):,}" if counts else "n/a"
        rows.append([method["label"][lang], _FAMILY.get(method["family"], {}).get(lang, method["family"]),
                     method["name"], median])
    header = {"en": ["method", "family", "name in the data", "parameters (median)"],
              "zh": ["方法", "类别", "数据中的名称", "参数量（中位数）"]}[lang]
    return _html_table(header, rows, numeric={3})


def summary_table(comparison: Mapping[str, Any], lang: str, metric: str = "rmse_test") -> str:
    """HTML table of every (dataset, method) summary, sorted by ``metric`` within a dataset."""
    check_lang(lang)
    labels = {m["name"]: m["label"][lang] for m in comparison["methods"]}
    titles = {d["name"]: d["title"][lang] for d in comparison["datasets"]}
    rows = []
    for dataset in [d["name"] for d in comparison["datasets"]]:
        group = sorted(_summary_rows(comparison, dataset), key=lambda row: _mean(row, metric))
        for rank, row in enumerate(group, 1):
            rows.append([
                titles.get(dataset, dataset), str(rank), labels.get(row["method"], row["method"]),
                fmt(row[metric]["mean"]), fmt_interval(row[metric]),
                f"{int(row['n_params']):,}", fmt(row["seconds"]["mean"], 2),
            ])
    header = {"en": ["dataset", "rank", "method", f"{metric} (mean)", "95% interval", "parameters", "seconds"],
              "zh": ["数据集", "名次", "方法", f"{metric}（均值）", "95% 置信区间", "参数量", "耗时（秒）"]}[lang]
    return _html_table(header, rows, numeric={1, 3, 5, 6})


def tail_table(ps: Iterable[float]) -> dict[str, str]:
    """Markdown tables (per language) of :func:`tail_mass` for the shapes ``ps``."""
    names = {1.0: ("Laplace", "拉普拉斯"), 2.0: ("Gaussian", "高斯")}
    rows_en, rows_zh = [], []
    for p in ps:
        mass = fmt(tail_mass(p), 3)
        en, zh = names.get(float(p), ("", ""))
        rows_en.append([fmt(p, 2), en, mass])
        rows_zh.append([fmt(p, 2), zh, mass])
    return {
        "en": _markdown_table(["shape $p$", "known as", r"$P(\lvert X-c\rvert > \alpha)$"], rows_en),
        "zh": _markdown_table(["形状参数 $p$", "常用名称", r"$P(\lvert X-c\rvert > \alpha)$"], rows_zh),
    }


def sampler_table(ps: Iterable[float], n: int = 20_000, seed: int = 0) -> dict[str, str]:
    """Markdown tables comparing the exact sampler with the original coursework's.

    For each shape, one centered unit-scale component is sampled ``n`` times with
    :meth:`GeneralizedGaussianMixture.sample` and with the original formula
    ``sign(u) |u|^(1/p)``, ``u ~ U(-1, 1)``; the table gives the share of draws beyond one
    scale (against the exact value) and the Kolmogorov-Smirnov p-value against
    ``scipy.stats.gennorm``.
    """
    import numpy as np
    from scipy import stats

    from ggmm.distribution import GeneralizedGaussianMixture

    rows = []
    for i, p in enumerate(ps):
        mixture = GeneralizedGaussianMixture([[0.0]], [[1.0]], [1.0], p=float(p))
        exact, _ = mixture.sample(n, seed + i)
        exact = exact[:, 0]
        u = np.random.default_rng(seed + 1000 + i).uniform(-1.0, 1.0, n)
        original = np.sign(u) * np.abs(u) ** (1.0 / p)
        cdf = stats.gennorm(p).cdf
        rows.append([
            fmt(p, 2),
            fmt(tail_mass(p), 3),
            fmt(float(np.mean(np.abs(exact) > 1.0)), 3),
            fmt(float(np.mean(np.abs(original) > 1.0)), 3),
            fmt(float(stats.kstest(exact, cdf).pvalue), 2),
            fmt(float(stats.kstest(original, cdf).pvalue), 2),
        ])
    header_en = ["$p$", "exact share beyond $\\alpha$", "exact sampler", "original sampler",
                 "KS p-value, exact", "KS p-value, original"]
    header_zh = ["$p$", "超出 $\\alpha$ 的理论比例", "精确抽样器", "原抽样器", "KS p 值（精确）", "KS p 值（原）"]
    note = {"en": f"\n\n{n:,} draws per sampler and shape, seeds from {seed}.",
            "zh": f"\n\n每种抽样器、每个形状参数各抽 {n:,} 次，随机种子从 {seed} 开始。"}
    return {"en": _markdown_table(header_en, rows) + note["en"],
            "zh": _markdown_table(header_zh, rows) + note["zh"]}


def exports_table(folder: str | os.PathLike[str], lang: str) -> str:
    """HTML table of the exported JSON files: path, schema, size, SHA-256 prefix."""
    import hashlib

    check_lang(lang)
    base = Path(folder)
    rows = []
    for path in sorted(base.rglob("*.json")):
        raw = path.read_bytes()
        try:
            schema = str(json.loads(raw).get("schema", ""))
        except (ValueError, AttributeError):
            schema = ""
        rows.append([path.relative_to(base).as_posix(), schema, f"{len(raw) / 1024:,.0f} KiB",
                     hashlib.sha256(raw).hexdigest()[:16]])
    header = {"en": ["file", "schema", "size", "SHA-256 (first 16)"],
              "zh": ["文件", "格式", "大小", "SHA-256（前 16 位）"]}[lang]
    return _html_table(header, rows, numeric={2})


_PACKAGES = ("numpy", "scipy", "torch", "pykan", "scikit-learn", "plotly", "kaleido")


def versions_table(lang: str, packages: Iterable[str] = _PACKAGES) -> str:
    """HTML table of installed package versions (and Python's)."""
    import platform
    from importlib import metadata

    check_lang(lang)
    rows = [["Python", platform.python_version()]]
    for name in packages:
        try:
            rows.append([name, metadata.version(name)])
        except metadata.PackageNotFoundError:
            rows.append([name, "—"])
    header = {"en": ["package", "version"], "zh": ["软件包", "版本"]}[lang]
    return _html_table(header, rows)
