/*
 * The KAN playground page: binds the controls the page's HTML holds (build/pages/playground_page.py
 * writes them, with every label from build/i18n/strings.py), talks to the training worker, has
 * views.js draw the worker's frames on canvases, keeps the settings in the URL hash and exposes
 * window.kanPlayground.
 *
 * Nothing from the hash or the controls is inserted as HTML: text goes in with textContent.
 */

import { defaults, parseHash, sanitize, sessionSettings, toHash } from "./state.js";
import { drawDensity, drawEdge, drawLoss, drawNetwork, edgeName, networkLayout, whenResized } from "./views.js";

const root = document.querySelector("[data-kan-playground]");
const S = JSON.parse(root.dataset.strings || "{}");
const presets = JSON.parse(root.dataset.presets || "[]");
const $ = (name) => root.querySelector(`[data-kp="${name}"]`);
const fmt = (key, fields = {}) => (S[key] || key).replace(/\{(\w+)\}/g, (_, f) => (f in fields ? String(fields[f]) : `{${f}}`));
const reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

let settings = defaults(presets.length ? presets[0].mixture : undefined);
let worker = null, last = null, playing = false, nextId = 1, trainHistory = [], validationHistory = [], selectedEdge = 0;
let drawPending = false, framesDrawn = 0, autoplayed = false, heavyDirty = true, longestDraw = 0;
// each start() is a new generation: frames the worker sent for an earlier model are dropped
let generation = 0;
let pendingViews = [], truthDrawn = null, vmax = 1, vmaxFor = null;
let waitingSteps = 0, staged = false; // step requests in flight; pruned or refined since the start
const waiting = new Map();
let readyResolve;
const ready = new Promise((resolve) => { readyResolve = resolve; });

// -- settings <-> controls ---------------------------------------------------------

function number(name) { return Number($(name).value); }

function readControls() {
  const rows = [...root.querySelectorAll("[data-kp-component]")];
  const mixture = { centers: [], scales: [], weights: [], p: [] };
  for (const row of rows) {
    const v = (f) => Number(row.querySelector(`[data-f="${f}"]`).value);
    mixture.centers.push([v("cx"), v("cy")]);
    mixture.scales.push([v("ax"), v("ay")]);
    mixture.weights.push(v("w"));
    mixture.p.push(v("p"));
  }
  const hidden = [number("hidden1")];
  if (number("hidden2") > 0) hidden.push(number("hidden2"));
  return {
    ...settings, mixture, preset: $("preset").value, n: number("n"), seed: number("seed"),
    task: root.querySelector('[data-kp="task"]:checked').value, hidden, grid: number("grid"), order: number("order"),
    gridupdate: $("gridupdate").checked, lr: number("lr"), lamb: number("lamb"), batch: number("batch"), steps: number("steps"), step: 0,
  };
}

function writeControls(s) {
  $("preset").value = s.preset && presets.some((p) => p.name === s.preset) ? s.preset : "";
  $("n").value = s.n; $("seed").value = s.seed; $("grid").value = s.grid; $("order").value = s.order;
  $("hidden1").value = s.hidden[0]; $("hidden2").value = s.hidden[1] || 0;
  $("gridupdate").checked = s.gridupdate; $("lr").value = s.lr; $("lamb").value = s.lamb; $("steps").value = s.steps;
  const batch = $("batch");
  if (![...batch.options].some((o) => Number(o.value) === s.batch)) {
    const o = document.createElement("option");
    o.value = String(s.batch); o.textContent = String(s.batch);
    batch.appendChild(o);
  }
  batch.value = String(s.batch);
  for (const radio of root.querySelectorAll('[data-kp="task"]')) radio.checked = radio.value === s.task;
  buildMixtureRows(s.mixture);
}

