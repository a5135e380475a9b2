/*
 * pykan's KAN (kan.MultKAN with sums only, no symbolic branch) in float64 typed arrays:
 * B-spline basis on extended grids, forward, analytic backward, pykan's regularization,
 * grid update from samples, refine, attribution scores and pruning.
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

/** A layer's sizes. */
function dims(layer) {
  return { nIn: layer.inDim, nOut: layer.outDim, nb: layer.num + layer.k, ng: layer.num + 2 * layer.k + 1 };
}

// -- grids ------------------------------------------------------------------

/**
 * pykan's extend_grid: k points added on each side at the spacing of the whole grid.
 * @param {Float64Array} knots (in, G + 1) row-major
 * @returns {Float64Array} (in, G + 2k + 1)
 */
export function extendGrid(knots, nIn, k) {
  const n = knots.length / nIn, out = new Float64Array(nIn * (n + 2 * k));
  for (let i = 0; i < nIn; i++) {
    const row = Array.from(knots.subarray(i * n, (i + 1) * n));
    const h = (row[n - 1] - row[0]) / (n - 1);
    for (let e = 0; e < k; e++) {
      row.unshift(row[0] - h);
      row.push(row[row.length - 1] + h);
    }
    out.set(row, i * (n + 2 * k));
  }
  return out;
}

/** The initial grid: G intervals on [lo, hi] per input, extended by k. */
export function uniformGrid(nIn, num, k, lo = -1, hi = 1) {
  const knots = new Float64Array(nIn * (num + 1));
  for (let i = 0; i < nIn; i++) {
    for (let m = 0; m <= num; m++) knots[i * (num + 1) + m] = lo + (hi - lo) * m / num;
  }
  return extendGrid(knots, nIn, k);
}

// -- B-splines ------------------------------------------------------------------

/** pykan's torch.nan_to_num applied to one value. */
function finite(v) {
  if (v === v && v !== Infinity && v !== -Infinity) return v;
  if (v !== v) return 0;
  return v > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}

/**
 * The k + 1 B-splines of order k that can be non-zero at x, and their derivatives in x, by
 * pykan's Cox-de Boor recursion (B_batch) restricted to the interval holding x.
 * @param {Float64Array} t knots of one input (G + 2k + 1), starting at offset `o`
 * @param {Float64Array} val output (k + 1): B_{start + r}(x)
 * @param {Float64Array|null} der output (k + 1): d/dx of the same
 * @returns {number} start, the index of the first basis function in val (may be < 0; such
 *   entries and those >= G + k are zero), or -1e9 when x lies outside the grid
 */
export function basisAt(x, t, o, ng, k, val, der) {
  // interval s with t_s <= x < t_{s+1}
  if (!(x >= t[o]) || !(x < t[o + ng - 1])) return -1e9;
  let lo = 0, hi = ng - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x >= t[o + mid]) lo = mid; else hi = mid;
  }
  const s = lo;
  val[0] = 1;
  if (der) der[0] = 0;
  const nInt = ng - 1; // basis functions of order 0
  for (let m = 1; m <= k; m++) {
    // new[r] = B^m_{s-m+r}, r = 0..m; prev[r] = B^{m-1}_{s-m+1+r}, r = 0..m-1
    const count = nInt - m; // valid indices 0..count-1 at order m
    let carry = 0, dcarry = 0; // B^{m-1}_{j} and its derivative for the next r
    for (let r = 0; r <= m; r++) {
      const j = s - m + r;
      const b1 = carry, db1 = dcarry;
      const b2 = r < m ? val[r] : 0, db2 = r < m && der ? der[r] : 0;
      carry = b2; dcarry = db2;
      if (j < 0 || j >= count) { val[r] = 0; if (der) der[r] = 0; continue; }
      const tj = t[o + j], tjm = t[o + j + m], tj1 = t[o + j + 1], tjm1 = t[o + j + m + 1];
      const d1 = tjm - tj, d2 = tjm1 - tj1;
      const w1 = (x - tj) / d1, w2 = (tjm1 - x) / d2;
      val[r] = finite(w1 * b1 + w2 * b2);
      if (der) der[r] = finite(b1 / d1 + w1 * db1 - b2 / d2 + w2 * db2);
    }
  }
  return s - k;
}

