/*
 * The two tasks and the training session the worker runs.
 *
 * Density regression (the original coursework's task): the network's output is the
 * density itself at the training samples plus uniform domain points; the objective is the
 * mean squared error divided by the targets' variance, the loss shown is the RMSE.
 *
 * Maximum-likelihood density estimation (the report's KAN density,
 * ggmm/estimators/kan_density.py): q_box(x) = exp(f(x)) / Z on the samples' box widened by
 * 10 %, Z by the midpoint rule on a 48 x 48 grid shifted by a fresh random offset every
 * step; the objective is the mean negative log-likelihood of the training samples; the
 * validation loss is the held-out NLL under q = (1 - eps) q_box + eps * (Laplace tail).
 *
 * Inputs reach the network scaled from the box to [-1, 1]^2, as in the report.
 */

import { createKAN, forward, predict } from "./kan.js";
import { adamStep, backward, createAdam, regularization } from "./training.js";
import { refine, updateGrid } from "./grids.js";
import { attribute, prune } from "./pruning.js";
import { mulberry32, pdf, sample } from "./ggmm.js";

/** A run whose loss rises this many times max(1, |initial loss|) above its start has diverged. */
export const DIVERGED = 100;

// -- objectives (shared with the agreement tests) ------------------------------------

/**
 * Regression objective mean((f(x) - y)^2) / scale + lamb * reg and its gradients.
 * @returns {{objective: number, loss: number, grads: object[]}} loss is the RMSE
 */
export function regressionObjective(model, X, y, n, scale, lamb = 0) {
  const fw = forward(model, X, n, true), out = fw.out, dOut = new Float64Array(n);
  let mse = 0;
  for (let p = 0; p < n; p++) {
    const r = out[p] - y[p];
    mse += r * r / n;
    dOut[p] = 2 * r / (n * scale);
  }
  const reg = lamb > 0 ? regularization(model, fw, lamb, true) : null;
  const grads = backward(model, fw, dOut, reg);
  return { objective: mse / scale + (reg ? lamb * reg.value : 0), loss: Math.sqrt(mse), grads, fw };
}

/** log(sum(exp(v))) of a slice. */
function logSumExp(v, from, to) {
  let m = -Infinity;
  for (let a = from; a < to; a++) if (v[a] > m) m = v[a];
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (let a = from; a < to; a++) s += Math.exp(v[a] - m);
  return m + Math.log(s);
}

/** Midpoints of an n x n partition of [-1, 1]^2, shifted by (sx, sy): (n * n, 2), first axis slowest. */
export function midpointGrid(nq, sx = 0, sy = 0) {
  const out = new Float64Array(nq * nq * 2), h = 2 / nq;
  for (let a = 0; a < nq; a++) {
    for (let b = 0; b < nq; b++) {
      out[(a * nq + b) * 2] = -1 + (a + 0.5) * h + sx;
      out[(a * nq + b) * 2 + 1] = -1 + (b + 0.5) * h + sy;
    }
  }
  return out;
}

/** log Z = logsumexp(f(quad)) - log(#quad) + log(box volume), as the Python estimator. */
export function logNormalizer(model, quad, nQuad, logVolume) {
  const f = predict(model, quad, nQuad);
  return logSumExp(f, 0, nQuad) - Math.log(nQuad) + logVolume;
}

/**
 * Density objective: -mean f(x_data) + log Z(quad) (+ lamb * reg), on one batch holding
 * the data then the quadrature nodes, as the estimator's forward pass.
 * @param {Float64Array} X (nData + nQuad, 2)
 */
export function densityObjective(model, X, nData, nQuad, logVolume, lamb = 0) {
  const n = nData + nQuad, fw = forward(model, X, n, true), out = fw.out, dOut = new Float64Array(n);
  let mean = 0;
  for (let p = 0; p < nData; p++) { mean += out[p] / nData; dOut[p] = -1 / nData; }
  const lse = logSumExp(out, nData, n);
  for (let p = nData; p < n; p++) dOut[p] = Math.exp(out[p] - lse);
  const nll = -mean + lse - Math.log(nQuad) + logVolume;
  const reg = lamb > 0 ? regularization(model, fw, lamb, true) : null;
  const grads = backward(model, fw, dOut, reg);
  return { objective: nll + (reg ? lamb * reg.value : 0), loss: nll, grads, fw };
}

/** pykan's grid schedule in the report's trainer: every max(1, steps // 20) steps in the first half. */
export function gridUpdateDue(local, steps) {
  const every = Math.max(1, Math.floor(steps / 20));
  return local < Math.floor(steps / 2) && local % every === 0;
}

