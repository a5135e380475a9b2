"""Every qualitative word the report's sentences state, checked against the exports.

Each test computes the truth from the export files themselves (independently of
the facts of ``ggmm_build.pages``), renders the sentence the pages print, in both languages, the way the
pages do (``Prose`` on the data folder, no Quarto), and asserts the sentence says what the data
say. The mutation tests change an export in a copy of the data folder and check that the
sentence changes with it, so none of these checks can pass on a frozen string.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from ggmm_build.pages import Prose
from ggmm_build.pages.format import fmt
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "report").rglob("*.qmd"))
LANGS = ("en", "zh")


# ---------------------------------------------------------------------------
# The truth, computed here from the raw exports
# ---------------------------------------------------------------------------


def _json(folder: Path, name: str) -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def _final(entry: dict) -> str:
    """The verdict a reader is told: after the multiplicity adjustment when there is one."""
    verdict = entry.get("verdict_adjusted") or entry["verdict"]
    return "tied" if verdict in ("tie", "tied") else verdict


def _counts(comparison: dict, name: str) -> dict[str, int]:
    entries = [c for c in comparison["comparisons"] if c["name"] == name]
    return {key: sum(_final(c) == key for c in entries) for key in ("better", "tied", "worse")}


def _twin(comparison: dict, name: str) -> str | None:
    """The grid-RMSE comparison of the same two methods as ``name``."""
    first = next(c for c in comparison["comparisons"] if c["name"] == name)
    return next(
        (
            c["name"]
            for c in comparison["comparisons"]
            if c["metric"] == "rmse_grid" and c["a"] == first["a"] and c["b"] == first["b"]
        ),
        None,
    )


def _per_seed(comparison: dict, dataset: str, method: str, key) -> dict[int, float]:
    return {r["seed"]: key(r) for r in comparison["runs"] if r["dataset"] == dataset and r["method"] == method}


def _t_verdict(d: np.ndarray) -> str:
    """'worse' when the 95% t-interval of the mean of a - b lies above 0, 'better' below, else 'tied'."""
    half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return "worse" if d.mean() - half > 0 else "better" if d.mean() + half < 0 else "tied"


def _paired_verdicts(comparison: dict, a: str, b: str, key, log: bool) -> dict[str, str]:
    out = {}
    for d in comparison["datasets"]:
        x, y = _per_seed(comparison, d["name"], a, key), _per_seed(comparison, d["name"], b, key)
        seeds = sorted(s for s in set(x) & set(y) if x[s] is not None and y[s] is not None)
        if len(seeds) >= 2:
            xa, ya = np.array([x[s] for s in seeds]), np.array([y[s] for s in seeds])
            out[d["name"]] = _t_verdict(np.log(xa) - np.log(ya) if log else xa - ya)
    return out


def _phrase_en(counts: dict[str, int], words: dict[str, str]) -> list[str]:
    """What an English tally must contain: 'W on all n' for one outcome, else 'W on k' for each."""
    n = sum(counts.values())
    present = [k for k in ("better", "tied", "worse") if counts[k]]
    if len(present) == 1:
        return [f"{words[present[0]]} on all {n}"]
    return [f"{words[k]} on {counts[k]}" for k in present]


def _phrase_zh(counts: dict[str, int], words: dict[str, str]) -> list[str]:
    n = sum(counts.values())
    present = [k for k in ("better", "tied", "worse") if counts[k]]
    if len(present) == 1:
        return [f"在全部 {n} 个", f"都{words[present[0]]}"]
    return [f"{counts[k]} 个{words[k]}" for k in present]


def _absent_outcomes_en(text: str, counts: dict[str, int], words: dict[str, str]) -> None:
    for k, word in words.items():
        if not counts[k]:
            assert f"{word} on" not in text, (k, text)
    assert not re.search(r"\bon 0\b", text), text


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data(report_exports: Path) -> Path:
    return report_exports


@pytest.fixture(scope="module")
def say(data: Path) -> Prose:
    return Prose(data)


@pytest.fixture()
def copy(data: Path, tmp_path: Path) -> Path:
    """A writable copy of the data folder, for the mutation tests."""
    target = tmp_path / "data"
    shutil.copytree(data, target)
    return target


def _write(folder: Path, name: str, doc: dict) -> None:
    (folder / name).write_text(json.dumps(doc), encoding="utf-8")


# ---------------------------------------------------------------------------
# Verdict records and the overview's three sentences
# ---------------------------------------------------------------------------

RECORD_WORDS = {
    "en": {"better": "better", "tied": "indistinguishable", "worse": "worse"},
    "zh": {"better": "更好", "tied": "无法区分", "worse": "更差"},
}


def test_every_record_sentence_states_the_exported_verdicts(data: Path, say: Prose) -> None:
    comparison = _json(data, "comparison.json")
    for name in dict.fromkeys(c["name"] for c in comparison["comparisons"]):
        counts = _counts(comparison, name)
        en, zh = say.en("record", name), say.zh("record", name)
        for part in _phrase_en(counts, RECORD_WORDS["en"]):
            assert part in en, (name, part, en)
        _absent_outcomes_en(en, counts, RECORD_WORDS["en"])
        if sum(1 for v in counts.values() if v) == 1:
            assert all(p in zh for p in _phrase_zh(counts, RECORD_WORDS["zh"])), (name, zh)
        assert "在 0 个" not in zh and "0 个上" not in zh, zh
        borderline = [
            c
            for c in comparison["comparisons"]
            if c["name"] == name
            and _final(c) != c["verdict"]
            and not (c["verdict"] in ("tie", "tied") and _final(c) == "tied")
        ]
        assert ("Holm" in en) == bool(borderline), (name, en)


def test_each_comparison_sentence_states_its_verdict_and_seeds(data: Path, say: Prose) -> None:
    comparison = _json(data, "comparison.json")
    labels = {m["name"]: m["label"] for m in comparison["methods"]}
    for c in comparison["comparisons"]:
        en = say.en("comparison", c["name"], c["dataset"])
        zh = say.zh("comparison", c["name"], c["dataset"])
        final = _final(c)
        winner = labels[c["a"]] if final == "better" else labels[c["b"]] if final == "worse" else None
        if winner:
            assert f"{winner['en']} is better" in en and f"{winner['zh']}更好" in zh, (en, zh)
        else:
            assert "cannot be told apart" in en and "无法区分" in zh
        if c["wins_a"] == c["n"]:
            assert f"lower on all {c['n']} seeds" in en
        elif c["wins_b"] == c["n"]:
            assert f"{labels[c['b']]['en']} is lower on all {c['n']} seeds" in en
        else:
            assert f"is lower on {c['wins_a']} of {c['n']} seeds" in en
        assert "在 0 个" not in zh and "有 0 个" not in zh
        # ratios are geometric means, differences arithmetic ones
        assert ("geometric mean" in en) == bool(c["log"]) and ("几何平均" in zh) == bool(c["log"])


HEADLINE = {"samples": "ka-vs-em", "regression": "kan-vs-mlp"}


def test_overview_sentences_are_short_and_plain(say: Prose) -> None:
    for name in ("headline_samples", "headline_regression", "headline_readback"):
        en, zh = say.en(name), say.zh(name)
        assert len(en.split()) <= 35, (name, len(en.split()), en)
        assert len(zh.replace(" ", "")) <= 80, (name, len(zh), zh)
        for term in ("NLL", "nats", "held-out", "[D, K, 1]", "奈特", "留出集"):
            assert term not in en and term not in zh, (name, term)
        assert en.count("(") <= 1 and zh.count("（") <= 1


def test_headline_samples_states_the_verdict_counts(data: Path, say: Prose) -> None:
    counts = _counts(_json(data, "comparison.json"), HEADLINE["samples"])
    words = {"better": "better than", "tied": "as well as", "worse": "worse than"}
    text = say.en("headline_samples")
    if sum(1 for v in counts.values() if v) == 1:
        key = next(k for k, v in counts.items() if v)
        assert words[key] in text and f"on all {sum(counts.values())} mixtures" in text, text
    else:
        for key, k in counts.items():
            assert (f"{words[key]} the classical EM algorithm on {k}" in text) == bool(k), text
    zh_words = {"better": "更好", "tied": "分不出高下", "worse": "更差"}
    zh = say.zh("headline_samples")
    for key, k in counts.items():
        assert (zh_words[key] in zh) == bool(k), zh


def test_headline_regression_is_qualified_where_the_grid_rmse_disagrees(data: Path, say: Prose) -> None:
    comparison = _json(data, "comparison.json")
    test = _counts(comparison, HEADLINE["regression"])
    twin = _twin(comparison, HEADLINE["regression"])
    en, zh = say.en("headline_regression"), say.zh("headline_regression")
    for part in _phrase_en(test, {"better": "beats", "tied": "ties with", "worse": "loses to"}):
        assert part.split(" on ")[0] in en and (" on " + part.split(" on ")[1]) in en, (part, en)
    if twin is None:
        assert "plotted area" not in en and "绘图区域" not in zh
        return
    grid = _counts(comparison, twin)
    assert "across the whole plotted area" in en and "整个绘图区域" in zh
    if grid != test:
        for key, word in (("better", "wins"), ("tied", "ties"), ("worse", "loses")):
            if grid[key] and sum(1 for v in grid.values() if v) > 1:
                assert f"{word} on {grid[key]}" in en, en
            elif not grid[key]:
                assert f" {word} on" not in en, en
    else:
        assert "across the whole plotted area too" in en and "也是如此" in zh


def test_headline_readback_states_where_em_is_closer(data: Path, say: Prose) -> None:
    comparison = _json(data, "comparison.json")
    key = lambda r: r["param_errors"]["center_rmse"] if r.get("param_errors") else None  # noqa: E731
    verdicts = _paired_verdicts(comparison, "ka-kan", "em-kmeans", key, log=True)
    worse = sum(v == "worse" for v in verdicts.values())
    en, zh = say.en("headline_readback"), say.zh("headline_readback")
    if worse == len(verdicts):
        assert f"less accurately than EM on all {len(verdicts)} mixtures" in en and "都不如 EM 准" in zh
    else:
        assert ("less accurately than EM" in en) == bool(worse)
        assert f"on all {len(verdicts)}" not in en or worse == 0


# ---------------------------------------------------------------------------
# The read-back
# ---------------------------------------------------------------------------


def test_readback_on_every_preset_counts_the_ratios_above_one(data: Path, say: Prose) -> None:
    comparison = _json(data, "comparison.json")
    n = len(comparison["datasets"])
    for field, word in (("center_rmse", "center error"), ("scale_rmse", "scale error")):
        key = lambda r, f=field: r["param_errors"][f] if r.get("param_errors") else None  # noqa: E731
        verdicts = _paired_verdicts(comparison, "ka-kan", "em-kmeans", key, log=True)
        worse = sum(v == "worse" for v in verdicts.values())
        en = say.en("readback_all")
        clause = en[en.index(word) :]
        expected = f"on all {n}" if worse == n else f"on {worse} of {n}"
        assert expected in clause.split(";")[0], (field, expected, en)
    assert "preset" in say.en("readback_all") and "预设" in say.zh("readback_all")


def test_random_start_control_is_worded_from_the_nll(data: Path, say: Prose) -> None:
    comparison = _json(data, "comparison.json")
    verdicts = _paired_verdicts(comparison, "ka-kan-random", "ka-kan", lambda r: r["nll"], log=False)
    worse = [d for d, v in verdicts.items() if v == "worse"]
    en, zh = say.en("readback_random"), say.zh("readback_random")
    if len(worse) == len(verdicts):
        assert f"higher on all {len(verdicts)} presets" in en and "gradient descent alone does not find" in en
    elif worse:
        assert f"higher on {len(worse)} of the {len(verdicts)} presets" in en
        assert "gradient descent alone" not in en
    else:
        assert "higher on none" in en
    titles = {d["name"]: d["title"] for d in comparison["datasets"]}
    for d, v in verdicts.items():
        if v == "tied":
            assert titles[d]["en"] in en.split("cannot be told apart")[0].split("; on ")[-1] and titles[d]["zh"] in zh
    if worse:
        gaps = [
            np.mean(
                np.array(
                    [
                        r["nll"]
                        for r in sorted(comparison["runs"], key=lambda r: r["seed"])
                        if r["dataset"] == d and r["method"] == "ka-kan-random"
                    ]
                )
                - np.array(
                    [
                        r["nll"]
                        for r in sorted(comparison["runs"], key=lambda r: r["seed"])
                        if r["dataset"] == d and r["method"] == "ka-kan"
                    ]
                )
            )
            for d in worse
        ]
        assert f"by {fmt(min(gaps))} to {fmt(max(gaps))} nats" in en, en


def test_shape_bias_is_worded_from_the_signed_error(data: Path, say: Prose) -> None:
    recovered = _json(data, "recovered.json")
    for entry in recovered["datasets"]:
        p = entry["across_seeds"].get("p_signed")
        if not p:
            continue
        en = say.en("recovery_shape", entry["dataset"])
        zh = say.zh("recovery_shape", entry["dataset"])
        if p["lo"] > 0:
            assert "overestimates p" in en and "偏高" in zh
        elif p["hi"] < 0:
            assert "underestimates p" in en and "偏低" in zh
        else:
            assert "do not establish a systematic bias" in en and "不足以确认系统性偏差" in zh
        truth_p = float(np.mean(entry["truth"]["p"]))
        towards_two = (p["lo"] > 0 and truth_p < 2) or (p["hi"] < 0 and truth_p > 2)
        assert ("towards the p = 2" in en) == towards_two and ("偏向其高斯起点" in zh) == towards_two


def test_generated_mixtures_put_ems_worst_beside_the_readbacks(data: Path, say: Prose) -> None:
    generated = _json(data, "recovered.json")["generated"]
    coarse = min(g["grid"] for g in generated)
    base = [g for g in generated if g["grid"] == coarse]
    ka = max(g["errors"]["kan"]["center_rmse"] for g in base)
    em = max(g["errors"]["em"]["center_rmse"] for g in base)
    nll_worse = sum(g["nll"]["kan"] > g["nll"]["em"] for g in base)
    en, zh = say.en("generated"), say.zh("generated")
    assert f"{fmt(ka)} for the read-back and {fmt(em)} for EM" in en
    n = len(base)
    phrase = f"all {n}" if nll_worse == n else f"none of the {n}" if nll_worse == 0 else f"{nll_worse} of {n}"
    assert f"higher than EM's on {phrase}" in en
    assert "中有 0 个" not in zh
    assert not re.search(r"0\.05(?!\d)", en + zh), "an unexplained threshold"


def test_weights_sentence_says_how_far_they_moved(data: Path, say: Prose) -> None:
    moved = _json(data, "recovered.json")["datasets"][0]["across_seeds"]["weights_moved"]
    en = say.en("recovery_weights", "original")
    assert ("barely move" in en) == (moved < 0.01)
    assert "at worst" not in en and "averaged over seeds" in en


def test_kept_steps_name_the_presets_that_barely_train(data: Path, say: Prose) -> None:
    comparison = _json(data, "comparison.json")
    few = []
    for d in comparison["datasets"]:
        steps = [
            r["best_steps"]["train"]
            for r in comparison["runs"]
            if r["dataset"] == d["name"] and r["method"] == "ka-kan"
        ]
        if np.median(steps) < 50:
            few.append(d["title"]["en"])
    en = say.en("readback_steps")
    tail = en.split("Where the median is below")[1] if "Where the median" in en else ""
    for d in comparison["datasets"]:
        assert (d["title"]["en"] in tail) == (d["title"]["en"] in few), (d["name"], en)


# ---------------------------------------------------------------------------
# Figure 3: pruning and the losses at the end
# ---------------------------------------------------------------------------


def _training_truth(doc: dict) -> tuple[int, dict, dict | None]:
    spline = [f for f in doc["frames"] if f["stage"] != "symbolic"]
    symbolic = [f for f in doc["frames"] if f["stage"] == "symbolic"]
    removed = len(doc["edges"]) - int(sum(spline[-1]["edges"]["live"]))
    return removed, spline[-1], (symbolic[-1] if symbolic else None)


@pytest.mark.parametrize("run", ["original-kan-staged", "original-ka-kan"])
def test_pruning_and_final_losses_come_from_the_snapshots(data: Path, say: Prose, run: str) -> None:
    doc = _json(data / "training", f"{run}.json")
    removed, last, symbolic = _training_truth(doc)
    en, zh = say.en("training_prune", run), say.zh("training_prune", run)
    if not any(s["name"] == "prune" for s in doc["stages"]):
        assert en == "" and zh == ""
    elif removed == 0:
        assert "removed no edge" in en and "没有去掉任何一条边" in zh and "Pruning removed" not in en
    else:
        assert f"Pruning removed {removed} of the {len(doc['edges'])} edges" in en
    losses = say.en("training_losses", run)
    assert f"train loss ({doc['loss_name']}) is {fmt(last['train_loss'])}" in losses
    assert f"validation loss {fmt(last['validation_loss'])}" in losses
    assert ("symbolic formula" in losses) == (symbolic is not None)
    caption = say.en("training_caption", run)
    assert ("pruned edges are drawn faded" in caption) == (removed > 0)


def test_training_page_states_no_pruning_or_loss_by_hand() -> None:
    text = (ROOT / "report/results/training.qmd").read_text(encoding="utf-8")
    for phrase in (
        "faded edges were pruned",
        "Pruning removed",
        "The final train loss",
        "颜色变淡的边已被剪除",
        "s.final_train",
        "s.live_edges",
    ):
        assert phrase not in text, phrase


# ---------------------------------------------------------------------------
# Cost, EM weights, scaling, multiplicity
# ---------------------------------------------------------------------------


def test_fit_time_is_per_fit_and_claims_no_early_stop(data: Path, say: Prose) -> None:
    comparison = _json(data, "comparison.json")
    en, zh = say.en("claims_time", "original"), say.zh("claims_time", "original")
    assert "both with early stopping" not in en and "两者都使用早停" not in zh
    has_steps = all(
        r.get("n_steps") or r.get("stages")
        for r in comparison["runs"]
        if r["method"] in ("kan-small", "mlp-small") and r["dataset"] == "original"
    )
    assert ("per optimizer step the KAN is" in en) == has_steps
    assert ("these times are per fit" in en) == (not has_steps)


def test_em_weight_correction_is_worded_from_the_history(data: Path, say: Prose) -> None:
    history = _json(data, "em_history.json")
    run = next(r for r in history["runs"] if r["dataset"] == "close" and r["init"] == "kmeans")
    truth = np.array(run["truth"]["weights"])

    def error(mixture: dict) -> float:
        # match each estimated component to the nearest true center (two components here)
        c, t = np.array(mixture["centers"]), np.array(run["truth"]["centers"])
        order = [int(np.argmin(((c - t[k]) ** 2).sum(axis=1))) for k in range(len(t))]
        return float(np.max(np.abs(np.array(mixture["weights"])[order] - truth)))

    start, end = error(run["iterations"][0]["mixture"]), error(run["iterations"][-1]["mixture"])
    en, zh = say.en("em_weights", "close"), say.zh("em_weights", "close")
    assert f"{fmt(start)}" in en and f"{fmt(end)}" in en
    assert ("EM undoes most of the k-means distortion" in en) == (end < start)
    assert ("EM 纠正了" in zh) == (end < start)


def test_scaling_shape_names_the_floor_and_the_fit_below_it(data: Path, say: Prose) -> None:
    law = _json(data, "scaling.json")["law"]
    kan = next(f for f in law["families"] if f["method"] == law["kan"])
    en = say.en("scaling_shape")
    if not kan.get("local_alpha"):
        assert en == ""
        return
    first = next((x for x in kan["local_alpha"] if x["lo"] <= 0 <= x["hi"] or x["hi"] < 0), None)
    if first is None:
        assert "levels off" not in en
    else:
        assert f"From G = {first['from_size']}" in en and "levels off" in en
    below = kan.get("alpha_below_floor")
    if below:
        position = "above" if 4 > below["hi"] else "below" if 4 < below["lo"] else "inside"
        assert {"inside": "consistent with the claim", "above": "falls short", "below": "faster than claimed"}[
            position
        ] in en
    assert "converge" not in en


def test_multiplicity_note_lists_the_borderline_verdicts(data: Path, say: Prose) -> None:
    comparison = _json(data, "comparison.json")
    en = say.en("correction")
    if not comparison.get("correction"):
        assert en == ""
        return
    borderline = [c for c in comparison["comparisons"] if c.get("borderline")]
    if borderline:
        assert f"{len(borderline)} verdict" in en
        titles = {d["name"]: d["title"]["en"] for d in comparison["datasets"]}
        for c in borderline:
            assert f"{c['label']['en']} on {titles[c['dataset']]}" in en
    else:
        assert "no verdict changes" in en


# ---------------------------------------------------------------------------
# Hand-written prose: words the data contradict stay out of the pages
# ---------------------------------------------------------------------------

BANNED = [
    "two sizes",
    "5 and 10 hidden",
    "10 个节点",
    "never saw",
    "unseen mixtures",
    "从未见过的生成",
    "未见过的混合",
    "测试集似然",
    "严格评分规则",
    "the proper scoring rule",
    "both with early stopping",
    "to convergence",
    "训练到收敛",
    "faded edges were pruned",
    "barely better",
    "barely below",
    "几乎不比",
    "`_freeze/` are committed",
    "All of them can be\nexplored",
]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_hold_no_contradicted_phrase(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for phrase in BANNED:
        assert phrase not in text, (page, phrase)


def test_templates_hold_no_contradicted_phrase() -> None:
    text = (ROOT / "build/pages/sentences.j2").read_text(encoding="utf-8")
    for phrase in (
        "never saw",
        "unseen",
        "未见过",
        "0.05",
        "both with early stopping",
        "两者都使用早停",
        "在 {{ f.n }} 个随机种子中，",
    ):
        assert phrase not in text, phrase


# ---------------------------------------------------------------------------
# Mutations: change an export, the sentence follows
# ---------------------------------------------------------------------------


def test_flipping_a_verdict_changes_the_headline(copy: Path) -> None:
    doc = _json(copy, "comparison.json")
    before = Prose(copy).en("headline_samples")
    entry = next(c for c in doc["comparisons"] if c["name"] == HEADLINE["samples"])
    flipped = "better" if _final(entry) != "better" else "worse"
    mirror = {"better": "worse", "worse": "better"}[flipped]
    entry["mean"], entry["lo"], entry["hi"] = -abs(entry["mean"]), -abs(entry["hi"]), -abs(entry["lo"])
    if flipped == "worse":
        entry["mean"], entry["lo"], entry["hi"] = -entry["mean"], -entry["hi"], -entry["lo"]
    entry["wins_a"], entry["wins_b"] = entry["wins_b"], entry["wins_a"]
    entry["verdict"] = flipped
    if "verdict_adjusted" in entry:
        entry["verdict_adjusted"], entry["borderline"] = flipped, False
    _write(copy, "comparison.json", doc)
    after = Prose(copy)
    counts = _counts(doc, HEADLINE["samples"])
    assert after.en("headline_samples") != before
    word = {"better": "better than", "worse": "worse than", "tied": "as well as"}[flipped]
    assert f"{word} the classical EM algorithm on {counts[flipped]}" in after.en(
        "headline_samples"
    ) or f"on all {sum(counts.values())}" in after.en("headline_samples")
    assert mirror in {"better", "worse"}


def test_a_removed_edge_is_reported_as_pruned(copy: Path) -> None:
    path = copy / "training" / "original-kan-staged.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not any(s["name"] == "prune" for s in doc["stages"]):
        pytest.skip("this replay has no prune stage")
    before = Prose(copy).en("training_prune", "original-kan-staged")
    edge = doc["frames"][-1]["edges"]["live"].index(1)  # an edge still live at the end: prune it too
    for frame in doc["frames"]:
        if frame["step"] >= next(s["start"] for s in doc["stages"] if s["name"] == "prune"):
            frame["edges"]["live"][edge] = 0
    path.write_text(json.dumps(doc), encoding="utf-8")
    removed, _, _ = _training_truth(doc)
    after = Prose(copy)
    assert after.en("training_prune", "original-kan-staged") != before
    assert f"Pruning removed {removed} of the {len(doc['edges'])} edges" in after.en(
        "training_prune", "original-kan-staged"
    )
    assert f"剪枝去掉了 {len(doc['edges'])} 条边中的 {removed} 条" in after.zh("training_prune", "original-kan-staged")
    assert "pruned edges are drawn faded" in after.en("training_caption", "original-kan-staged")


def test_a_random_start_as_good_as_kmeans_loses_the_claim(copy: Path) -> None:
    doc = _json(copy, "comparison.json")
    kmeans = {(r["dataset"], r["seed"]): r for r in doc["runs"] if r["method"] == "ka-kan"}
    for r in doc["runs"]:
        if r["method"] == "ka-kan-random":
            r["nll"] = kmeans[(r["dataset"], r["seed"])]["nll"] - 0.01 * (1 + (r["seed"] % 3))
    _write(copy, "comparison.json", doc)
    en = Prose(copy).en("readback_random")
    assert "higher on none" in en and "gradient descent alone" not in en and "random start's is lower" in en


def test_em_that_does_not_correct_the_weights_is_not_said_to(copy: Path) -> None:
    doc = _json(copy, "em_history.json")
    run = next(r for r in doc["runs"] if r["dataset"] == "close" and r["init"] == "kmeans")
    run["iterations"][-1]["mixture"]["weights"] = list(run["iterations"][0]["mixture"]["weights"])[::-1]
    _write(copy, "em_history.json", doc)
    en, zh = Prose(copy).en("em_weights", "close"), Prose(copy).zh("em_weights", "close")
    assert "does not undo" in en and "没有纠正" in zh


def test_grid_rmse_agreeing_with_test_rmse_drops_the_qualifier(copy: Path) -> None:
    doc = _json(copy, "comparison.json")
    twin = _twin(doc, HEADLINE["regression"])
    if twin is None:
        pytest.skip("the exports hold no grid-RMSE comparison")
    test = {c["dataset"]: c for c in doc["comparisons"] if c["name"] == HEADLINE["regression"]}
    for c in doc["comparisons"]:
        if c["name"] == twin:
            for key in ("verdict", "verdict_adjusted"):
                if key in c:
                    c[key] = _final(test[c["dataset"]])
            c["borderline"] = False
    _write(copy, "comparison.json", doc)
    say = Prose(copy)
    assert "across the whole plotted area too" in say.en("headline_regression")
    assert "也是如此" in say.zh("headline_regression")


def test_a_readback_closer_than_em_is_said_to_be(copy: Path) -> None:
    doc = _json(copy, "comparison.json")
    em = {(r["dataset"], r["seed"]): r for r in doc["runs"] if r["method"] == "em-kmeans"}
    for r in doc["runs"]:
        if r["method"] == "ka-kan" and r.get("param_errors"):
            base = em[(r["dataset"], r["seed"])]["param_errors"]["center_rmse"]
            r["param_errors"]["center_rmse"] = base * (0.5 + 0.01 * r["seed"])
    _write(copy, "comparison.json", doc)
    say = Prose(copy)
    n = len(doc["datasets"])
    assert f"more accurately than EM on all {n} mixtures" in say.en("headline_readback")
    assert "比 EM 更准" in say.zh("headline_readback")


# ---------------------------------------------------------------------------
# How training ended: "converged" only within the declared share of capped runs
# ---------------------------------------------------------------------------


def _capped_by_family(comparison: dict) -> dict[str, tuple[int, int]]:
    out: dict[str, list[int]] = {}
    for run in comparison["runs"]:
        if run.get("stages"):
            capped = any(
                s["best_step"] > s["limit"] - s["patience"] and s["steps"] == s["limit"] for s in run["stages"].values()
            )
            out.setdefault(run["method"], []).append(int(capped))
    return {m: (sum(v), len(v)) for m, v in out.items()}


def _convergence_sentences(folder: Path) -> dict[str, str]:
    prose = Prose(folder)
    return {lang: str(prose.say(lang, "convergence")) for lang in LANGS}


def test_convergence_is_claimed_only_within_the_declared_share(tmp_path: Path) -> None:
    from ggmm_build.pages.convergence import CAPPED_SHARE_LIMIT

    data = ROOT / "report" / "data"
    comparison = _json(data, "comparison.json")
    families = _capped_by_family(comparison)
    text = _convergence_sentences(data)
    if not families:
        assert text == {"en": "", "zh": ""}, "no stage records, no sentence"
        return
    all_ok = all(c / n <= CAPPED_SHARE_LIMIT for c, n in families.values())
    assert ("trained to convergence" in text["en"]) == all_ok
    assert ("训练到了收敛" in text["zh"]) == all_ok
    for method, (capped, n) in families.items():
        label = next(m["label"] for m in comparison["methods"] if m["name"] == method)
        stated = f"all {n} runs stopped early" if capped == 0 else f"{n - capped} of {n} runs stopped early"
        assert f"{label['en']}: {stated}" in text["en"]


def test_the_convergence_verdict_follows_the_stage_records(tmp_path: Path) -> None:
    """Cap every run of one family at its limit: the sentence must stop saying 'converged'."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "report" / "data", folder)
    comparison = _json(folder, "comparison.json")
    nets = [r for r in comparison["runs"] if r.get("stages")]
    if not nets:
        pytest.skip("the exports hold no stage records")
    method = nets[0]["method"]
    for run in nets:
        if run["method"] == method:
            for s in run["stages"].values():
                s.update(steps=s["limit"], best_step=s["limit"], reason="limit")
    (folder / "comparison.json").write_text(json.dumps(comparison), encoding="utf-8")
    text = _convergence_sentences(folder)
    assert "trained to convergence" not in text["en"] and "训练到了收敛" not in text["zh"]
    label = next(m["label"] for m in comparison["methods"] if m["name"] == method)
    assert f"{label['en']}: 0 of" in text["en"] and "not converged networks" in text["en"]