/**
 * Reciprocal knot spans 1 / (t_{j+m} - t_j) for m = 1..k of every input, cached on the
 * layer for its current grid: (in, k, G + 2k + 1).
 */
function spans(L) {
  if (L.spansFor === L.grid) return L.spans;
  const ng = L.num + 2 * L.k + 1, k = L.k, out = new Float64Array(L.inDim * k * ng);
  for (let i = 0; i < L.inDim; i++) {
    for (let m = 1; m <= k; m++) {
      for (let j = 0; j + m < ng; j++) out[(i * k + m - 1) * ng + j] = 1 / (L.grid[i * ng + j + m] - L.grid[i * ng + j]);
    }
  }
  L.spans = out; L.spansFor = L.grid; L.spansFinite = out.every(Number.isFinite);
  return out;
}

/** basisAt with the layer's cached reciprocal spans (the training loop's version). */
function basisFast(x, t, o, inv, io, ng, k, val, der, exact) {
  if (!(x >= t[o]) || !(x < t[o + ng - 1])) return -1e9;
  let lo = 0, hi = ng - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x >= t[o + mid]) lo = mid; else hi = mid;
  }
  const s = lo, nInt = ng - 1;
  val[0] = 1;
  if (der) der[0] = 0;
  for (let m = 1; m <= k; m++) {
    const count = nInt - m, im = io + (m - 1) * ng;
    let b1 = 0, db1 = 0;
    for (let r = 0; r <= m; r++) {
      const j = s - m + r;
      const b2 = r < m ? val[r] : 0, db2 = r < m && der ? der[r] : 0;
      if (j < 0 || j >= count) { val[r] = 0; if (der) der[r] = 0; b1 = b2; db1 = db2; continue; }
      const i1 = inv[im + j], i2 = inv[im + j + 1];
      const w1 = (x - t[o + j]) * i1, w2 = (t[o + j + m + 1] - x) * i2;
      const v = w1 * b1 + w2 * b2;
      val[r] = exact ? v : finite(v);
      if (der) { const dv = b1 * i1 + w1 * db1 - b2 * i2 + w2 * db2; der[r] = exact ? dv : finite(dv); }
      b1 = b2; db1 = db2;
    }
  }
  return s - k;
}

/**
 * The full basis matrix of pykan's B_batch for one input: (n, G + k).
 * @param {Float64Array} xs n values
 */
export function basisMatrix(xs, t, o, ng, k) {
  const nb = ng - 1 - k, n = xs.length, out = new Float64Array(n * nb), val = new Float64Array(k + 1);
  for (let p = 0; p < n; p++) {
    const start = basisAt(xs[p], t, o, ng, k, val, null);
    if (start === -1e9) continue;
    for (let r = 0; r <= k; r++) {
      const b = start + r;
      if (b >= 0 && b < nb) out[p * nb + b] = val[r];
    }
  }
  return out;
}

// -- least squares ------------------------------------------------------------

/**
 * Least squares min ||A c - y|| by Householder QR (full column rank, rows >= cols), or the
 * minimum-norm solution when rows < cols (as torch.linalg.lstsq for these shapes).
 * @param {Float64Array} A (rows, cols) row-major, not modified
 * @param {Float64Array[]} ys right-hand sides (rows each)
 * @returns {Float64Array[]} solutions (cols each)
 */