// -- data ------------------------------------------------------------------------

/** The samples' bounding box widened by `margin` of its width per side: [[lo, hi], [lo, hi]]. */
export function dataBox(x, n, margin) {
  const box = [];
  for (let d = 0; d < 2; d++) {
    let lo = Infinity, hi = -Infinity;
    for (let p = 0; p < n; p++) { lo = Math.min(lo, x[p * 2 + d]); hi = Math.max(hi, x[p * 2 + d]); }
    const w = Math.max(hi - lo, 1e-9);
    box.push([lo - margin * w, hi + margin * w]);
  }
  return box;
}

function toUnit(x, n, box) {
  const out = new Float64Array(n * 2);
  for (let p = 0; p < n; p++) {
    for (let d = 0; d < 2; d++) {
      const c = (box[d][0] + box[d][1]) / 2, h = (box[d][1] - box[d][0]) / 2;
      out[p * 2 + d] = (x[p * 2 + d] - c) / h;
    }
  }
  return out;
}

export function fromUnit(u, n, box) {
  const out = new Float64Array(n * 2);
  for (let p = 0; p < n; p++) {
    for (let d = 0; d < 2; d++) {
      const c = (box[d][0] + box[d][1]) / 2, h = (box[d][1] - box[d][0]) / 2;
      out[p * 2 + d] = u[p * 2 + d] * h + c;
    }
  }
  return out;
}

function uniformPoints(rng, n) {
  const out = new Float64Array(n * 2);
  for (let a = 0; a < n * 2; a++) out[a] = rng() * 2 - 1;
  return out;
}

function concat(a, b) {
  const out = new Float64Array(a.length + b.length);
  out.set(a); out.set(b, a.length);
  return out;
}

/** Per-axis median and mean absolute deviation: the Laplace tail of the density task. */
function laplaceTail(x, n) {
  const center = [0, 0], scale = [0, 0];
  for (let d = 0; d < 2; d++) {
    const col = new Float64Array(n);
    for (let p = 0; p < n; p++) col[p] = x[p * 2 + d];
    col.sort();
    center[d] = n % 2 ? col[(n - 1) / 2] : (col[n / 2 - 1] + col[n / 2]) / 2;
    let s = 0;
    for (let p = 0; p < n; p++) s += Math.abs(col[p] - center[d]) / n;
    scale[d] = Math.max(s, 1e-6);
  }
  return { center, scale };
}

// -- the session -----------------------------------------------------------------------

/**
 * Everything that defines a run, from the settings (see state.js): data, network,
 * optimizer, and the step counter. Reset rebuilds the same initialization.
 */
export class Session {
  constructor(settings) {
    this.settings = settings;
    this.prepareData();
    this.reset();
  }

  prepareData() {
    const s = this.settings, N = s.samples;
    const drawn = sample(s.mixture, N, s.seed);
    // a seeded split: 20 % of the samples held out for validation
    const rng = mulberry32((s.seed * 2654435761 + 17) >>> 0);
    const order = Array.from({ length: N }, (_, a) => a);
    for (let a = N - 1; a > 0; a--) { const b = Math.floor(rng() * (a + 1)); [order[a], order[b]] = [order[b], order[a]]; }
    const nVal = Math.max(1, Math.round(0.2 * N)), nTrain = N - nVal;
    const pick = (ids) => { const o = new Float64Array(ids.length * 2); ids.forEach((id, q) => { o[q * 2] = drawn.x[id * 2]; o[q * 2 + 1] = drawn.x[id * 2 + 1]; }); return o; };
    this.trainData = pick(order.slice(nVal));
    this.valData = pick(order.slice(0, nVal));
    this.nTrain = nTrain; this.nVal = nVal;
    const margin = s.task === "density" ? 0.1 : 0.25;
    this.box = dataBox(drawn.x, N, margin);
    this.logVolume = Math.log(this.box[0][1] - this.box[0][0]) + Math.log(this.box[1][1] - this.box[1][0]);
    const uTrain = toUnit(this.trainData, nTrain, this.box);
    this.uVal = toUnit(this.valData, nVal, this.box);
    const extra = uniformPoints(mulberry32((s.seed + 0x51ED) >>> 0), s.task === "density" ? nTrain : Math.round(0.5 * nTrain));
    // the inputs of pykan's grid updates: the samples plus uniform points (as the estimators)
    this.xFit = concat(uTrain, extra);
    this.nFit = this.xFit.length / 2;
    this.uTrain = uTrain;
    if (s.task === "regression") {
      this.yFit = pdf(s.mixture, fromUnit(this.xFit, this.nFit, this.box), this.nFit);
      this.yVal = pdf(s.mixture, this.valData, nVal);
      let mean = 0, v = 0;
      for (const t of this.yFit) mean += t / this.nFit;
      for (const t of this.yFit) v += (t - mean) ** 2 / (this.nFit - 1);
      this.scale = v || 1;
    } else {
      this.tail = laplaceTail(concat(this.trainData, this.valData), N);
      this.eps = 4 / (N + 1);
      this.quad = midpointGrid(s.quad);
      this.nQuad = s.quad * s.quad;
    }
  }

