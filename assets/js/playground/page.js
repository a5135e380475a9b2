/*
 * The KAN playground page: binds the controls the page's HTML holds (build/pages/playground.py
 * writes them, with every label from build/i18n/strings.py), talks to the training worker, draws
 * on canvases, keeps the settings in the URL hash and exposes window.kanPlayground.
 *
 * Nothing from the hash or the controls is inserted as HTML: text goes in with textContent.
 */

import { defaults, parseHash, sanitize, sessionSettings, toHash } from "./state.js";

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

/** Canvas widths, measured by a ResizeObserver (reading clientWidth while drawing would force a layout). */
const widths = new Map();
const resizer = "ResizeObserver" in window ? new ResizeObserver((entries) => {
  for (const entry of entries) widths.set(entry.target, entry.contentRect.width);
  scheduleDraw();
}) : null;

function fit(canvas, aspect, maxHeight = 480) {
  if (!widths.has(canvas)) { widths.set(canvas, canvas.clientWidth || 300); if (resizer) resizer.observe(canvas); }
  const dpr = window.devicePixelRatio || 1, w = widths.get(canvas) || 300, h = Math.min(Math.round(w * aspect), maxHeight);
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}

/** viridis, sampled at 6 points and interpolated (the density maps use it on a square-root scale). */
const VIRIDIS = [[68, 1, 84], [65, 68, 135], [42, 120, 142], [34, 168, 132], [122, 209, 81], [253, 231, 37]];
function colour(t) {
  const u = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1), a = Math.min(Math.floor(u), VIRIDIS.length - 2), f = u - a;
  return VIRIDIS[a].map((c, i) => Math.round(c + (VIRIDIS[a + 1][i] - c) * f));
}

/** The colour scale at 256 levels, computed once (a frame's draw allocates nothing per pixel). */
function colourTable() {
  if (!colourTable.lut) {
    colourTable.lut = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) colourTable.lut.set(colour(i / 255), 3 * i);
  }
  return colourTable.lut;
}

function drawDensity(canvas, values, m, vmax, label) {
  const { ctx, w, h } = fit(canvas, 1);
  ctx.clearRect(0, 0, w, h);
  if (!values) return;
  const img = new ImageData(m, m), lut = colourTable();
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < m; c++) {
      const t = Math.sqrt(Math.max(values[r * m + c], 0) / vmax), q = 3 * Math.round(Math.min(t, 1) * 255) || 0;
      const o = ((m - 1 - r) * m + c) * 4;
      img.data[o] = lut[q]; img.data[o + 1] = lut[q + 1]; img.data[o + 2] = lut[q + 2]; img.data[o + 3] = 255;
    }
  }
  const off = drawDensity.off || (drawDensity.off = document.createElement("canvas"));
  off.width = m; off.height = m;
  off.getContext("2d").putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, w, h);
  // contours at 5 levels of the shared scale (marching squares)
  ctx.strokeStyle = "rgba(255,255,255,0.75)"; ctx.lineWidth = 1;
  ctx.beginPath();
  for (const level of [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => f * vmax)) contour(ctx, values, m, level, w / m, h / m);
  ctx.stroke();
  ctx.fillStyle = "rgba(0,0,0,0.55)"; ctx.fillRect(0, 0, w, 20);
  ctx.fillStyle = "#fff"; ctx.font = "12px system-ui, sans-serif"; ctx.fillText(label, 6, 14);
}

