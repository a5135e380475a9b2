/*
 * The generalized Gaussian mixture in the explorer: log density, posterior, marginals, the density
 * grid of the contour map and the formula, mirroring ggmm/distribution.py (tested against ggmm in
 * tests/test_widgets_js.py, which runs tests/js/widgets_ggmm.test.js under Node).
 *
 * The density itself, log Gamma and the seeded sampler (mulberry32, Marsaglia and Tsang's gamma)
 * are the playground's (assets/js/playground/ggmm.js): one copy of that arithmetic serves both.
 *
 * A mixture is {centers: [[..D]..K], scales: [[..D]..K], weights: [..K], p: number | [..K]}.
 * One component in one dimension: p / (2 alpha Gamma(1/p)) * exp(-(|x - c| / alpha)^p).
 */
import { gamma, lgamma, mulberry32, normal, pdf as pdfFlat, sample as sampleFlat, shapes } from "./playground/ggmm.js";

export { gamma, lgamma, mulberry32, normal, shapes };

/** Per component: log pi_k + sum_d log(p / (2 alpha_kd Gamma(1/p))). */
function logConstants(mixture) {
  const K = mixture.weights.length, D = mixture.centers[0].length, ps = shapes(mixture);
  const out = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const p = ps[k];
    const perDim = Math.log(p) - Math.LN2 - lgamma(1 / p);
    let s = D * perDim + Math.log(mixture.weights[k]);
    for (let d = 0; d < D; d++) s -= Math.log(mixture.scales[k][d]);
    out[k] = s;
  }
  return out;
}

/** Weighted log density of each component at one point x (array of D). */
function weightedLogProb(mixture, consts, ps, x, out) {
  const K = mixture.weights.length, D = x.length;
  for (let k = 0; k < K; k++) {
    const c = mixture.centers[k], a = mixture.scales[k], p = ps[k];
    let s = 0;
    for (let d = 0; d < D; d++) s += Math.pow(Math.abs(x[d] - c[d]) / a[d], p);
    out[k] = consts[k] - s;
  }
  return out;
}

function logSumExp(values) {
  let m = -Infinity, i;
  for (i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (i = 0; i < values.length; i++) s += Math.exp(values[i] - m);
  return m + Math.log(s);
}

/** Log density at each point of X (array of N points, each an array of D). */
export function logpdf(mixture, X) {
  const consts = logConstants(mixture), ps = shapes(mixture);
  const buf = new Float64Array(mixture.weights.length), out = new Float64Array(X.length);
  for (let n = 0; n < X.length; n++) out[n] = logSumExp(weightedLogProb(mixture, consts, ps, X[n], buf));
  return out;
}

/** Density at each point of X (array of N points, each an array of D). */
export function pdf(mixture, X) {
  return pdfFlat(mixture, flatten(X), X.length);
}

/** Responsibilities gamma_nk (array of N Float64Array(K)). */
export function posterior(mixture, X) {
  const consts = logConstants(mixture), ps = shapes(mixture), K = mixture.weights.length, out = [];
  for (let n = 0; n < X.length; n++) {
    const w = weightedLogProb(mixture, consts, ps, X[n], new Float64Array(K));
    const norm = logSumExp(w);
    for (let k = 0; k < K; k++) w[k] = Math.exp(w[k] - norm);
    out.push(w);
  }
  return out;
}

/** The exact marginal over coordinates dims (components are products over dimensions). */
export function marginal(mixture, dims) {
  return {
    centers: mixture.centers.map(function (c) { return dims.map(function (d) { return c[d]; }); }),
    scales: mixture.scales.map(function (a) { return dims.map(function (d) { return a[d]; }); }),
    weights: mixture.weights.slice(),
    p: Array.isArray(mixture.p) ? mixture.p.slice() : mixture.p
  };
}

export function linspace(lo, hi, n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * i / (n - 1);
  return out;
}

/**
 * Density of the (x1, x2) marginal on a grid: z[j][i] = P(xs[i], ys[j]) (rows along y, as Plotly wants).
 */
export function grid(mixture, xs, ys) {
  const m = mixture.centers[0].length > 2 ? marginal(mixture, [0, 1]) : mixture;
  const nx = xs.length, ny = ys.length, pts = new Float64Array(2 * nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) { pts[2 * (j * nx + i)] = xs[i]; pts[2 * (j * nx + i) + 1] = ys[j]; }
  }
  const flat = pdfFlat(m, pts, nx * ny), z = new Array(ny);
  for (let r = 0; r < ny; r++) z[r] = Array.prototype.slice.call(flat.subarray(r * nx, (r + 1) * nx));
  return z;
}

/** Points (arrays of D) as one flat Float64Array (n, D), the playground's layout. */
function flatten(X) {
  const D = X.length ? X[0].length : 0, out = new Float64Array(X.length * D);
  for (let n = 0; n < X.length; n++) for (let d = 0; d < D; d++) out[n * D + d] = X[n][d];
  return out;
}

