/*
 * Ground-truth explorer (figure 2, live).
 *
 * Finds every <div class="ggmm-explorer" data-lang="..." data-strings="..."> holding its presets as
 * <script type="application/json" class="ggmm-explorer-data">{"presets": [{name, title, mixture, bounds,
 * n_samples}, ...]}</script> and builds a preset menu (when there are several), sliders for the shape p, the number of components K and each component's center,
 * scales and weight (weights renormalized to sum to 1). Every change recomputes in the browser,
 * with ggmm.js: the density grid, the 3-D surface and the contour map, fresh samples drawn with
 * the Gamma construction from a seeded PRNG, the posterior table and the formula.
 * A link opens the KAN playground with the mixture shown (its (x1, x2) marginal for more dimensions),
 * in the playground's hash format (assets/js/playground/state.js); it follows every change.
 * Needs plotly.js (window.Plotly); the arithmetic is in explorer-model.js and ggmm.js.
 */
import * as G from "./ggmm.js";
import { CONFIG, FONT, el, fill, readStrings, register, uid } from "./widget-common.js";
import {
  K_MAX, P_MAX, P_MIN, SCALE_MAX, SCALE_MIN, W_MIN, fromLog, gridMax, mixtureOf, newComponent, playgroundLink, stateFrom,
  surfacePoints, toLog,
} from "./explorer-model.js";

const SAMPLE_COLOR = "#FFD21F", SAMPLE_EDGE = "#5c4a00", CENTER_COLOR = "#E0201B";
const RESOLUTION = 61, TABLE_ROWS = 8;

function Explorer(container, presets, strings, playgroundUrl) {
  this.playgroundUrl = playgroundUrl;
  this.el = container;
  this.presets = presets;
  this.s = strings;
  this.pending = false;
  this.timings = [];
  this.load(0);
}

/** Start over from preset number i. */
Explorer.prototype.load = function (i) {
  const data = this.presets[i];
  this.presetIndex = i;
  this.data = data;
  this.D = data.mixture.centers[0].length;
  this.bounds = data.bounds;
  this.n = data.n_samples || 400;
  this.initial = this.stateFrom(data.mixture);
  this.state = JSON.parse(JSON.stringify(this.initial));
  this.seed = 1;
  if (this.plotDiv && window.Plotly) window.Plotly.purge(this.plotDiv);
  this.build();
  this.update();
};

Explorer.prototype.stateFrom = function (mixture) { return stateFrom(mixture); };

/** The mixture of the current state, weights renormalized. */
Explorer.prototype.mixture = function () { return mixtureOf(this.state); };

Explorer.prototype.newComponent = function (k) { return newComponent(this.bounds, this.D, k); };

/** One labelled range input with its value shown beside it (label, input and output are siblings). */
Explorer.prototype.slider = function (label, attrs, display, onInput, cls) {
  const id = uid(this.el.id + "-in");
  const wrap = el("div", { "class": "ggmm-ex-slider " + (cls || "") });
  const name = el("label", { "class": "ggmm-ex-label", "for": id }, label);
  const input = el("input", Object.assign({ type: "range", id: id }, attrs));
  const out = el("output", { "class": "ggmm-ex-value", "for": id }, display());
  input.addEventListener("input", function () { onInput(parseFloat(input.value)); out.textContent = display(); });
  wrap.appendChild(name);
  wrap.appendChild(input);
  wrap.appendChild(out);
  wrap.refresh = function () { out.textContent = display(); };
  wrap.input = input;
  return wrap;
};