  reset() {
    const s = this.settings;
    this.model = createKAN(s.width, s.grid, s.k, mulberry32((s.seed ^ 0x2545F491) >>> 0));
    this.adam = createAdam(this.model, s.lr);
    this.step = 0; this.local = 0; this.stageSteps = s.steps;
    this.shiftRng = mulberry32((s.seed + 0xC0FFEE) >>> 0);
    this.batchRng = mulberry32((s.seed + 0xBA7C4) >>> 0);
    this.trainLoss = NaN; this.diverged = false; this.initialLoss = undefined;
    this.validationLoss = this.computeValidation();
  }

  setLearningRate(lr) { this.settings.lr = lr; this.adam.lr = lr; }

  /** The rows of the training batch this step (all of them in full batch). */
  batchRows(nRows) {
    const b = this.settings.batch;
    if (!b || b >= nRows) return null;
    const rows = new Int32Array(b);
    for (let a = 0; a < b; a++) rows[a] = Math.floor(this.batchRng() * nRows);
    return rows;
  }

  /** One optimizer step (with a grid update first when the schedule says so). */
  trainStep() {
    const s = this.settings;
    if (s.gridUpdate && gridUpdateDue(this.local, this.stageSteps)) updateGrid(this.model, this.xFit, this.nFit);
    let r;
    if (s.task === "regression") {
      const rows = this.batchRows(this.nFit);
      if (rows) {
        const X = new Float64Array(rows.length * 2), y = new Float64Array(rows.length);
        rows.forEach((row, q) => { X[q * 2] = this.xFit[row * 2]; X[q * 2 + 1] = this.xFit[row * 2 + 1]; y[q] = this.yFit[row]; });
        r = regressionObjective(this.model, X, y, rows.length, this.scale, s.lamb);
      } else {
        r = regressionObjective(this.model, this.xFit, this.yFit, this.nFit, this.scale, s.lamb);
      }
    } else {
      const rows = this.batchRows(this.nTrain), nData = rows ? rows.length : this.nTrain;
      const h = 2 / s.quad, sx = (this.shiftRng() - 0.5) * h, sy = (this.shiftRng() - 0.5) * h;
      const X = new Float64Array((nData + this.nQuad) * 2);
      if (rows) rows.forEach((row, q) => { X[q * 2] = this.uTrain[row * 2]; X[q * 2 + 1] = this.uTrain[row * 2 + 1]; });
      else X.set(this.uTrain);
      for (let q = 0; q < this.nQuad; q++) {
        X[(nData + q) * 2] = this.quad[q * 2] + sx;
        X[(nData + q) * 2 + 1] = this.quad[q * 2 + 1] + sy;
      }
      r = densityObjective(this.model, X, nData, this.nQuad, this.logVolume, s.lamb);
    }
    // diverged: a loss that is not finite, or one far above where the run started
    if (this.step === 0 || this.initialLoss === undefined) this.initialLoss = r.loss;
    if (!Number.isFinite(r.objective) || !Number.isFinite(r.loss)
        || r.loss > this.initialLoss + DIVERGED * Math.max(1, Math.abs(this.initialLoss))) {
      this.diverged = true;
      return r.loss;
    }
    adamStep(this.model, this.adam, r.grads);
    this.step += 1; this.local += 1;
    this.trainLoss = r.loss;
    if (!this.modelFinite()) { this.diverged = true; return NaN; }
    return r.loss;
  }

  modelFinite() {
    return this.model.layers.every((L) => L.coef.every(Number.isFinite) && L.scaleBase.every(Number.isFinite)
      && L.scaleSp.every(Number.isFinite));
  }