export function lstsq(A, rows, cols, ys) {
  if (rows < cols) {
    // minimum norm: c = A^T (A A^T)^{-1} y, by Cholesky of the small Gram matrix
    const G = new Float64Array(rows * rows);
    for (let a = 0; a < rows; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += A[a * cols + c] * A[b * cols + c];
        G[a * rows + b] = s; G[b * rows + a] = s;
      }
    }
    const L = cholesky(G, rows);
    return ys.map((y) => {
      const z = cholSolve(L, rows, y);
      const c = new Float64Array(cols);
      for (let a = 0; a < rows; a++) for (let q = 0; q < cols; q++) c[q] += A[a * cols + q] * z[a];
      return c;
    });
  }
  // columns without data (B-splines whose support holds no point) are exactly zero: the
  // minimum-norm solution (torch's gelsy with its default rcond) sets their coefficient to 0
  const norms = new Float64Array(cols);
  for (let a = 0; a < rows; a++) for (let q = 0; q < cols; q++) norms[q] += A[a * cols + q] ** 2;
  const maxNorm = Math.sqrt(Math.max(...norms)), keep = [];
  for (let q = 0; q < cols; q++) if (Math.sqrt(norms[q]) > Math.max(rows, cols) * 2.220446049250313e-16 * maxNorm) keep.push(q);
  if (keep.length < cols) {
    const B = new Float64Array(rows * keep.length);
    for (let a = 0; a < rows; a++) keep.forEach((q, r) => { B[a * keep.length + r] = A[a * cols + q]; });
    return lstsq(B, rows, keep.length, ys).map((c) => {
      const full = new Float64Array(cols);
      keep.forEach((q, r) => { full[q] = c[r]; });
      return full;
    });
  }
  const R = Float64Array.from(A), vs = [], betas = new Float64Array(cols);
  for (let q = 0; q < cols; q++) {
    let norm = 0;
    for (let a = q; a < rows; a++) norm += R[a * cols + q] * R[a * cols + q];
    norm = Math.sqrt(norm);
    const v = new Float64Array(rows - q);
    const alpha = R[q * cols + q] > 0 ? -norm : norm;
    for (let a = q; a < rows; a++) v[a - q] = R[a * cols + q];
    v[0] -= alpha;
    let vv = 0;
    for (let a = 0; a < v.length; a++) vv += v[a] * v[a];
    betas[q] = vv > 0 ? 2 / vv : 0;
    vs.push(v);
    for (let c = q; c < cols; c++) {
      let s = 0;
      for (let a = q; a < rows; a++) s += v[a - q] * R[a * cols + c];
      s *= betas[q];
      for (let a = q; a < rows; a++) R[a * cols + c] -= s * v[a - q];
    }
  }
  return ys.map((y0) => {
    const y = Float64Array.from(y0);
    for (let q = 0; q < cols; q++) {
      const v = vs[q];
      let s = 0;
      for (let a = q; a < rows; a++) s += v[a - q] * y[a];
      s *= betas[q];
      for (let a = q; a < rows; a++) y[a] -= s * v[a - q];
    }
    const c = new Float64Array(cols);
    for (let q = cols - 1; q >= 0; q--) {
      let s = y[q];
      for (let r = q + 1; r < cols; r++) s -= R[q * cols + r] * c[r];
      const d = R[q * cols + q];
      c[q] = d !== 0 ? s / d : 0;
    }
    return c;
  });
}

function cholesky(G, n) {
  const L = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b <= a; b++) {
      let s = G[a * n + b];
      for (let c = 0; c < b; c++) s -= L[a * n + c] * L[b * n + c];
      L[a * n + b] = a === b ? Math.sqrt(Math.max(s, 1e-300)) : s / L[b * n + b];
    }
  }
  return L;
}

function cholSolve(L, n, y) {
  const z = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    let s = y[a];
    for (let c = 0; c < a; c++) s -= L[a * n + c] * z[c];
    z[a] = s / L[a * n + a];
  }
  for (let a = n - 1; a >= 0; a--) {
    let s = z[a];
    for (let c = a + 1; c < n; c++) s -= L[c * n + a] * z[c];
    z[a] = s / L[a * n + a];
  }
  return z;
}

