"""Headline numbers and verdicts computed from the exports, for the pages' prose."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..strings import LANGS
from .format import Inline, Numbers, fmt, fmt_interval

__all__ = ["Checked", "claims_verdicts", "identity_check", "kan_record", "numbers", "recovery", "seeds_text",
           "snapshot_facts", "tail_mass", "training_file"]


def _summary_rows(comparison: Mapping[str, Any], dataset: str) -> list[Mapping[str, Any]]:
    rows = [row for row in comparison["summary"] if row["dataset"] == dataset]
    if not rows:
        known = sorted({row["dataset"] for row in comparison["summary"]})
        raise ValueError(f"The parameter 'dataset' must be one of {known}, but got {dataset!r}.")
    return rows


def _mean(row: Mapping[str, Any], metric: str) -> float:
    stat = row.get(metric)
    if not stat or stat.get("mean") is None:
        return math.inf
    return float(stat["mean"])


def _best(rows: list[Mapping[str, Any]], metric: str, family: str | None = None) -> Mapping[str, Any] | None:
    pool = [row for row in rows if family is None or row["family"] == family]
    pool = [row for row in pool if math.isfinite(_mean(row, metric))]
    return min(pool, key=lambda row: _mean(row, metric)) if pool else None


def _compare(a: Mapping[str, Any], b: Mapping[str, Any], metric: str) -> str:
    """"better", "worse" or "tied" for ``a`` against ``b`` (lower is better)."""
    sa, sb = a[metric], b[metric]
    if sa["hi"] < sb["lo"]:
        return "better"
    if sa["lo"] > sb["hi"]:
        return "worse"
    return "tied"


def numbers(comparison: Mapping[str, Any], dataset: str = "original", metric: str = "rmse_test") -> Numbers:
    """Headline numbers of ``dataset`` from the exported comparison.

    Parameters
    ----------
    comparison : dict
        Parsed ``comparison.json`` (schema ``ggmm-comparison``).
    dataset : str
        Dataset name, e.g. ``"original"``.
    metric : str
        The error metric ranking the methods (lower is better).

    Returns
    -------
    n : Numbers
        Attributes (all strings): ``n_seeds``, ``profile``, ``n_methods``, ``metric``;
        for each of ``best`` (any method), ``best_kan``, ``best_kan_reg``, ``best_mlp``,
        ``best_classical``: ``<who>_rmse`` (mean), ``<who>_ci`` (95% interval),
        ``<who>_params``, ``<who>_seconds``, ``<who>_method``, ``<who>_label_en``,
        ``<who>_label_zh``; ``kan_rank`` (1 = best); ``kan_vs_classical`` and ``kan_vs_mlp``
        (``"better"``, ``"worse"`` or ``"tied"``, judged by whether the 95% intervals
        overlap); ``kan_error_ratio`` (best KAN / best classical), ``kan_time_ratio`` (best
        regression KAN / best MLP wall time), ``kan_param_ratio`` (best KAN / best classical
        parameter count); ``kan_wins_en`` / ``_zh`` and ``kan_mlp_en`` / ``_zh``: sentences
        saying plainly whether the KAN beats the classical estimators and the MLPs.

    Notes
    -----
    Like is compared with like. ``best_kan`` is the best KAN that sees the samples alone
    (a normalized density: its ``nll`` is reported), compared with the classical
    estimators, which see the same. ``best_kan_reg`` is the best KAN fitted to the true
    density values (regression, no ``nll``), compared with the MLPs, which are fitted to
    the same values; a regression model knows the density at its training points, so it
    is never ranked against estimators that do not.
    """
    if metric not in comparison.get("metrics", []):
        known = comparison.get("metrics")
        raise ValueError(f"The parameter 'metric' must be one of {known}, but got {metric!r}.")
    rows = _summary_rows(comparison, dataset)
    labels = {m["name"]: m["label"] for m in comparison["methods"]}
    values: dict[str, Inline] = {
        "n_seeds": Inline(str(comparison["n_seeds"])),
        "profile": Inline(str(comparison["profile"])),
        "n_methods": Inline(str(len(rows))),
        "metric": Inline(metric),
        "dataset": Inline(dataset),
    }
    titles = {d["name"]: d["title"] for d in comparison["datasets"]}
    for lang in LANGS:
        values[f"dataset_{lang}"] = Inline(titles.get(dataset, {}).get(lang, dataset))
    from_samples = [row for row in rows if row.get("nll") is not None]
    regression = [row for row in rows if row.get("nll") is None]
    best = {
        "best": _best(rows, metric),
        "best_kan": _best(from_samples, metric, "KAN"),
        "best_kan_reg": _best(regression, metric, "KAN"),
        "best_mlp": _best(regression, metric, "MLP"),
        "best_classical": _best(from_samples, metric, "classical"),
    }
    for who, row in best.items():
        if row is None:
            for key in ("rmse", "ci", "params", "seconds", "label_en", "label_zh", "method"):
                values[f"{who}_{key}"] = Inline("n/a")
            continue
        values[f"{who}_rmse"] = fmt(row[metric]["mean"])
        values[f"{who}_ci"] = fmt_interval(row[metric])
        values[f"{who}_params"] = Inline(f"{int(row['n_params']):,}")
        values[f"{who}_seconds"] = fmt(row["seconds"]["mean"], 2) if row.get("seconds") else Inline("n/a")
        values[f"{who}_method"] = Inline(row["method"])
        for lang in LANGS:
            values[f"{who}_label_{lang}"] = Inline(labels.get(row["method"], {}).get(lang, row["method"]))
    kan, kan_reg, mlp, classical = best["best_kan"], best["best_kan_reg"], best["best_mlp"], best["best_classical"]
    ranked = sorted(from_samples, key=lambda row: _mean(row, metric))
    values["kan_rank"] = Inline(str(ranked.index(kan) + 1) if kan is not None else "n/a")
    values["n_from_samples"] = Inline(str(len(from_samples)))
    for other_name, mine, other in (("classical", kan, classical), ("mlp", kan_reg, mlp)):
        verdict = _compare(mine, other, metric) if mine is not None and other is not None else None
        values[f"kan_vs_{other_name}"] = Inline(verdict or "n/a")
    values["kan_error_ratio"] = (
        fmt(_mean(kan, metric) / _mean(classical, metric), 2) if kan and classical else Inline("n/a")
    )
    values["kan_time_ratio"] = (
        fmt(kan_reg["seconds"]["mean"] / mlp["seconds"]["mean"], 2)
        if kan_reg and mlp and mlp.get("seconds") and kan_reg.get("seconds") and mlp["seconds"]["mean"]
        else Inline("n/a")
    )
    values["kan_param_ratio"] = (
        fmt(kan["n_params"] / classical["n_params"], 2)
        if kan and classical and classical["n_params"]
        else Inline("n/a")
    )
    values.update(_verdict_sentences(values))
    return Numbers(values)


def _verdict_sentences(v: Mapping[str, Inline]) -> dict[str, Inline]:
    """Plain statements of who wins, in both languages, decided by the intervals."""
    verdict = v["kan_vs_classical"]
    if verdict == "better":
        en = (
            f"From samples alone, the best KAN ({v['best_kan_label_en']}) beats the best classical "
            f"estimator ({v['best_classical_label_en']}): test RMSE {v['best_kan_rmse']} against "
            f"{v['best_classical_rmse']}."
        )
        zh = (
            f"仅凭样本时，最好的 KAN（{v['best_kan_label_zh']}）胜过最好的经典估计器"
            f"（{v['best_classical_label_zh']}）：测试 RMSE 为 {v['best_kan_rmse']}，"
            f"对方为 {v['best_classical_rmse']}。"
        )
    elif verdict == "worse":
        en = (
            f"From samples alone, the best KAN ({v['best_kan_label_en']}) loses to the best classical "
            f"estimator ({v['best_classical_label_en']}): test RMSE {v['best_kan_rmse']} against "
            f"{v['best_classical_rmse']}, {v['kan_error_ratio']} times the error."
        )
        zh = (
            f"仅凭样本时，最好的 KAN（{v['best_kan_label_zh']}）输给了最好的经典估计器"
            f"（{v['best_classical_label_zh']}）：测试 RMSE 为 {v['best_kan_rmse']}，"
            f"对方为 {v['best_classical_rmse']}，误差是对方的 {v['kan_error_ratio']} 倍。"
        )
    elif verdict == "tied":
        en = (
            f"From samples alone, the best KAN ({v['best_kan_label_en']}) and the best classical "
            f"estimator ({v['best_classical_label_en']}) cannot be told apart: test RMSE "
            f"{v['best_kan_rmse']} {v['best_kan_ci']} against {v['best_classical_rmse']} "
            f"{v['best_classical_ci']}."
        )
        zh = (
            f"仅凭样本时，最好的 KAN（{v['best_kan_label_zh']}）与最好的经典估计器"
            f"（{v['best_classical_label_zh']}）的差别在误差范围之内：测试 RMSE 分别为 "
            f"{v['best_kan_rmse']} {v['best_kan_ci']} 与 {v['best_classical_rmse']} "
            f"{v['best_classical_ci']}。"
        )
    else:
        en = "The exports hold no KAN or no classical result for this mixture."
        zh = "导出数据中缺少这个混合分布的 KAN 或经典方法结果。"
    mlp = v["kan_vs_mlp"]
    kan_en, kan_zh = v["best_kan_reg_label_en"], v["best_kan_reg_label_zh"]
    mlp_en_label, mlp_zh_label = v["best_mlp_label_en"], v["best_mlp_label_zh"]
    lead_en = "Fitted to the true density values (regression, which needs the density the estimators above lack), "
    lead_zh = "在用真实密度值训练的回归任务上（这需要上述估计器所没有的密度值），"
    if mlp == "better":
        mlp_en = (f"{lead_en}the best KAN ({kan_en}) beats the best MLP ({mlp_en_label}): "
                  f"{v['best_kan_reg_rmse']} against {v['best_mlp_rmse']}.")
        mlp_zh = (f"{lead_zh}最好的 KAN（{kan_zh}）胜过最好的 MLP（{mlp_zh_label}）："
                  f"{v['best_kan_reg_rmse']} 对 {v['best_mlp_rmse']}。")
    elif mlp == "worse":
        mlp_en = (f"{lead_en}the best MLP ({mlp_en_label}) beats the best KAN ({kan_en}): "
                  f"{v['best_mlp_rmse']} against {v['best_kan_reg_rmse']}.")
        mlp_zh = (f"{lead_zh}最好的 MLP（{mlp_zh_label}）胜过最好的 KAN（{kan_zh}）："
                  f"{v['best_mlp_rmse']} 对 {v['best_kan_reg_rmse']}。")
    elif mlp == "tied":
        mlp_en = (f"{lead_en}the best KAN ({kan_en}) and the best MLP ({mlp_en_label}) are within the "
                  f"seed-to-seed spread: {v['best_kan_reg_rmse']} {v['best_kan_reg_ci']} against "
                  f"{v['best_mlp_rmse']} {v['best_mlp_ci']}.")
        mlp_zh = (f"{lead_zh}最好的 KAN（{kan_zh}）与最好的 MLP（{mlp_zh_label}）的差别落在不同随机种子的"
                  f"波动范围内：{v['best_kan_reg_rmse']} {v['best_kan_reg_ci']} 对 "
                  f"{v['best_mlp_rmse']} {v['best_mlp_ci']}。")
    else:
        mlp_en = "The exports hold no KAN or MLP regression result for this mixture."
        mlp_zh = "导出数据中缺少这个混合分布的 KAN 或 MLP 回归结果。"
    return {
        "kan_wins_en": Inline(en),
        "kan_wins_zh": Inline(zh),
        "kan_mlp_en": Inline(mlp_en),
        "kan_mlp_zh": Inline(mlp_zh),
    }


def training_file(
    folder: str | os.PathLike[str], dataset: str = "original", prefer: Iterable[str] = ("ka", "density")
) -> str:
    """The snapshot file a page shows for ``dataset``.

    Parameters
    ----------
    folder : path
        The ``training/`` export folder.
    dataset : str
        Dataset name (the file stem starts with ``<dataset>-``).
    prefer : iterable of str
        Substrings of the method name tried in order; the first file whose method contains
        one wins, else the alphabetically first file of the dataset.

    Returns
    -------
    path : str
        POSIX path, ``folder`` joined with the file name (usable as a page-relative URL).

    Raises
    ------
    ValueError
        When the folder holds no snapshot file for ``dataset``.
    """
    base = Path(folder)
    files = sorted(base.glob(f"{dataset}-*.json"))
    if not files:
        raise ValueError(f"The parameter 'dataset' names no snapshot file in {base}: got {dataset!r}.")
    for key in prefer:
        for path in files:
            if key in path.stem[len(dataset) + 1 :]:
                return (base / path.name).as_posix()
    return (base / files[0].name).as_posix()


@dataclass(frozen=True)
class Checked:
    """The result of a check run while a page is built, as text in both languages."""

    text: dict[str, str]
    values: dict[str, float]


def identity_check(seed: int = 0, n: int = 100_000) -> Checked:
    """Evaluate the two worked Kolmogorov-Arnold forms of ``xy`` on random points.

    Checks ``xy = exp(log(x+1) + log(y+1)) - (x+0.5) - (y+0.5)`` for ``x, y > -1`` and
    ``xy = ((x+y)^2 - (x-y)^2) / 4`` everywhere.

    Parameters
    ----------
    seed : int
    n : int
        Number of random points per identity.

    Returns
    -------
    checked : Checked
        ``values`` holds the largest relative errors ``log_form`` and ``square_form``.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-0.999, 10.0, size=(2, n))
    log_form = np.exp(np.log(x + 1) + np.log(y + 1)) - (x + 0.5) - (y + 0.5)
    err_log = float(np.max(np.abs(log_form - x * y) / np.maximum(1.0, np.abs(x * y))))
    u, v = rng.normal(0.0, 100.0, size=(2, n))
    square_form = ((u + v) ** 2 - (u - v) ** 2) / 4
    err_sq = float(np.max(np.abs(square_form - u * v) / np.maximum(1.0, np.abs(u * v))))
    text = {
        "en": (
            f"Checked on {n:,} random points each (seed {seed}): the largest relative error is "
            f"{fmt(err_log, 2)} for the logarithmic form and {fmt(err_sq, 2)} for the squares, "
            "i.e. floating-point rounding."
        ),
        "zh": (
            f"各在 {n:,} 个随机点上检验（随机种子 {seed}）：对数形式的最大相对误差为 {fmt(err_log, 2)}，"
            f"平方形式为 {fmt(err_sq, 2)}，都只是浮点舍入误差。"
        ),
    }
    return Checked(text, {"log_form": err_log, "square_form": err_sq})


