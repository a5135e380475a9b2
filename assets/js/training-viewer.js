/*
 * Training-progress viewer (figure 3, interactive).
 *
 * Finds every <div class="ggmm-training-viewer" data-src="..." data-lang="..." data-strings="...">
 * on DOMContentLoaded, reads its snapshot document (inline <script type="application/json"
 * class="ggmm-snapshots-data"> if present, else fetched once from data-src) and builds:
 * a slider over all snapshots with play/pause, step buttons and keyboard arrows; the predicted
 * density beside the truth (or the error map); the train/validation loss curves with a marker at the
 * current step and stage bands; the network view with every edge's activation curve; a readout.
 * Moving the slider updates all of them with Plotly.restyle (no redraw from scratch).
 * A "link to this snapshot" anchor names the current snapshot in the URL hash
 * (#<viewer id>-step-<step>-<stage>); a page opened with such a hash starts there, any other hash
 * at the first snapshot.
 * Needs plotly.js (window.Plotly); the arithmetic (network view, colour tables, snapshot links) is in
 * viewer-model.js, tested under Node against ggmm (tests/test_widgets_js.py).
 */
import { unpack, rows } from "./packing.js";
import { CONFIG, el, fill, readStrings, register, uid } from "./widget-common.js";
import {
  baseLayout, clampIndex, colorTable, fmt, frameFromHash, networkFigure, networkLayout, networkTraceData, snapshotHash,
} from "./viewer-model.js";

const TRAIN_COLOR = "#0072B2", VALIDATION_COLOR = "#D55E00";
const STAGE_COLORS = {
  train: "rgba(0, 114, 178, 0.10)", prune: "rgba(213, 94, 0, 0.22)", refine: "rgba(0, 158, 115, 0.22)",
  retrain: "rgba(204, 121, 167, 0.12)", symbolic: "rgba(230, 159, 0, 0.18)"
};
const PLAY_INTERVAL_MS = 110;
const SETTLE_MS = 180;  // after the slider rests this long, the hover data catch up
// Colour scales shared by the painted images and the colour bars (so both always agree).
const VIRIDIS = [[0, "#440154"], [0.1111, "#482878"], [0.2222, "#3e4989"], [0.3333, "#31688e"], [0.4444, "#26828e"],
  [0.5556, "#1f9e89"], [0.6667, "#35b779"], [0.7778, "#6ece58"], [0.8889, "#b5de2b"], [1, "#fde725"]];
const DIVERGING = [[0, "#053061"], [0.1, "#2166ac"], [0.2, "#4393c3"], [0.3, "#92c5de"], [0.4, "#d1e5f0"],
  [0.5, "#f7f7f7"], [0.6, "#fddbc7"], [0.7, "#f4a582"], [0.8, "#d6604d"], [0.9, "#b2182b"], [1, "#67001f"]];