/**
 * pykan's curve2coef for one layer: per edge, the coefficients whose spline best fits
 * y at x on the layer's grid.
 * @param {Float64Array} x (n, in)
 * @param {Float64Array} y (n, in, out)
 * @returns {Float64Array} coef (in, out, G + k)
 */
export function curve2coef(x, y, n, nIn, nOut, grid, num, k) {
  const ng = num + 2 * k + 1, nb = num + k, coef = new Float64Array(nIn * nOut * nb);
  const xs = new Float64Array(n);
  for (let i = 0; i < nIn; i++) {
    for (let p = 0; p < n; p++) xs[p] = x[p * nIn + i];
    const A = basisMatrix(xs, grid, i * ng, ng, k);
    const rhs = [];
    for (let j = 0; j < nOut; j++) {
      const col = new Float64Array(n);
      for (let p = 0; p < n; p++) col[p] = y[(p * nIn + i) * nOut + j];
      rhs.push(col);
    }
    lstsq(A, n, nb, rhs).forEach((c, j) => coef.set(c, (i * nOut + j) * nb));
  }
  return coef;
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
function buffer(layer, name, size, Type = Float64Array) {
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

/** Zeroed gradient buffers shaped like the trainable parameters. */
export function zeroGrads(model) {
  return model.layers.map((L) => ({
    coef: new Float64Array(L.coef.length), scaleBase: new Float64Array(L.scaleBase.length),
    scaleSp: new Float64Array(L.scaleSp.length),
  }));
}

/**
 * pykan's regularization reg('edge_forward_spline_n', 1, 2, 0, 0) on the batch of `fw`,
 * and, when `grads` is given, lamb times its gradient added into `edgeGrad`.
 * Per layer: vec_ji = std_n(phi_ji(x_ni)) / (std_n(x_ni) + 0.1) (unbiased std), then
 * l1 = sum vec, plus 2 * (row entropy + column entropy) of vec normalized by (sum + 1).
 * @returns {{value: number, dPost: Float64Array[]|null, dIn: Float64Array[]|null}}
 *   dPost[l] (n, in, out): d(lamb * reg)/d phi; dIn[l] (n, in): through the input std
 */
export function regularization(model, fw, lamb = 0, withGrad = false) {
  const n = fw.n, LOG2 = Math.LN2;
  let value = 0;
  const dPost = [], dIn = [];
  model.layers.forEach((L, l) => {
    const { nIn, nOut } = dims(L), x = fw.acts[l], c = fw.cache[l];
    const post = new Float64Array(n * nIn * nOut);
    for (let p = 0; p < n; p++) {
      for (let i = 0; i < nIn; i++) {
        const q = p * nIn + i;
        for (let j = 0; j < nOut; j++) {
          const e = i * nOut + j;
          post[q * nOut + j] = L.mask[e] * (L.scaleBase[e] * c.base[q] + L.scaleSp[e] * c.spl[q * nOut + j]);
        }
      }
    }
    const meanIn = new Float64Array(nIn), sIn = new Float64Array(nIn);
    const meanPost = new Float64Array(nIn * nOut), sPost = new Float64Array(nIn * nOut);
    for (let p = 0; p < n; p++) for (let i = 0; i < nIn; i++) meanIn[i] += x[p * nIn + i] / n;
    for (let p = 0; p < n; p++) for (let e = 0; e < nIn * nOut; e++) meanPost[e] += post[p * nIn * nOut + e] / n;
    for (let p = 0; p < n; p++) {
      for (let i = 0; i < nIn; i++) sIn[i] += (x[p * nIn + i] - meanIn[i]) ** 2;
      for (let e = 0; e < nIn * nOut; e++) sPost[e] += (post[p * nIn * nOut + e] - meanPost[e]) ** 2;
    }
    for (let i = 0; i < nIn; i++) sIn[i] = Math.sqrt(sIn[i] / (n - 1));
    for (let e = 0; e < nIn * nOut; e++) sPost[e] = Math.sqrt(sPost[e] / (n - 1));
    // vec as (out, in) like pykan; index e = i * nOut + j
    const vec = new Float64Array(nIn * nOut), rowSum = new Float64Array(nOut).fill(1), colSum = new Float64Array(nIn).fill(1);
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < nOut; j++) {
        const v = sPost[i * nOut + j] / (sIn[i] + 0.1);
        vec[i * nOut + j] = v; rowSum[j] += v; colSum[i] += v;
      }
    }
    const f = (pp) => pp * Math.log(pp + 1e-4) / LOG2;
    const fp = (pp) => Math.log(pp + 1e-4) / LOG2 + pp / ((pp + 1e-4) * LOG2);
    let l1 = 0, entRow = 0, entCol = 0;
    for (let e = 0; e < nIn * nOut; e++) {
      const i = Math.floor(e / nOut), j = e % nOut;
      l1 += vec[e];
      entRow -= f(vec[e] / rowSum[j]) / nOut;
      entCol -= f(vec[e] / colSum[i]) / nIn;
    }
    value += l1 + 2 * (entRow + entCol);
    if (!withGrad) return;
    // d reg / d vec
    const g = new Float64Array(nIn * nOut).fill(1);
    const aRow = new Float64Array(nOut), aCol = new Float64Array(nIn);
    for (let e = 0; e < nIn * nOut; e++) {
      const i = Math.floor(e / nOut), j = e % nOut;
      aRow[j] += fp(vec[e] / rowSum[j]) * vec[e] / (rowSum[j] * rowSum[j]);
      aCol[i] += fp(vec[e] / colSum[i]) * vec[e] / (colSum[i] * colSum[i]);
    }
    for (let e = 0; e < nIn * nOut; e++) {
      const i = Math.floor(e / nOut), j = e % nOut;
      g[e] += -2 / nOut * (fp(vec[e] / rowSum[j]) / rowSum[j] - aRow[j]);
      g[e] += -2 / nIn * (fp(vec[e] / colSum[i]) / colSum[i] - aCol[i]);
      g[e] *= lamb;
    }
    const dp = new Float64Array(n * nIn * nOut), di = new Float64Array(n * nIn);
    const gs = new Float64Array(nIn * nOut), gi = new Float64Array(nIn);
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < nOut; j++) {
        const e = i * nOut + j, r = sIn[i] + 0.1;
        gs[e] = sPost[e] > 0 ? g[e] / r / ((n - 1) * sPost[e]) : 0;
        gi[i] -= g[e] * sPost[e] / (r * r);
      }
      gi[i] = sIn[i] > 0 ? gi[i] / ((n - 1) * sIn[i]) : 0;
    }
    for (let p = 0; p < n; p++) {
      for (let e = 0; e < nIn * nOut; e++) dp[p * nIn * nOut + e] = gs[e] * (post[p * nIn * nOut + e] - meanPost[e]);
      for (let i = 0; i < nIn; i++) di[p * nIn + i] = gi[i] * (x[p * nIn + i] - meanIn[i]);
    }
    dPost.push(dp); dIn.push(di);
  });
  return { value, dPost: withGrad ? dPost : null, dIn: withGrad ? dIn : null };
}