def tail_mass(p: float) -> float:
    """``P(|X - c| > alpha)`` for one generalized Gaussian component: ``Q(1/p, 1)``."""
    from scipy.special import gammaincc

    if not p > 0:
        raise ValueError(f"The parameter 'p' must be > 0, but got {p!r}.")
    return float(gammaincc(1.0 / p, 1.0))


def recovery(recovered: Mapping[str, Any], dataset: str = "original") -> Numbers:
    """Parameter-recovery and symbolic-step numbers of ``dataset`` from ``recovered.json``.

    Returns
    -------
    r : Numbers
        ``em_*`` and ``kan_*`` for ``center_rmse``, ``scale_rmse``, ``weight_max_abs``,
        ``p_abs``; ``centers_sentence_en`` / ``_zh`` (who recovers the centers better);
        ``has_symbolic`` (``"True"``/``""``), ``symbolic_rmse``, ``symbolic_rmse_constant``,
        ``symbolic_latex``, ``symbolic_sentence_en`` / ``_zh`` and
        ``symbolic_formula_note_en`` / ``_zh``.
    """
    entries = {entry["dataset"]: entry for entry in recovered["datasets"]}
    if dataset not in entries:
        raise ValueError(f"The parameter 'dataset' must be one of {sorted(entries)}, but got {dataset!r}.")
    entry = entries[dataset]
    values: dict[str, Inline] = {"dataset": Inline(dataset)}
    for who in ("em", "kan"):
        errors = (entry.get("errors") or {}).get(who) or {}
        for key in ("center_rmse", "scale_rmse", "weight_max_abs", "p_abs"):
            values[f"{who}_{key}"] = fmt(errors.get(key))
    kan_c = (entry.get("errors") or {}).get("kan", {}).get("center_rmse")
    em_c = (entry.get("errors") or {}).get("em", {}).get("center_rmse")
    if kan_c is None or em_c is None:
        en = "The exports hold no recovered centers for this mixture."
        zh = "导出数据中没有这个混合分布读回的中心。"
    elif kan_c <= em_c:
        en = (f"Read back from the edges of the KA-structured KAN, the centers are off by {fmt(kan_c)} "
              f"(RMSE), as close as EM's {fmt(em_c)} or closer.")
        zh = f"从 KA 结构 KAN 的边上读回的中心误差（RMSE）为 {fmt(kan_c)}，不逊于 EM 的 {fmt(em_c)}。"
    else:
        en = (f"Read back from the edges of the KA-structured KAN, the centers are off by {fmt(kan_c)} "
              f"(RMSE) against {fmt(em_c)} for EM: interpretable, but less accurate.")
        zh = (f"从 KA 结构 KAN 的边上读回的中心误差（RMSE）为 {fmt(kan_c)}，EM 为 {fmt(em_c)}："
              "结果可以解读，但不如 EM 准确。")
    values["centers_sentence_en"], values["centers_sentence_zh"] = Inline(en), Inline(zh)
    symbolic = entry.get("symbolic")
    if symbolic:
        rmse, const = float(symbolic["rmse"]), float(symbolic["rmse_constant"])
        values.update({
            "has_symbolic": Inline("True"),
            "symbolic_rmse": fmt(rmse),
            "symbolic_rmse_constant": fmt(const),
            "symbolic_latex": Inline(symbolic["formula_latex"]),
        })
        ratio = fmt(rmse / const, 2) if const else Inline("n/a")
        if rmse < 0.5 * const:
            en = (f"On this mixture the symbolic formula reaches a test RMSE of {fmt(rmse)} against "
                  f"{fmt(const)} for a constant ({ratio} of it): it captures most of the density.")
            zh = (f"在这个混合分布上，符号公式的测试 RMSE 为 {fmt(rmse)}，常数预测为 {fmt(const)}"
                  f"（前者是后者的 {ratio}）：公式抓住了密度的主要部分。")
        else:
            en = (f"On this mixture the symbolic formula reaches a test RMSE of {fmt(rmse)} against "
                  f"{fmt(const)} for a constant ({ratio} of it): not much better than predicting the mean.")
            zh = (f"在这个混合分布上，符号公式的测试 RMSE 为 {fmt(rmse)}，常数预测为 {fmt(const)}"
                  f"（前者是后者的 {ratio}）：并不比直接预测均值好多少。")
        note_en = "The formula found is shown below (@eq-symbolic)."
        note_zh = "得到的公式见下（@eq-symbolic）。"
    else:
        values.update({"has_symbolic": Inline(""), "symbolic_rmse": Inline("n/a"),
                       "symbolic_rmse_constant": Inline("n/a"), "symbolic_latex": Inline("")})
        en = "The exports hold no symbolic step for this mixture."
        zh = "导出数据中没有这个混合分布的符号化结果。"
        note_en = note_zh = ""
    values["symbolic_sentence_en"], values["symbolic_sentence_zh"] = Inline(en), Inline(zh)
    values["symbolic_formula_note_en"] = Inline(note_en)
    values["symbolic_formula_note_zh"] = Inline(note_zh)
    return Numbers(values)


