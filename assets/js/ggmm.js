/*
 * The generalized Gaussian mixture in the browser: density, posterior, grid, sampler and
 * formula, mirroring ggmm/distribution.py (the density agrees with
 * GeneralizedGaussianMixture.pdf to 1e-6, tested in tests/test_widgets_js.py).
 *
 * A mixture is {centers: [[..D]..K], scales: [[..D]..K], weights: [..K], p: number | [..K]}.
 * One component in one dimension: p / (2 alpha Gamma(1/p)) * exp(-(|x - c| / alpha)^p).
 */
(function (root) {
  "use strict";

  var LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7];
  var HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  /** log Gamma(x) for x > 0 (Lanczos, g = 7; relative error about 1e-15). */
  function lgamma(x) {
    if (x === 1 || x === 2) return 0;
    if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
    x -= 1;
    var a = LANCZOS[0];
    var t = x + 7.5;
    for (var i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
    return HALF_LOG_2PI + (x + 0.5) * Math.log(t) - t + Math.log(a);
  }

  /** Shape of every component as an array of length K. */
  function shapes(mixture) {
    var K = mixture.weights.length;
    if (Array.isArray(mixture.p)) return mixture.p.slice();
    var out = new Array(K);
    for (var k = 0; k < K; k++) out[k] = mixture.p;
    return out;
  }

  /** Per component: log pi_k + sum_d log(p / (2 alpha_kd Gamma(1/p))). */
  function logConstants(mixture) {
    var K = mixture.weights.length, D = mixture.centers[0].length, ps = shapes(mixture);
    var out = new Float64Array(K);
    for (var k = 0; k < K; k++) {
      var p = ps[k];
      var perDim = Math.log(p) - Math.LN2 - lgamma(1 / p);
      var s = D * perDim + Math.log(mixture.weights[k]);
      for (var d = 0; d < D; d++) s -= Math.log(mixture.scales[k][d]);
      out[k] = s;
    }
    return out;
  }

  /** Weighted log density of each component at one point x (array of D). */
  function weightedLogProb(mixture, consts, ps, x, out) {
    var K = mixture.weights.length, D = x.length;
    for (var k = 0; k < K; k++) {
      var c = mixture.centers[k], a = mixture.scales[k], p = ps[k], s = 0;
      for (var d = 0; d < D; d++) s += Math.pow(Math.abs(x[d] - c[d]) / a[d], p);
      out[k] = consts[k] - s;
    }
    return out;
  }

  function logSumExp(values) {
    var m = -Infinity, i;
    for (i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
    if (m === -Infinity) return -Infinity;
    var s = 0;
    for (i = 0; i < values.length; i++) s += Math.exp(values[i] - m);
    return m + Math.log(s);
  }

  /** Log density at each point of X (array of N points, each an array of D). */
  function logpdf(mixture, X) {
    var consts = logConstants(mixture), ps = shapes(mixture);
    var buf = new Float64Array(mixture.weights.length), out = new Float64Array(X.length);
    for (var n = 0; n < X.length; n++) out[n] = logSumExp(weightedLogProb(mixture, consts, ps, X[n], buf));
    return out;
  }

  function pdf(mixture, X) {
    var lp = logpdf(mixture, X);
    for (var n = 0; n < lp.length; n++) lp[n] = Math.exp(lp[n]);
    return lp;
  }

  /** Responsibilities gamma_nk (array of N Float64Array(K)). */
  function posterior(mixture, X) {
    var consts = logConstants(mixture), ps = shapes(mixture), K = mixture.weights.length, out = [];
    for (var n = 0; n < X.length; n++) {
      var w = weightedLogProb(mixture, consts, ps, X[n], new Float64Array(K));
      var norm = logSumExp(w);
      for (var k = 0; k < K; k++) w[k] = Math.exp(w[k] - norm);
      out.push(w);
    }
    return out;
  }

  /** The exact marginal over coordinates dims (components are products over dimensions). */
  function marginal(mixture, dims) {
    return {
      centers: mixture.centers.map(function (c) { return dims.map(function (d) { return c[d]; }); }),
      scales: mixture.scales.map(function (a) { return dims.map(function (d) { return a[d]; }); }),
      weights: mixture.weights.slice(),
      p: Array.isArray(mixture.p) ? mixture.p.slice() : mixture.p
    };
  }

  function linspace(lo, hi, n) {
    var out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = lo + (hi - lo) * i / (n - 1);
    return out;
  }

  /**
   * Density of the (x1, x2) marginal on a grid: z[j][i] = P(xs[i], ys[j]) (rows along y, as Plotly wants).
   */
  function grid(mixture, xs, ys) {
    var m = mixture.centers[0].length > 2 ? marginal(mixture, [0, 1]) : mixture;
    var consts = logConstants(m), ps = shapes(m), buf = new Float64Array(m.weights.length);
    var pt = [0, 0], z = new Array(ys.length);
    for (var j = 0; j < ys.length; j++) {
      var rowj = new Array(xs.length);
      pt[1] = ys[j];
      for (var i = 0; i < xs.length; i++) {
        pt[0] = xs[i];
        rowj[i] = Math.exp(logSumExp(weightedLogProb(m, consts, ps, pt, buf)));
      }
      z[j] = rowj;
    }
    return z;
  }

  // -- randomness -----------------------------------------------------------

  /** mulberry32: a small seeded PRNG giving floats in [0, 1). */
  function mulberry32(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** Standard normal (Box-Muller). */
  function normal(rng) {
    var u = 1 - rng(), v = rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang; shape < 1 via Gamma(shape + 1) * U^(1/shape). */
  function gamma(rng, shape) {
    if (!(shape > 0)) throw new Error("gamma: shape must be > 0, got " + shape);
    if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng(), 1 / shape);
    var d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
    for (;;) {
      var x = normal(rng), v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      var u = 1 - rng();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /**
   * n samples: a component drawn by weight, then per coordinate |x - c| / alpha = G^(1/p),
   * G ~ Gamma(1/p, 1), times a random sign.
   * @returns {{x: number[][], labels: number[]}}
   */
  function sample(mixture, n, seed) {
    var rng = mulberry32(seed), ps = shapes(mixture), K = mixture.weights.length, D = mixture.centers[0].length;
    var total = 0, k;
    for (k = 0; k < K; k++) total += mixture.weights[k];
    var x = new Array(n), labels = new Array(n);
    for (var i = 0; i < n; i++) {
      var u = rng() * total, acc = 0;
      for (k = 0; k < K - 1; k++) { acc += mixture.weights[k]; if (u < acc) break; }
      var p = ps[k], point = new Array(D);
      for (var d = 0; d < D; d++) {
        var r = Math.pow(gamma(rng, 1 / p), 1 / p);
        var sign = rng() < 0.5 ? -1 : 1;
        point[d] = mixture.centers[k][d] + sign * mixture.scales[k][d] * r;
      }
      x[i] = point;
      labels[i] = k;
    }
    return { x: x, labels: labels };
  }

  // -- formula --------------------------------------------------------------

  /** Python's format(value, ".{digits}g"). */
  function fmtG(value, digits) {
    if (value === 0) return "0";
    if (!isFinite(value)) return String(value);
    var exp = parseInt(Math.abs(value).toExponential(digits - 1).split("e")[1], 10);
    var text;
    if (exp < -4 || exp >= digits) {
      var parts = value.toExponential(digits - 1).split("e");
      var mant = parts[0].indexOf(".") >= 0 ? parts[0].replace(/0+$/, "").replace(/\.$/, "") : parts[0];
      var e = parseInt(parts[1], 10);
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
    var ps = shapes(mixture), K = mixture.weights.length, D = mixture.centers[0].length, out = [];
    for (var k = 0; k < K; k++) {
      var p = ps[k], logEta = 0, dims = [];
      for (var d = 0; d < D; d++) {
        logEta += Math.log(p) - Math.LN2 - lgamma(1 / p) - Math.log(mixture.scales[k][d]);
        dims.push([mixture.centers[k][d], mixture.scales[k][d], p]);
      }
      out.push({ coef: mixture.weights[k] * Math.exp(logEta), dims: dims });
    }
    return out;
  }

  /** The density formula with the current parameters (LaTeX aligned environment, as in Python). */
  function formulaLatex(mixture) {
    var D = mixture.centers[0].length, K = mixture.weights.length, args = [];
    for (var d = 0; d < D; d++) args.push("x_{" + (d + 1) + "}");
    var lines = ["P(" + args.join(", ") + ") &= \\sum_{k=1}^{" + K + "} \\pi_k \\prod_{d=1}^{" + D + "} " +
      "\\frac{p_k}{2\\alpha_{kd}\\Gamma(1/p_k)} \\exp\\!\\left(-\\left|\\frac{x_d - c_{kd}}{\\alpha_{kd}}\\right|^{p_k}\\right)"];
    componentFactors(mixture).forEach(function (f, k) {
      var terms = f.dims.map(function (cap, d) {
        return "\\left|\\frac{" + shifted("x_{" + (d + 1) + "}", cap[0]) + "}{" + fmtG(cap[1], 3) + "}\\right|^{" + fmtG(cap[2], 3) + "}";
      }).join(" - ");
      lines.push((k === 0 ? "&= " : "&\\quad + ") + fmtG(f.coef, 4) + "\\, \\exp\\!\\left(-" + terms + "\\right)");
    });
    return "\\begin{aligned}" + lines.join(" \\\\ ") + "\\end{aligned}";
  }

  function escapeHtml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  /** The same formula as HTML (for pages without MathJax), as ggmm_build.figures.formula_html. */
  function formulaHtml(mixture) {
    var D = mixture.centers[0].length, args = [];
    for (var d = 0; d < D; d++) args.push("x<sub>" + (d + 1) + "</sub>");
    var lines = componentFactors(mixture).map(function (f, k) {
      var terms = f.dims.map(function (cap, dd) {
        var v = "x" + (dd + 1);
        var s = escapeHtml(shifted(v, cap[0])).replace(v, "x<sub>" + (dd + 1) + "</sub>");
        return "|(" + s + ") / " + fmtG(cap[1], 3) + "|<sup>" + fmtG(cap[2], 3) + "</sup>";
      }).join(" \u2212 ");
      var lead = k === 0 ? "P(" + args.join(", ") + ") = " : "+ ";
      return '<div class="ggmm-formula-line">' + lead + fmtG(f.coef, 4) + " \u00b7 exp(\u2212" + terms + ")</div>";
    });
    return '<div class="ggmm-formula-html">' + lines.join("") + "</div>";
  }

  var api = {
    lgamma: lgamma, shapes: shapes, logpdf: logpdf, pdf: pdf, posterior: posterior, marginal: marginal,
    grid: grid, linspace: linspace, mulberry32: mulberry32, normal: normal, gamma: gamma, sample: sample,
    fmtG: fmtG, formulaLatex: formulaLatex, formulaHtml: formulaHtml, escapeHtml: escapeHtml
  };
  root.GGMM = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