/**
 * Reverse mode over the layers: gradients of sum_p dOut[p] . out[p] (plus the
 * regularization terms when `reg` holds them) with respect to coef, scale_base, scale_sp.
 * @param {Float64Array} dOut (n, width[L])
 * @param {object|null} reg the result of regularization(..., withGrad = true)
 */
export function backward(model, fw, dOut, reg = null, grads = zeroGrads(model)) {
  const n = fw.n;
  let dy = dOut;
  for (let l = model.layers.length - 1; l >= 0; l--) {
    const L = model.layers[l], c = fw.cache[l], G = grads[l], k = L.k;
    const { nIn, nOut, nb } = dims(L);
    const dpre = buffer(L, "dpre", n * nOut);
    for (let p = 0; p < n; p++) {
      for (let j = 0; j < nOut; j++) dpre[p * nOut + j] = dy[p * nOut + j] * L.nodeScale[j] * L.subnodeScale[j];
    }
    const dx = l > 0 ? buffer(L, "dx", n * nIn) : null;
    const dPost = reg ? reg.dPost[l] : null;
    const k1 = k + 1, coef = L.coef, vals = c.vals, ders = c.ders, gCoef = G.coef;
    for (let p = 0; p < n; p++) {
      for (let i = 0; i < nIn; i++) {
        const q = p * nIn + i, st = c.start[q], base = c.base[q], v0 = q * k1;
        let dxq = 0;
        for (let j = 0; j < nOut; j++) {
          const e = i * nOut + j;
          if (L.mask[e] === 0) continue;
          // d/d phi_e at this sample: the node's gradient plus the regularization's
          const g = dpre[p * nOut + j] + (dPost ? dPost[q * nOut + j] : 0);
          if (g === 0) continue;
          const gm = g * L.mask[e];
          G.scaleBase[e] += gm * base;
          G.scaleSp[e] += gm * c.spl[q * nOut + j];
          const gc = gm * L.scaleSp[e], off = e * nb + st;
          let dsp = 0;
          for (let r = 0; r < k1; r++) {
            gCoef[off + r] += gc * vals[v0 + r];
            dsp += coef[off + r] * ders[v0 + r];
          }
          if (dx) dxq += gm * (L.scaleBase[e] * c.dbase[q] + L.scaleSp[e] * dsp);
        }
        if (dx) dx[q] = dxq + (reg ? reg.dIn[l][q] : 0);
      }
    }
    dy = dx;
  }
  return grads;
}