def snapshot_facts(snapshots: Mapping[str, Any]) -> Numbers:
    """Facts about a training run for the prose of Figure 3."""
    frames = snapshots["frames"]
    run = snapshots["run"]
    first, last = frames[0], frames[-1]
    live = last["edges"]["live"]
    return Numbers({
        "dataset": Inline(str(run["dataset"])),
        "method": Inline(str(run["method"])),
        "n_frames": Inline(str(len(frames))),
        "n_steps": Inline(str(max(snapshots["loss"]["step"], default=last["step"]))),
        "stages": Inline(" → ".join(stage["name"] for stage in snapshots["stages"])),
        "initial_width": Inline(str(list(first["width"]))),
        "final_width": Inline(str(list(last["width"]))),
        "n_edges": Inline(str(len(snapshots["edges"]))),
        "live_edges": Inline(str(int(sum(live)))),
        "loss_name": Inline(str(snapshots["loss_name"])),
        "final_train": fmt(last["train_loss"]),
        "final_test": fmt(last["test_loss"]),
    })


def claims_verdicts(comparison: Mapping[str, Any], dataset: str = "original") -> Numbers:
    """Data-driven sentences for the claims page: parameters, training time, overall.

    Parameter efficiency and training time compare the regression KAN with the MLPs on the
    same task; the overall verdict compares the KANs that see samples alone with EM.
    """
    n = numbers(comparison, dataset)
    kan, classical = n.kan_vs_mlp, n.kan_vs_classical
    if kan == "better":
        params_en = (f"Supported here: the best KAN ({n.best_kan_reg_label_en}, {n.best_kan_reg_params} parameters) "
                     f"beats the best MLP ({n.best_mlp_label_en}, {n.best_mlp_params} parameters).")
        params_zh = (f"在这里得到支持：最好的 KAN（{n.best_kan_reg_label_zh}，{n.best_kan_reg_params} 个参数）"
                     f"胜过最好的 MLP（{n.best_mlp_label_zh}，{n.best_mlp_params} 个参数）。")
    elif kan == "worse":
        params_en = (f"Not supported here: the best MLP ({n.best_mlp_label_en}, {n.best_mlp_params} parameters) "
                     f"beats the best KAN ({n.best_kan_reg_label_en}, {n.best_kan_reg_params} parameters).")
        params_zh = (f"在这里没有得到支持：最好的 MLP（{n.best_mlp_label_zh}，{n.best_mlp_params} 个参数）"
                     f"胜过最好的 KAN（{n.best_kan_reg_label_zh}，{n.best_kan_reg_params} 个参数）。")
    else:
        params_en = (f"Undecided here: the best KAN ({n.best_kan_reg_params} parameters) and the best MLP "
                     f"({n.best_mlp_params} parameters) are within each other's intervals.")
        params_zh = (f"在这里无法判定：最好的 KAN（{n.best_kan_reg_params} 个参数）与最好的 MLP"
                     f"（{n.best_mlp_params} 个参数）的置信区间相互重叠。")
    time_en = (f"One fit of the best regression KAN took {n.best_kan_reg_seconds} s, {n.kan_time_ratio} times the "
               f"{n.best_mlp_seconds} s of the best MLP and against {n.best_classical_seconds} s for "
               f"{n.best_classical_label_en}.")
    time_zh = (f"最好的回归 KAN 单次拟合耗时 {n.best_kan_reg_seconds} 秒，是最好的 MLP（{n.best_mlp_seconds} 秒）的 "
               f"{n.kan_time_ratio} 倍；{n.best_classical_label_zh}只需 {n.best_classical_seconds} 秒。")
    if classical == "better":
        overall_en = "On this task the KAN's structural fit to the problem pays off in accuracy."
        overall_zh = "在这个任务上，KAN 与问题结构的契合转化成了精度上的优势。"
    else:
        overall_en = (f"The structure that makes a GGMM easy to write as a KAN is the structure EM exploits "
                      f"directly, with {n.best_classical_params} parameters against the KAN's {n.best_kan_params}.")
        overall_zh = (f"使 GGMM 易于写成 KAN 的那种结构，正是 EM 直接利用的结构；EM 只用了 {n.best_classical_params} "
                      f"个参数，KAN 则用了 {n.best_kan_params} 个。")
    return Numbers({
        "params_en": Inline(params_en), "params_zh": Inline(params_zh),
        "time_en": Inline(time_en), "time_zh": Inline(time_zh),
        "overall_en": Inline(overall_en), "overall_zh": Inline(overall_zh),
    })