function buildMixtureRows(m) {
  const body = $("components");
  body.replaceChildren();
  m.weights.forEach((w, k) => {
    const tr = document.createElement("tr");
    tr.setAttribute("data-kp-component", String(k));
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = String(k + 1);
    tr.appendChild(th);
    const fields = [["cx", m.centers[k][0], 0.1, "center_x"], ["cy", m.centers[k][1], 0.1, "center_y"],
      ["ax", m.scales[k][0], 0.05, "scale_x"], ["ay", m.scales[k][1], 0.05, "scale_y"], ["w", w, 0.05, "weight"],
      ["p", m.p[k], 0.1, "shape"]];
    for (const [f, value, step, label] of fields) {
      const td = document.createElement("td"), input = document.createElement("input");
      input.type = "number"; input.step = String(step); input.value = String(value);
      input.setAttribute("data-f", f);
      input.setAttribute("aria-label", `${fmt("playground." + label)} · ${fmt("playground.component")} ${k + 1}`);
      input.addEventListener("change", onSettingsChanged);
      td.appendChild(input);
      tr.appendChild(td);
    }
    body.appendChild(tr);
  });
  $("remove").disabled = m.weights.length <= 1;
  $("add").disabled = m.weights.length >= 5;
}

function showNotes(notes) {
  const box = $("notes"), list = $("notes-list");
  list.replaceChildren();
  for (const note of notes) {
    const li = document.createElement("li");
    li.textContent = fmt(`playground.note.${note.kind}`, { key: note.key, value: note.value });
    list.appendChild(li);
  }
  box.hidden = notes.length === 0;
}

function updateHash() {
  const hash = "#" + toHash(settings);
  if (location.hash !== hash) history.replaceState(null, "", hash);
  $("link").value = location.href;
}

// -- the worker -----------------------------------------------------------------------

function start(s, { notes = [] } = {}) {
  settings = s;
  writeControls(settings);
  showNotes(notes);
  updateHash();
  trainHistory = []; validationHistory = []; selectedEdge = 0; staged = false;
  last = null; generation += 1;
  setPlaying(false);
  hideDivergence();
  post({ type: "init", settings: sessionSettings(settings), generation });
  if (settings.step > 0) step(settings.step);
}

function post(msg) {
  if (!worker) {
    worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    worker.onmessage = onWorkerMessage;
    worker.onerror = (e) => showError(e.message || "worker");
  }
  worker.postMessage(msg);
}

function request(msg) {
  const id = nextId++;
  return new Promise((resolve) => { waiting.set(id, resolve); post({ ...msg, id }); });
}

function onWorkerMessage(event) {
  const msg = event.data;
  if (msg.type === "frame") {
    if (msg.generation !== generation) return;  // sent before the last start(): another model's
    // a light frame carries losses only: keep the last views and validation loss
    last = msg.heavy || !last ? msg : { ...last, ...msg, validationLoss: last.validationLoss };
    if (msg.heavy) heavyDirty = true;
    for (const point of msg.train) trainHistory.push(point);
    for (const point of msg.validation || []) validationHistory.push(point);
    if (playing && !msg.running) setPlaying(false);
    // when training is idle the link names the step reached, so it reopens the run at that step
    if (!msg.running && !waitingSteps && !staged && msg.step !== settings.step) { settings.step = msg.step; updateHash(); }
    if (msg.diverged) showDivergence(msg.step);
    if (!drawPending) { drawPending = true; requestAnimationFrame(draw); }
    if (last.edges) readyResolve();
  } else if (msg.type === "error") {
    showError(msg.message);
  } else if (waiting.has(msg.id)) {
    const resolve = waiting.get(msg.id);
    waiting.delete(msg.id);
    resolve(msg);
  }
}

function setPlaying(on) {
  playing = on;
  const button = $("play");
  button.textContent = fmt(on ? "playground.pause" : "playground.play");
  button.setAttribute("aria-pressed", on ? "true" : "false");
}

function play(on) {
  if (on && last && last.diverged) return;
  setPlaying(on);
  post({ type: "run", running: on });
}

function step(n) {
  if (playing) play(false);
  waitingSteps += 1;
  return request({ type: "step", n }).then((msg) => { waitingSteps -= 1; return msg; });
}

function showDivergence(stepAt) {
  const box = $("diverged");
  $("diverged-text").textContent = fmt("playground.diverged", { step: stepAt });
  box.hidden = false;
  setPlaying(false);
}

function hideDivergence() { $("diverged").hidden = true; }

