/*
 * pykan's KAN (kan.MultKAN with sums only, no symbolic branch) in float64 typed arrays: the
 * network's layers, pykan's initialization, the forward pass and pykan's layout. The B-spline
 * basis is in bspline.js, the training step's gradients and Adam in training.js, grid update
 * and refine in grids.js, attribution scores and pruning in pruning.js.
 *
 * One edge (layer l, input i, output j):
 *   phi(x) = mask_ij * (scale_base_ij * silu(x) + scale_sp_ij * sum_b coef_ijb B_b(x)),
 * a node sums its incoming edges, then pykan's subnode and node affine maps apply
 * (scale 1, bias 0 unless a loaded model says otherwise).
 *
 * Layout (pykan's, flattened row-major):
 *   grid (in, G + 2k + 1), coef (in, out, G + k), scale_base / scale_sp / mask (in, out).
 * A batch of points is a Float64Array of n * dim values, sample-major.
 */

import { basisFast, curve2coef, spans, uniformGrid } from "./bspline.js";

/** A layer's sizes. */
export function dims(layer) {
  return { nIn: layer.inDim, nOut: layer.outDim, nb: layer.num + layer.k, ng: layer.num + 2 * layer.k + 1 };
}

// -- the network ------------------------------------------------------------------

/**
 * A new network with pykan's initialization, drawn from `rng` (floats in [0, 1)).
 * @param {number[]} width e.g. [2, 5, 1]
 * @param {number} num grid intervals G
 * @param {number} k spline order
 * @param {function(): number} rng
 * @param {number} noiseScale pykan's noise_scale (0.3 in this project)
 */
export function createKAN(width, num, k, rng, noiseScale = 0.3) {
  const layers = [];
  for (let l = 0; l + 1 < width.length; l++) {
    const nIn = width[l], nOut = width[l + 1], grid = uniformGrid(nIn, num, k);
    const ng = num + 2 * k + 1;
    // noises (G + 1, in, out) at the G + 1 interior knots, fitted by least squares
    const x = new Float64Array((num + 1) * nIn), y = new Float64Array((num + 1) * nIn * nOut);
    for (let m = 0; m <= num; m++) {
      for (let i = 0; i < nIn; i++) {
        x[m * nIn + i] = grid[i * ng + k + m];
        for (let j = 0; j < nOut; j++) y[(m * nIn + i) * nOut + j] = (rng() - 0.5) * noiseScale / num;
      }
    }
    const coef = curve2coef(x, y, num + 1, nIn, nOut, grid, num, k);
    const scaleBase = new Float64Array(nIn * nOut), scaleSp = new Float64Array(nIn * nOut);
    const mask = new Float64Array(nIn * nOut).fill(1);
    for (let e = 0; e < nIn * nOut; e++) {
      scaleBase[e] = (rng() * 2 - 1) / Math.sqrt(nIn);
      scaleSp[e] = 1 / Math.sqrt(nIn);
    }
    layers.push(makeLayer(nIn, nOut, num, k, grid, coef, scaleBase, scaleSp, mask));
  }
  return { width: width.slice(), num, k, layers };
}

/** A layer from its arrays; node affine maps are the identity unless given. */
export function makeLayer(nIn, nOut, num, k, grid, coef, scaleBase, scaleSp, mask, affine) {
  const ones = () => new Float64Array(nOut).fill(1);
  return {
    inDim: nIn, outDim: nOut, num, k, grid, coef, scaleBase, scaleSp, mask,
    subnodeScale: affine ? Float64Array.from(affine.subnodeScale) : ones(),
    subnodeBias: affine ? Float64Array.from(affine.subnodeBias) : new Float64Array(nOut),
    nodeScale: affine ? Float64Array.from(affine.nodeScale) : ones(),
    nodeBias: affine ? Float64Array.from(affine.nodeBias) : new Float64Array(nOut),
  };
}

/** A deep copy. */
export function cloneKAN(model) {
  return {
    width: model.width.slice(), num: model.num, k: model.k,
    layers: model.layers.map((L) => makeLayer(L.inDim, L.outDim, L.num, L.k, Float64Array.from(L.grid),
      Float64Array.from(L.coef), Float64Array.from(L.scaleBase), Float64Array.from(L.scaleSp),
      Float64Array.from(L.mask), L)),
  };
}

/**
 * A reusable Float64Array (or Int32Array) of `size` for slot `name` of `layer`: training
 * evaluates the same batch size every step, so buffers are allocated once.
 */
export function buffer(layer, name, size, Type = Float64Array) {
  const pool = layer.buffers || (layer.buffers = {});
  const key = name + size;
  let buf = pool[key];
  if (!buf) buf = pool[key] = new Type(size);
  return buf;
}

/**
 * Forward pass over a batch, keeping what the backward pass needs.
 * Per (sample, input) it stores the first of the k + 1 B-splines that can be non-zero
 * (clamped into 0..G-1, so the k + 1 coefficients read are always in range) and their
 * values and derivatives aligned with it.
 * @param {Float64Array} X (n, width[0])
 * @param {boolean} keep keep the cache for backward (its buffers are reused by the next
 *   call with keep on the same batch size)
 * @returns {{out: Float64Array, acts: Float64Array[], cache: object[], n: number}}
 *   acts[l] is the input of layer l (acts[L] the output), each (n, width[l])
 */