Explorer.prototype.build = function () {
  const s = this.s, self = this;
  this.el.textContent = "";
  const head = el("div", { "class": "ggmm-ex-head" });
  head.appendChild(el("p", { "class": "ggmm-ex-title" }, s["explorer.title"] + " \u00b7 " + this.data.title));
  if (this.presets.length > 1) {
    const pick = el("div", { "class": "ggmm-ex-preset" });
    const selectId = uid(this.el.id + "-preset");
    pick.appendChild(el("label", { "class": "ggmm-ex-label", "for": selectId }, s["explorer.preset"]));
    const select = el("select", { "class": "ggmm-ex-preset-select", id: selectId });
    this.presets.forEach(function (p, k) {
      const opt = el("option", { value: String(k) }, p.title);
      if (k === self.presetIndex) opt.selected = true;
      select.appendChild(opt);
    });
    select.addEventListener("change", function () { self.load(parseInt(select.value, 10)); });
    pick.appendChild(select);
    head.appendChild(pick);
  }
  if (this.playgroundUrl) {
    this.playgroundLink = el("a", { "class": "ggmm-btn ggmm-ex-playground", href: this.playgroundUrl },
      s["explorer.playground"]);
    head.appendChild(this.playgroundLink);
  }
  this.el.appendChild(head);
  const layout = el("div", { "class": "ggmm-ex-layout" });
  this.controls = el("div", { "class": "ggmm-ex-controls" });
  const main = el("div", { "class": "ggmm-ex-main" });
  layout.appendChild(this.controls);
  layout.appendChild(main);
  this.el.appendChild(layout);

  const global = el("div", { "class": "ggmm-ex-global" });
  this.pSlider = this.slider(s["explorer.p"], { min: "0", max: "1000", step: "1", value: String(toLog(this.state.p, P_MIN, P_MAX)),
    "class": "ggmm-ex-p" }, function () { return self.state.p.toFixed(2); },
    function (v) { self.state.p = fromLog(v, P_MIN, P_MAX); self.schedule(); });
  global.appendChild(this.pSlider);
  this.kSlider = this.slider(s["explorer.k"], { min: "1", max: String(K_MAX), step: "1", value: String(this.state.comps.length),
    "class": "ggmm-ex-k" }, function () { return String(self.state.comps.length); },
    function (v) { self.setK(v | 0); });
  global.appendChild(this.kSlider);
  const buttons = el("div", { "class": "ggmm-ex-buttons" });
  const resample = el("button", { type: "button", "class": "ggmm-btn ggmm-ex-resample" }, s["explorer.resample"]);
  const reset = el("button", { type: "button", "class": "ggmm-btn ggmm-ex-reset" }, s["explorer.reset"]);
  this.seedOut = el("span", { "class": "ggmm-ex-seed" });
  resample.addEventListener("click", function () { self.seed += 1; self.schedule(); });
  reset.addEventListener("click", function () { self.reset(); });
  buttons.appendChild(resample);
  buttons.appendChild(reset);
  buttons.appendChild(this.seedOut);
  global.appendChild(buttons);
  global.appendChild(el("p", { "class": "ggmm-ex-note" }, s["explorer.weights_note"]));
  this.controls.appendChild(global);
  this.compBox = el("div", { "class": "ggmm-ex-components" });
  this.controls.appendChild(this.compBox);
  this.buildComponents();

  this.plotDiv = el("div", { "class": "ggmm-ex-plot" });
  main.appendChild(this.plotDiv);
  const notes = el("p", { "class": "ggmm-ex-note" }, s["explorer.sampler"] + (this.D > 2 ? " " + s["explorer.marginal_note"] : ""));
  main.appendChild(notes);
  const formulaBox = el("div", { "class": "ggmm-ex-formula" });
  formulaBox.appendChild(el("p", { "class": "ggmm-ex-formula-title" }, s["formula.title"]));
  this.formulaDiv = el("div", { "class": "ggmm-formula", tabindex: "0", role: "region", "aria-label": s["formula.title"] });
  formulaBox.appendChild(this.formulaDiv);
  const details = el("details", { "class": "ggmm-latex" });
  details.appendChild(el("summary", null, s["formula.latex"]));
  this.latexPre = el("pre", null, "");
  details.appendChild(this.latexPre);
  formulaBox.appendChild(details);
  main.appendChild(formulaBox);
  this.tableDiv = el("div", { "class": "ggmm-ex-table ggmm-table-wrap", tabindex: "0", role: "region",
    "aria-label": s["posterior.caption"] });
  main.appendChild(this.tableDiv);
};

