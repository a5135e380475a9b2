/*
 * pykan's B-splines (kan/spline.py) on float64 typed arrays: grids extended by k knots on
 * each side, the order-k basis by the Cox-de Boor recursion (one point, or a whole column
 * of points), and curve2coef, the least-squares fit of spline coefficients to values.
 *
 * A layer's grid is (in, G + 2k + 1) row-major; its coefficients (in, out, G + k).
 */

import { lstsq } from "./linalg.js";

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
export function spans(L) {
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
export function basisFast(x, t, o, inv, io, ng, k, val, der, exact) {
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

// -- fitting splines to values -------------------------------------------------------

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
