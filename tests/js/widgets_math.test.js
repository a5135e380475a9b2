// The explorer's mixture maths (assets/js/ggmm.js), the packed-array decoder (packing.js) and the
// loader's bundle choice against ggmm and the build, on fixtures from tests/test_widgets_js.py.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as G from "../../assets/js/ggmm.js";
import * as playground from "../../assets/js/playground/ggmm.js";
import { decodeBase64, float16ToNumber, row, rows, unpack } from "../../assets/js/packing.js";
import { bundleFor } from "../../assets/js/loader.js";
import { assertClose, fixtures, skip } from "./widgets_fixtures.js";

test("density and log density agree with GeneralizedGaussianMixture", { skip }, () => {
  for (const c of fixtures.mixtures) {
    assertClose(Array.from(G.pdf(c.mixture, c.x)), c.pdf, { rtol: 1e-6, atol: 1e-12 }, `pdf ${c.name}`);
    assertClose(Array.from(G.logpdf(c.mixture, c.x)), c.logpdf, { atol: 1e-6 }, `logpdf ${c.name}`);
  }
});

test("posterior responsibilities agree with ggmm", { skip }, () => {
  for (const c of fixtures.mixtures) {
    const js = G.posterior(c.mixture, c.x.slice(0, 100)).map((r) => Array.from(r));
    assertClose(js, c.posterior, { atol: 1e-9 }, `posterior ${c.name}`);
  }
});

test("the contour grid is the (x1, x2) marginal density, rows along y", { skip }, () => {
  for (const c of fixtures.grids) {
    const z = G.grid(c.mixture, c.xs, c.ys);
    assert.equal(z.length, c.ys.length);
    assert.equal(z[0].length, c.xs.length);
    assertClose(z, c.z, { rtol: 1e-9, atol: 1e-15 }, `grid ${c.name}`);
    const m = G.marginal(c.mixture, [0, 1]);
    assertClose(m.centers, c.marginal.centers, { atol: 0 }, "marginal centers");
    assertClose(m.scales, c.marginal.scales, { atol: 0 }, "marginal scales");
  }
});

test("lgamma agrees with scipy's gammaln", { skip }, () => {
  assertClose(fixtures.lgamma.x.map(G.lgamma), fixtures.lgamma.values, { rtol: 1e-12, atol: 1e-12 }, "lgamma");
});

test("the explorer's samples are the playground's, as build/pages/playground_port.py draws them", { skip }, () => {
  for (const c of fixtures.sampler) {
    const ours = G.sample(c.mixture, c.n, c.seed);
    assert.equal(ours.x.length, c.n);
    assertClose(ours.x, c.x, { rtol: 1e-12, atol: 1e-12 }, "samples");
    const flat = playground.sample(c.mixture, c.n, c.seed);
    assert.deepEqual(ours.labels, Array.from(flat.labels));
    assert.notDeepEqual(G.sample(c.mixture, 20, c.seed + 1).x, ours.x.slice(0, 20), "another seed, other samples");
  }
});

test("the formula is written as ggmm_build.figures writes it", { skip }, () => {
  for (const c of fixtures.formulas) {
    assert.equal(G.formulaLatex(c.mixture), c.latex, c.name);
    assert.equal(G.formulaHtml(c.mixture), c.html, c.name);
  }
});

test("packed arrays decode as ggmm.packing.unpack", { skip }, () => {
  for (const c of fixtures.packing) {
    const a = unpack(c.packed);
    assert.deepEqual(a.shape, [26, 8]);
    assert.deepEqual(Array.from(a.data), c.values.flat(), c.dtype);
    assert.deepEqual(rows(a), c.values, `${c.dtype} rows`);
    assert.deepEqual(Array.from(row(a, 3)), c.values[3], `${c.dtype} row 3`);
  }
});

test("packing rejects broken input", { skip }, () => {
  const good = fixtures.packing[0].packed;
  assert.throws(() => unpack(null), /not a packed array/);
  assert.throws(() => unpack({ ...good, shape: [26, 9] }), /bytes, shape needs/);
  assert.throws(() => unpack({ ...good, dtype: "int8" }), /unknown dtype/);
  assert.equal(float16ToNumber(0x3c00), 1);
  assert.equal(float16ToNumber(0xfc00), -Infinity);
  assert.ok(Number.isNaN(float16ToNumber(0x7e00)));
  assert.deepEqual(Array.from(decodeBase64("AAEC/w==")), [0, 1, 2, 255]);
});

test("the loader picks the bundle the build keeps for a page", { skip }, () => {
  for (const c of fixtures.bundles) assert.equal(bundleFor(c.names), c.bundle, c.names.join(" "));
});