Explorer.prototype.buildComponents = function () {
  const s = this.s, self = this, D = this.D;
  this.compBox.textContent = "";
  this.compSliders = [];
  this.state.comps.forEach(function (comp, k) {
    const box = el("details", { "class": "ggmm-ex-component", "data-component": String(k) });
    if (k < 3) box.setAttribute("open", "");
    const sum = el("summary", null, fill(s["explorer.component"], { k: k + 1 }));
    box.appendChild(sum);
    const sliders = [];
    for (let d = 0; d < D; d++) {
      const lo = self.bounds[d][0], hi = self.bounds[d][1];
      sliders.push(self.slider(s["explorer.center"] + " x" + String.fromCharCode(0x2081 + d),
        { min: String(lo), max: String(hi), step: "0.05", value: String(comp.c[d]) },
        function () { return comp.c[d].toFixed(2); }, function (v) { comp.c[d] = v; self.schedule(); }));
    }
    for (let d = 0; d < D; d++) {
      sliders.push(self.slider(s["explorer.scale"] + " x" + String.fromCharCode(0x2081 + d),
        { min: "0", max: "1000", step: "1", value: String(toLog(comp.a[d], SCALE_MIN, SCALE_MAX)) },
        function () { return comp.a[d].toFixed(2); },
        function (v) { comp.a[d] = fromLog(v, SCALE_MIN, SCALE_MAX); self.schedule(); }));
    }
    const wSlider = self.slider(s["explorer.weight"], { min: String(W_MIN), max: "1", step: "0.01", value: String(comp.w) },
      function () { return self.normalizedWeight(k).toFixed(3); }, function (v) { comp.w = v; self.refreshWeights(); self.schedule(); },
      "ggmm-ex-weight");
    sliders.push(wSlider);
    sliders.forEach(function (sl) { box.appendChild(sl); });
    self.compSliders.push(wSlider);
    self.compBox.appendChild(box);
  });
};

Explorer.prototype.normalizedWeight = function (k) {
  let total = 0;
  this.state.comps.forEach(function (c) { total += c.w; });
  return this.state.comps[k].w / total;
};

Explorer.prototype.refreshWeights = function () {
  this.compSliders.forEach(function (sl) { sl.refresh(); });
};

Explorer.prototype.setK = function (K) {
  const comps = this.state.comps;
  while (comps.length < K) comps.push(this.newComponent(comps.length));
  while (comps.length > K) comps.pop();
  this.buildComponents();
  this.schedule();
};

Explorer.prototype.reset = function () {
  this.state = JSON.parse(JSON.stringify(this.initial));
  this.seed = 1;
  this.pSlider.input.value = String(toLog(this.state.p, P_MIN, P_MAX));
  this.pSlider.refresh();
  this.kSlider.input.value = String(this.state.comps.length);
  this.kSlider.refresh();
  this.buildComponents();
  this.schedule();
};

/** Coalesce bursts of slider events into one update per animation frame. */
Explorer.prototype.schedule = function () {
  const self = this;
  if (this.pending) return;
  this.pending = true;
  window.requestAnimationFrame(function () { self.pending = false; self.update(); });
};