def test_the_stated_stopping_rule_is_the_configured_one() -> None:
    """The methods page states the early-stopping tolerance and the tuning rungs in words; they
    must be the ones every network of the published profile is configured with."""
    from ggmm_build.config import load_config

    profile = load_config("full")
    nets = [profile.method(m) for m in profile.methods if "patience" in profile.method(m).params]
    assert nets and {m.params.get("rel_tol") for m in nets} == {1e-3}
    page = (ROOT / "report" / "methods" / "baselines.qmd").read_text(encoding="utf-8")
    assert "improved by 0.1%" in page and "下降 0.1% 以上" in page
    assert profile.rungs == [0.1, 0.3, 1.0] and round(1 / profile.keep) == 3
    assert "a tenth of its step" in page and "three tenths" in page and "best third" in page


def test_the_stated_learning_rate_grids_are_the_configured_ones() -> None:
    from ggmm_build.config import load_config

    profile = load_config("full")
    page = (ROOT / "report" / "methods" / "baselines.qmd").read_text(encoding="utf-8")
    grids = {tuple(profile.method(m).tune["lr"]) for m in profile.methods if "lr" in profile.method(m).tune}
    assert grids == {(0.001, 0.003, 0.01, 0.03, 0.1), (0.003, 0.01, 0.03, 0.1, 0.3)}
    assert "0.001 to 0.1 for the regression networks" in page and "0.003 to 0.3 for the density KANs" in page
    regression = {profile.method(m).tune["lr"][0] for m in ("kan-small", "mlp-small", "mlp-large")}
    density = {profile.method(m).tune["lr"][0] for m in ("kan-density", "ka-kan", "ka-kan-random")}
    assert regression == {0.001} and density == {0.003}


