"""The words around the KAN playground's guided experiments: their numbers in sentences, both languages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .playground import EXPORT

__all__ = ["experiment_text", "print_experiments"]


def _num(v: float) -> str:
    return f"{v:.3f}"


def _compare(a: float, b: float, lang: str) -> str:
    """How a compares with b, lower being better: "lower", "higher" or "equal" (3 decimals)."""
    if round(a, 3) == round(b, 3):
        return {"en": "the same as", "zh": "相同于"}[lang]
    return {"en": ("lower than", "higher than"), "zh": ("低于", "高于")}[lang][0 if a < b else 1]


def experiment_text(doc: dict[str, Any], lang: str) -> str:
    """The guided experiments as Markdown for ``lang``: numbers and comparison words from ``doc``."""
    by_id = {e["id"]: e for e in doc["experiments"]}
    parts = []
    e = by_id["grid_update"]
    on, off = (v["results"]["validation_loss"] for v in e["variants"])
    h_on, h_off = (v["hash"] for v in e["variants"])
    steps = e["variants"][0]["steps"]
    if lang == "en":
        parts.append(
            f"1. **Grid updates on heavy tails.** A two-component Laplace mixture (p = 1) has samples far out in its "
            f"tails, outside the initial grid [−1, 1] of the hidden layer's inputs. After {steps} steps the held-out "
            f"NLL is {_num(on)} with pykan's grid updates and {_num(off)} without, so the run with updates ends "
            f"{_compare(on, off, lang)} the run without; the true density scores {_num(e['truth_nll'])} on the same "
            f"points. "
            f"[Run it with updates](#{h_on}) · [without](#{h_off})"
        )
    else:
        parts.append(
            f"1. **重尾数据上的网格更新。** 两个分量的拉普拉斯混合（p = 1）有远在尾部的样本，"
            f"落在隐藏层输入的初始网格 [−1, 1] 之外。"
            f"训练 {steps} 步后，使用 pykan 的网格更新时留出集 NLL 为 {_num(on)}，不更新时为 {_num(off)}："
            f"即带更新的运行最终{_compare(on, off, lang)}不带更新的运行；"
            f"真实密度在同样的点上为 {_num(e['truth_nll'])}。"
            f"[带网格更新运行](#{h_on}) · [不带网格更新](#{h_off})"
        )
    e = by_id["grid_size"]
    g5, g20 = (v["results"]["validation_loss"] for v in e["variants"])
    t5, t20 = (v["results"]["train_loss"] for v in e["variants"])
    h5, h20 = (v["hash"] for v in e["variants"])
    if lang == "en":
        parts.append(
            f"2. **G = 5 against G = 20.** On the original three-blob mixture, the finer grid's held-out NLL "
            f"({_num(g20)}) is {_compare(g20, g5, lang)} the coarser one's ({_num(g5)}); on the training samples "
            f"it is {_num(t20)} against {_num(t5)}. More knots fit the samples more closely; whether that carries "
            f"over to new points is what the held-out number says. [G = 5](#{h5}) · [G = 20](#{h20})"
        )
    else:
        parts.append(
            f"2. **G = 5 与 G = 20。** 在原作业的三团混合分布上，"
            f"细网格的留出集 NLL（{_num(g20)}）{_compare(g20, g5, lang)}"
            f"粗网格（{_num(g5)}）；在训练样本上分别为 {_num(t20)} 与 {_num(t5)}。节点越多，对训练样本拟合得越紧；"
            f"能否推广到新的点，要看留出集上的数字。[G = 5](#{h5}) · [G = 20](#{h20})"
        )
    e = by_id["prune"]
    v = e["variants"][0]
    live, K = v["results"]["live_hidden"][0], e["components"]
    rel = (
        "as many hidden nodes as" if live == K else "more hidden nodes than" if live > K else "fewer hidden nodes than"
    )
    rel_zh = "等于" if live == K else "多于" if live > K else "少于"
    before, after = v["results"]["validation_before_prune"], v["results"]["validation_loss"]
    half = v["steps"] // 2
    if lang == "en":
        parts.append(
            f"3. **Pruning [2, 8, 1] towards the mixture's structure.** The KA view of a GGMM writes the density of "
            f"this K = {K} mixture as a [2, {K}, 1] KAN, one hidden node per component; the density task learns the "
            f"log-density instead, so it need not find that structure. Trained for {half} steps with λ = "
            f"{v['hash'].split('lamb=')[1].split('&')[0]}, then pruned and trained {half} steps more, the network "
            f"keeps {live} hidden node{'s' if live != 1 else ''} and {v['results']['live_edges']} edges: {rel} the "
            f"{K} components. The held-out NLL goes from {_num(before)} before pruning to {_num(after)} at the end. "
            f"[Run it](#{v['hash']}), press Prune after the first run, then Play."
        )
    else:
        parts.append(
            f"3. **把 [2, 8, 1] 剪枝到混合分布的结构。** 按 GGMM 的 KA 视角，"
            f"这个 K = {K} 的混合分布的密度可以写成一个 [2, {K}, 1] 的 KAN，"
            f"每个隐藏节点对应一个分量；而密度任务学习的是对数密度，未必会找到这一结构。"
            f"以 λ = {v['hash'].split('lamb=')[1].split('&')[0]} 训练 {half} 步、剪枝、再训练 {half} 步后，"
            f"网络保留 {live} 个隐藏节点和 "
            f"{v['results']['live_edges']} 条边：隐藏节点数{rel_zh}分量数 {K}。"
            f"留出集 NLL 从剪枝前的 {_num(before)} 变为最终的 "
            f"{_num(after)}。[运行](#{v['hash']})，第一轮结束后按“剪枝”，再按“开始”。"
        )
    return "\n".join(parts) + "\n"


def print_experiments(path: Path | str = EXPORT) -> None:
    """Print the guided experiments in both languages (a Quarto ``output: asis`` cell)."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    for lang in ("en", "zh"):
        print(f'::: {{.content-visible when-profile="{lang}"}}\n{experiment_text(doc, lang)}\n:::\n')
