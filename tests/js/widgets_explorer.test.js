// The explorer's arithmetic (assets/js/explorer-model.js) against ggmm, and its link into the
// playground read back with the playground's own parser, on fixtures from tests/test_widgets_js.py.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as E from "../../assets/js/explorer-model.js";
import { parseHash } from "../../assets/js/playground/state.js";
import { assertClose, fixtures, skip } from "./widgets_fixtures.js";

test("log-scaled sliders map both ways", () => {
  for (const [lo, hi] of [[E.P_MIN, E.P_MAX], [E.SCALE_MIN, E.SCALE_MAX]]) {
    assert.equal(E.toLog(lo, lo, hi), 0);
    assert.equal(E.toLog(hi, lo, hi), 1000);
    for (const pos of [0, 1, 250, 500, 999, 1000]) assert.equal(E.toLog(E.fromLog(pos, lo, hi), lo, hi), pos);
    assertClose(E.fromLog(500, lo, hi), Math.sqrt(lo * hi), { rtol: 1e-12 }, "middle is the geometric mean");
  }
});

test("the state keeps the mixture, with one shape and renormalized weights", { skip }, () => {
  for (const c of fixtures.explorer) {
    const state = E.stateFrom(c.mixture);
    assertClose(state.p, c.mean_p, { rtol: 1e-12 }, `${c.name} p`);
    state.comps.forEach((comp) => { comp.w *= 3; });
    const m = E.mixtureOf(state);
    assert.deepEqual(m.centers, c.mixture.centers);
    assert.deepEqual(m.scales, c.mixture.scales);
    assertClose(m.weights, c.weights, { rtol: 1e-12 }, `${c.name} weights`);
  }
});

test("new components land inside the domain, one place per k", () => {
  const bounds = [[-4, 4], [-3, 5], [0, 1]];
  const seen = new Set();
  for (let k = 0; k < E.K_MAX; k++) {
    const comp = E.newComponent(bounds, 3, k);
    comp.c.forEach((v, d) => assert.ok(v >= bounds[d][0] && v <= bounds[d][1]));
    assert.deepEqual(comp.a, [0.5, 0.5, 0.5]);
    seen.add(comp.c.join(","));
  }
  assert.equal(seen.size, E.K_MAX);
});

test("samples sit on the (x1, x2) marginal density surface", { skip }, () => {
  for (const c of fixtures.explorer) {
    const on = E.surfacePoints(c.mixture, c.points);
    assert.deepEqual(on.x, c.points.map((p) => p[0]));
    assert.deepEqual(on.y, c.points.map((p) => p[1]));
    assertClose(on.z, c.surface, { rtol: 1e-9, atol: 1e-15 }, `${c.name} surface`);
  }
  assert.equal(E.gridMax([[0, 2, 1], [3, 0.5, 0]]), 3);
});

test("the playground link carries the mixture, its (x1, x2) marginal in 3-D, as the playground reads it", { skip }, () => {
  for (const c of fixtures.explorer) {
    const m = E.mixtureOf(E.stateFrom(c.mixture));
    const link = E.playgroundLink(m);
    const { settings, notes } = parseHash(link.hash);
    assert.deepEqual(notes, [], `${c.name}: the playground corrects nothing`);
    const K = Math.min(5, c.marginal.weights.length);
    assert.equal(link.marginal, c.mixture.centers[0].length > 2, c.name);
    assert.equal(link.dropped, c.marginal.weights.length - K, c.name);
    assertClose(settings.mixture.centers, c.marginal.centers.slice(0, K), { rtol: 1e-5 }, `${c.name} centers`);
    assertClose(settings.mixture.scales, c.marginal.scales.slice(0, K), { rtol: 1e-5 }, `${c.name} scales`);
    assertClose(settings.mixture.weights, c.weights.slice(0, K), { rtol: 1e-5 }, `${c.name} weights`);
    assertClose(settings.mixture.p, new Array(K).fill(c.mean_p), { rtol: 1e-5 }, `${c.name} p`);
    assert.equal(settings.task, "density");
    assert.ok(!link.hash.includes("#"));
  }
});
