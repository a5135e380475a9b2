/*
 * Everything that defines a run, in one place, and its URL hash form (as TensorFlow
 * Playground's state.ts): the mixture, task, network, hyperparameters and seed. Parsing is
 * defensive: only known keys, numbers clamped to their ranges, lists cut to their limits;
 * every correction is reported so the page can say what it changed. Nothing here touches
 * the DOM: the page shows the notes with textContent.
 */

/** Numeric settings: [default, min, max, integer?]. */
export const NUMBERS = {
  n: [2000, 100, 10000, true],
  seed: [1, 0, 2147483647, true],
  grid: [5, 3, 30, true],
  order: [3, 1, 3, true],
  lr: [0.02, 1e-4, 10, false],
  lamb: [0, 0, 0.1, false],
  batch: [0, 0, 10000, true],
  steps: [400, 20, 5000, true],
  step: [0, 0, 50000, true],
};

export const TASKS = ["density", "regression"];
const KEYS = new Set([...Object.keys(NUMBERS), "task", "hidden", "gridupdate", "centers", "scales", "weights", "p", "preset"]);
const LIMITS = { components: 5, center: 10, scaleMin: 0.05, scaleMax: 10, pMin: 0.3, pMax: 8, hiddenMax: 8 };

/** The first preset's mixture, used when nothing else is given. */
export const DEFAULT_MIXTURE = {
  centers: [[-2, -2], [0, 0], [2, 2]], scales: [[0.3, 0.3], [0.2, 0.2], [0.4, 0.4]], weights: [0.3, 0.4, 0.3], p: [2, 2, 2],
};

export function defaults(mixture = DEFAULT_MIXTURE) {
  const s = { task: "density", hidden: [5], gridupdate: true, preset: "", mixture: copyMixture(mixture) };
  for (const [key, [value]] of Object.entries(NUMBERS)) s[key] = value;
  return s;
}

function copyMixture(m) {
  const K = m.weights.length;
  return {
    centers: m.centers.map((c) => c.slice(0, 2)), scales: m.scales.map((a) => a.slice(0, 2)),
    weights: m.weights.slice(), p: Array.isArray(m.p) ? m.p.slice() : new Array(K).fill(m.p),
  };
}

/** A short, printable form of untrusted text for a note (never parsed as markup by the page). */
function shown(text) {
  const t = String(text).replace(/[\u0000-\u001f\u007f]/g, "?");
  return t.length > 24 ? t.slice(0, 24) + "…" : t;
}

function clampNumber(key, raw, notes) {
  const [def, lo, hi, integer] = NUMBERS[key];
  const v = Number(raw);
  if (raw === "" || !Number.isFinite(v)) { notes.push({ kind: "invalid", key, value: def }); return def; }
  let out = integer ? Math.round(v) : v;
  if (out < lo || out > hi) { out = Math.min(Math.max(out, lo), hi); notes.push({ kind: "clamped", key, value: out }); }
  else if (integer && out !== v) notes.push({ kind: "clamped", key, value: out });
  return out;
}

function numberList(raw, lo, hi, key, notes, fallback) {
  const parts = String(raw).split(/[;,]/).slice(0, 2 * LIMITS.components);
  const out = [];
  let changed = false;
  for (const part of parts) {
    const v = Number(part);
    if (part === "" || !Number.isFinite(v)) { changed = true; out.push(fallback); continue; }
    const c = Math.min(Math.max(v, lo), hi);
    if (c !== v) changed = true;
    out.push(c);
  }
  if (changed) notes.push({ kind: "clamped", key, value: out.join(",") });
  return out;
}

/** Settings from settings-shaped input (the page's controls), clamped the same way. */
export function sanitize(input, notes = []) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(toParams(input))) params.set(key, value);
  return parseHash(params.toString(), input.mixture, notes).settings;
}

/**
 * Settings from a URL hash (with or without the leading '#').
 * @param {string} hash
 * @param {object} baseMixture the mixture used when the hash gives none
 * @returns {{settings: object, notes: object[]}} notes: {kind, key, value}
 */