Explorer.prototype.figure = function (m, xs, ys, z, sample) {
  const s = this.s, zmax = gridMax(z);
  const onSurface = surfacePoints(m, sample.x), sx = onSurface.x, sy = onSurface.y, sz = onSurface.z;
  const lab = sample.labels.map((k) => k + 1);
  const centers = surfacePoints(m, m.centers), cx = centers.x, cy = centers.y, cz = centers.z;
  const hoverDensity = "x\u2081 = %{x:.3f}<br>x\u2082 = %{y:.3f}<br>" + s["hover.density"] + " = %{z:.4g}<extra></extra>";
  const hoverSample = "x\u2081 = %{x:.3f}<br>x\u2082 = %{y:.3f}<br>" + s["hover.component"] + ": %{customdata}<extra></extra>";
  const compact = !!(this.el.closest && this.el.closest(".reveal"));  // in a slide: shorter, fits the slide
  const narrow = !compact && this.plotDiv.clientWidth < 600;
  const data = [
    { type: "surface", x: xs, y: ys, z: z, colorscale: "Viridis", cmin: 0, cmax: zmax, showscale: false,
      hovertemplate: hoverDensity, showlegend: false, scene: "scene" },
    { type: "scatter3d", mode: "markers", x: sx, y: sy, z: sz, customdata: lab, hovertemplate: hoverSample, showlegend: false,
      marker: { size: 2, color: SAMPLE_COLOR }, scene: "scene" },
    { type: "scatter3d", mode: "markers", x: cx, y: cy, z: cz, hoverinfo: "skip", showlegend: false,
      marker: { size: 5, color: CENTER_COLOR, symbol: "diamond" }, scene: "scene" },
    // a surface and a contour cannot share a coloraxis: the same colorscale and limits instead
    { type: "contour", x: xs, y: ys, z: z, colorscale: "Viridis", zmin: 0, zmax: zmax, ncontours: 14, hovertemplate: hoverDensity,
      colorbar: { title: { text: s["axis.density"] }, thickness: 12, len: narrow ? 0.4 : 0.8, y: narrow ? 0.22 : 0.5 },
      contours: { coloring: "fill", showlines: true }, line: { width: 0.5 }, showlegend: false, xaxis: "x", yaxis: "y" },
    { type: "scatter", mode: "markers", x: sx, y: sy, customdata: lab, hovertemplate: hoverSample, name: s["legend.samples"],
      marker: { size: 4, color: SAMPLE_COLOR, line: { width: 0.4, color: SAMPLE_EDGE } }, xaxis: "x", yaxis: "y" },
    { type: "scatter", mode: "markers", x: cx, y: cy, name: s["legend.centers"], hoverinfo: "skip",
      marker: { size: 11, color: CENTER_COLOR, symbol: "x-thin", line: { width: 3, color: CENTER_COLOR } }, xaxis: "x", yaxis: "y" }
  ];
  const b = this.bounds;
  const layout = {
    font: { family: FONT, size: 12, color: "#222222" }, paper_bgcolor: "white", plot_bgcolor: "white",
    hoverlabel: { font: { family: FONT }, align: "left" },
    height: narrow ? 760 : compact ? 430 : 480, margin: { l: 10, r: 10, t: 30, b: 40 }, uirevision: "keep",
    scene: { domain: narrow ? { x: [0, 1], y: [0.52, 1] } : { x: [0, 0.5], y: [0, 1] },
      xaxis: { title: { text: "x\u2081" } }, yaxis: { title: { text: "x\u2082" } }, zaxis: { title: { text: s["axis.density"] } },
      camera: { eye: { x: 1.5, y: -1.5, z: 1.0 } }, aspectmode: "manual", aspectratio: { x: 1, y: 1, z: 0.7 } },
    xaxis: { domain: narrow ? [0, 0.9] : [0.56, 0.93], anchor: "y", range: [b[0][0], b[0][1]], title: { text: "x\u2081" } },
    yaxis: { domain: narrow ? [0, 0.44] : [0.05, 0.95], anchor: "x", range: [b[1][0], b[1][1]], scaleanchor: "x",
      constrain: "domain", title: { text: "x\u2082" } },
    legend: { orientation: "h", x: 1, xanchor: "right", y: narrow ? 0.47 : 1.0, yanchor: "bottom" },
    annotations: [
      { text: this.D > 2 ? s["truth.marginal"] : s["truth.surface"], xref: "paper", yref: "paper", x: 0, y: 1,
        xanchor: "left", yanchor: "bottom", showarrow: false },
      { text: s["truth.contour"], xref: "x domain", yref: "y domain", x: 0, y: 1, xanchor: "left", yanchor: "bottom",
        showarrow: false }
    ]
  };
  return { data: data, layout: layout };
};

