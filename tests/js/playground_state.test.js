// The playground's URL-hash state: round trip, clamping, and what hostile links turn into.
import { test } from "node:test";
import assert from "node:assert/strict";

import { defaults, parseHash, sessionSettings, toHash } from "../../assets/js/playground/state.js";

test("toHash and parseHash round-trip every setting", () => {
  const s = { ...defaults(), task: "regression", n: 3000, seed: 42, grid: 12, order: 2, lr: 0.005, lamb: 0.001,
    batch: 256, steps: 800, step: 120, hidden: [4, 3], gridupdate: false };
  s.mixture = { centers: [[-1.5, 2], [0.25, -3]], scales: [[0.5, 1], [2, 0.75]], weights: [0.25, 0.75], p: [0.8, 3] };
  const { settings, notes } = parseHash(toHash(s));
  assert.deepEqual(notes, []);
  assert.deepEqual(settings, { ...s, preset: "" });
  assert.equal(toHash(settings), toHash(s));
  assert.deepEqual(sessionSettings(settings).width, [2, 4, 3, 1]);
});

test("out-of-range and malformed values are clamped or replaced, each with a note", () => {
  const { settings, notes } = parseHash("#grid=100000&n=1e9&lr=abc&order=7&hidden=9,0,3&seed=-5&batch=3&steps=1e12");
  assert.equal(settings.grid, 30);
  assert.equal(settings.n, 10000);
  assert.equal(settings.lr, 0.02);
  assert.equal(settings.order, 3);
  assert.deepEqual(settings.hidden, [8, 1]);
  assert.equal(settings.seed, 0);
  assert.equal(settings.batch, 16);
  assert.equal(settings.steps, 5000);
  const keys = new Set(notes.map((n) => n.key));
  for (const key of ["grid", "n", "lr", "order", "hidden", "seed", "batch", "steps"]) assert.ok(keys.has(key), key);
});

test("unknown keys and markup are reported as text and never used", () => {
  const { settings, notes } = parseHash("#%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E=1&task=%3Cb%3E&__proto__=1&constructor=2");
  assert.equal(settings.task, "density");
  assert.equal(Object.getPrototypeOf(settings), Object.prototype);
  const unknown = notes.filter((n) => n.kind === "unknown").map((n) => n.key);
  assert.ok(unknown.some((k) => k.startsWith("<img")), unknown.join(" "));
  assert.ok(unknown.includes("__proto__") && unknown.includes("constructor"));
  assert.ok(notes.some((n) => n.kind === "invalid" && n.key === "task"));
  assert.ok(unknown.every((k) => k.length <= 25));
});

test("mixtures: lists are cut to 5 components, shapes and scales clamped, missing entries filled", () => {
  const centers = Array.from({ length: 9 }, (_, k) => `${k},${k}`).join(";");
  const { settings, notes } = parseHash(`#centers=${centers}&scales=0,99&p=0.01;100&weights=nan`);
  const m = settings.mixture;
  assert.equal(m.centers.length, 5);
  assert.equal(m.scales.length, 5);
  assert.deepEqual(m.scales[0], [0.05, 10]);
  assert.deepEqual(m.p.slice(0, 2), [0.3, 8]);
  assert.ok(m.weights.every((w) => w > 0));
  assert.ok(notes.length >= 3);
});

test("a huge hash is truncated, not parsed in full", () => {
  const { notes } = parseHash("#" + "x=1&".repeat(100000));
  assert.ok(notes.some((n) => n.kind === "truncated"));
  assert.ok(notes.length < 60);
});
