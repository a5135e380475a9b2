// Shared by the widgets' Node tests: the fixtures tests/test_widgets_js.py writes from ggmm
// (WIDGET_FIXTURES names their folder; without it the tests skip) and a closeness check.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";

const folder = process.env.WIDGET_FIXTURES;
export const skip = folder ? false : "WIDGET_FIXTURES is not set (run tests/test_widgets_js.py)";
export const fixtures = folder ? JSON.parse(readFileSync(path.join(folder, "widgets.json"), "utf8")) : {};

/** Every |a - b| <= atol + rtol * |b| over two (nested) arrays of numbers. */
export function assertClose(actual, expected, { rtol = 0, atol = 0 } = {}, what = "") {
  const a = [actual].flat(Infinity).map(Number), b = [expected].flat(Infinity).map(Number);
  assert.equal(a.length, b.length, `${what}: lengths differ`);
  for (let i = 0; i < a.length; i++) {
    const ok = a[i] === b[i] || Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]);
    assert.ok(ok, `${what}: element ${i} is ${a[i]}, expected ${b[i]}`);
  }
}