// -- Adam (torch.optim.Adam, bias-corrected, eps 1e-8) ----------------------------------

/** Adam state for the trainable parameters of `model`. */
export function createAdam(model, lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8) {
  return { lr, beta1, beta2, eps, t: 0, m: zeroGrads(model), v: zeroGrads(model) };
}

/** One Adam step in place. */
export function adamStep(model, adam, grads) {
  adam.t += 1;
  const { lr, beta1, beta2, eps } = adam;
  const bc1 = 1 - beta1 ** adam.t, bc2sqrt = Math.sqrt(1 - beta2 ** adam.t), stepSize = lr / bc1;
  model.layers.forEach((L, l) => {
    for (const name of ["coef", "scaleBase", "scaleSp"]) {
      const p = L[name], g = grads[l][name], m = adam.m[l][name], v = adam.v[l][name];
      for (let a = 0; a < p.length; a++) {
        m[a] = beta1 * m[a] + (1 - beta1) * g[a];
        v[a] = beta2 * v[a] + (1 - beta2) * g[a] * g[a];
        p[a] -= stepSize * m[a] / (Math.sqrt(v[a]) / bc2sqrt + eps);
      }
    }
  });
}

// -- grids that follow the data ---------------------------------------------------------

/** Per input column, the sorted values: (n, nIn). */
function sortColumns(x, n, nIn) {
  const out = new Float64Array(n * nIn), col = new Float64Array(n);
  for (let i = 0; i < nIn; i++) {
    for (let p = 0; p < n; p++) col[p] = x[p * nIn + i];
    col.sort();
    for (let p = 0; p < n; p++) out[p * nIn + i] = col[p];
  }
  return out;
}

