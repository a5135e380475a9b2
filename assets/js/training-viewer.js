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
 * Needs plotly.js (window.Plotly); the density and loss plots are in viewer-plots.js, the arithmetic
 * (network view, colour tables, snapshot links) in viewer-model.js, tested under Node against ggmm
 * (tests/test_widgets_js.py).
 */
import { unpack, rows } from "./packing.js";
import { CONFIG, el, fill, readStrings, register, uid } from "./widget-common.js";
import {
  clampIndex, colorTable, fmt, frameFromHash, networkFigure, networkLayout, networkTraceData, snapshotHash,
} from "./viewer-model.js";
import { DIVERGING, STAGE_COLORS, VIRIDIS, plotMethods } from "./viewer-plots.js";

const PLAY_INTERVAL_MS = 110;
const SETTLE_MS = 180;  // after the slider rests this long, the hover data catch up
const FAST = { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" };

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

// the density and loss plots (viewer-plots.js)
Object.assign(Viewer.prototype, plotMethods);

Viewer.prototype.decode = function (i) {
  if (!this.cache[i]) {
    const fr = this.frames[i], P = { unpack, rows };
    const ex = P.unpack(fr.edges.x), ey = P.unpack(fr.edges.y);
    const dens = this.hasGrid ? P.unpack(fr.density) : null;
    this.cache[i] = { ex: ex.data, ey: ey.data, S: ex.shape[1], density: dens ? P.rows(dens) : null, densityFlat: dens };
  }
  return this.cache[i];
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
