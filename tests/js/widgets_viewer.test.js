// The training-progress viewer's arithmetic (assets/js/viewer-model.js): the network layout against
// ggmm_build.figures.network, and the links to a snapshot on the published snapshots' steps, on fixtures
// from tests/test_widgets_js.py.
import { test } from "node:test";
import assert from "node:assert/strict";

import { clampIndex, colorTable, frameFromHash, networkLayout, snapshotHash } from "../../assets/js/viewer-model.js";
import { assertClose, fixtures, skip } from "./widgets_fixtures.js";

test("node and box positions are ggmm_build.figures.network's", { skip }, () => {
  for (const c of fixtures.networks) {
    const js = networkLayout(c.layers, c.edges);
    assertClose(js.boxes, c.boxes, { atol: 1e-12 }, `boxes ${c.layers}`);
    assert.equal(js.nodes.length, c.nodes.length);
    js.nodes.forEach((nodes, depth) => assertClose(nodes, c.nodes[depth], { atol: 1e-12 }, `nodes ${c.layers}`));
  }
});

test("a link to each published snapshot opens that snapshot", { skip }, () => {
  for (const c of fixtures.snapshots) {
    c.frames.forEach((fr, i) => {
      const hash = snapshotHash("training-viewer", c.frames, i);
      assert.equal(hash, `training-viewer-step-${fr.step}-${fr.stage}`);
      assert.equal(frameFromHash("#" + hash, "training-viewer", c.frames), c.first[i], `${c.name} ${hash}`);
      // without the stage: the first snapshot at that step
      assert.equal(frameFromHash(`#training-viewer-step-${fr.step}`, "training-viewer", c.frames), c.first_step[i]);
    });
    assert.ok(c.first.every((j, i) => j === i), `${c.name}: step and stage name one snapshot`);
  }
});

test("a hash naming no snapshot of this viewer gives -1", { skip }, () => {
  const frames = fixtures.snapshots[0].frames, last = frames[frames.length - 1];
  const hostile = [
    "", "#", "#training-viewer", "#training-viewer-step-", "#training-viewer-step-abc", "#training-viewer-step--5",
    "#training-viewer-step-99999999", `#other-viewer-step-${last.step}`, `#training-viewer-step-${last.step}-nostage`,
    `#training-viewer-step-${last.step}-<script>`, "#training-viewer-step-1e3", "#training-viewer-step-%E0%A4%A",
    "#training-viewer-step-" + "9".repeat(400), "#training-viewer-step-0x10", "#training-viewer-step-1.5",
    null, undefined,
  ];
  for (const hash of hostile) assert.equal(frameFromHash(hash, "training-viewer", frames), -1, String(hash));
  assert.equal(frameFromHash(`#training-viewer-step-${last.step}-${last.stage}`, "training-viewer", []), -1);
});

test("snapshot indices are clamped into range", () => {
  assert.equal(clampIndex(-3, 10), 0);
  assert.equal(clampIndex(12, 10), 9);
  assert.equal(clampIndex(4.7, 10), 4);
  assert.equal(clampIndex("7", 10), 7);
  assert.equal(clampIndex(NaN, 10), 0);
  assert.equal(clampIndex(undefined, 10), 0);
  assert.equal(clampIndex(3, 0), 0);
});

test("colour tables run from the scale's first colour to its last", () => {
  const table = colorTable([[0, "#000000"], [0.5, "#ff0000"], [1, "#ffffff"]]);
  assert.equal(table.length, 768);
  assert.deepEqual(Array.from(table.slice(0, 3)), [0, 0, 0]);
  assert.deepEqual(Array.from(table.slice(765)), [255, 255, 255]);
  assert.deepEqual(Array.from(table.slice(3 * 128, 3 * 128 + 3)), [255, 1, 1]);  // just past the middle stop
});