export function forward(model, X, n, keep = true) {
  const acts = [X], cache = [];
  let x = X;
  for (const L of model.layers) {
    const { nIn, nOut, nb, ng } = dims(L), k = L.k, k1 = k + 1, ne = nIn * nOut;
    const alloc = keep ? (name, size, Type) => buffer(L, name, size, Type) : (name, size, Type = Float64Array) => new Type(size);
    const y = keep ? alloc("y", n * nOut) : new Float64Array(n * nOut);
    if (keep) y.fill(0);
    const base = alloc("base", n * nIn), dbase = keep ? alloc("dbase", n * nIn) : null;
    const start = alloc("start", n * nIn, Int32Array), vals = alloc("vals", n * nIn * k1);
    const ders = keep ? alloc("ders", n * nIn * k1) : null;
    const spl = keep ? alloc("spl", n * ne) : null; // spline value per edge
    const val = new Float64Array(k1), der = new Float64Array(k1);
    const wb = new Float64Array(ne), ws = new Float64Array(ne); // masked scales
    for (let e = 0; e < ne; e++) { wb[e] = L.mask[e] * L.scaleBase[e]; ws[e] = L.mask[e] * L.scaleSp[e]; }
    const coef = L.coef, grid = L.grid, top = nb - k1, inv = spans(L), exact = L.spansFinite;
    for (let p = 0; p < n; p++) {
      for (let i = 0; i < nIn; i++) {
        const xi = x[p * nIn + i], q = p * nIn + i, v0 = q * k1;
        const sig = 1 / (1 + Math.exp(-xi));
        base[q] = xi * sig;
        if (keep) dbase[q] = sig * (1 + xi * (1 - sig));
        const s = basisFast(xi, grid, i * ng, inv, i * k * ng, ng, k, val, keep ? der : null, exact);
        // aligned: vals[v0 + r] = B_{st + r}(x)
        const st = s === -1e9 ? 0 : Math.min(Math.max(s, 0), top);
        for (let r = 0; r < k1; r++) {
          const src = st + r - s, ok = s !== -1e9 && src >= 0 && src < k1;
          vals[v0 + r] = ok ? val[src] : 0;
          if (keep) ders[v0 + r] = ok ? der[src] : 0;
        }
        start[q] = st;
        const bq = base[q];
        for (let j = 0; j < nOut; j++) {
          const e = i * nOut + j, c = e * nb + st;
          let sp = 0;
          for (let r = 0; r < k1; r++) sp += coef[c + r] * vals[v0 + r];
          if (keep) spl[q * nOut + j] = sp;
          y[p * nOut + j] += wb[e] * bq + ws[e] * sp;
        }
      }
    }
    const pre = keep ? alloc("pre", n * nOut) : null; // before the affine maps
    if (keep) pre.set(y);
    for (let p = 0; p < n; p++) {
      for (let j = 0; j < nOut; j++) {
        const v = L.subnodeScale[j] * y[p * nOut + j] + L.subnodeBias[j];
        y[p * nOut + j] = L.nodeScale[j] * v + L.nodeBias[j];
      }
    }
    cache.push({ base, dbase, start, vals, ders, spl, pre });
    acts.push(y);
    x = y;
  }
  return { out: x, acts, cache, n };
}

/** Network outputs only, (n, width[L]). */
export function predict(model, X, n) {
  return forward(model, X, n, false).out;
}

// -- pykan's layout --------------------------------------------------------------------

function nested(flat, shape) {
  if (shape.length === 1) return Array.from(flat.subarray(0, shape[0]));
  const size = shape.slice(1).reduce((a, b) => a * b, 1), out = [];
  for (let a = 0; a < shape[0]; a++) out.push(nested(flat.subarray(a * size, (a + 1) * size), shape.slice(1)));
  return out;
}

/** The model as plain arrays in pykan's layout: {width, k, grid, layers: [{grid, coef, ...}]}. */
export function toPykan(model) {
  return {
    width: model.width.slice(), k: model.k, grid: model.num,
    layers: model.layers.map((L) => {
      const { nIn, nOut, nb, ng } = dims(L);
      return {
        grid: nested(L.grid, [nIn, ng]), coef: nested(L.coef, [nIn, nOut, nb]),
        scale_base: nested(L.scaleBase, [nIn, nOut]), scale_sp: nested(L.scaleSp, [nIn, nOut]),
        mask: nested(L.mask, [nIn, nOut]),
        node_scale: Array.from(L.nodeScale), node_bias: Array.from(L.nodeBias),
        subnode_scale: Array.from(L.subnodeScale), subnode_bias: Array.from(L.subnodeBias),
      };
    }),
  };
}

/** A model from pykan's layout (as toPykan writes it, or a fixture written by Python). */
export function fromPykan(obj) {
  const flat = (a) => Float64Array.from(a.flat(Infinity));
  const width = obj.width.map((w) => (Array.isArray(w) ? w[0] : w));
  const layers = obj.layers.map((L, l) => {
    const nIn = width[l], nOut = width[l + 1], coef = flat(L.coef), num = coef.length / (nIn * nOut) - obj.k;
    const nOnes = (v, fill) => (v ? v : new Array(nOut).fill(fill));
    return makeLayer(nIn, nOut, num, obj.k, flat(L.grid), coef, flat(L.scale_base), flat(L.scale_sp), flat(L.mask), {
      subnodeScale: nOnes(L.subnode_scale, 1), subnodeBias: nOnes(L.subnode_bias, 0),
      nodeScale: nOnes(L.node_scale, 1), nodeBias: nOnes(L.node_bias, 0),
    });
  });
  return { width, num: layers[0].num, k: obj.k, layers };
}