/**
 * n samples: a component drawn by weight, then per coordinate |x - c| / alpha = G^(1/p),
 * G ~ Gamma(1/p, 1), times a random sign (the playground's sampler, as rows).
 * @returns {{x: number[][], labels: number[]}}
 */
export function sample(mixture, n, seed) {
  const D = mixture.centers[0].length, out = sampleFlat(mixture, n, seed), x = new Array(n);
  for (let i = 0; i < n; i++) x[i] = Array.prototype.slice.call(out.x.subarray(i * D, (i + 1) * D));
  return { x: x, labels: Array.from(out.labels) };
}

// -- formula --------------------------------------------------------------

/** Python's format(value, ".{digits}g"). */
export function fmtG(value, digits) {
  if (value === 0) return "0";
  if (!isFinite(value)) return String(value);
  const exp = parseInt(Math.abs(value).toExponential(digits - 1).split("e")[1], 10);
  let text;
  if (exp < -4 || exp >= digits) {
    const parts = value.toExponential(digits - 1).split("e");
    const mant = parts[0].indexOf(".") >= 0 ? parts[0].replace(/0+$/, "").replace(/\.$/, "") : parts[0];
    const e = parseInt(parts[1], 10);
    text = mant + "e" + (e < 0 ? "-" : "+") + (Math.abs(e) < 10 ? "0" : "") + Math.abs(e);
  } else {
    text = value.toFixed(Math.max(0, digits - 1 - exp));
    if (text.indexOf(".") >= 0) text = text.replace(/0+$/, "").replace(/\.$/, "");
  }
  return text === "-0" ? "0" : text;
}

function shifted(v, c) {
  if (Math.abs(c) < 5e-13) return v;
  return v + " " + (c > 0 ? "-" : "+") + " " + fmtG(Math.abs(c), 3);
}

function componentFactors(mixture) {
  const ps = shapes(mixture), K = mixture.weights.length, D = mixture.centers[0].length, out = [];
  for (let k = 0; k < K; k++) {
    const p = ps[k], dims = [];
    let logEta = 0;
    for (let d = 0; d < D; d++) {
      logEta += Math.log(p) - Math.LN2 - lgamma(1 / p) - Math.log(mixture.scales[k][d]);
      dims.push([mixture.centers[k][d], mixture.scales[k][d], p]);
    }
    out.push({ coef: mixture.weights[k] * Math.exp(logEta), dims: dims });
  }
  return out;
}

/** The density formula with the current parameters (LaTeX aligned environment, as in Python). */
export function formulaLatex(mixture) {
  const D = mixture.centers[0].length, K = mixture.weights.length, args = [];
  for (let d = 0; d < D; d++) args.push("x_{" + (d + 1) + "}");
  const lines = ["P(" + args.join(", ") + ") &= \\sum_{k=1}^{" + K + "} \\pi_k \\prod_{d=1}^{" + D + "} " +
    "\\frac{p_k}{2\\alpha_{kd}\\Gamma(1/p_k)} \\exp\\!\\left(-\\left|\\frac{x_d - c_{kd}}{\\alpha_{kd}}\\right|^{p_k}\\right)"];
  componentFactors(mixture).forEach(function (f, k) {
    const terms = f.dims.map(function (cap, d) {
      return "\\left|\\frac{" + shifted("x_{" + (d + 1) + "}", cap[0]) + "}{" + fmtG(cap[1], 3) + "}\\right|^{" + fmtG(cap[2], 3) + "}";
    }).join(" - ");
    lines.push((k === 0 ? "&= " : "&\\quad + ") + fmtG(f.coef, 4) + "\\, \\exp\\!\\left(-" + terms + "\\right)");
  });
  return "\\begin{aligned}" + lines.join(" \\\\ ") + "\\end{aligned}";
}

export function escapeHtml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The same formula as HTML (for pages without MathJax), as ggmm_build.figures.formula_html. */
export function formulaHtml(mixture) {
  const D = mixture.centers[0].length, args = [];
  for (let d = 0; d < D; d++) args.push("x<sub>" + (d + 1) + "</sub>");
  const lines = componentFactors(mixture).map(function (f, k) {
    const terms = f.dims.map(function (cap, dd) {
      const v = "x" + (dd + 1);
      const s = escapeHtml(shifted(v, cap[0])).replace(v, "x<sub>" + (dd + 1) + "</sub>");
      return "|(" + s + ") / " + fmtG(cap[1], 3) + "|<sup>" + fmtG(cap[2], 3) + "</sup>";
    }).join(" \u2212 ");
    const lead = k === 0 ? "P(" + args.join(", ") + ") = " : "+ ";
    return '<div class="ggmm-formula-line">' + lead + fmtG(f.coef, 4) + " \u00b7 exp(\u2212" + terms + ")</div>";
  });
  return '<div class="ggmm-formula-html">' + lines.join("") + "</div>";
}