export function parseHash(hash, baseMixture = DEFAULT_MIXTURE, notes = []) {
  const s = defaults(baseMixture);
  let text = String(hash || "").replace(/^#/, "");
  if (text.length > 4000) { text = text.slice(0, 4000); notes.push({ kind: "truncated", key: "#", value: 4000 }); }
  let params;
  try { params = new URLSearchParams(text); } catch { params = new URLSearchParams(); notes.push({ kind: "invalid", key: "#", value: "" }); }
  const seen = new Set();
  let count = 0;
  for (const [key, raw] of params) {
    if (++count > 40) { notes.push({ kind: "truncated", key: "#", value: 40 }); break; }
    if (!KEYS.has(key)) { notes.push({ kind: "unknown", key: shown(key), value: "" }); continue; }
    if (seen.has(key)) continue;
    seen.add(key);
    if (key in NUMBERS) s[key] = clampNumber(key, raw, notes);
    else if (key === "task") {
      if (TASKS.includes(raw)) s.task = raw; else notes.push({ kind: "invalid", key, value: s.task });
    } else if (key === "gridupdate") {
      if (raw === "0" || raw === "1") s.gridupdate = raw === "1"; else notes.push({ kind: "invalid", key, value: s.gridupdate ? 1 : 0 });
    } else if (key === "hidden") {
      const hs = numberList(raw, 1, LIMITS.hiddenMax, key, notes, 5).map(Math.round).slice(0, 2);
      if (String(raw).split(/[;,]/).length > 2) notes.push({ kind: "clamped", key, value: hs.join(",") });
      s.hidden = hs.length ? hs : [5];
    } else if (key === "preset") {
      s.preset = /^[a-z0-9_-]{1,32}$/.test(raw) ? raw : "";
      if (!s.preset) notes.push({ kind: "invalid", key, value: "" });
    }
  }
  if (["centers", "scales", "weights", "p"].some((key) => params.has(key))) s.mixture = mixtureFrom(params, s.mixture, notes);
  if (s.batch > 0 && s.batch < 16) { s.batch = 16; notes.push({ kind: "clamped", key: "batch", value: 16 }); }
  if (s.batch >= Math.round(0.8 * s.n)) s.batch = 0;
  return { settings: s, notes };
}

/** The mixture from the hash's lists, keeping the base mixture's values where a list is absent. */
function mixtureFrom(params, base, notes) {
  const get = (key) => (params.has(key) ? params.get(key) : null);
  const pairs = (key, lo, hi, fallback, rows) => {
    const raw = get(key);
    if (raw === null) return rows;
    const flat = numberList(raw, lo, hi, key, notes, fallback), out = [];
    for (let a = 0; a + 1 < flat.length; a += 2) out.push([flat[a], flat[a + 1]]);
    return out;
  };
  let centers = pairs("centers", -LIMITS.center, LIMITS.center, 0, base.centers);
  let scales = pairs("scales", LIMITS.scaleMin, LIMITS.scaleMax, 1, base.scales);
  let weights = get("weights") === null ? base.weights : numberList(get("weights"), 0.01, 1e6, "weights", notes, 1);
  let p = get("p") === null ? base.p : numberList(get("p"), LIMITS.pMin, LIMITS.pMax, "p", notes, 2);
  const K = Math.min(LIMITS.components, Math.max(1, centers.length));
  if (centers.length === 0) { centers = [[0, 0]]; notes.push({ kind: "invalid", key: "centers", value: "0,0" }); }
  const fit = (list, fill, key) => {
    if (list.length === K) return list.slice(0, K);
    notes.push({ kind: "clamped", key, value: K });
    const out = list.slice(0, K);
    while (out.length < K) out.push(typeof fill === "function" ? fill() : fill);
    return out;
  };
  centers = centers.slice(0, K);
  scales = fit(scales, () => [1, 1], "scales");
  weights = fit(weights, 1, "weights");
  p = fit(p, 2, "p");
  return { centers, scales, weights, p };
}

function round(v) {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/** Settings as plain key -> string (the hash's fields). */
function toParams(s) {
  const m = s.mixture, out = {};
  if (s.preset) out.preset = s.preset;
  out.task = s.task;
  for (const key of Object.keys(NUMBERS)) if (key !== "step" || s.step > 0) out[key] = round(s[key]);
  out.hidden = s.hidden.join(",");
  out.gridupdate = s.gridupdate ? "1" : "0";
  out.centers = m.centers.map((c) => c.map(round).join(",")).join(";");
  out.scales = m.scales.map((c) => c.map(round).join(",")).join(";");
  out.weights = m.weights.map(round).join(";");
  out.p = m.p.map(round).join(";");
  return out;
}

/** The hash for settings (without '#'). parseHash(toHash(s)) gives s back. */
export function toHash(s) {
  return Object.entries(toParams(s)).map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ",").replace(/%3B/g, ";")}`).join("&");
}

/** What the session needs from settings. */
export function sessionSettings(s) {
  return {
    mixture: s.mixture, samples: s.n, seed: s.seed, task: s.task, width: [2, ...s.hidden, 1], grid: s.grid, k: s.order,
    lr: s.lr, lamb: s.lamb, batch: s.batch, gridUpdate: s.gridupdate, steps: s.steps, quad: 48,
  };
}