function showError(message) {
  const box = $("diverged");
  $("diverged-text").textContent = fmt("playground.error", { message });
  box.hidden = false;
  setPlaying(false);
}

// -- events ------------------------------------------------------------------------------

function onSettingsChanged() {
  const wanted = readControls(), notes = [];
  const next = sanitize(wanted, notes);
  const onlyLr = JSON.stringify({ ...next, lr: 0 }) === JSON.stringify({ ...settings, lr: 0, step: 0 }) && next.lr !== settings.lr;
  if (onlyLr) {
    settings = next;
    updateHash();
    post({ type: "lr", value: settings.lr });
    return;
  }
  start(next, { notes });
}

function onPreset() {
  const chosen = presets.find((p) => p.name === $("preset").value);
  if (!chosen) return;
  start(sanitize({ ...readControls(), preset: chosen.name, mixture: chosen.mixture }));
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url; a.download = name;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function bind() {
  root.querySelectorAll("input, select").forEach((el) => {
    if (el.closest("[data-kp-component]") || ["link", "edge"].includes(el.dataset.kp)) return;
    el.addEventListener("change", el.dataset.kp === "preset" ? onPreset : onSettingsChanged);
  });
  $("play").addEventListener("click", () => play(!playing));
  $("step").addEventListener("click", () => step(1));
  $("reset").addEventListener("click", () => {
    setPlaying(false); hideDivergence(); trainHistory = []; validationHistory = []; staged = false; post({ type: "reset" });
  });
  $("reset2").addEventListener("click", () => $("reset").click());
  // a pruned or refined network is not what the link's settings rebuild: the link stops at the step before
  $("prune").addEventListener("click", () => { if (playing) play(false); staged = true; request({ type: "prune" }); });
  $("refine").addEventListener("click", () => { if (playing) play(false); staged = true; request({ type: "refine" }); });
  $("export").addEventListener("click", async () => {
    const m = await request({ type: "model" });
    download(`kan-playground-step${last ? last.step : 0}.json`, JSON.stringify({
      format: "ggmm-kan-playground", version: 1, settings: toHash(settings), task: m.task,
      input_box: m.box, model: m.model,
    }));
  });
  $("copy").addEventListener("click", async () => {
    const link = $("link");
    link.value = location.href;
    try { await navigator.clipboard.writeText(link.value); $("copied").textContent = fmt("playground.copied"); } catch { link.select(); }
  });
  $("add").addEventListener("click", () => {
    const s = readControls(), m = s.mixture;
    m.centers.push([0, 0]); m.scales.push([1, 1]); m.weights.push(0.5); m.p.push(2);
    start(sanitize(s));
  });
  $("remove").addEventListener("click", () => {
    const s = readControls(), m = s.mixture;
    for (const key of ["centers", "scales", "weights", "p"]) m[key].pop();
    start(sanitize(s));
  });
  $("edge").addEventListener("change", () => { selectedEdge = Number($("edge").value); scheduleDraw(); });
  $("network").addEventListener("mousemove", onNetworkHover);
  window.addEventListener("hashchange", () => {
    if (location.hash === "#" + toHash(settings)) return;
    const { settings: s, notes } = parseHash(location.hash, settings.mixture);
    start(s, { notes });
    root.scrollIntoView({ behavior: reducedMotion ? "auto" : "smooth", block: "start" });
  });
  window.addEventListener("resize", scheduleDraw);
}

// -- drawing ---------------------------------------------------------------------------------

function scheduleDraw() {
  heavyDirty = true; truthDrawn = null;
  if (!drawPending) { drawPending = true; requestAnimationFrame(draw); }
}

function setText(el, text) { if (el.textContent !== text) el.textContent = text; }

function syncEdgeSelect() {
  const select = $("edge"), names = last.edges.map((e) => edgeName(e, fmt));
  if (select.options.length !== names.length || [...select.options].some((o, q) => o.textContent !== names[q])) {
    select.replaceChildren(...names.map((name, q) => { const o = document.createElement("option"); o.value = String(q); o.textContent = name; return o; }));
    if (selectedEdge >= names.length) selectedEdge = 0;
  }
  if (select.value !== String(selectedEdge)) select.value = String(selectedEdge);
}

function onNetworkHover(event) {
  if (!last || !last.edges || !last.edges.length) return;
  const canvas = $("network"), rect = canvas.getBoundingClientRect(), x = event.clientX - rect.left, y = event.clientY - rect.top;
  const nodes = networkLayout(last.width, rect.width, rect.height);
  let best = -1, bestD = 400;
  last.edges.forEach((e, q) => {
    const a = nodes[e.layer][e.i], b = nodes[e.layer + 1][e.j], d = (x - (a.x + b.x) / 2) ** 2 + (y - (a.y + b.y) / 2) ** 2;
    if (d < bestD) { bestD = d; best = q; }
  });
  if (best >= 0 && best !== selectedEdge) { selectedEdge = best; scheduleDraw(); }
}

/**
 * One animation frame: the loss curves and the status every time; of the heavier views at
 * most one per frame, in turn (predicted density, network, edge, and the true density only
 * when it changed), so no frame's work grows with the number of views.
 */
function draw() {
  drawPending = false;
  if (!last) return;
  const t0 = performance.now();
  framesDrawn += 1;
  drawLoss($("loss"), trainHistory, validationHistory, fmt);
  if (heavyDirty && last.edges) {
    heavyDirty = false;
    pendingViews = ["predicted", "network", "edge"];
    if (last.truth !== truthDrawn) pendingViews.push("truth");
  }
  const view = pendingViews.shift();
  if (view) {
    if (view === "predicted" || view === "truth") {
      if (last.truth !== vmaxFor) { vmax = 0; for (const v of last.truth || []) vmax = Math.max(vmax, v); vmaxFor = last.truth; }
      drawDensity($(view), last[view], last.gridSize, vmax || 1, fmt(`playground.${view}`));
      if (view === "truth") truthDrawn = last.truth;
    } else if (view === "network") drawNetwork($("network"), last, selectedEdge);
    else if (last.edges.length) { syncEdgeSelect(); drawEdge($("edgeview"), last, selectedEdge, fmt); }
    if (pendingViews.length) { drawPending = true; requestAnimationFrame(draw); }
  }
  const show = (v) => (Number.isFinite(v) ? v.toPrecision(4) : "—");
  setText($("status"), fmt("playground.status", { step: last.step, train: show(last.trainLoss), validation: show(last.validationLoss) }));
  setText($("grid-now"), fmt("playground.grid_now", { grid: last.grid }));
  longestDraw = Math.max(longestDraw, performance.now() - t0);
}

// -- the contract ------------------------------------------------------------------------

window.kanPlayground = {
  ready,
  state: () => ({
    step: last ? last.step : 0, trainLoss: last ? last.trainLoss : NaN, validationLoss: last ? last.validationLoss : NaN,
    hash: toHash(settings), diverged: Boolean(last && last.diverged), playing, framesDrawn, longestDraw,
  }),
  step: (n = 1) => step(n).then(() => undefined),
  play: () => play(true),
  /** Forget the longest redraw so far (for measurements over a window). */
  resetStats: () => { longestDraw = 0; },
  pause: () => play(false),
  model: () => request({ type: "model" }).then((m) => ({ ...m.model, input_box: m.box })),
  predict: (points) => request({ type: "predict", points: points.flat() }).then((m) => m.values),
};

// -- start ------------------------------------------------------------------------------------

whenResized(scheduleDraw);
bind();
{
  const { settings: s, notes } = parseHash(location.hash, settings.mixture);
  if (!location.hash && presets.length) s.preset = presets[0].name;
  start(s, { notes });
}
$("loading").hidden = true;
if (!reducedMotion && !location.hash.includes("step=") && "IntersectionObserver" in window) {
  new IntersectionObserver((entries, observer) => {
    if (entries.some((e) => e.isIntersecting) && !autoplayed) {
      autoplayed = true; observer.disconnect();
      // start once the page has settled, not while it is still loading
      const idle = window.requestIdleCallback || ((f) => setTimeout(f, 1000));
      ready.then(() => idle(() => { if (!playing && last && last.step === 0) play(true); }, { timeout: 3000 }));
    }
  }).observe(root);
}