/** Marching squares at one level; the crossings of a cell go to a reused buffer (no allocation per cell). */
function contour(ctx, v, m, level, sx, sy) {
  const pts = contour.buf || (contour.buf = new Float64Array(8));
  for (let r = 0; r + 1 < m; r++) {
    const y0 = (m - 1 - r + 0.5) * sy, y1 = y0 - sy;
    for (let c = 0; c + 1 < m; c++) {
      const a = v[r * m + c], b = v[r * m + c + 1], d = v[(r + 1) * m + c], e = v[(r + 1) * m + c + 1];
      const x0 = (c + 0.5) * sx, x1 = x0 + sx;
      let n = 0;
      if ((a < level) !== (b < level)) { const f = (level - a) / (b - a); pts[n++] = x0 + (x1 - x0) * f; pts[n++] = y0; }
      if ((b < level) !== (e < level)) { const f = (level - b) / (e - b); pts[n++] = x1; pts[n++] = y0 + (y1 - y0) * f; }
      if ((d < level) !== (e < level)) { const f = (level - d) / (e - d); pts[n++] = x0 + (x1 - x0) * f; pts[n++] = y1; }
      if ((a < level) !== (d < level)) { const f = (level - a) / (d - a); pts[n++] = x0; pts[n++] = y0 + (y1 - y0) * f; }
      for (let s = 0; s + 3 < n; s += 4) { ctx.moveTo(pts[s], pts[s + 1]); ctx.lineTo(pts[s + 2], pts[s + 3]); }
    }
  }
}

function drawLoss(canvas) {
  const { ctx, w, h } = fit(canvas, 0.45);
  ctx.clearRect(0, 0, w, h);
  const series = [[trainHistory, "#1f77b4", fmt("playground.loss.train")], [validationHistory, "#d62728", fmt("playground.loss.validation")]];
  // the NLL can be negative: plot loss - min + 1e-3 on a log axis when it is
  let lo = Infinity, hi = -Infinity, maxStep = 1;
  for (const [pts] of series) for (const [s, v] of pts) { if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } maxStep = Math.max(maxStep, s); }
  const pad = { l: 44, r: 8, t: 8, b: 22 };
  ctx.fillStyle = "#555"; ctx.font = "11px system-ui, sans-serif";
  ctx.fillText(fmt("playground.loss"), pad.l, h - 4);
  if (!(hi >= lo)) return;
  const shift = lo <= 0 ? -lo + 1e-3 * Math.max(1, hi - lo) : 0;
  const ly = (v) => Math.log10(v + shift), y0 = ly(lo), y1 = ly(hi) + 1e-9;
  const px = (s) => pad.l + (w - pad.l - pad.r) * s / maxStep, py = (v) => pad.t + (h - pad.t - pad.b) * (1 - (ly(v) - y0) / (y1 - y0 || 1));
  ctx.strokeStyle = "#999"; ctx.beginPath(); ctx.moveTo(pad.l, pad.t); ctx.lineTo(pad.l, h - pad.b); ctx.lineTo(w - pad.r, h - pad.b); ctx.stroke();
  ctx.fillStyle = "#555";
  ctx.fillText(hi.toPrecision(3), 2, pad.t + 8); ctx.fillText(lo.toPrecision(3), 2, h - pad.b);
  ctx.fillText(String(maxStep), w - pad.r - 30, h - 4);
  series.forEach(([pts, col, name], idx) => {
    ctx.strokeStyle = col; ctx.lineWidth = 1.5; ctx.beginPath();
    const stride = Math.max(1, Math.floor(pts.length / 300));
    for (let a = 0; a < pts.length; a += stride) { const [s, v] = pts[a]; if (a === 0) ctx.moveTo(px(s), py(v)); else ctx.lineTo(px(s), py(v)); }
    ctx.stroke();
    ctx.fillStyle = col; ctx.fillText(name, w - pad.r - 90, pad.t + 10 + 13 * idx);
  });
}

function networkLayout(width, w, h) {
  const nodes = width.map((n, l) => Array.from({ length: n }, (_, i) => ({ x: w * (i + 1) / (n + 1), y: h - 14 - (h - 28) * l / (width.length - 1) })));
  return nodes;
}

