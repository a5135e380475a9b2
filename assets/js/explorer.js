/*
 * Ground-truth explorer (figure 2, live).
 *
 * Finds every <div class="ggmm-explorer" data-lang="..." data-strings="..."> holding its presets as
 * <script type="application/json" class="ggmm-explorer-data">{"presets": [{name, title, mixture, bounds,
 * n_samples}, ...]}</script> and builds a preset menu (when there are several), sliders for the shape p, the number of components K and each component's center,
 * scales and weight (weights renormalized to sum to 1). Every change recomputes in the browser,
 * with ggmm.js: the density grid, the 3-D surface and the contour map, fresh samples drawn with
 * the Gamma construction from a seeded PRNG, the posterior table and the formula.
 * Needs plotly.js, widget-common.js and ggmm.js.
 */
(function (root) {
  "use strict";

  var W = root.GGMMWidgets, el = W.el, fill = W.fill, FONT = W.FONT, CONFIG = W.CONFIG;
  var SAMPLE_COLOR = "#FFD21F", SAMPLE_EDGE = "#5c4a00", CENTER_COLOR = "#E0201B";
  var P_MIN = 0.3, P_MAX = 8, SCALE_MIN = 0.05, SCALE_MAX = 2.5, W_MIN = 0.02, K_MAX = 6;
  var RESOLUTION = 61, TABLE_ROWS = 8;

  // log-scaled sliders: position in [0, 1000] <-> value in [lo, hi]
  function toLog(v, lo, hi) { return Math.round(1000 * Math.log(v / lo) / Math.log(hi / lo)); }
  function fromLog(pos, lo, hi) { return lo * Math.pow(hi / lo, pos / 1000); }

  function Explorer(container, presets, strings) {
    this.el = container;
    this.presets = presets;
    this.s = strings;
    this.pending = false;
    this.timings = [];
    this.load(0);
  }

  /** Start over from preset number i. */
  Explorer.prototype.load = function (i) {
    var data = this.presets[i];
    this.presetIndex = i;
    this.data = data;
    this.D = data.mixture.centers[0].length;
    this.bounds = data.bounds;
    this.n = data.n_samples || 400;
    this.initial = this.stateFrom(data.mixture);
    this.state = JSON.parse(JSON.stringify(this.initial));
    this.seed = 1;
    if (this.plotDiv && root.Plotly) root.Plotly.purge(this.plotDiv);
    this.build();
    this.update();
  };

  Explorer.prototype.stateFrom = function (mixture) {
    var ps = root.GGMM.shapes(mixture), mean = 0;
    ps.forEach(function (p) { mean += p / ps.length; });
    return {
      p: mean,
      comps: mixture.centers.map(function (c, k) {
        return { c: c.slice(), a: mixture.scales[k].slice(), w: mixture.weights[k] };
      })
    };
  };

  /** The mixture of the current state, weights renormalized. */
  Explorer.prototype.mixture = function () {
    var comps = this.state.comps, total = 0;
    comps.forEach(function (c) { total += c.w; });
    return {
      centers: comps.map(function (c) { return c.c.slice(); }),
      scales: comps.map(function (c) { return c.a.slice(); }),
      weights: comps.map(function (c) { return c.w / total; }),
      p: this.state.p
    };
  };

  Explorer.prototype.newComponent = function (k) {
    // deterministic placement: spread along the diagonal of the domain, alternating sides
    var b = this.bounds, frac = [0.25, 0.75, 0.5, 0.15, 0.85, 0.35][k % 6];
    var c = [], a = [];
    for (var d = 0; d < this.D; d++) {
      var f = d % 2 === 0 ? frac : 1 - frac;
      c.push(Number((b[d][0] + f * (b[d][1] - b[d][0])).toFixed(2)));
      a.push(0.5);
    }
    return { c: c, a: a, w: 1 / (k + 1) };
  };

  /** One labelled range input with its value shown beside it (label, input and output are siblings). */
  Explorer.prototype.slider = function (label, attrs, display, onInput, cls) {
    var id = W.uid(this.el.id + "-in");
    var wrap = el("div", { "class": "ggmm-ex-slider " + (cls || "") });
    var name = el("label", { "class": "ggmm-ex-label", "for": id }, label);
    var input = el("input", Object.assign({ type: "range", id: id }, attrs));
    var out = el("output", { "class": "ggmm-ex-value", "for": id }, display());
    input.addEventListener("input", function () { onInput(parseFloat(input.value)); out.textContent = display(); });
    wrap.appendChild(name);
    wrap.appendChild(input);
    wrap.appendChild(out);
    wrap.refresh = function () { out.textContent = display(); };
    wrap.input = input;
    return wrap;
  };

  Explorer.prototype.build = function () {
    var s = this.s, self = this;
    this.el.textContent = "";
    var head = el("div", { "class": "ggmm-ex-head" });
    head.appendChild(el("p", { "class": "ggmm-ex-title" }, s["explorer.title"] + " \u00b7 " + this.data.title));
    if (this.presets.length > 1) {
      var pick = el("div", { "class": "ggmm-ex-preset" });
      var selectId = W.uid(this.el.id + "-preset");
      pick.appendChild(el("label", { "class": "ggmm-ex-label", "for": selectId }, s["explorer.preset"]));
      var select = el("select", { "class": "ggmm-ex-preset-select", id: selectId });
      this.presets.forEach(function (p, k) {
        var opt = el("option", { value: String(k) }, p.title);
        if (k === self.presetIndex) opt.selected = true;
        select.appendChild(opt);
      });
      select.addEventListener("change", function () { self.load(parseInt(select.value, 10)); });
      pick.appendChild(select);
      head.appendChild(pick);
    }
    this.el.appendChild(head);
    var layout = el("div", { "class": "ggmm-ex-layout" });
    this.controls = el("div", { "class": "ggmm-ex-controls" });
    var main = el("div", { "class": "ggmm-ex-main" });
    layout.appendChild(this.controls);
    layout.appendChild(main);
    this.el.appendChild(layout);

    var global = el("div", { "class": "ggmm-ex-global" });
    this.pSlider = this.slider(s["explorer.p"], { min: "0", max: "1000", step: "1", value: String(toLog(this.state.p, P_MIN, P_MAX)),
      "class": "ggmm-ex-p" }, function () { return self.state.p.toFixed(2); },
      function (v) { self.state.p = fromLog(v, P_MIN, P_MAX); self.schedule(); });
    global.appendChild(this.pSlider);
    this.kSlider = this.slider(s["explorer.k"], { min: "1", max: String(K_MAX), step: "1", value: String(this.state.comps.length),
      "class": "ggmm-ex-k" }, function () { return String(self.state.comps.length); },
      function (v) { self.setK(v | 0); });
    global.appendChild(this.kSlider);
    var buttons = el("div", { "class": "ggmm-ex-buttons" });
    var resample = el("button", { type: "button", "class": "ggmm-btn ggmm-ex-resample" }, s["explorer.resample"]);
    var reset = el("button", { type: "button", "class": "ggmm-btn ggmm-ex-reset" }, s["explorer.reset"]);
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
    var notes = el("p", { "class": "ggmm-ex-note" }, s["explorer.sampler"] + (this.D > 2 ? " " + s["explorer.marginal_note"] : ""));
    main.appendChild(notes);
    var formulaBox = el("div", { "class": "ggmm-ex-formula" });
    formulaBox.appendChild(el("p", { "class": "ggmm-ex-formula-title" }, s["formula.title"]));
    this.formulaDiv = el("div", { "class": "ggmm-formula", tabindex: "0", role: "region", "aria-label": s["formula.title"] });
    formulaBox.appendChild(this.formulaDiv);
    var details = el("details", { "class": "ggmm-latex" });
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
    var s = this.s, self = this, D = this.D;
    this.compBox.textContent = "";
    this.compSliders = [];
    this.state.comps.forEach(function (comp, k) {
      var box = el("details", { "class": "ggmm-ex-component", "data-component": String(k) });
      if (k < 3) box.setAttribute("open", "");
      var sum = el("summary", null, fill(s["explorer.component"], { k: k + 1 }));
      box.appendChild(sum);
      var sliders = [];
      for (var d = 0; d < D; d++) {
        (function (d) {
          var lo = self.bounds[d][0], hi = self.bounds[d][1];
          sliders.push(self.slider(s["explorer.center"] + " x" + String.fromCharCode(0x2081 + d),
            { min: String(lo), max: String(hi), step: "0.05", value: String(comp.c[d]) },
            function () { return comp.c[d].toFixed(2); }, function (v) { comp.c[d] = v; self.schedule(); }));
        })(d);
      }
      for (d = 0; d < D; d++) {
        (function (d) {
          sliders.push(self.slider(s["explorer.scale"] + " x" + String.fromCharCode(0x2081 + d),
            { min: "0", max: "1000", step: "1", value: String(toLog(comp.a[d], SCALE_MIN, SCALE_MAX)) },
            function () { return comp.a[d].toFixed(2); },
            function (v) { comp.a[d] = fromLog(v, SCALE_MIN, SCALE_MAX); self.schedule(); }));
        })(d);
      }
      var wSlider = self.slider(s["explorer.weight"], { min: String(W_MIN), max: "1", step: "0.01", value: String(comp.w) },
        function () { return self.normalizedWeight(k).toFixed(3); }, function (v) { comp.w = v; self.refreshWeights(); self.schedule(); },
        "ggmm-ex-weight");
      sliders.push(wSlider);
      sliders.forEach(function (sl) { box.appendChild(sl); });
      self.compSliders.push(wSlider);
      self.compBox.appendChild(box);
    });
  };

  Explorer.prototype.normalizedWeight = function (k) {
    var total = 0;
    this.state.comps.forEach(function (c) { total += c.w; });
    return this.state.comps[k].w / total;
  };

  Explorer.prototype.refreshWeights = function () {
    this.compSliders.forEach(function (sl) { sl.refresh(); });
  };

  Explorer.prototype.setK = function (K) {
    var comps = this.state.comps;
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
    var self = this;
    if (this.pending) return;
    this.pending = true;
    root.requestAnimationFrame(function () { self.pending = false; self.update(); });
  };

  Explorer.prototype.figure = function (m, xs, ys, z, sample) {
    var s = this.s, G = root.GGMM, zmax = 0;
    z.forEach(function (r) { r.forEach(function (v) { if (v > zmax) zmax = v; }); });
    var m2 = this.D > 2 ? G.marginal(m, [0, 1]) : m;
    var sx = [], sy = [], sz = [], lab = [];
    var pts2 = sample.x.map(function (p) { return [p[0], p[1]]; });
    var onSurface = G.pdf(m2, pts2);
    sample.x.forEach(function (p, i) { sx.push(p[0]); sy.push(p[1]); sz.push(onSurface[i]); lab.push(sample.labels[i] + 1); });
    var cx = m.centers.map(function (c) { return c[0]; }), cy = m.centers.map(function (c) { return c[1]; });
    var cz = Array.prototype.slice.call(G.pdf(m2, m.centers.map(function (c) { return [c[0], c[1]]; })));
    var hoverDensity = "x\u2081 = %{x:.3f}<br>x\u2082 = %{y:.3f}<br>" + s["hover.density"] + " = %{z:.4g}<extra></extra>";
    var hoverSample = "x\u2081 = %{x:.3f}<br>x\u2082 = %{y:.3f}<br>" + s["hover.component"] + ": %{customdata}<extra></extra>";
    var compact = !!(this.el.closest && this.el.closest(".reveal"));  // in a slide: shorter, fits the slide
    var narrow = !compact && this.plotDiv.clientWidth < 600;
    var data = [
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
    var b = this.bounds;
    var layout = {
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
    var s = this.s, G = root.GGMM, K = m.weights.length, D = this.D;
    var rows = sample.x.slice(0, TABLE_ROWS), labels = sample.labels.slice(0, TABLE_ROWS);
    var dens = G.pdf(m, rows), post = G.posterior(m, rows);
    var head = ["#"];
    for (var d = 0; d < D; d++) head.push("x<sub>" + (d + 1) + "</sub>");
    head.push("P(x)");
    for (var k = 0; k < K; k++) head.push("\u03b3<sub>" + (k + 1) + "</sub>");
    head.push(G.escapeHtml(s["posterior.drawn_from"]));
    var body = rows.map(function (x, i) {
      var best = 0;
      for (var k2 = 1; k2 < K; k2++) if (post[i][k2] > post[i][best]) best = k2;
      var cells = [String(i + 1)].concat(x.map(function (v) { return v.toFixed(3); }), [G.fmtG(dens[i], 4)]);
      for (var kk = 0; kk < K; kk++) {
        var v = post[i][kk].toFixed(3);
        cells.push(kk === best ? "<strong>" + v + "</strong>" : v);
      }
      cells.push(String(labels[i] + 1));
      return "<tr>" + cells.map(function (c) { return "<td>" + c + "</td>"; }).join("") + "</tr>";
    });
    return '<table class="ggmm-table ggmm-posterior"><caption>' + G.escapeHtml(s["posterior.caption"]) + "</caption><thead><tr>" +
      head.map(function (h) { return '<th scope="col">' + h + "</th>"; }).join("") + "</tr></thead><tbody>" +
      body.join("") + "</tbody></table>";
  };

  /** Recompute everything from the current state. */
  Explorer.prototype.update = function () {
    var t0 = performance.now(), G = root.GGMM, b = this.bounds;
    var m = this.mixture();
    var xs = G.linspace(b[0][0], b[0][1], RESOLUTION), ys = G.linspace(b[1][0], b[1][1], RESOLUTION);
    var z = G.grid(m, xs, ys);
    var sample = G.sample(m, this.n, this.seed);
    var fig = this.figure(m, xs, ys, z, sample);
    this.last = { mixture: m, z: z, sample: sample };
    var latex = G.formulaLatex(m);
    this.latexPre.textContent = latex;
    if (root.MathJax && typeof root.MathJax.typesetPromise === "function") {
      this.formulaDiv.textContent = "\\[" + latex + "\\]";
      root.MathJax.typesetPromise([this.formulaDiv]).catch(function () { /* keep the source text */ });
    } else {
      this.formulaDiv.innerHTML = G.formulaHtml(m);
    }
    this.tableDiv.innerHTML = this.table(m, sample);
    this.seedOut.textContent = this.s["explorer.samples"] + " " + this.n + " \u00b7 " + this.s["explorer.seed"] + " " + this.seed;
    var self = this;
    this.ready = root.Plotly.react(this.plotDiv, fig.data, fig.layout, CONFIG).then(function () {
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
    var strings = W.readStrings(container);
    var script = container.querySelector('script[type="application/json"].ggmm-explorer-data');
    try {
      var data = JSON.parse(script.textContent);
      var presets = Array.isArray(data.presets) ? data.presets : [data];
      if (!container.id) container.id = W.uid("ggmm-explorer");
      container.ggmmExplorer = new Explorer(container, presets, strings);
      container.setAttribute("data-ready", "1");
      return container.ggmmExplorer.ready;
    } catch (err) {
      container.appendChild(el("p", { "class": "ggmm-error" }, String(err && err.message ? err.message : err)));
      if (root.console) root.console.error(err);
    }
  }

  W.register("GGMMExplorer", ".ggmm-explorer", init);
})(window);