/** Spline part of every edge at x (n, in) on the layer's current grid: (n, in, out). */
function splineValues(L, x, n) {
  const { nIn, nOut, nb, ng } = dims(L), k = L.k, y = new Float64Array(n * nIn * nOut), val = new Float64Array(k + 1);
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < nIn; i++) {
      const s = basisAt(x[p * nIn + i], L.grid, i * ng, ng, k, val, null);
      if (s === -1e9) continue;
      for (let j = 0; j < nOut; j++) {
        let sp = 0;
        for (let r = 0; r <= k; r++) { const b = s + r; if (b >= 0 && b < nb) sp += L.coef[(i * nOut + j) * nb + b] * val[r]; }
        y[(p * nIn + i) * nOut + j] = sp;
      }
    }
  }
  return y;
}

/**
 * pykan's KANLayer.update_grid_from_samples: G + 1 knots at sample quantiles (mixed with a
 * uniform grid, grid_eps = 0.02), extended by k, and the splines refitted by least squares.
 */
export function updateLayerGrid(L, x, n, gridEps = 0.02) {
  const { nIn, nOut } = dims(L), num = L.num, k = L.k;
  const xPos = sortColumns(x, n, nIn), yEval = splineValues(L, xPos, n);
  const ids = [];
  for (let m = 0; m < num; m++) ids.push(Math.trunc(n / num * m));
  ids.push(n - 1);
  const knots = new Float64Array(nIn * (num + 1));
  for (let i = 0; i < nIn; i++) {
    const first = xPos[ids[0] * nIn + i], last = xPos[ids[num] * nIn + i], h = (last - first) / num;
    for (let m = 0; m <= num; m++) {
      knots[i * (num + 1) + m] = gridEps * (first + h * m) + (1 - gridEps) * xPos[ids[m] * nIn + i];
    }
  }
  L.grid = extendGrid(knots, nIn, k);
  L.coef = curve2coef(xPos, yEval, n, nIn, nOut, L.grid, num, k);
}

/** pykan's MultKAN.update_grid_from_samples: layer by layer, each on its current inputs. */
export function updateGrid(model, X, n) {
  model.layers.forEach((L, l) => {
    const x = l === 0 ? X : forwardTo(model, X, n, l);
    updateLayerGrid(L, x, n);
  });
}

/** The inputs of layer `upto` for the batch X. */
function forwardTo(model, X, n, upto) {
  const sub = { ...model, layers: model.layers.slice(0, upto) };
  return forward(sub, X, n, false).out;
}

/**
 * pykan's refine(newNum): each layer gets newNum intervals whose knots interpolate the old
 * interior knots linearly, and splines fitted by least squares to the old ones at the
 * layer's inputs for X. Scales, masks and affine maps are kept.
 */
export function refine(model, X, n, newNum) {
  const fw = forward(model, X, n, false);
  const layers = model.layers.map((L, l) => {
    const { nIn, nOut, ng } = dims(L), k = L.k, num = L.num;
    const x = fw.acts[l], yEval = splineValues(L, x, n);
    const knots = new Float64Array(nIn * (newNum + 1));
    for (let i = 0; i < nIn; i++) {
      for (let m = 0; m <= newNum; m++) {
        // position in the old knots' index space, as pykan's k = 1 spline over linspace(-1, 1)
        const u = (-1 + 2 * m / newNum + 1) / 2 * num;
        const a = Math.min(Math.floor(u), num - 1), frac = u - a;
        const t0 = L.grid[i * ng + k + a], t1 = L.grid[i * ng + k + a + 1];
        knots[i * (newNum + 1) + m] = t0 * (1 - frac) + t1 * frac;
      }
    }
    const grid = extendGrid(knots, nIn, k);
    const coef = curve2coef(x, yEval, n, nIn, nOut, grid, newNum, k);
    return makeLayer(nIn, nOut, newNum, k, grid, coef, Float64Array.from(L.scaleBase),
      Float64Array.from(L.scaleSp), Float64Array.from(L.mask), L);
  });
  return { width: model.width.slice(), num: newNum, k: model.k, layers };
}

