"""The bilingual labels: every title, legend, axis, hover text and widget label of the figures, the
widgets, the tables and the gallery, and the site's own words (page titles, language switch).

The sentences of the pages' prose are not here but in ``build/pages/sentences.j2``
(:mod:`ggmm_build.pages.prose`), where they are written with the numbers they state.

Keys are dotted names grouped by where they are used; each maps to ``{"en": ..., "zh": ...}``.
Some strings hold ``str.format`` fields (``{step}``); the caller fills them in.
The widgets' JavaScript receives the strings it needs from :func:`bundle`.

Examples
--------
>>> t("family.classical", "zh")
'经典方法'
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["LANGS", "STRINGS", "t", "bundle"]

#: Supported languages.
LANGS = ("en", "zh")

STRINGS: dict[str, dict[str, str]] = {
    # -- general -----------------------------------------------------------
    "lang.switch": {"en": "中文", "zh": "English"},
    "axis.density": {"en": "density", "zh": "密度"},
    "axis.step": {"en": "optimizer step", "zh": "优化步数"},
    "axis.iteration": {"en": "EM iteration", "zh": "EM 迭代次数"},
    "axis.loglik": {"en": "mean log-likelihood per sample", "zh": "每个样本的平均对数似然"},
    "legend.samples": {"en": "samples", "zh": "样本"},
    "legend.centers": {"en": "centers", "zh": "中心"},
    "legend.true_centers": {"en": "true centers", "zh": "真实中心"},
    "legend.density": {"en": "density", "zh": "密度"},
    "hover.family": {"en": "family", "zh": "类别"},
    "hover.ci95": {"en": "95% interval (bootstrap over seeds)", "zh": "95% 区间（对随机种子自助法）"},
    "hover.params": {"en": "parameters", "zh": "参数量"},
    "hover.seeds": {"en": "seeds", "zh": "随机种子数"},
    "hover.seed": {"en": "seed", "zh": "随机种子"},
    "hover.seconds": {"en": "fit time", "zh": "拟合时间"},
    "hover.density": {"en": "density", "zh": "密度"},
    "hover.component": {"en": "component", "zh": "分量"},
    # -- figure 1: method comparison ----------------------------------------
    "comparison.title": {"en": "Method comparison", "zh": "方法对比"},
    "comparison.truth_nll": {"en": "true density (held-out NLL)", "zh": "真实密度（留出集 NLL）"},
    "comparison.size_key": {"en": "parameters", "zh": "参数量"},
    "family.KAN": {"en": "KAN", "zh": "KAN"},
    "family.MLP": {"en": "MLP", "zh": "MLP"},
    "family.classical": {"en": "classical", "zh": "经典方法"},
    "metric.rmse_test": {"en": "density RMSE at test points", "zh": "测试点上的密度 RMSE"},
    "metric.rmse_grid": {"en": "density RMSE on the plotting grid", "zh": "绘图网格上的密度 RMSE"},
    "metric.nll": {"en": "held-out negative log-likelihood (nats per sample)", "zh": "留出集负对数似然（每样本奈特）"},
    "metric.nll_gap": {
        "en": "held-out NLL minus the true density's (nats per sample)",
        "zh": "留出集 NLL 减去真实密度的 NLL（每样本奈特）",
    },
    "metric.lower_better": {"en": "lower is better", "zh": "越低越好"},
    "metric.nll_gap.short": {"en": "NLL above the truth", "zh": "NLL 高出真值"},
    "metric.rmse_test.short": {"en": "RMSE, test points", "zh": "RMSE（测试点）"},
    "metric.rmse_grid.short": {"en": "RMSE, grid", "zh": "RMSE（网格）"},
    "metric.nll.short": {"en": "held-out NLL", "zh": "留出集 NLL"},
    # -- figure 1: the paired comparisons (forest plot) and the per-method chart's marks --
    "paired.title": {"en": "Paired comparisons, first method vs second", "zh": "配对比较：前一方法对后一方法"},
    "paired.subtitle": {
        "en": "mean over {n} seeds, same test points, 95% t-interval<br>marks: the verdict after "
        "Holm's adjustment<br>({families})",
        "zh": "{n} 个随机种子（同一批测试点）上的均值及其 95% t 区间<br>标记：经 Holm 校正后的结论<br>（{families}）",
    },
    "paired.family": {"en": "{n} {role} tests", "zh": "{n} 个{role}检验"},
    "paired.role.primary": {"en": "primary", "zh": "主要"},
    "paired.role.secondary": {"en": "secondary", "zh": "次要"},
    "paired.secondary_tag": {"en": "secondary", "zh": "次要"},
    "paired.axis.nll": {
        "en": "held-out NLL, first − second (nats per sample)",
        "zh": "留出集 NLL 之差：前者 − 后者（每样本奈特）",
    },
    "paired.axis.ratio": {"en": "RMSE ratio, first / second (log scale)", "zh": "RMSE 比值：前者 / 后者（对数刻度）"},
    "paired.first_better": {"en": "← first better", "zh": "← 前者更好"},
    "paired.second_better": {"en": "second better →", "zh": "后者更好 →"},
    "paired.verdict.better": {"en": "first method better", "zh": "前一方法更好"},
    "paired.verdict.worse": {"en": "second method better", "zh": "后一方法更好"},
    "paired.verdict.tied": {"en": "cannot be told apart", "zh": "无法区分"},
    "paired.borderline": {"en": "borderline: changed by the adjustment", "zh": "临界：校正改变了结论"},
    "paired.difference": {"en": "difference", "zh": "差值"},
    "paired.ratio": {"en": "ratio", "zh": "比值"},
    "paired.ci95": {"en": "95% t-interval", "zh": "95% t 区间"},
    "paired.wins": {"en": "seeds won, first : second", "zh": "胜出的种子数（前者 : 后者）"},
    "paired.p": {"en": "p (paired t)", "zh": "p 值（配对 t 检验）"},
    "paired.p_adjusted": {"en": "p, Holm-adjusted", "zh": "Holm 校正后的 p 值"},
    "paired.before": {"en": "verdict before adjustment", "zh": "校正前的结论"},
    "paired.after": {"en": "verdict after adjustment", "zh": "校正后的结论"},
    "comparison.oracle": {
        "en": "oracle regressor: trained on true density values",
        "zh": "理想设定的回归：用真实密度值训练",
    },
    "comparison.oracle_hover": {
        "en": "regression on the true density values at its training points (an oracle: no estimator has them)",
        "zh": "在训练点上以真实密度值做回归（理想设定：实际的估计器拿不到这些值）",
    },
    "comparison.truth_gap": {"en": "true density (gap 0)", "zh": "真实密度（差值为 0）"},
    "comparison.log_axis": {"en": "log scale", "zh": "对数刻度"},
    "paired.dataset.original": {"en": "original", "zh": "原始示例"},
    "paired.dataset.laplace": {"en": "Laplace-like", "zh": "类拉普拉斯"},
    "paired.dataset.flat": {"en": "flat-topped", "zh": "平顶"},
    "paired.dataset.close": {"en": "two close", "zh": "两簇相近"},
    "paired.dataset.trivariate": {"en": "3-D", "zh": "三维"},
    # -- the scaling law told from its points: local exponents, floor, fit below the floor --
    "scaling.local.title": {
        "en": "local exponent α between consecutive sizes<br>(mean over seeds, 95% t-interval)",
        "zh": "相邻规模之间的局部指数 α<br>（各随机种子的均值，95% t 区间）",
    },
    "scaling.local.axis": {"en": "local α", "zh": "局部 α"},
    "scaling.local.hover": {
        "en": "{size} {a} → {b}: local α = {mean} {ci}",
        "zh": "{size} {a} → {b}：局部 α = {mean} {ci}",
    },
    "scaling.below_floor": {"en": "fitted below the floor: α = {alpha} {ci}", "zh": "平台以下的拟合：α = {alpha} {ci}"},
    "scaling.whole_fit": {"en": "fitted over every size: α = {alpha} {ci}", "zh": "全部规模上的拟合：α = {alpha} {ci}"},
    "scaling.floor": {"en": "floor ≈ {value} from {size} = {at}", "zh": "从 {size} = {at} 起的平台 ≈ {value}"},
    "scaling.zero": {"en": "no change (α = 0)", "zh": "不变（α = 0）"},
    # -- figure 2: ground truth ------------------------------------------------
    "truth.title": {"en": "Ground truth", "zh": "真实分布"},
    "truth.surface": {"en": "density surface", "zh": "密度曲面"},
    "truth.contour": {"en": "contour map with samples", "zh": "等高线图与样本"},
    "truth.samples3d": {"en": "samples in three dimensions", "zh": "三维样本"},
    "truth.marginal": {"en": "marginal density of (x₁, x₂)", "zh": "(x₁, x₂) 的边缘密度"},
    "posterior.caption": {
        "en": "Sample points with their density P(x) and the posterior γₖ of each component",
        "zh": "样本点的密度 P(x) 与各分量的后验概率 γₖ",
    },
    "posterior.drawn_from": {"en": "drawn from", "zh": "来源分量"},
    "formula.title": {"en": "Density with the current parameters", "zh": "当前参数下的密度公式"},
    "formula.latex": {"en": "LaTeX source", "zh": "LaTeX 源码"},
    # -- figure 3: training progress -------------------------------------------
    "training.title": {"en": "KAN training · step {step} · {stage}", "zh": "KAN 训练 · 第 {step} 步 · {stage}"},
    "training.predicted": {"en": "predicted density", "zh": "预测密度"},
    "training.truth": {"en": "true density", "zh": "真实密度"},
    "training.error": {"en": "error (predicted − true)", "zh": "误差（预测 − 真实）"},
    "training.current": {"en": "current step", "zh": "当前步"},
    "loss.train": {"en": "train", "zh": "训练集"},
    "loss.validation": {"en": "validation", "zh": "验证集"},
    "loss.rmse": {"en": "loss (RMSE)", "zh": "损失（RMSE）"},
    "loss.nll": {"en": "loss (NLL)", "zh": "损失（NLL）"},
    "stage.train": {"en": "train", "zh": "训练"},
    "stage.prune": {"en": "prune", "zh": "剪枝"},
    "stage.refine": {"en": "refine grid", "zh": "网格细化"},
    "stage.retrain": {"en": "retrain", "zh": "再训练"},
    "stage.symbolic": {"en": "symbolic", "zh": "符号化"},
    "network.title": {
        "en": "KAN network · step {step} · {stage} · widths {width}",
        "zh": "KAN 网络 · 第 {step} 步 · {stage} · 宽度 {width}",
    },
    "network.short_title": {"en": "network (edge activations)", "zh": "网络结构（边上的激活函数）"},
    "network.node.input": {"en": "input", "zh": "输入"},
    "network.node.hidden": {"en": "hidden node", "zh": "隐藏节点"},
    "network.node.output": {"en": "output", "zh": "输出"},
    "network.output": {"en": "output", "zh": "输出"},
    "network.edge": {"en": "edge", "zh": "边"},
    "network.layer": {"en": "layer", "zh": "层"},
    "network.importance": {"en": "importance", "zh": "重要性"},
    "network.live": {"en": "live", "zh": "保留"},
    "network.pruned": {"en": "pruned", "zh": "已剪除"},
    # -- training-progress viewer (JS) -------------------------------------------
    "viewer.title": {"en": "KAN training, snapshot by snapshot", "zh": "KAN 训练过程（逐快照）"},
    "viewer.play": {"en": "Play", "zh": "播放"},
    "viewer.pause": {"en": "Pause", "zh": "暂停"},
    "viewer.prev": {"en": "Previous snapshot", "zh": "上一个快照"},
    "viewer.next": {"en": "Next snapshot", "zh": "下一个快照"},
    "viewer.slider": {"en": "Snapshot", "zh": "快照"},
    "viewer.step": {"en": "step", "zh": "步数"},
    "viewer.stage": {"en": "stage", "zh": "阶段"},
    "viewer.train_loss": {"en": "train loss", "zh": "训练损失"},
    "viewer.validation_loss": {"en": "validation loss", "zh": "验证损失"},
    "viewer.widths": {"en": "live nodes per layer", "zh": "各层保留节点数"},
    "viewer.frame": {"en": "snapshot {i} of {n}", "zh": "第 {i} / {n} 个快照"},
    "viewer.show_error": {"en": "Show error map", "zh": "显示误差图"},
    "viewer.show_truth": {"en": "Show true density", "zh": "显示真实密度"},
    "viewer.keys": {"en": "Keys: ← → step, space plays or pauses.", "zh": "键盘：← → 逐步切换，空格键播放或暂停。"},
    "viewer.loading": {"en": "Loading the training snapshots…", "zh": "正在加载训练快照……"},
    "viewer.failed": {"en": "The training snapshots could not be loaded", "zh": "无法加载训练快照"},
    "viewer.link": {"en": "Link to this snapshot", "zh": "链接到此快照"},
    "viewer.link_title": {
        "en": "A link that opens this page at the snapshot shown",
        "zh": "打开本页并直接显示当前快照的链接",
    },
    # -- ground-truth explorer (JS) ----------------------------------------------
    "explorer.title": {"en": "Explore the generalized Gaussian mixture", "zh": "探索广义高斯混合分布"},
    "explorer.preset": {"en": "preset", "zh": "预设"},
    "explorer.p": {"en": "shape p", "zh": "形状参数 p"},
    "explorer.k": {"en": "components K", "zh": "分量数 K"},
    "explorer.component": {"en": "component {k}", "zh": "分量 {k}"},
    "explorer.center": {"en": "center c", "zh": "中心 c"},
    "explorer.scale": {"en": "scale α", "zh": "尺度 α"},
    "explorer.weight": {"en": "weight π", "zh": "权重 π"},
    "explorer.weights_note": {"en": "Weights are renormalized to sum to 1.", "zh": "权重会自动归一化，使其和为 1。"},
    "explorer.resample": {"en": "New samples", "zh": "重新采样"},
    "explorer.reset": {"en": "Reset", "zh": "重置"},
    "explorer.samples": {"en": "samples", "zh": "样本数"},
    "explorer.seed": {"en": "seed", "zh": "随机种子"},
    "explorer.sampler": {
        "en": "Samples: |x − c| / α = G^(1/p), G ~ Gamma(1/p, 1), with a random sign.",
        "zh": "采样方法：|x − c| / α = G^(1/p)，G ~ Gamma(1/p, 1)，再乘以随机符号。",
    },
    "explorer.marginal_note": {"en": "Plots show the (x₁, x₂) marginal.", "zh": "图中显示 (x₁, x₂) 的边缘分布。"},
    "explorer.playground": {"en": "Train a KAN on this mixture", "zh": "用这个混合分布训练 KAN"},
    "explorer.playground_title": {
        "en": "Opens the KAN playground with the mixture shown here.",
        "zh": "在 KAN 训练场中打开此处显示的混合分布。",
    },
    "explorer.playground_marginal": {
        "en": "The playground works in two dimensions: it gets the (x₁, x₂) marginal.",
        "zh": "训练场只支持二维：传过去的是 (x₁, x₂) 的边缘分布。",
    },
    "explorer.playground_dropped": {
        "en": "It takes at most {k} components: it gets the first {k}.",
        "zh": "训练场最多支持 {k} 个分量：传过去的是前 {k} 个。",
    },
    "explorer.print_title": {
        "en": "{name}: the same mixture at other shapes p",
        "zh": "{name}：同一混合分布取不同形状参数 p",
    },
    # -- recovered parameters ------------------------------------------------------
    "recovered.title": {
        "en": "Inner curves of the KA-structured KAN and the fitted parametric form",
        "zh": "KA 结构 KAN 的内层曲线与拟合的参数形式",
    },
    "recovered.learned": {"en": "learned φ", "zh": "学到的 φ"},
    "recovered.fitted": {"en": "fitted b − (|t − c| / α)ᵖ", "zh": "拟合 b − (|t − c| / α)ᵖ"},
    "recovered.fitted_center": {"en": "fitted center", "zh": "拟合中心"},
    "recovered.true_center": {"en": "true center", "zh": "真实中心"},
    "recovered.parameter": {"en": "parameter", "zh": "参数"},
    "recovered.truth": {"en": "truth", "zh": "真实值"},
    "recovered.table_caption": {
        "en": "Parameters read back, components matched to the truth",
        "zh": "恢复出的参数（分量已与真实分量匹配）",
    },
    "recovered.error.center_rmse": {"en": "center RMSE", "zh": "中心 RMSE"},
    "recovered.error.scale_rmse": {"en": "scale RMSE", "zh": "尺度 RMSE"},
    "recovered.error.weight_max_abs": {"en": "largest weight error", "zh": "权重最大误差"},
    "recovered.error.p_abs": {"en": "shape error |Δp|", "zh": "形状误差 |Δp|"},
    "recovered.symbolic": {"en": "Symbolic formula (pykan auto_symbolic)", "zh": "符号公式（pykan auto_symbolic）"},
    "recovered.constant": {"en": "a constant predictor", "zh": "常数预测"},
    "recovered.test_rmse": {"en": "test RMSE", "zh": "测试 RMSE"},
    # -- tables --------------------------------------------------------------------
    "table.dataset": {"en": "dataset", "zh": "数据集"},
    "table.method": {"en": "method", "zh": "方法"},
    "table.family": {"en": "family", "zh": "类别"},
    "table.name": {"en": "name in the data", "zh": "数据中的名称"},
    "table.params_median": {"en": "parameters (median)", "zh": "参数量（中位数）"},
    "table.params": {"en": "parameters", "zh": "参数量"},
    "table.seconds": {"en": "fit time (s)", "zh": "拟合耗时（秒）"},
    "table.nll_gap": {
        "en": "held-out NLL above the truth's (nats) [95% interval]",
        "zh": "留出集 NLL 高出真值的部分（奈特）[95% 区间]",
    },
    "table.rmse_test": {"en": "test RMSE [95% interval]", "zh": "测试 RMSE [95% 区间]"},
    "table.comparison": {"en": "comparison (a vs b)", "zh": "比较（a 对 b）"},
    "table.difference": {"en": "paired difference a − b [95% interval]", "zh": "配对差值 a − b [95% 区间]"},
    "table.seeds_won": {"en": "seeds won (a : b)", "zh": "胜出的种子数（a : b）"},
    "table.verdict": {"en": "verdict", "zh": "结论"},
    "verdict.better": {"en": "a better", "zh": "a 更好"},
    "verdict.worse": {"en": "b better", "zh": "b 更好"},
    "verdict.tied": {"en": "cannot be told apart", "zh": "无法区分"},
    "unit.nats": {"en": "{value} nats {ci}", "zh": "{value} 奈特 {ci}"},
    "unit.ratio": {"en": "RMSE ratio {value} {ci}", "zh": "RMSE 比值 {value} {ci}"},
    "table.setting": {"en": "setting chosen", "zh": "选中的设置"},
    "table.score": {"en": "validation score (chosen / worst)", "zh": "验证集得分（选中 / 最差）"},
    "table.candidates": {"en": "settings tried", "zh": "尝试的设置数"},
    "table.p": {"en": "shape p", "zh": "形状参数 p"},
    "table.grid": {"en": "spline grid", "zh": "样条网格"},
    "table.mixtures": {"en": "mixtures", "zh": "混合分布数"},
    "table.center_max": {"en": "worst center RMSE, KAN / EM", "zh": "中心 RMSE 最大值，KAN / EM"},
    "table.p_abs": {"en": "mean |Δp|, KAN / EM", "zh": "|Δp| 均值，KAN / EM"},
    "table.file": {"en": "file", "zh": "文件"},
    "table.schema": {"en": "schema", "zh": "格式"},
    "table.size": {"en": "size", "zh": "大小"},
    "table.sha": {"en": "SHA-256 (first 16)", "zh": "SHA-256（前 16 位）"},
    "table.package": {"en": "package", "zh": "软件包"},
    "table.version": {"en": "version", "zh": "版本"},
    "table.shape": {"en": "shape $p$", "zh": "形状参数 $p$"},
    "table.known_as": {"en": "known as", "zh": "常用名称"},
    "table.tail": {"en": r"tail mass $P(\lvert X-c\rvert > \alpha)$", "zh": r"尾部概率 $P(\lvert X-c\rvert > \alpha)$"},
    "table.exact_share": {"en": "exact share beyond $\\alpha$", "zh": "超出 $\\alpha$ 的理论比例"},
    "table.exact_sampler": {"en": "exact sampler", "zh": "精确抽样器"},
    "table.original_sampler": {"en": "original sampler", "zh": "原抽样器"},
    "table.ks_exact": {"en": "KS p-value, exact", "zh": "KS p 值（精确）"},
    "table.ks_original": {"en": "KS p-value, original", "zh": "KS p 值（原）"},
    "name.laplace": {"en": "Laplace", "zh": "拉普拉斯"},
    "name.gaussian": {"en": "Gaussian", "zh": "高斯"},
    # -- scaling: the KAN scaling law, cost and accuracy against N and D ---------------
    "scaling.law.title": {
        "en": "The KAN scaling law on the density-regression task",
        "zh": "密度回归任务上的 KAN 缩放律",
    },
    "scaling.law.subtitle": {
        "en": "{dataset} · {n} training samples · {seeds} seeds<br>α: minus the slope of log RMSE "
        "against log parameters [95% interval]",
        "zh": "{dataset} · {n} 个训练样本 · {seeds} 个随机种子<br>α：log RMSE 对 log 参数量的斜率取负 [95% 区间]",
    },
    "scaling.params": {"en": "trained parameters (log scale)", "zh": "参与训练的参数量（对数刻度）"},
    "scaling.rmse": {"en": "test RMSE", "zh": "测试 RMSE"},
    "scaling.rmse_axis": {"en": "density RMSE at the test points (log scale)", "zh": "测试点上的密度 RMSE（对数刻度）"},
    "scaling.fitted": {"en": "fitted power law", "zh": "拟合的幂律"},
    "scaling.paper": {"en": "KAN paper: α = k + 1 = {alpha}", "zh": "KAN 论文：α = k + 1 = {alpha}"},
    "scaling.cost.title": {"en": "CPU time of one fit against N and D", "zh": "单次拟合的 CPU 时间随 N 与 D 的变化"},
    "scaling.cost.subtitle": {
        "en": "generated mixtures, K = {k}, p = {p} · {seeds} seeds",
        "zh": "生成的混合分布，K = {k}，p = {p} · {seeds} 个随机种子",
    },
    "scaling.cost.legend_note": {
        "en": "legend: fitted exponents, CPU time ∝ N^a, D^b",
        "zh": "图例：拟合的指数，CPU 时间 ∝ N^a、D^b",
    },
    "scaling.cost.samples": {"en": "against N (D = {d})", "zh": "随 N 变化（D = {d}）"},
    "scaling.cost.dims": {"en": "against D (N = {n})", "zh": "随 D 变化（N = {n}）"},
    "scaling.axis.samples": {"en": "training samples N", "zh": "训练样本数 N"},
    "scaling.axis.dims": {"en": "dimension D", "zh": "维度 D"},
    "scaling.cpu": {"en": "CPU time", "zh": "CPU 时间"},
    "scaling.cpu_mean": {"en": "CPU time (geometric mean over seeds)", "zh": "CPU 时间（各随机种子的几何平均）"},
    "scaling.cpu_axis": {"en": "CPU seconds per fit (log scale)", "zh": "每次拟合的 CPU 秒数（对数刻度）"},
    "scaling.exponent": {"en": "fitted exponent [95% interval]", "zh": "拟合的指数 [95% 区间]"},
    "scaling.refused": {"en": "not run: beyond a declared limit", "zh": "未运行：超出事先声明的上限"},
    "scaling.not_run": {
        "en": "not run: {what} {amount} > declared limit {limit}",
        "zh": "未运行：{what} {amount} > 声明的上限 {limit}",
    },
    "scaling.not_run_short": {
        "en": "not run: {method} at {where} ({what} > {limit})",
        "zh": "未运行：{method}，{where}（{what} > {limit}）",
    },
    "scaling.work.quadrature_nodes": {"en": "quadrature nodes of the normalization", "zh": "归一化所需的求积节点数"},
    "scaling.work.kernel_evaluations": {
        "en": "kernel evaluations of the bandwidth search",
        "zh": "带宽搜索所需的核函数计算次数",
    },
    "scaling.accuracy.title": {"en": "Held-out accuracy against N and D", "zh": "留出集精度随 N 与 D 的变化"},
    "scaling.accuracy.nll_gap.samples": {
        "en": "NLL above the truth's, against N (D = {d})",
        "zh": "NLL 高出真值的部分，随 N 变化（D = {d}）",
    },
    "scaling.accuracy.nll_gap.dims": {
        "en": "NLL above the truth's, against D (N = {n})",
        "zh": "NLL 高出真值的部分，随 D 变化（N = {n}）",
    },
    "scaling.accuracy.rmse_rel.samples": {
        "en": "relative RMSE (regressors), against N (D = {d})",
        "zh": "相对 RMSE（回归模型），随 N 变化（D = {d}）",
    },
    "scaling.accuracy.rmse_rel.dims": {
        "en": "relative RMSE (regressors), against D (N = {n})",
        "zh": "相对 RMSE（回归模型），随 D 变化（N = {n}）",
    },
    "scaling.nll_gap": {"en": "held-out NLL − truth's (nats)", "zh": "留出集 NLL − 真值（奈特）"},
    "scaling.rmse_rel": {"en": "relative density RMSE", "zh": "相对密度 RMSE"},
    "table.sizes": {"en": "sizes", "zh": "规模"},
    "table.param_range": {"en": "parameters", "zh": "参数量"},
    "table.alpha": {"en": "α [95% interval]", "zh": "α [95% 区间]"},
    "table.paper_alpha": {"en": "the paper's α", "zh": "论文中的 α"},
    "table.exponent_samples": {"en": "time ∝ N^a: a [95% interval]", "zh": "时间 ∝ N^a：a [95% 区间]"},
    "table.exponent_dims": {"en": "time ∝ D^b: b [95% interval]", "zh": "时间 ∝ D^b：b [95% 区间]"},
    "table.not_run": {"en": "not run (declared limit)", "zh": "未运行（声明的上限）"},
    "table.rmse_ends": {"en": "test RMSE, smallest → largest size", "zh": "测试 RMSE，最小 → 最大规模"},
    "scaling.position.below": {"en": "below the interval", "zh": "低于该区间"},
    "scaling.position.inside": {"en": "inside the interval", "zh": "落在区间内"},
    "scaling.position.above": {"en": "above the interval", "zh": "高于该区间"},
    # -- EM history ----------------------------------------------------------------
    "em.title": {"en": "EM iterations", "zh": "EM 迭代过程"},
    "em.contours": {
        "en": "current mixture over the samples (log₁₀ density, half-decade contours)",
        "zh": "当前混合分布与样本（log₁₀ 密度，每半个数量级一条等高线）",
    },
    "em.mixture": {"en": "current mixture", "zh": "当前混合分布"},
    "em.centers": {"en": "current centers", "zh": "当前中心"},
    "em.init.kmeans": {"en": "k-means initialization", "zh": "k-means 初始化"},
    "em.init.random": {"en": "random initialization", "zh": "随机初始化"},
    # -- B-spline basis ------------------------------------------------------------
    "bspline.title": {"en": "B-spline basis (Cox–de Boor recursion)", "zh": "B 样条基函数（Cox–de Boor 递推）"},
    "bspline.subtitle": {
        "en": "pykan's grid: G intervals on [−1, 1], extended by k knots on each side",
        "zh": "pykan 的网格：[−1, 1] 上 G 个区间，两侧各扩展 k 个节点",
    },
    "bspline.grid_size": {"en": "grid intervals", "zh": "网格区间数"},
    "bspline.order": {"en": "order k = {k} ({name})", "zh": "阶数 k = {k}（{name}）"},
    "bspline.order0": {"en": "piecewise constant", "zh": "分段常数"},
    "bspline.order1": {"en": "piecewise linear", "zh": "分段线性"},
    "bspline.order2": {"en": "quadratic", "zh": "二次"},
    "bspline.order3": {"en": "cubic, pykan's default", "zh": "三次，pykan 默认"},
    "bspline.all_orders": {"en": "all orders", "zh": "全部阶数"},
    "bspline.sum": {"en": "sum of the basis", "zh": "基函数之和"},
    "bspline.knots": {"en": "knots", "zh": "节点"},
    "bspline.knot": {"en": "knot", "zh": "节点"},
    # -- gallery -------------------------------------------------------------------
    "gallery.title": {"en": "GGMM × KAN: figure gallery", "zh": "GGMM × KAN：图表集"},
    "gallery.intro": {
        "en": "Every figure and widget of the report, each on its own page. Everything runs in "
        "the browser from files next to these pages: no server code and no outside requests.",
        "zh": "报告中的全部图表与交互组件，每个单独成页。一切都在浏览器中运行，只读取本页旁边的文件："
        "无需服务器程序，也不访问外部网络。",
    },
    "gallery.home": {"en": "All figures", "zh": "全部图表"},
    "gallery.data_note": {"en": "Data: {profile} profile exports.", "zh": "数据：{profile} 配置导出。"},
    "page.comparison": {"en": "Figure 1 · Method comparison", "zh": "图 1 · 方法对比"},
    "page.ground_truth": {"en": "Figure 2 · The ground truth", "zh": "图 2 · 真实分布"},
    "page.explorer": {"en": "Ground-truth explorer", "zh": "真实分布探索器"},
    "page.training": {"en": "Figure 3 · KAN training (static frame)", "zh": "图 3 · KAN 训练（静态帧）"},
    "page.viewer": {"en": "Training-progress viewer", "zh": "训练过程查看器"},
    "page.recovered": {"en": "Parameters read back from the KAN", "zh": "从 KAN 中读出的参数"},
    "page.em_history": {"en": "EM iteration history", "zh": "EM 迭代历史"},
    "page.bspline": {"en": "B-spline basis", "zh": "B 样条基函数"},
    "page.comparison.about": {
        "en": "Measured over several seeds; the bars are 95% intervals of the mean. Pick the "
        "dataset and the metric with the menus.",
        "zh": "多个随机种子上的实测结果，误差棒为均值的 95% 区间。用菜单选择数据集与指标。",
    },
    "page.ground_truth.about": {
        "en": "Samples in yellow, centers in red; both panels share one colour scale.",
        "zh": "黄色为样本，红色为中心；两幅图使用同一色标。",
    },
    "page.explorer.about": {
        "en": "Move the sliders: the density, the samples, the table and the formula are recomputed in your browser.",
        "zh": "拖动滑块：密度、样本、表格与公式都会在浏览器中重新计算。",
    },
    "page.training.about": {
        "en": "One frame of the training run, for print; the viewer plays them all.",
        "zh": "训练过程中的一帧，供打印使用；查看器可逐帧播放全部快照。",
    },
    "page.viewer.about": {
        "en": "Scrub through the snapshots of one training run.",
        "zh": "拖动滑块，逐个查看一次训练的快照。",
    },
    "page.recovered.about": {
        "en": "What the KA-structured KAN learned, read back as mixture parameters.",
        "zh": "KA 结构 KAN 学到的函数，读回为混合分布的参数。",
    },
    "page.em_history.about": {
        "en": "Move the slider to step through the iterations.",
        "zh": "拖动滑块，逐次查看迭代。",
    },
    "page.bspline.about": {
        "en": "The slider sets the number of grid intervals; the buttons show one order.",
        "zh": "滑块设置网格区间数；按钮可单独显示某一阶。",
    },
    # -- static pictures that become interactive (ggmm_build.figures.widgets, assets/js/loader.js) ----
    "poster.figure": {"en": "Interactive: hover, tap or press to explore", "zh": "可交互：悬停、轻触或点击即可查看"},
    "poster.viewer": {"en": "Start the training replay", "zh": "启动训练回放"},
    "poster.explorer": {"en": "Open the explorer", "zh": "打开分布浏览器"},
    "poster.loading": {"en": "Loading…", "zh": "正在加载……"},
    "poster.failed": {"en": "The interactive version could not be loaded.", "zh": "无法加载交互版本。"},
    # -- the KAN playground (assets/js/playground/, build/pages/playground_page.py) ---------------
    "page.playground": {"en": "KAN playground", "zh": "KAN 训练场"},
    "page.playground.about": {
        "en": "Train pykan's KAN in your browser on a mixture you edit; the explorer's link "
        "opens it on the explorer's mixture.",
        "zh": "在浏览器中、在你编辑的混合分布上训练 pykan 的 KAN；分布浏览器中的链接会带着其当前的混合分布打开这里。",
    },
    "playground.loading": {"en": "Loading the playground…", "zh": "正在加载训练场……"},
    "playground.noscript": {
        "en": "The playground trains a KAN in your browser and needs JavaScript.",
        "zh": "训练场在浏览器中训练 KAN，需要启用 JavaScript。",
    },
    "playground.data": {"en": "Data", "zh": "数据"},
    "playground.network": {"en": "Network", "zh": "网络"},
    "playground.training": {"en": "Training", "zh": "训练"},
    "playground.preset": {"en": "mixture", "zh": "混合分布"},
    "playground.custom": {"en": "edited (see the table)", "zh": "已修改（见下表）"},
    "playground.components": {"en": "Components of the mixture", "zh": "混合分布的各分量"},
    "playground.component": {"en": "component", "zh": "分量"},
    "playground.center_x": {"en": "center x₁", "zh": "中心 x₁"},
    "playground.center_y": {"en": "center x₂", "zh": "中心 x₂"},
    "playground.scale_x": {"en": "scale α₁", "zh": "尺度 α₁"},
    "playground.scale_y": {"en": "scale α₂", "zh": "尺度 α₂"},
    "playground.weight": {"en": "weight", "zh": "权重"},
    "playground.shape": {"en": "shape p", "zh": "形状 p"},
    "playground.add_component": {"en": "add a component", "zh": "添加分量"},
    "playground.remove_component": {"en": "remove the last component", "zh": "删除最后一个分量"},
    "playground.samples": {"en": "samples N", "zh": "样本数 N"},
    "playground.seed": {"en": "seed", "zh": "随机种子"},
    "playground.task": {"en": "task", "zh": "任务"},
    "playground.task.density": {"en": "density estimation (maximum likelihood)", "zh": "密度估计（最大似然）"},
    "playground.task.regression": {"en": "density regression (the original's task)", "zh": "密度回归（原作业的任务）"},
    "playground.hidden1": {"en": "hidden width h₁", "zh": "隐藏层宽度 h₁"},
    "playground.hidden2": {"en": "second hidden width h₂ (0: none)", "zh": "第二隐藏层宽度 h₂（0 为无）"},
    "playground.grid": {"en": "grid intervals G", "zh": "网格区间数 G"},
    "playground.order": {"en": "spline order k", "zh": "样条阶数 k"},
    "playground.gridupdate": {
        "en": "grid follows the data (pykan's schedule)",
        "zh": "网格随数据更新（pykan 的时间表）",
    },
    "playground.lr": {"en": "learning rate (Adam)", "zh": "学习率（Adam）"},
    "playground.lamb": {"en": "regularization λ", "zh": "正则化系数 λ"},
    "playground.batch": {"en": "batch", "zh": "批大小"},
    "playground.batch.full": {"en": "full batch", "zh": "全批量"},
    "playground.steps": {"en": "steps per run", "zh": "每轮步数"},
    "playground.play": {"en": "Play", "zh": "开始"},
    "playground.pause": {"en": "Pause", "zh": "暂停"},
    "playground.step_once": {"en": "One step", "zh": "单步"},
    "playground.reset": {"en": "Reset", "zh": "重置"},
    "playground.prune": {"en": "Prune", "zh": "剪枝"},
    "playground.refine": {"en": "Refine (G → 2G)", "zh": "细化网格（G → 2G）"},
    "playground.export": {"en": "Export the model (JSON)", "zh": "导出模型（JSON）"},
    "playground.copy_link": {"en": "Copy the link", "zh": "复制链接"},
    "playground.link": {"en": "link to this run", "zh": "本次训练的链接"},
    "playground.copied": {"en": "Link copied.", "zh": "链接已复制。"},
    "playground.status": {
        "en": "step {step} · train loss {train} · validation loss {validation}",
        "zh": "第 {step} 步 · 训练损失 {train} · 验证损失 {validation}",
    },
    "playground.grid_now": {"en": "current grid: G = {grid}", "zh": "当前网格：G = {grid}"},
    "playground.predicted": {"en": "predicted density", "zh": "预测密度"},
    "playground.truth": {"en": "true density", "zh": "真实密度"},
    "playground.loss": {"en": "loss (log scale) against step", "zh": "损失（对数刻度）随步数"},
    "playground.loss.train": {"en": "train", "zh": "训练集"},
    "playground.loss.validation": {"en": "validation", "zh": "验证集"},
    "playground.views": {
        "en": "Predicted and true density on one colour scale (square root of the density), with "
        "contours at 10, 30, 50, 70 and 90 % of the true density's peak",
        "zh": "预测密度与真实密度使用同一色标（密度的平方根），等高线位于真实密度峰值的 10%、30%、50%、70% 与 90%",
    },
    "playground.network_view": {
        "en": "The network as pykan draws it: each edge's activation on the edge, faded by "
        "its importance. Point at an edge, or pick it below, to see it large.",
        "zh": "按 pykan 的方式绘制的网络：每条边上画出它的激活函数，颜色深浅表示重要性。"
        "指向一条边或在下方选择，可放大查看。",
    },
    "playground.edge_pick": {"en": "edge shown large", "zh": "放大显示的边"},
    "playground.edge": {"en": "layer {layer}: input {i} → node {j}", "zh": "第 {layer} 层：输入 {i} → 节点 {j}"},
    "playground.knots": {"en": "knots", "zh": "样条节点"},
    "playground.diverged": {
        "en": "Training diverged at step {step}: the loss stopped being a finite number or rose "
        "far above where it started. Lower the learning rate, then reset.",
        "zh": "训练在第 {step} 步发散：损失不再是有限数，或远高于起始值。请降低学习率后重置。",
    },
    "playground.error": {"en": "The playground stopped: {message}", "zh": "训练场已停止：{message}"},
    "playground.notes": {"en": "The link's settings were corrected:", "zh": "链接中的设置已被更正："},
    "playground.note.unknown": {"en": "unknown setting “{key}” ignored", "zh": "已忽略未知设置“{key}”"},
    "playground.note.invalid": {"en": "“{key}” was not valid; {value} is used", "zh": "“{key}”无效，改用 {value}"},
    "playground.note.clamped": {
        "en": "“{key}” was out of range; {value} is used",
        "zh": "“{key}”超出范围，改用 {value}",
    },
    "playground.note.truncated": {
        "en": "the link was too long; only its first {value} characters or fields were read",
        "zh": "链接过长，只读取了前 {value} 个字符或字段",
    },
    # -- report tables: grid RMSE, borderline verdicts, the read-back on every preset ----
    "table.rmse_grid": {"en": "grid RMSE [95% interval]", "zh": "网格 RMSE [95% 区间]"},
    "verdict.borderline_mark": {
        "en": " (borderline: {raw} before Holm's correction)",
        "zh": "（临界：Holm 校正前为“{raw}”）",
    },
    "table.readback.center": {"en": "center RMSE: KAN / EM", "zh": "中心 RMSE：KAN / EM"},
    "table.readback.center_init": {
        "en": "center RMSE: KAN / EM / k-means start",
        "zh": "中心 RMSE：KAN / EM / k-means 起点",
    },
    "table.readback.center_ratio": {
        "en": "center error, KAN / EM [95% interval]",
        "zh": "中心误差之比 KAN / EM [95% 区间]",
    },
    "table.readback.scale": {"en": "scale RMSE: KAN / EM", "zh": "尺度 RMSE：KAN / EM"},
    "table.readback.scale_ratio": {
        "en": "scale error, KAN / EM [95% interval]",
        "zh": "尺度误差之比 KAN / EM [95% 区间]",
    },
    "table.readback.weight": {"en": "largest weight error: KAN / EM", "zh": "最大权重误差：KAN / EM"},
    "table.readback.p": {"en": "shape error |p̂ − p|: KAN / EM", "zh": "形状误差 |p̂ − p|：KAN / EM"},
}


def t(key: str, lang: str) -> str:
    """The string ``key`` in language ``lang``.

    Parameters
    ----------
    key : str
        A key of :data:`STRINGS`.
    lang : {"en", "zh"}

    Returns
    -------
    str

    Raises
    ------
    ValueError
        On an unknown key or language.
    """
    if lang not in LANGS:
        raise ValueError(f"The parameter 'lang' must be one of {list(LANGS)}, but got {lang!r}.")
    try:
        return STRINGS[key][lang]
    except KeyError:
        raise ValueError(f"The parameter 'key' must be a key of STRINGS, but got {key!r}.") from None


def bundle(prefixes: Iterable[str], lang: str) -> dict[str, str]:
    """Every string whose key starts with one of ``prefixes``, in ``lang`` (for the widgets' JS).

    Parameters
    ----------
    prefixes : iterable of str
        Key prefixes such as ``"viewer."``.
    lang : {"en", "zh"}

    Returns
    -------
    strings : dict
        key -> text.
    """
    prefixes = tuple(prefixes)
    return {key: t(key, lang) for key in STRINGS if key.startswith(prefixes)}