def test_recorded_steps_turn_the_cost_into_a_per_step_ratio(copy: Path) -> None:
    doc = _json(copy, "comparison.json")
    steps = {"kan-small": 1000, "mlp-small": 4000}
    for r in doc["runs"]:
        if r["method"] in steps:
            r["stages"] = {
                "train": {
                    "steps": steps[r["method"]],
                    "limit": 5000,
                    "patience": 200,
                    "reason": "early",
                    "optimizer": "adam",
                    "best_step": steps[r["method"]] - 200,
                }
            }
    _write(copy, "comparison.json", doc)
    en = Prose(copy).en("claims_time", "original")
    assert "per optimizer step the KAN is" in en and "these times are per fit" not in en
    assert "按每个优化步计，KAN 慢" in Prose(copy).zh("claims_time", "original")


def test_the_kmeans_start_becomes_a_third_column_when_recorded(copy: Path) -> None:
    from ggmm_build.pages import readback_table

    doc = _json(copy, "comparison.json")
    assert "k-means start" not in readback_table(doc, "en") or all(
        r.get("param_errors_init") for r in doc["runs"] if r["method"] == "ka-kan"
    )
    for r in doc["runs"]:
        if r["method"] == "ka-kan" and r.get("param_errors"):
            r["param_errors_init"] = {k: 1.5 * v for k, v in r["param_errors"].items()}
    _write(copy, "comparison.json", doc)
    assert "k-means start" in readback_table(doc, "en") and "k-means 起点" in readback_table(doc, "zh")
    say = Prose(copy)
    n = len(doc["datasets"])
    assert f"closer to the truth than the k-means start on all {n} presets" in say.en("readback_steps")
    for r in doc["runs"]:
        if r["method"] == "ka-kan" and r.get("param_errors"):
            r["param_errors_init"] = {k: 0.5 * v for k, v in r["param_errors"].items()}
    _write(copy, "comparison.json", doc)
    assert "no closer to the truth than the k-means start on any preset" in Prose(copy).en("readback_steps")