Explorer.prototype.table = function (m, sample) {
  const s = this.s, K = m.weights.length, D = this.D;
  const rows = sample.x.slice(0, TABLE_ROWS), labels = sample.labels.slice(0, TABLE_ROWS);
  const dens = G.pdf(m, rows), post = G.posterior(m, rows);
  const head = ["#"];
  for (let d = 0; d < D; d++) head.push("x<sub>" + (d + 1) + "</sub>");
  head.push("P(x)");
  for (let k = 0; k < K; k++) head.push("\u03b3<sub>" + (k + 1) + "</sub>");
  head.push(G.escapeHtml(s["posterior.drawn_from"]));
  const body = rows.map(function (x, i) {
    let best = 0;
    for (let k2 = 1; k2 < K; k2++) if (post[i][k2] > post[i][best]) best = k2;
    const cells = [String(i + 1)].concat(x.map(function (v) { return v.toFixed(3); }), [G.fmtG(dens[i], 4)]);
    for (let kk = 0; kk < K; kk++) {
      const v = post[i][kk].toFixed(3);
      cells.push(kk === best ? "<strong>" + v + "</strong>" : v);
    }
    cells.push(String(labels[i] + 1));
    return "<tr>" + cells.map(function (c) { return "<td>" + c + "</td>"; }).join("") + "</tr>";
  });
  return '<table class="ggmm-table ggmm-posterior"><caption>' + G.escapeHtml(s["posterior.caption"]) + "</caption><thead><tr>" +
    head.map(function (h) { return '<th scope="col">' + h + "</th>"; }).join("") + "</tr></thead><tbody>" +
    body.join("") + "</tbody></table>";
};

/** Point the playground link at the current mixture (its (x1, x2) marginal, its first components). */
Explorer.prototype.updateLink = function (m) {
  if (!this.playgroundLink) return;
  const s = this.s, link = playgroundLink(m);
  let title = s["explorer.playground_title"];
  if (link.marginal) title += " " + s["explorer.playground_marginal"];
  if (link.dropped > 0) title += " " + fill(s["explorer.playground_dropped"], { k: link.settings.mixture.weights.length });
  this.playgroundLink.setAttribute("href", this.playgroundUrl.replace(/#.*$/, "") + "#" + link.hash);
  this.playgroundLink.setAttribute("title", title);
  this.playgroundLink.setAttribute("data-marginal", link.marginal ? "1" : "0");
};

/** Recompute everything from the current state. */
Explorer.prototype.update = function () {
  const t0 = performance.now(), b = this.bounds;
  const m = this.mixture();
  const xs = G.linspace(b[0][0], b[0][1], RESOLUTION), ys = G.linspace(b[1][0], b[1][1], RESOLUTION);
  const z = G.grid(m, xs, ys);
  const sample = G.sample(m, this.n, this.seed);
  const fig = this.figure(m, xs, ys, z, sample);
  this.last = { mixture: m, z: z, sample: sample };
  this.updateLink(m);
  const latex = G.formulaLatex(m);
  this.latexPre.textContent = latex;
  if (window.MathJax && typeof window.MathJax.typesetPromise === "function") {
    this.formulaDiv.textContent = "\\[" + latex + "\\]";
    window.MathJax.typesetPromise([this.formulaDiv]).catch(function () { /* keep the source text */ });
  } else {
    this.formulaDiv.innerHTML = G.formulaHtml(m);
  }
  this.tableDiv.innerHTML = this.table(m, sample);
  this.seedOut.textContent = this.s["explorer.samples"] + " " + this.n + " \u00b7 " + this.s["explorer.seed"] + " " + this.seed;
  const self = this;
  this.ready = window.Plotly.react(this.plotDiv, fig.data, fig.layout, CONFIG).then(function () {
    self.timings.push(performance.now() - t0);
    self.el.setAttribute("data-p", self.state.p.toFixed(4));
    self.el.dispatchEvent(new CustomEvent("ggmm:update"));
    return self;
  });
  return this.ready;
};

function init(container) {
  if (container.ggmmExplorer || container.getAttribute("data-ggmm-init")) return;
  container.setAttribute("data-ggmm-init", "1");
  const strings = readStrings(container);
  const script = container.querySelector('script[type="application/json"].ggmm-explorer-data');
  try {
    const data = JSON.parse(script.textContent);
    const presets = Array.isArray(data.presets) ? data.presets : [data];
    if (!container.id) container.id = uid("ggmm-explorer");
    const playground = container.getAttribute("data-ggmm-playground");
    container.ggmmExplorer = new Explorer(container, presets, strings, playground || "");
    container.setAttribute("data-ready", "1");
    return container.ggmmExplorer.ready;
  } catch (err) {
    container.appendChild(el("p", { "class": "ggmm-error" }, String(err && err.message ? err.message : err)));
    if (window.console) window.console.error(err);
  }
}

export { init };

register("GGMMExplorer", ".ggmm-explorer", init);