function drawNetwork(canvas) {
  const { ctx, w, h } = fit(canvas, 0.75, 420);
  ctx.clearRect(0, 0, w, h);
  if (!last || !last.edges || !last.edges.length) return;
  const nodes = networkLayout(last.width, w, h), maxScore = Math.max(1e-9, ...last.edges.map((e) => e.score));
  last.edges.forEach((e, index) => {
    const a = nodes[e.layer][e.i], b = nodes[e.layer + 1][e.j], alpha = e.live ? Math.max(0.08, Math.min(1, e.score / maxScore)) : 0.04;
    ctx.strokeStyle = index === selectedEdge ? `rgba(214,39,40,${Math.max(alpha, 0.5)})` : `rgba(40,40,40,${alpha})`;
    ctx.lineWidth = index === selectedEdge ? 2 : 1;
    ctx.beginPath(); ctx.moveTo(a.x, a.y); ctx.lineTo(b.x, b.y); ctx.stroke();
    // the activation as a small curve in a box at the edge's midpoint
    const cx = (a.x + b.x) / 2, cy = (a.y + b.y) / 2, bw = Math.min(34, w / (last.width[e.layer] * last.width[e.layer + 1] + 1) * 2.2), bh = bw * 0.6;
    let lo = Infinity, hi = -Infinity;
    for (const v of e.ys) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const span = hi - lo || 1;
    ctx.fillStyle = `rgba(255,255,255,${0.8 * alpha + 0.1})`; ctx.fillRect(cx - bw / 2, cy - bh / 2, bw, bh);
    ctx.strokeStyle = `rgba(31,119,180,${alpha})`; ctx.beginPath();
    e.ys.forEach((v, q) => { const x = cx - bw / 2 + bw * q / (e.ys.length - 1), y = cy + bh / 2 - bh * (v - lo) / span; if (q) ctx.lineTo(x, y); else ctx.moveTo(x, y); });
    ctx.stroke();
  });
  ctx.fillStyle = "#333";
  for (const layer of nodes) for (const n of layer) { ctx.beginPath(); ctx.arc(n.x, n.y, 4, 0, 2 * Math.PI); ctx.fill(); }
}

function drawEdge(canvas) {
  const { ctx, w, h } = fit(canvas, 0.6, 240);
  ctx.clearRect(0, 0, w, h);
  if (!last || !last.edges || !last.edges[selectedEdge]) return;
  const e = last.edges[selectedEdge], pad = 26;
  let lo = Infinity, hi = -Infinity;
  for (const v of e.ys) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const span = hi - lo || 1, xlo = Math.min(e.lo, ...e.knots), xhi = Math.max(e.hi, ...e.knots);
  const px = (x) => pad + (w - 2 * pad) * (x - xlo) / (xhi - xlo || 1), py = (v) => h - pad - (h - 2 * pad) * (v - lo) / span;
  ctx.strokeStyle = "#bbb"; ctx.setLineDash([3, 3]);
  for (const t of e.knots) { ctx.beginPath(); ctx.moveTo(px(t), pad / 2); ctx.lineTo(px(t), h - pad); ctx.stroke(); }
  ctx.setLineDash([]);
  ctx.strokeStyle = "#1f77b4"; ctx.lineWidth = 2; ctx.beginPath();
  e.ys.forEach((v, q) => { const x = px(e.lo + (e.hi - e.lo) * q / (e.ys.length - 1)); if (q) ctx.lineTo(x, py(v)); else ctx.moveTo(x, py(v)); });
  ctx.stroke();
  ctx.fillStyle = "#333"; ctx.font = "11px system-ui, sans-serif";
  ctx.fillText(`${edgeName(e)} · ${fmt("playground.knots")}: ${e.knots.length}`, pad, 12);
  ctx.fillText(hi.toPrecision(3), 2, pad); ctx.fillText(lo.toPrecision(3), 2, h - pad);
}

function setText(el, text) { if (el.textContent !== text) el.textContent = text; }

function edgeName(e) {
  return fmt("playground.edge", { layer: e.layer + 1, i: e.i + 1, j: e.j + 1 });
}

function syncEdgeSelect() {
  const select = $("edge"), names = last.edges.map(edgeName);
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
  drawLoss($("loss"));
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
    } else if (view === "network") drawNetwork($("network"));
    else if (last.edges.length) { syncEdgeSelect(); drawEdge($("edgeview")); }
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
