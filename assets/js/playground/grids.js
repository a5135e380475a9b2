/*
 * Grids that follow the data: pykan's update_grid_from_samples (knots at sample quantiles,
 * splines refitted to the curves they had) and refine (more intervals, splines fitted to the
 * old ones), both on the layers' inputs for a batch X.
 */

import { basisAt, curve2coef, extendGrid } from "./bspline.js";
import { dims, forward, makeLayer } from "./kan.js";

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