  /** Held-out loss: RMSE of the density (regression) or NLL under q (density). */
  computeValidation() {
    const f = predict(this.model, this.uVal, this.nVal);
    if (this.settings.task === "regression") {
      let s = 0;
      for (let p = 0; p < this.nVal; p++) s += (Math.max(f[p], 0) - this.yVal[p]) ** 2;
      return Math.sqrt(s / this.nVal);
    }
    const logZ = logNormalizer(this.model, this.quad, this.nQuad, this.logVolume);
    const lq = this.logDensity(f, this.valData, this.nVal, logZ);
    let s = 0;
    for (const v of lq) s -= v / this.nVal;
    return s;
  }

  /** log q at data points whose network outputs are f (all inside the box). */
  logDensity(f, x, n, logZ) {
    const { center, scale } = this.tail, out = new Float64Array(n);
    const a = Math.log1p(-this.eps), b = Math.log(this.eps);
    for (let p = 0; p < n; p++) {
      let lt = 0;
      for (let d = 0; d < 2; d++) lt -= Math.abs(x[p * 2 + d] - center[d]) / scale[d] + Math.log(2 * scale[d]);
      const u = a + f[p] - logZ, v = b + lt, m = Math.max(u, v);
      out[p] = m + Math.log(Math.exp(u - m) + Math.exp(v - m));
    }
    return out;
  }

  /** Predicted and true density on an m x m grid over the box (row = y, column = x). */
  densityGrid(m) {
    const u = new Float64Array(m * m * 2);
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) { u[(r * m + c) * 2] = -1 + (c + 0.5) * 2 / m; u[(r * m + c) * 2 + 1] = -1 + (r + 0.5) * 2 / m; }
    }
    const x = fromUnit(u, m * m, this.box), f = predict(this.model, u, m * m);
    let predicted;
    if (this.settings.task === "regression") predicted = f.map((v) => Math.max(v, 0));
    else {
      const logZ = logNormalizer(this.model, this.quad, this.nQuad, this.logVolume);
      predicted = this.logDensity(f, x, m * m, logZ).map(Math.exp);
    }
    return { predicted, truth: pdf(this.settings.mixture, x, m * m) };
  }

  /** Every edge's curve over its inputs' range on the training points, and its importance. */
  edges(samples = 48, rows = 512) {
    // the view's curves and importances from an evenly spaced subset of the fitting points
    const n = Math.min(rows, this.nFit), every = this.nFit / n, X = new Float64Array(n * 2);
    for (let a = 0; a < n; a++) { const r = Math.floor(a * every); X[a * 2] = this.xFit[r * 2]; X[a * 2 + 1] = this.xFit[r * 2 + 1]; }
    const fw = forward(this.model, X, n, false);
    const scores = attribute(this.model, X, n).edgeScores;
    return this.model.layers.map((L, l) => {
      const x = fw.acts[l], nIn = L.inDim, out = [];
      for (let i = 0; i < nIn; i++) {
        let lo = Infinity, hi = -Infinity;
        for (let p = 0; p < n; p++) { lo = Math.min(lo, x[p * nIn + i]); hi = Math.max(hi, x[p * nIn + i]); }
        const ts = new Float64Array(samples * nIn);
        for (let a = 0; a < samples; a++) ts[a * nIn + i] = lo + (hi - lo) * a / (samples - 1);
        const one = { ...this.model, layers: [L] };
        const ff = forward(one, ts, samples, true).cache[0];
        const knots = Array.from(L.grid.subarray(i * (L.num + 2 * L.k + 1) + L.k, i * (L.num + 2 * L.k + 1) + L.k + L.num + 1));
        for (let j = 0; j < L.outDim; j++) {
          const e = i * L.outDim + j, ys = new Float64Array(samples);
          for (let a = 0; a < samples; a++) {
            const q = a * nIn + i;
            ys[a] = L.mask[e] * (L.scaleBase[e] * ff.base[q] + L.scaleSp[e] * ff.spl[q * L.outDim + j]);
          }
          out.push({ layer: l, i, j, lo, hi, ys, knots, score: scores[l][e], live: L.mask[e] > 0 });
        }
      }
      return out;
    }).flat();
  }

  prune() {
    prune(this.model, this.xFit, this.nFit);
    this.newStage();
  }

  refine() {
    this.model = refine(this.model, this.xFit, this.nFit, Math.min(2 * this.model.num, 60));
    this.newStage();
  }

  newStage() {
    this.adam = createAdam(this.model, this.settings.lr);
    this.local = 0;
    this.validationLoss = this.computeValidation();
  }
}