def seeds_text(comparison: Mapping[str, Any]) -> Numbers:
    """The seeds of the comparison, as text."""
    seeds = sorted({int(run["seed"]) for run in comparison["runs"]})
    return Numbers({"values": Inline(", ".join(str(s) for s in seeds)), "count": Inline(str(len(seeds)))})


def kan_record(comparison: Mapping[str, Any], metric: str = "rmse_test") -> Numbers:
    """Across all datasets: where the best KAN beats, ties with or loses to the best classical method.

    Returns
    -------
    r : Numbers
        ``wins``, ``ties``, ``losses``, ``n_datasets`` (counts) and ``sentence_en`` /
        ``sentence_zh`` naming the datasets of each outcome.
    """
    titles = {d["name"]: d["title"] for d in comparison["datasets"]}
    outcome: dict[str, list[str]] = {"better": [], "tied": [], "worse": []}
    for dataset in titles:
        verdict = numbers(comparison, dataset, metric).kan_vs_classical
        if verdict in outcome:
            outcome[verdict].append(dataset)

    def names(lang: str, key: str) -> str:
        sep = "、" if lang == "zh" else ", "
        return sep.join(titles[d][lang] for d in outcome[key]) or ("无" if lang == "zh" else "none")

    total = len(titles)
    en = (f"Across the {total} mixtures the best KAN beats the best classical estimator on "
          f"{len(outcome['better'])} ({names('en', 'better')}), cannot be told apart from it on "
          f"{len(outcome['tied'])} ({names('en', 'tied')}) and loses on {len(outcome['worse'])} "
          f"({names('en', 'worse')}).")
    zh = (f"在全部 {total} 个混合分布上，最好的 KAN 胜过最好的经典估计器的有 {len(outcome['better'])} 个"
          f"（{names('zh', 'better')}），与之无法区分的有 {len(outcome['tied'])} 个（{names('zh', 'tied')}），"
          f"输掉的有 {len(outcome['worse'])} 个（{names('zh', 'worse')}）。")
    return Numbers({
        "wins": Inline(str(len(outcome["better"]))), "ties": Inline(str(len(outcome["tied"]))),
        "losses": Inline(str(len(outcome["worse"]))), "n_datasets": Inline(str(total)),
        "sentence_en": Inline(en), "sentence_zh": Inline(zh),
    })
