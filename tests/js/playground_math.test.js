// The playground's KAN against pykan, on fixtures written by tests/test_playground_math.py
// (PLAYGROUND_FIXTURES names their folder; without it these tests skip).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";

import { basisMatrix } from "../../assets/js/playground/bspline.js";
import { fromPykan, predict, toPykan } from "../../assets/js/playground/kan.js";
import { adamStep, createAdam, regularization } from "../../assets/js/playground/training.js";
import { refine, updateGrid } from "../../assets/js/playground/grids.js";
import { attribute } from "../../assets/js/playground/pruning.js";
import * as ggmm from "../../assets/js/playground/ggmm.js";
import * as explorer from "../../assets/js/ggmm.js";
import { densityObjective, gridUpdateDue, logNormalizer, midpointGrid, regressionObjective } from "../../assets/js/playground/tasks.js";

const folder = process.env.PLAYGROUND_FIXTURES;
const skip = folder ? false : "PLAYGROUND_FIXTURES is not set (run tests/test_playground_math.py)";
const load = (name) => JSON.parse(readFileSync(path.join(folder, name), "utf8"));
const cases = folder ? load("cases.json") : [];
const flat = (a) => Float64Array.from(a.flat(Infinity));

/** Largest |a - b| / max(|b|, floor) over two arrays. */
function relErr(a, b, floor = 1e-6) {
  const x = flat(Array.from(a)), y = flat(Array.from(b));
  assert.equal(x.length, y.length, "lengths differ");
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(Math.abs(y[i]), floor));
  return worst;
}

function close(actual, expected, tol, what, floor) {
  const e = relErr(actual, expected, floor);
  assert.ok(e <= tol, `${what}: relative error ${e.toExponential(2)} > ${tol}`);
  if (process.env.PLAYGROUND_VERBOSE) console.log(`${what}: largest relative error ${e.toExponential(2)}`);
  return e;
}

test("B-spline basis with grid extension equals pykan's B_batch", { skip }, () => {
  for (const c of cases) {
    const m = fromPykan(c.model), L = m.layers[0], n = c.x.length, ng = L.num + 2 * L.k + 1;
    const x = flat(c.x), got = [];
    for (let p = 0; p < n; p++) {
      for (let i = 0; i < L.inDim; i++) {
        got.push(Array.from(basisMatrix(Float64Array.of(x[p * L.inDim + i]), L.grid, i * ng, ng, L.k)));
      }
    }
    close(got, c.basis, 1e-9, `basis ${c.width}`, 1e-12);
  }
});

test("forward pass and loss (with pykan's regularization) equal pykan's", { skip }, () => {
  for (const c of cases) {
    const m = fromPykan(c.model), n = c.y.length;
    close(predict(m, flat(c.x), n), c.out, 1e-9, `forward ${c.width}`);
    const r = regressionObjective(m, flat(c.x), flat(c.y), n, c.scale, c.lamb);
    close([r.objective], [c.objective], 1e-9, `objective ${c.width}`);
    close([regularization(m, r.fw).value], [c.reg], 1e-9, `reg ${c.width}`);
  }
});

test("gradients of the loss equal torch autograd's for every parameter", { skip }, () => {
  for (const c of cases) {
    const m = fromPykan(c.model), n = c.y.length;
    const r = regressionObjective(m, flat(c.x), flat(c.y), n, c.scale, c.lamb);
    r.grads.forEach((g, l) => {
      close(g.coef, c.grads[l].coef, 1e-8, `d coef ${c.width} layer ${l}`, 1e-8);
      close(g.scaleBase, c.grads[l].scale_base, 1e-8, `d scale_base ${c.width} layer ${l}`, 1e-8);
      close(g.scaleSp, c.grads[l].scale_sp, 1e-8, `d scale_sp ${c.width} layer ${l}`, 1e-8);
    });
  }
});

test("grid update from samples equals pykan's", { skip }, () => {
  for (const c of cases) {
    const m = fromPykan(c.model);
    updateGrid(m, flat(c.x), c.x.length);
    const want = fromPykan(c.updated);
    m.layers.forEach((L, l) => {
      close(L.grid, want.layers[l].grid, 1e-8, `grid ${c.width} layer ${l}`);
      close(L.coef, want.layers[l].coef, 1e-8, `coef after update ${c.width} layer ${l}`, 1e-6);
    });
  }
});

test("refine (G -> 2G) equals pykan's", { skip }, () => {
  for (const c of cases) {
    const m = refine(fromPykan(c.updated), flat(c.x), c.x.length, 2 * c.grid);
    const want = fromPykan(c.refined);
    m.layers.forEach((L, l) => {
      close(L.grid, want.layers[l].grid, 1e-8, `refined grid ${c.width} layer ${l}`);
      close(L.coef, want.layers[l].coef, 1e-8, `refined coef ${c.width} layer ${l}`, 1e-6);
    });
    close(predict(m, flat(c.x), c.x.length), c.refined_out, 1e-8, `refined forward ${c.width}`);
  }
});