def test_every_glossary_link_has_its_term_in_both_languages() -> None:
    glossary = (ROOT / "report/overview/glossary.qmd").read_text(encoding="utf-8")
    blocks = re.findall(r'::: \{\.content-visible when-profile="(en|zh)"\}\n(.*?)\n:::', glossary, re.S)
    ids = {lang: set(re.findall(r"\]\{#([a-z0-9-]+)\}", text)) for lang, text in blocks}
    assert ids["en"] == ids["zh"] and ids["en"]
    used = set()
    for page in PAGES:
        used |= set(re.findall(r"glossary\.qmd#([a-z0-9-]+)", page.read_text(encoding="utf-8")))
    used |= set(re.findall(r"glossary\.qmd#([a-z0-9-]+)", (ROOT / "build/pages/sentences.j2").read_text()))
    assert used and used <= ids["en"], sorted(used - ids["en"])


def test_grids_bracket_their_choice_exactly_when_the_tuning_export_says_so(tmp_path: Path) -> None:
    """ "Every chosen value now lies between two tried values" only when no axis of tuning.json is
    still open, and then every choice has a tried value on either side (or sits on a hard bound);
    opening one axis makes the sentence name it and say its grid does not bracket the choice."""
    data = ROOT / "report" / "data"
    tuning = _json(data, "tuning.json")
    still_open = [(e, name) for e in tuning["entries"] for name, a in e["axes"].items() if a["status"] == "limit"]
    text = {lang: str(Prose(data).say(lang, "tuning_outcome")) for lang in LANGS}
    for e in tuning["entries"]:
        for name, axis in e["axes"].items():
            tried = sorted({c[name] for c in e["candidates"]})
            assert tried == axis["values"]
            inside = tried[0] < e["chosen"][name] < tried[-1]
            assert (axis["status"] == "inside") == inside, (e["method"], e["dataset"], name)
    if still_open:
        assert "not bracket" in text["en"] and "没有把选中的值包在中间" in text["zh"]
    else:
        assert "Every chosen value now lies between two tried values" in text["en"]
        assert "现在每个选中的值两侧都有试过的值" in text["zh"]
    folder = tmp_path / "data"
    shutil.copytree(data, folder)
    e = tuning["entries"][0]
    name = sorted(e["axes"])[0]
    e["axes"][name]["status"] = "limit"
    (folder / "tuning.json").write_text(json.dumps(tuning), encoding="utf-8")
    moved = str(Prose(folder).say("en", "tuning_outcome"))
    assert "does not bracket the choice" in moved or "do not bracket the choice" in moved
    assert f"for {e['method']} on {e['dataset']}" in moved
    assert "Every chosen value now lies" not in moved