const FAST = { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" };


/** Paint a (ny, nx) grid (row 0 = lowest y) into a canvas with a colour table; returns a PNG data URL. */
function paint(canvas, values, nx, ny, cmin, cmax, table) {
  const ctx = canvas.getContext("2d"), img = ctx.createImageData(nx, ny), px = img.data, span = (cmax - cmin) || 1;
  for (let r = 0; r < ny; r++) {
    for (let c = 0; c < nx; c++) {
      const v = values(r, c), i = Math.max(0, Math.min(255, Math.round(255 * (v - cmin) / span)));
      const o = 4 * ((ny - 1 - r) * nx + c);
      px[o] = table[3 * i]; px[o + 1] = table[3 * i + 1]; px[o + 2] = table[3 * i + 2]; px[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL();
}

// -- the viewer -------------------------------------------------------------------

function Viewer(container, snap, strings) {
  this.el = container;
  this.snap = snap;
  this.s = strings;
  this.frames = snap.frames;
  this.n = snap.frames.length;
  // a page opened with a link to one of this viewer's snapshots starts there (anything else: the first)
  this.fromHash = frameFromHash(window.location.hash, container.id, this.frames);
  this.index = Math.max(0, this.fromHash);
  this.compare = "truth";
  this.cache = new Array(this.n);
  this.timer = null;
  this.timings = [];
  this.hasGrid = !!(snap.grid && snap.truth);
  // In a slide (reveal.js) the plots sit in one row, shorter, so the viewer fits the slide.
  this.compact = !!(container.closest && container.closest(".reveal"));
  this.E = snap.edges.length;
  this.geo = networkLayout(snap.run.layers, snap.edges);
  this.settleTimer = null;
  if (this.hasGrid) {
    this.canvas = document.createElement("canvas");
    this.canvas.width = snap.grid.x.length;
    this.canvas.height = snap.grid.y.length;
    this.tables = { density: colorTable(VIRIDIS), error: colorTable(DIVERGING) };
  }
  this.build();
}

Viewer.prototype.decode = function (i) {
  if (!this.cache[i]) {
    const fr = this.frames[i], P = { unpack, rows };
    const ex = P.unpack(fr.edges.x), ey = P.unpack(fr.edges.y);
    const dens = this.hasGrid ? P.unpack(fr.density) : null;
    this.cache[i] = { ex: ex.data, ey: ey.data, S: ex.shape[1], density: dens ? P.rows(dens) : null, densityFlat: dens };
  }
  return this.cache[i];
};

Viewer.prototype.errorRows = function (i) {
  const d = this.decode(i), t = this.truthFlat.data, nx = this.truthFlat.shape[1], out = [];
  for (let r = 0; r < this.truthFlat.shape[0]; r++) {
    const rowr = new Array(nx);
    for (let c = 0; c < nx; c++) rowr[c] = d.densityFlat.data[r * nx + c] - t[r * nx + c];
    out.push(rowr);
  }
  return out;
};

Viewer.prototype.errorBound = function () {
  if (this._errBound === undefined) {
    const t = this.truthFlat.data;
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      const d = this.decode(i).densityFlat.data;
      for (let k = 0; k < d.length; k++) m = Math.max(m, Math.abs(d[k] - t[k]));
    }
    this._errBound = m || 1;
  }
  return this._errBound;
};

Viewer.prototype.build = function () {
  const s = this.s, self = this, run = this.snap.run;
  this.el.textContent = "";
  this.el.setAttribute("tabindex", "0");
  this.el.setAttribute("role", "group");
  this.el.setAttribute("aria-label", s["viewer.title"]);
  const head = el("div", { "class": "ggmm-tv-head" });
  head.appendChild(el("p", { "class": "ggmm-tv-title" }, s["viewer.title"] + " \u00b7 " + run.dataset + " \u00b7 " + run.method));
  this.readout = el("dl", { "class": "ggmm-tv-readout", "aria-live": "polite" });
  head.appendChild(this.readout);
  this.el.appendChild(head);

  const controls = el("div", { "class": "ggmm-tv-controls" });
  this.prevBtn = el("button", { type: "button", "class": "ggmm-btn ggmm-tv-prev", "aria-label": s["viewer.prev"], title: s["viewer.prev"] }, "\u25C0");
  this.playBtn = el("button", { type: "button", "class": "ggmm-btn ggmm-tv-play", "aria-pressed": "false" }, "\u25B6 " + s["viewer.play"]);
  this.nextBtn = el("button", { type: "button", "class": "ggmm-btn ggmm-tv-next", "aria-label": s["viewer.next"], title: s["viewer.next"] }, "\u25B6");
  this.slider = el("input", { type: "range", min: "0", max: String(this.n - 1), step: "1", value: "0",
    "class": "ggmm-tv-slider", "aria-label": s["viewer.slider"] });
  this.stageBadge = el("span", { "class": "ggmm-tv-stage" });
  controls.appendChild(this.prevBtn);
  controls.appendChild(this.playBtn);
  controls.appendChild(this.nextBtn);
  controls.appendChild(this.slider);
  controls.appendChild(this.stageBadge);
  if (this.hasGrid) {
    this.compareBtn = el("button", { type: "button", "class": "ggmm-btn ggmm-tv-compare" }, s["viewer.show_error"]);
    controls.appendChild(this.compareBtn);
  }
  this.link = el("a", { "class": "ggmm-tv-link", href: "#", title: s["viewer.link_title"] }, s["viewer.link"]);
  controls.appendChild(this.link);
  this.el.appendChild(controls);
  this.el.appendChild(el("p", { "class": "ggmm-tv-keys" }, s["viewer.keys"]));

  const plots = el("div", { "class": "ggmm-tv-plots" });
  this.densityDiv = el("div", { "class": "ggmm-tv-density" });
  this.lossDiv = el("div", { "class": "ggmm-tv-loss" });
  this.networkDiv = el("div", { "class": "ggmm-tv-network" });
  if (this.hasGrid) plots.appendChild(this.densityDiv);
  plots.appendChild(this.lossDiv);
  plots.appendChild(this.networkDiv);
  this.el.appendChild(plots);

  this.narrow = !this.compact && this.el.clientWidth < 600;
  if (this.compact) this.el.classList.add("ggmm-compact");
  if (this.hasGrid) {
    this.truthFlat = unpack(this.snap.truth);
    this.truthRows = rows(this.truthFlat);
    this.drawDensity();
  }
  this.drawLoss();
  this.drawNetwork();
  this.updateReadout();

  this.slider.addEventListener("input", function () { self.goTo(parseInt(self.slider.value, 10)); });
  this.prevBtn.addEventListener("click", function () { self.pause(); self.goTo(self.index - 1); });
  this.nextBtn.addEventListener("click", function () { self.pause(); self.goTo(self.index + 1); });
  this.playBtn.addEventListener("click", function () { if (self.timer) self.pause(); else self.play(); });
  if (this.compareBtn) this.compareBtn.addEventListener("click", function () { self.toggleCompare(); });
  this.el.addEventListener("keydown", function (ev) { self.onKey(ev); });
  window.addEventListener("hashchange", function () {
    const i = frameFromHash(window.location.hash, self.el.id, self.frames);
    if (i >= 0 && i !== self.index) { self.pause(); self.goTo(i); }
  });
};

Viewer.prototype.densityFigure = function () {
  const s = this.s, g = this.snap.grid, d = this.decode(this.index), err = this.compare === "error";
  const t = this.truthFlat.data;
  let zmax = 0;
  for (let k = 0; k < t.length; k++) if (t[k] > zmax) zmax = t[k];
  this.zmax = zmax;
  const hover = "x\u2081 = %{x:.2f}<br>x\u2082 = %{y:.2f}<br>" + s["hover.density"] + " = %{z:.4g}<extra></extra>";
  const narrow = this.narrow;
  const dom1 = narrow ? { x: [0, 1], y: [0.55, 1] } : { x: [0, 0.44], y: [0, 1] };
  const dom2 = narrow ? { x: [0, 1], y: [0, 0.45] } : { x: [0.52, 0.96], y: [0, 1] };
  // The heatmaps carry the hover values and the colour bars; the frame's picture is an image painted from the
  // same colour scale on top of them (swapping an image is far cheaper than redrawing a heatmap).
  const data = [
    { type: "heatmap", x: g.x, y: g.y, z: d.density, coloraxis: "coloraxis", zsmooth: false, hovertemplate: hover },
    { type: "heatmap", x: g.x, y: g.y, z: err ? this.errorRows(this.index) : this.truthRows, xaxis: "x2", yaxis: "y2",
      coloraxis: err ? "coloraxis2" : "coloraxis", zsmooth: false,
      hovertemplate: err ? hover.replace(s["hover.density"], s["training.error"]) : hover }
  ];
  this.zmax = zmax;
  const bound = err ? this.errorBound() : 1;
  const cbar = function (y, len) { return { thickness: 10, len: len, y: y, yanchor: "middle", x: 1.0, xanchor: "left" }; };
  const layout = baseLayout({
    height: narrow ? 640 : this.compact ? 300 : 360,
    margin: { l: 44, r: 60, t: 34, b: 36 },
    xaxis: { domain: dom1.x, anchor: "y", title: { text: "x\u2081" }, constrain: "domain", zeroline: false },
    yaxis: { domain: dom1.y, anchor: "x", title: { text: "x\u2082" }, scaleanchor: "x", constrain: "domain", zeroline: false },
    xaxis2: { domain: dom2.x, anchor: "y2", title: { text: "x\u2081" }, constrain: "domain", zeroline: false },
    yaxis2: { domain: dom2.y, anchor: "x2", scaleanchor: "x2", constrain: "domain", zeroline: false },
    images: this.densityImages(err),
    coloraxis: { colorscale: VIRIDIS, cmin: 0, cmax: zmax, colorbar: Object.assign({ title: { text: s["axis.density"] } },
      err ? cbar(narrow ? 0.78 : 0.5, narrow ? 0.4 : 0.9) : cbar(0.5, 0.9)) },
    annotations: [
      { text: s["training.predicted"], xref: "x domain", yref: "y domain", x: 0, y: 1, yanchor: "bottom", xanchor: "left", showarrow: false },
      { text: err ? s["training.error"] : s["training.truth"], xref: "x2 domain", yref: "y2 domain", x: 0, y: 1,
        yanchor: "bottom", xanchor: "left", showarrow: false }
    ]
  });
  if (err) {
    layout.coloraxis.colorbar.x = narrow ? 1.0 : 1.0;
    layout.coloraxis2 = { colorscale: DIVERGING, cmin: -bound, cmax: bound,
      colorbar: Object.assign({ title: { text: "\u0394" } }, cbar(narrow ? 0.22 : 0.5, narrow ? 0.4 : 0.9)) };
    if (!narrow) { layout.coloraxis.colorbar.x = 0.445; layout.coloraxis.colorbar.xanchor = "left"; layout.xaxis2.domain = [0.56, 0.96]; }
  }
  return { data: data, layout: layout };
};

/** Where the painted images go: exactly over the heatmap cells (half a cell beyond the outer grid points). */
Viewer.prototype.imageBox = function (axis) {
  const g = this.snap.grid, nx = g.x.length, ny = g.y.length;
  const dx = (g.x[nx - 1] - g.x[0]) / (nx - 1), dy = (g.y[ny - 1] - g.y[0]) / (ny - 1);
  return { xref: "x" + axis, yref: "y" + axis, x: g.x[0] - dx / 2, y: g.y[ny - 1] + dy / 2,
    sizex: g.x[nx - 1] - g.x[0] + dx, sizey: g.y[ny - 1] - g.y[0] + dy, sizing: "stretch",
    xanchor: "left", yanchor: "top", layer: "above" };
};

/** PNG data URLs of frame i: the prediction and, in error mode, prediction minus truth. */
Viewer.prototype.pictures = function (i) {
  const d = this.decode(i).densityFlat, t = this.truthFlat.data, nx = d.shape[1], ny = d.shape[0], z = d.data;
  const out = [paint(this.canvas, function (r, c) { return z[r * nx + c]; }, nx, ny, 0, this.zmax, this.tables.density)];
  if (this.compare === "error") {
    const b = this.errorBound();
    out.push(paint(this.canvas, function (r, c) { return z[r * nx + c] - t[r * nx + c]; }, nx, ny, -b, b,
      this.tables.error));
  }
  return out;
};

Viewer.prototype.densityImages = function (err) {
  const pics = this.pictures(this.index);
  if (!err && !this.truthPicture) {
    const t = this.truthFlat, nx = t.shape[1];
    this.truthPicture = paint(this.canvas, function (r, c) { return t.data[r * nx + c]; }, nx, t.shape[0], 0, this.zmax,
      this.tables.density);
  }
  return [Object.assign({ source: pics[0] }, this.imageBox("")),
    Object.assign({ source: err ? pics[1] : this.truthPicture }, this.imageBox("2"))];
};

Viewer.prototype.drawDensity = function () {
  const f = this.densityFigure();
  return window.Plotly.react(this.densityDiv, f.data, f.layout, CONFIG);
};

Viewer.prototype.drawLoss = function () {
  const s = this.s, snap = this.snap, fr = this.frames[this.index];
  const lossName = s["loss." + (snap.loss_name || "rmse")];
  const shapes = [], annotations = [];
  snap.stages.forEach(function (st, k) {
    const color = STAGE_COLORS[st.name] || "rgba(0,0,0,0.08)";
    if (st.end > st.start) {
      shapes.push({ type: "rect", xref: "x", yref: "y domain", x0: st.start, x1: st.end, y0: 0, y1: 1, fillcolor: color,
        line: { width: 0 }, layer: "below" });
    } else {
      shapes.push({ type: "line", xref: "x", yref: "y domain", x0: st.start, x1: st.start, y0: 0, y1: 1,
        line: { color: color.replace(/[\d.]+\)$/, "0.9)"), width: 2, dash: "dot" }, layer: "below" });
    }
    annotations.push({ text: s["stage." + st.name] || st.name, x: 0.5 * (st.start + st.end), xref: "x", y: k % 2 ? 0.92 : 1,
      yref: "y domain", yanchor: "top", showarrow: false, font: { size: 10, color: "#555555" } });
  });
  const data = [
    { type: "scatter", mode: "lines", x: snap.loss.step, y: snap.loss.train, name: s["loss.train"], line: { color: TRAIN_COLOR, width: 1.5 } },
    { type: "scatter", mode: "lines", x: snap.loss.step, y: snap.loss.validation, name: s["loss.validation"], line: { color: VALIDATION_COLOR, width: 1.5 } },
    { type: "scatter", mode: "lines", x: [fr.step, fr.step], y: [0, 1], yaxis: "y2", hoverinfo: "skip", showlegend: false,
      line: { color: "#222222", width: 1.5 } },
    { type: "scatter", mode: "markers", x: [fr.step, fr.step], y: [fr.train_loss, fr.validation_loss], showlegend: false,
      hoverinfo: "text", hovertext: [s["loss.train"] + ": " + fmt(fr.train_loss), s["loss.validation"] + ": " + fmt(fr.validation_loss)],
      marker: { size: 9, color: [TRAIN_COLOR, VALIDATION_COLOR], line: { color: "white", width: 1.5 } } }
  ];
  const layout = baseLayout({
    height: 300, showlegend: true,
    legend: { orientation: "h", x: 0.005, xanchor: "left", y: 0.005, yanchor: "bottom", bgcolor: "rgba(255,255,255,0.8)" },
    title: { text: lossName, x: 0.02, xanchor: "left", font: { size: 14 } },
    xaxis: { title: { text: s["axis.step"] }, gridcolor: "#e6e6e6", zeroline: false },
    yaxis: { type: "log", gridcolor: "#e6e6e6", dtick: "D2" },
    yaxis2: { overlaying: "y", range: [0, 1], visible: false, fixedrange: true },
    shapes: shapes, annotations: annotations, hovermode: "closest"
  });
  return window.Plotly.react(this.lossDiv, data, layout, CONFIG);
};

Viewer.prototype.drawNetwork = function () {
  const d = this.decode(this.index);
  const data = networkTraceData(this.snap, this.geo, this.frames[this.index], d, d.S, this.s);
  const f = networkFigure(this.snap, this.geo, data, this.s);
  f.layout.height = this.compact ? 300 : this.narrow ? 340 : 380;
  return window.Plotly.react(this.networkDiv, f.data, f.layout, CONFIG);
};

Viewer.prototype.updateReadout = function () {
  const s = this.s, fr = this.frames[this.index], stage = s["stage." + fr.stage] || fr.stage;
  const items = [
    [s["viewer.step"], String(fr.step)], [s["viewer.stage"], stage],
    [s["viewer.train_loss"], fmt(fr.train_loss)], [s["viewer.validation_loss"], fmt(fr.validation_loss)],
    [s["viewer.widths"], fr.width.join(" \u00d7 ")]
  ];
  const dl = this.readout;
  dl.textContent = "";
  items.forEach(function (it, k) {
    const wrap = el("div", { "class": "ggmm-tv-item ggmm-tv-item-" + k });
    wrap.appendChild(el("dt", null, it[0]));
    wrap.appendChild(el("dd", null, it[1]));
    dl.appendChild(wrap);
  });
  this.stageBadge.textContent = fill(s["viewer.frame"], { i: this.index + 1, n: this.n }) + " \u00b7 " + stage;
  this.stageBadge.setAttribute("data-stage", fr.stage);
  this.stageBadge.style.background = STAGE_COLORS[fr.stage] || "transparent";
  this.slider.value = String(this.index);
  this.slider.setAttribute("aria-valuetext", s["viewer.step"] + " " + fr.step + ", " + stage);
  this.el.setAttribute("data-step", String(fr.step));
  this.el.setAttribute("data-frame", String(this.index));
  this.link.setAttribute("href", window.location.href.replace(/#.*$/, "") + "#" + snapshotHash(this.el.id, this.frames, this.index));
};

/** The network view's trace data at frame i. */
Viewer.prototype._networkData = function (i) {
  const d = this.decode(i);
  return networkTraceData(this.snap, this.geo, this.frames[i], d, d.S, this.s);
};

/**
 * Show frame i. The per-step work takes Plotly's incremental paths: the density pictures are swapped with
 * Plotly.relayout (layout images only), the loss marker and the network curves move with Plotly.animate without
 * a redraw (scatter traces only). Once the slider rests, Plotly.restyle brings the hover data (heatmap values,
 * edge and node tooltips) up to date.
 */
Viewer.prototype.goTo = function (i) {
  i = clampIndex(i, this.n);
  const t0 = performance.now();
  this.index = i;
  const fr = this.frames[i], P = window.Plotly, jobs = [];
  if (this.hasGrid) {
    const pics = this.pictures(i), edit = { "images[0].source": pics[0] };
    if (pics.length > 1) edit["images[1].source"] = pics[1];
    jobs.push(P.relayout(this.densityDiv, edit));
  }
  jobs.push(P.animate(this.lossDiv, {
    data: [{ x: [fr.step, fr.step], y: [0, 1] }, { x: [fr.step, fr.step], y: [fr.train_loss, fr.validation_loss] }],
    traces: [2, 3]
  }, FAST));
  const net = this._networkData(i), data = [], idx = [];
  for (let k = 0; k < net.x.length; k++) { data.push({ x: net.x[k], y: net.y[k] }); idx.push(k); }
  jobs.push(P.animate(this.networkDiv, { data: data, traces: idx }, FAST));
  this.updateReadout();
  this.lastUpdateMs = performance.now() - t0;
  const self = this;
  this.ready = Promise.all(jobs).then(function () { return self; });
  this.settle();
  this.el.dispatchEvent(new CustomEvent("ggmm:frame", { detail: { index: i, step: fr.step } }));
  return this.ready;
};

/** After the slider has rested, restyle the hover data of the current frame (skipped while playing). */
Viewer.prototype.settle = function () {
  const self = this;
  if (this.settleTimer) clearTimeout(this.settleTimer);
  this.settleTimer = setTimeout(function () {
    self.settleTimer = null;
    if (self.timer) return;
    const i = self.index, fr = self.frames[i], P = window.Plotly, jobs = [];
    if (self.hasGrid) {
      const z = self.compare === "error" ? [self.decode(i).density, self.errorRows(i)] : [self.decode(i).density];
      jobs.push(P.restyle(self.densityDiv, { z: z }, self.compare === "error" ? [0, 1] : [0]));
    }
    jobs.push(P.restyle(self.lossDiv, { hovertext: [[self.s["loss.train"] + ": " + fmt(fr.train_loss),
      self.s["loss.validation"] + ": " + fmt(fr.validation_loss)]] }, [3]));
    const net = self._networkData(i), n = net.x.length;
    jobs.push(P.restyle(self.networkDiv, { hovertext: [net.hovertext[n - 3], net.hovertext[n - 2], net.hovertext[n - 1]] },
      [n - 3, n - 2, n - 1]));
    Promise.all(jobs).then(function () {
      self.el.setAttribute("data-settled", String(i));
      self.el.dispatchEvent(new CustomEvent("ggmm:settled", { detail: { index: i } }));
    });
  }, SETTLE_MS);
};

Viewer.prototype.play = function () {
  const self = this;
  if (this.timer) return;
  if (this.index >= this.n - 1) this.goTo(0);
  this.playBtn.textContent = "\u23F8 " + this.s["viewer.pause"];
  this.playBtn.setAttribute("aria-pressed", "true");
  this.readout.setAttribute("aria-live", "off");
  const tick = function () {
    if (self.index >= self.n - 1) { self.pause(); return; }
    self.goTo(self.index + 1).then(function () {
      if (self.timer) self.timer = setTimeout(tick, PLAY_INTERVAL_MS);
    });
  };
  this.timer = setTimeout(tick, PLAY_INTERVAL_MS);
};

Viewer.prototype.pause = function () {
  if (this.timer) clearTimeout(this.timer);
  this.timer = null;
  this.playBtn.textContent = "\u25B6 " + this.s["viewer.play"];
  this.playBtn.setAttribute("aria-pressed", "false");
  this.readout.setAttribute("aria-live", "polite");
  this.settle();
};

Viewer.prototype.toggleCompare = function () {
  this.compare = this.compare === "truth" ? "error" : "truth";
  this.compareBtn.textContent = this.s[this.compare === "truth" ? "viewer.show_error" : "viewer.show_truth"];
  return this.drawDensity();
};

Viewer.prototype.onKey = function (ev) {
  const tag = ev.target && ev.target.tagName;
  const onSlider = ev.target === this.slider, onButton = tag === "BUTTON";
  if ((ev.key === "ArrowRight" || ev.key === "ArrowLeft") && !onSlider) {
    ev.preventDefault();
    this.pause();
    this.goTo(this.index + (ev.key === "ArrowRight" ? 1 : -1));
  } else if ((ev.key === " " || ev.key === "k") && !onButton) {
    ev.preventDefault();
    if (this.timer) this.pause(); else this.play();
  } else if ((ev.key === "Home" || ev.key === "End") && !onSlider) {
    ev.preventDefault();
    this.pause();
    this.goTo(ev.key === "Home" ? 0 : this.n - 1);
  }
};

function fail(container, strings, error) {
  container.textContent = "";
  container.appendChild(el("p", { "class": "ggmm-error" }, (strings["viewer.failed"] || "Loading failed") + ": " + error));
  if (window.console) window.console.error(error);
}

function init(container) {
  if (container.ggmmViewer || container.getAttribute("data-ggmm-init")) return;
  container.setAttribute("data-ggmm-init", "1");
  const strings = readStrings(container);
  const inline = container.querySelector('script[type="application/json"].ggmm-snapshots-data');
  let got;
  if (inline) {
    got = Promise.resolve().then(function () { return JSON.parse(inline.textContent); });
  } else {
    got = fetch(container.getAttribute("data-src")).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + r.url);
      return r.json();
    });
  }
  return got.then(function (snap) {
    if (!snap || snap.schema !== "ggmm-snapshots") throw new Error("not a ggmm-snapshots document");
    if (!container.id) container.id = uid("training-viewer");
    container.ggmmViewer = new Viewer(container, snap, strings);
    container.setAttribute("data-ready", "1");
    if (container.ggmmViewer.fromHash >= 0 && container.scrollIntoView) container.scrollIntoView({ block: "start" });
    container.dispatchEvent(new CustomEvent("ggmm:ready"));
    return container.ggmmViewer;
  }).catch(function (err) { fail(container, strings, err && err.message ? err.message : String(err)); });
}

export { init, networkLayout };

register("GGMMTrainingViewer", ".ggmm-training-viewer", init).networkLayout = networkLayout;