test("attribution scores equal pykan's attribute()", { skip }, () => {
  for (const c of cases) {
    const { edgeScores, nodeScores } = attribute(fromPykan(c.model), flat(c.x), c.x.length);
    edgeScores.forEach((s, l) => close(s, c.edge_scores[l], 1e-8, `edge scores layer ${l}`, 1e-8));
    nodeScores.forEach((s, l) => close(s, c.node_scores[l], 1e-8, `node scores layer ${l}`, 1e-8));
  }
});

test("model() round trip keeps pykan's layout", { skip }, () => {
  const c = cases[0], back = toPykan(fromPykan(c.model));
  assert.deepEqual(back.layers[0].coef, c.model.layers[0].coef);
  assert.deepEqual(back.layers[0].grid, c.model.layers[0].grid);
  assert.equal(back.layers[0].coef[0][0].length, c.grid + c.k);
  assert.equal(back.layers[0].grid[0].length, c.grid + 2 * c.k + 1);
});

test("200 Adam steps with grid updates trace pykan's loss curve (regression, lambda > 0)", { skip }, () => {
  const t = load("traces.json").regression, m = fromPykan(t.model), n = t.y.length, x = flat(t.x), y = flat(t.y);
  const adam = createAdam(m, t.lr), losses = [];
  for (let local = 0; local < t.objective.length; local++) {
    if (gridUpdateDue(local, t.objective.length)) updateGrid(m, x, n);
    const r = regressionObjective(m, x, y, n, t.scale, t.lamb);
    adamStep(m, adam, r.grads);
    losses.push(r.objective);
  }
  close(losses, t.objective, 1e-6, "regression trace");
});

test("200 Adam steps with grid updates trace pykan's loss curve (density) and the normalizer equals the estimator's", { skip }, () => {
  const t = load("traces.json").density, m = fromPykan(t.model), n = t.u.length, u = flat(t.u);
  const xFit = flat(t.x_fit), nq = t.nq * t.nq, quad = flat(t.quad), adam = createAdam(m, t.lr), losses = [];
  for (let local = 0; local < t.objective.length; local++) {
    if (gridUpdateDue(local, t.objective.length)) updateGrid(m, xFit, xFit.length / 2);
    const X = new Float64Array((n + nq) * 2);
    X.set(u);
    for (let q = 0; q < nq; q++) {
      X[(n + q) * 2] = quad[q * 2] + t.shifts[local][0];
      X[(n + q) * 2 + 1] = quad[q * 2 + 1] + t.shifts[local][1];
    }
    const r = densityObjective(m, X, n, nq, t.log_volume);
    adamStep(m, adam, r.grads);
    losses.push(r.loss);
  }
  close(losses, t.objective, 1e-6, "density trace");
  close(midpointGrid(t.nq), t.quad, 1e-15, "midpoint grid", 1e-3);
  close(midpointGrid(48), t.quad_48, 1e-7, "48 x 48 midpoint grid (float32 in Python)", 1);
  const trained = fromPykan(t.trained);
  close([logNormalizer(trained, flat(t.quad_48), 48 * 48, t.log_volume)], [t.log_z_48], 1e-12, "log Z");
  close([logNormalizer(trained, midpointGrid(48), 48 * 48, t.log_volume)], [t.log_z_48], 1e-6, "log Z, own grid");
});

test("the sampler agrees with ggmm statistically and with the explorer's sampler draw for draw", { skip }, () => {
  for (const [index, f] of load("sampler.json").mixtures.entries()) {
    const ours = ggmm.sample(f.mixture, 20000, 7 + index), theirs = explorer.sample(f.mixture, 20000, 7 + index);
    assert.deepEqual(Array.from(ours.x.subarray(0, 200)), theirs.x.slice(0, 100).flat());
    close(ggmm.pdf(f.mixture, flat(f.pdf_at), f.pdf_at.length), f.pdf, 1e-12, "pdf");
    // two-sample Kolmogorov-Smirnov on each coordinate, and on |x| about the first center
    const py = flat(f.python);
    for (let d = 0; d < 2; d++) {
      const a = [], b = [];
      for (let q = 0; q < 20000; q++) { a.push(ours.x[q * 2 + d]); b.push(py[q * 2 + d]); }
      const D = ks(a, b), critical = 1.95 * Math.sqrt(2 / 20000); // alpha = 0.001
      assert.ok(D < critical, `KS statistic ${D.toFixed(4)} >= ${critical.toFixed(4)} (mixture ${index}, axis ${d})`);
    }
  }
});

function ks(a, b) {
  a.sort((u, v) => u - v); b.sort((u, v) => u - v);
  let i = 0, j = 0, D = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i], b[j]);
    while (i < a.length && a[i] <= x) i++;
    while (j < b.length && b[j] <= x) j++;
    D = Math.max(D, Math.abs(i / a.length - j / b.length));
  }
  return D;
}