def test_stuck_runs_are_counted_from_the_runs_and_vanish_when_the_runs_agree(tmp_path: Path) -> None:
    """The stuck-runs sentence names exactly the (method, mixture) groups with a run above 4x the
    lower quartile of its seeds' test RMSE, with their counts; pulling every such run back to its
    group's quartile turns the sentence into the statement that no run is stuck."""
    from ggmm_build.pages.convergence import STUCK_FACTOR

    data = ROOT / "report" / "data"
    comparison = _json(data, "comparison.json")
    groups: dict[tuple[str, str], list[float]] = {}
    for r in comparison["runs"]:
        if r.get("rmse_test") is not None:
            groups.setdefault((r["method"], r["dataset"]), []).append(r["rmse_test"])
    expected = {}
    for key, values in groups.items():
        q = sorted(values)[len(values) // 4]
        count = sum(v > STUCK_FACTOR * q for v in values)
        if count:
            expected[key] = (count, len(values))
    labels = {m["name"]: m["label"] for m in comparison["methods"]}
    titles = {d["name"]: d["title"] for d in comparison["datasets"]}
    text = {lang: str(Prose(data).say(lang, "stuck_runs")) for lang in LANGS}
    assert f"{sum(c for c, _ in expected.values())} of the {sum(map(len, groups.values()))} runs" in text["en"]
    for (method, dataset), (count, n) in expected.items():
        assert labels[method]["en"] in text["en"] and labels[method]["zh"] in text["zh"]
        assert f"{count} of {n} on {titles[dataset]['en']}" in text["en"]
        assert f"在{titles[dataset]['zh']}上 {n} 次中有 {count} 次" in text["zh"]
    for method in {m for m, _ in groups} - {m for m, _ in expected}:
        assert labels[method]["en"] + " " not in text["en"].split("are stuck:")[-1]
    for r in comparison["runs"]:
        if r.get("rmse_test") is not None:
            values = sorted(groups[(r["method"], r["dataset"])])
            r["rmse_test"] = min(r["rmse_test"], values[len(values) // 4])
    folder = tmp_path / "data"
    shutil.copytree(data, folder)
    (folder / "comparison.json").write_text(json.dumps(comparison), encoding="utf-8")
    calm = {lang: str(Prose(folder).say(lang, "stuck_runs")) for lang in LANGS}
    assert calm["en"].startswith("No run ends more than") and "stuck:" not in calm["en"]
    assert calm["zh"].startswith("没有一次运行")


def test_the_tuning_budget_is_counted_from_the_tuning_export(tmp_path: Path) -> None:
    """The limitations' budget sentence gives the start grid's size, the number of tuning seeds
    and the settings the extensions added, all from tuning.json; with a second tuning seed it no
    longer says "one tuning seed" nor warns about choices made on one seed."""
    data = ROOT / "report" / "data"
    tuning = _json(data, "tuning.json")
    text = {lang: str(Prose(data).say(lang, "tuning_budget")) for lang in LANGS}
    extended = [e for e in tuning["entries"] if e["n_extended"]]
    assert all(len(e["candidates"]) == tuning["candidates_budget"] + e["n_extended"] for e in tuning["entries"])
    assert f"the same {tuning['candidates_budget']} settings" in text["en"]
    assert f"同样的 {tuning['candidates_budget']} 组设置" in text["zh"]
    if extended:
        added = sum(e["n_extended"] for e in extended)
        assert f"{added} more settings in {len(extended)} of {len(tuning['entries'])} pairs" in text["en"]
        assert f"{len(tuning['entries'])} 个组合中有 {len(extended)} 个多试了设置，共 {added} 个" in text["zh"]
    assert ("one tuning seed" in text["en"]) == (len(tuning["tuning_seeds"]) == 1)
    assert ("一个调参种子" in text["zh"]) == (len(tuning["tuning_seeds"]) == 1)
    folder = tmp_path / "data"
    shutil.copytree(data, folder)
    tuning["tuning_seeds"] = [1000, 1001]
    (folder / "tuning.json").write_text(json.dumps(tuning), encoding="utf-8")
    moved = {lang: str(Prose(folder).say(lang, "tuning_budget")) for lang in LANGS}
    assert "2 tuning seeds" in moved["en"] and "one seed" not in moved["en"]
    assert "2 个调参种子" in moved["zh"] and "一个种子" not in moved["zh"]


def test_the_parameter_efficiency_claim_is_qualified_where_the_grid_rmse_disagrees(tmp_path: Path) -> None:
    """ "Supported here" only when the KAN beats the 10x MLP on every mixture on both RMSEs; when
    the grid RMSE does not agree everywhere the claim is supported "at the test points, not
    everywhere"; turning every grid verdict into "better" gives the plain "Supported here"."""
    from ggmm_build.pages.prose import HEADLINE

    data = ROOT / "report" / "data"
    comparison = _json(data, "comparison.json")
    name = HEADLINE["efficiency"]
    test = [c for c in comparison["comparisons"] if c["name"] == name]
    a, b = test[0]["a"], test[0]["b"]
    grid = [c for c in comparison["comparisons"] if c["metric"] == "rmse_grid" and c["a"] == a and c["b"] == b]

    def final(c: dict) -> str:
        return c.get("verdict_adjusted") or c["verdict"]

    text = str(Prose(data).say("en", "claims_params"))
    if all(final(c) == "better" for c in test):
        if grid and not all(final(c) == "better" for c in grid):
            assert text.startswith("Supported at the test points, not everywhere")
        else:
            assert text.startswith("Supported here")
    folder = tmp_path / "data"
    shutil.copytree(data, folder)
    for c in comparison["comparisons"]:
        if c in test or c in grid:
            c["verdict"] = c["verdict_adjusted"] = "better"
            c["borderline"] = False
    (folder / "comparison.json").write_text(json.dumps(comparison), encoding="utf-8")
    assert str(Prose(folder).say("en", "claims_params")).startswith("Supported here")
    assert str(Prose(folder).say("zh", "claims_params")).startswith("在这里得到支持")