// -- importance and pruning ---------------------------------------------------------

/**
 * pykan's attribute(): edge scores (per layer, (in, out) here) and node scores
 * (per layer of nodes), propagated back from the output.
 */
export function attribute(model, X, n) {
  const fw = forward(model, X, n, true);
  const std = (get, count) => {
    let mean = 0;
    for (let p = 0; p < count; p++) mean += get(p) / count;
    let s = 0;
    for (let p = 0; p < count; p++) s += (get(p) - mean) ** 2;
    return Math.sqrt(s / (count - 1));
  };
  const edgeAct = [], subAct = [];
  model.layers.forEach((L, l) => {
    const { nIn, nOut } = dims(L), c = fw.cache[l];
    const ea = new Float64Array(nIn * nOut), sa = new Float64Array(nOut);
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < nOut; j++) {
        const e = i * nOut + j;
        ea[e] = std((p) => L.mask[e] * (L.scaleBase[e] * c.base[p * nIn + i] + L.scaleSp[e] * c.spl[(p * nIn + i) * nOut + j]), n);
      }
    }
    for (let j = 0; j < nOut; j++) sa[j] = std((p) => c.pre[p * nOut + j], n);
    edgeAct.push(ea); subAct.push(sa);
  });
  const depth = model.layers.length, nodeScores = new Array(depth + 1), edgeScores = new Array(depth);
  const nOutLast = model.width[depth];
  // per output unit of the network, then the mean over outputs (pykan's torch.mean(dim=0))
  let score = []; // score[o][j] for the current node layer
  for (let o = 0; o < nOutLast; o++) { const v = new Float64Array(nOutLast); v[o] = 1; score.push(v); }
  nodeScores[depth] = meanRows(score, nOutLast);
  for (let l = depth - 1; l >= 0; l--) {
    const L = model.layers[l], { nIn, nOut } = dims(L);
    const edges = score.map((s) => {
      const es = new Float64Array(nIn * nOut);
      for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) es[i * nOut + j] = edgeAct[l][i * nOut + j] * s[j] / (subAct[l][j] + 1e-4);
      return es;
    });
    edgeScores[l] = meanRows(edges, nIn * nOut);
    score = edges.map((es) => {
      const v = new Float64Array(nIn);
      for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) v[i] += es[i * nOut + j];
      return v;
    });
    nodeScores[l] = meanRows(score, nIn);
  }
  return { edgeScores, nodeScores };
}

function meanRows(rows, size) {
  const out = new Float64Array(size);
  for (const r of rows) for (let a = 0; a < size; a++) out[a] += r[a] / rows.length;
  return out;
}

/**
 * The report's prune (pykan's node then edge thresholds, by masks): hidden nodes scoring
 * <= nodeThreshold lose their edges, then edges scoring <= edgeThreshold are masked.
 * @returns {number} live edges left
 */
export function prune(model, X, n, nodeThreshold = 1e-2, edgeThreshold = 3e-2) {
  const { nodeScores } = attribute(model, X, n);
  for (let l = 1; l < model.layers.length; l++) {
    const below = model.layers[l - 1], above = model.layers[l];
    nodeScores[l].forEach((s, node) => {
      if (s > nodeThreshold) return;
      for (let i = 0; i < below.inDim; i++) below.mask[i * below.outDim + node] = 0;
      for (let j = 0; j < above.outDim; j++) above.mask[node * above.outDim + j] = 0;
    });
  }
  const { edgeScores } = attribute(model, X, n);
  let live = 0;
  model.layers.forEach((L, l) => {
    for (let e = 0; e < L.mask.length; e++) {
      if (!(edgeScores[l][e] > edgeThreshold)) L.mask[e] = 0;
      if (L.mask[e] > 0) live += 1;
    }
  });
  return live;
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
