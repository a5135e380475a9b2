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
 * Needs plotly.js, widget-common.js and packing.js. The network layout mirrors build/figures/network.py
 * (tested in tests/test_widgets_js.py).
 */
(function (root) {
  "use strict";

  var W = root.GGMMWidgets, el = W.el, fill = W.fill, FONT = W.FONT, CONFIG = W.CONFIG;
  var N_BINS = 5;
  var OPACITY = [0.22, 0.4, 0.58, 0.78, 1.0];
  var LIVE_COLOR = "#1b1b1b", PRUNED_COLOR = "#b0b0b0", CURVE_COLOR = "#7a1f00", BOX_COLOR = "#c8c8c8";
  var BAND = [0.28, 0.72];
  var TRAIN_COLOR = "#0072B2", VALIDATION_COLOR = "#D55E00";
  var STAGE_COLORS = {
    train: "rgba(0, 114, 178, 0.10)", prune: "rgba(213, 94, 0, 0.22)", refine: "rgba(0, 158, 115, 0.22)",
    retrain: "rgba(204, 121, 167, 0.12)", symbolic: "rgba(230, 159, 0, 0.18)"
  };
  var PLAY_INTERVAL_MS = 110;
  var SETTLE_MS = 180;  // after the slider rests this long, the hover data catch up
  // Colour scales shared by the painted images and the colour bars (so both always agree).
  var VIRIDIS = [[0, "#440154"], [0.1111, "#482878"], [0.2222, "#3e4989"], [0.3333, "#31688e"], [0.4444, "#26828e"],
    [0.5556, "#1f9e89"], [0.6667, "#35b779"], [0.7778, "#6ece58"], [0.8889, "#b5de2b"], [1, "#fde725"]];
  var DIVERGING = [[0, "#053061"], [0.1, "#2166ac"], [0.2, "#4393c3"], [0.3, "#92c5de"], [0.4, "#d1e5f0"],
    [0.5, "#f7f7f7"], [0.6, "#fddbc7"], [0.7, "#f4a582"], [0.8, "#d6604d"], [0.9, "#b2182b"], [1, "#67001f"]];
  var FAST = { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" };

  /** 256-entry RGB lookup table of a Plotly-style colour scale. */
  function colorTable(scale) {
    var rgb = scale.map(function (st) {
      var h = st[1];
      return [st[0], parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
    });
    var out = new Uint8ClampedArray(256 * 3);
    for (var i = 0; i < 256; i++) {
      var t = i / 255, k = 1;
      while (k < rgb.length - 1 && rgb[k][0] < t) k++;
      var a = rgb[k - 1], b = rgb[k], f = (t - a[0]) / ((b[0] - a[0]) || 1);
      for (var c = 0; c < 3; c++) out[3 * i + c] = a[c + 1] + f * (b[c + 1] - a[c + 1]);
    }
    return out;
  }

  /** Paint a (ny, nx) grid (row 0 = lowest y) into a canvas with a colour table; returns a PNG data URL. */
  function paint(canvas, values, nx, ny, cmin, cmax, table) {
    var ctx = canvas.getContext("2d"), img = ctx.createImageData(nx, ny), px = img.data, span = (cmax - cmin) || 1;
    for (var r = 0; r < ny; r++) {
      for (var c = 0; c < nx; c++) {
        var v = values(r, c), i = Math.max(0, Math.min(255, Math.round(255 * (v - cmin) / span)));
        var o = 4 * ((ny - 1 - r) * nx + c);
        px[o] = table[3 * i]; px[o + 1] = table[3 * i + 1]; px[o + 2] = table[3 * i + 2]; px[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    return canvas.toDataURL();
  }

  function fmt(v) { return typeof v === "number" && isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v); }

  function baseLayout(extra) {
    var layout = {
      font: { family: FONT, size: 12, color: "#222222" }, paper_bgcolor: "white", plot_bgcolor: "white",
      hoverlabel: { font: { family: FONT }, align: "left" }, margin: { l: 50, r: 20, t: 36, b: 40 },
      showlegend: false
    };
    Object.keys(extra).forEach(function (k) { layout[k] = extra[k]; });
    return layout;
  }

  // -- network geometry (as build/figures/network.py) ---------------------------

  function networkLayout(layers, edges) {
    var nodes = layers.map(function (n, depth) {
      var out = [];
      for (var i = 0; i < n; i++) out.push([(i + 0.5) / n, depth]);
      return out;
    });
    var boxes = edges.map(function (e) {
      var nGap = layers[e.layer] * layers[e.layer + 1];
      var cx = (e["in"] * layers[e.layer + 1] + e.out + 0.5) / nGap;
      var half = Math.min(0.42 / nGap, 0.07);
      return [cx - half, cx + half, e.layer + BAND[0], e.layer + BAND[1]];
    });
    return { nodes: nodes, boxes: boxes };
  }

  function pushSegment(xs, ys, x0, y0, x1, y1) { xs.push(x0, x1, null); ys.push(y0, y1, null); }

  /** x/y/hover arrays of the network view's 15 traces at one decoded frame. */
  function networkTraceData(snap, geo, frame, dec, S, strings) {
    var layers = snap.run.layers, edges = snap.edges, E = edges.length;
    var groups = [];
    for (var b = 0; b <= N_BINS; b++) groups.push({ lx: [], ly: [], cx: [], cy: [] });
    var live = frame.edges.live, imp = frame.edges.importance;
    var hasIn = layers.map(function (n) { return new Array(n).fill(false); });
    var hasOut = layers.map(function (n) { return new Array(n).fill(false); });
    for (var e = 0; e < E; e++) {
      var edge = edges[e], box = geo.boxes[e];
      var bin = live[e] ? Math.min(Math.floor(imp[e] * N_BINS), N_BINS - 1) + 1 : 0;
      var g = groups[bin], cx = 0.5 * (box[0] + box[1]);
      var a = geo.nodes[edge.layer][edge["in"]], z = geo.nodes[edge.layer + 1][edge.out];
      pushSegment(g.lx, g.ly, a[0], a[1], cx, box[2]);
      pushSegment(g.lx, g.ly, cx, box[3], z[0], z[1]);
      var xoff = e * S, xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity, s;
      for (s = 0; s < S; s++) {
        var xv = dec.ex[xoff + s], yv = dec.ey[xoff + s];
        if (xv < xmin) xmin = xv; if (xv > xmax) xmax = xv;
        if (yv < ymin) ymin = yv; if (yv > ymax) ymax = yv;
      }
      var pad = 0.08 * (box[3] - box[2]), xspan = (xmax - xmin) || 1, yspan = ymax - ymin;
      for (s = 0; s < S; s++) {
        g.cx.push(box[0] + (dec.ex[xoff + s] - xmin) / xspan * (box[1] - box[0]));
        g.cy.push(box[2] + pad + (yspan > 1e-12 ? (dec.ey[xoff + s] - ymin) / yspan : 0.5) * (box[3] - box[2] - 2 * pad));
      }
      g.cx.push(null); g.cy.push(null);
      if (live[e]) { hasOut[edge.layer][edge["in"]] = true; hasIn[edge.layer + 1][edge.out] = true; }
    }
    var xs = [], ys = [], hov = [];
    groups.forEach(function (g) { xs.push(g.lx, g.cx); ys.push(g.ly, g.cy); hov.push(null, null); });
    var last = layers.length - 1, liveN = { x: [], y: [], t: [] }, deadN = { x: [], y: [], t: [] };
    layers.forEach(function (n, depth) {
      var kind = depth === 0 ? "input" : depth === last ? "output" : "hidden";
      for (var i = 0; i < n; i++) {
        var ok = depth === 0 ? hasOut[0][i] : depth === last ? hasIn[depth][i] : hasIn[depth][i] && hasOut[depth][i];
        var dst = ok ? liveN : deadN;
        dst.x.push(geo.nodes[depth][i][0]); dst.y.push(geo.nodes[depth][i][1]);
        dst.t.push(strings["network.node." + kind] + " " + (i + 1) + "<br>" + strings[ok ? "network.live" : "network.pruned"]);
      }
    });
    xs.push(liveN.x, deadN.x); ys.push(liveN.y, deadN.y); hov.push(liveN.t, deadN.t);
    var hx = [], hy = [], ht = [];
    for (e = 0; e < E; e++) {
      var bx = geo.boxes[e], ed = edges[e];
      hx.push(0.5 * (bx[0] + bx[1])); hy.push(0.5 * (bx[2] + bx[3]));
      var lo = Infinity, hi = -Infinity;
      for (s = 0; s < S; s++) { lo = Math.min(lo, dec.ex[e * S + s]); hi = Math.max(hi, dec.ex[e * S + s]); }
      ht.push("<b>" + strings["network.edge"] + "</b> " + strings["network.layer"] + " " + (ed.layer + 1) + ": " +
        (ed["in"] + 1) + " \u2192 " + (ed.out + 1) + "<br>" + strings["network.importance"] + ": " + imp[e].toFixed(3) +
        "<br>" + strings[live[e] ? "network.live" : "network.pruned"] + "<br>x \u2208 [" + fmt(lo) + ", " + fmt(hi) + "]");
    }
    xs.push(hx); ys.push(hy); hov.push(ht);
    return { x: xs, y: ys, hovertext: hov };
  }

  function networkFigure(snap, geo, data, strings) {
    var traces = [];
    for (var b = 0; b <= N_BINS; b++) {
      var pruned = b === 0, opacity = pruned ? 0.55 : OPACITY[b - 1];
      traces.push({ type: "scatter", mode: "lines", x: data.x[2 * b], y: data.y[2 * b], opacity: opacity, hoverinfo: "skip",
        line: { color: pruned ? PRUNED_COLOR : LIVE_COLOR, width: 1, dash: pruned ? "dot" : "solid" } });
      traces.push({ type: "scatter", mode: "lines", x: data.x[2 * b + 1], y: data.y[2 * b + 1], opacity: opacity,
        hoverinfo: "skip", line: { color: pruned ? PRUNED_COLOR : CURVE_COLOR, width: 1.6 } });
    }
    var n = 2 * (N_BINS + 1);
    traces.push({ type: "scatter", mode: "markers", x: data.x[n], y: data.y[n], hovertext: data.hovertext[n], hoverinfo: "text",
      marker: { size: 11, color: LIVE_COLOR, line: { color: LIVE_COLOR, width: 1.5 } } });
    traces.push({ type: "scatter", mode: "markers", x: data.x[n + 1], y: data.y[n + 1], hovertext: data.hovertext[n + 1],
      hoverinfo: "text", marker: { size: 11, color: "white", line: { color: PRUNED_COLOR, width: 1.5 } } });
    traces.push({ type: "scatter", mode: "markers", x: data.x[n + 2], y: data.y[n + 2], hovertext: data.hovertext[n + 2],
      hoverinfo: "text", marker: { size: 16, opacity: 0, color: "#000000" } });
    var layers = snap.run.layers, depth = layers.length - 1;
    var shapes = geo.boxes.map(function (b) {
      return { type: "rect", x0: b[0], x1: b[1], y0: b[2], y1: b[3], line: { color: BOX_COLOR, width: 0.8 },
        fillcolor: "rgba(255,255,255,0.9)", layer: "below" };
    });
    var annotations = [];
    for (var i = 0; i < layers[0]; i++) {
      annotations.push({ text: "x<sub>" + (i + 1) + "</sub>", x: (i + 0.5) / layers[0], y: -0.12, showarrow: false, yanchor: "top" });
    }
    for (var j = 0; j < layers[depth]; j++) {
      annotations.push({ text: layers[depth] === 1 ? strings["network.output"] : "y<sub>" + (j + 1) + "</sub>",
        x: (j + 0.5) / layers[depth], y: depth + 0.12, showarrow: false, yanchor: "bottom" });
    }
    var hidden = { visible: false, fixedrange: true, showgrid: false, zeroline: false };
    var layout = baseLayout({
      title: { text: strings["network.short_title"], x: 0.02, xanchor: "left", font: { size: 14 } },
      xaxis: Object.assign({ range: [-0.02, 1.02] }, hidden), yaxis: Object.assign({ range: [-0.35, depth + 0.35] }, hidden),
      shapes: shapes, annotations: annotations, margin: { l: 10, r: 10, t: 36, b: 10 }, hovermode: "closest"
    });
    return { data: traces, layout: layout };
  }

  // -- the viewer -------------------------------------------------------------------

  function Viewer(container, snap, strings) {
    this.el = container;
    this.snap = snap;
    this.s = strings;
    this.frames = snap.frames;
    this.n = snap.frames.length;
    this.index = 0;
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
      var fr = this.frames[i], P = root.GGMMPacking;
      var ex = P.unpack(fr.edges.x), ey = P.unpack(fr.edges.y);
      var dens = this.hasGrid ? P.unpack(fr.density) : null;
      this.cache[i] = { ex: ex.data, ey: ey.data, S: ex.shape[1], density: dens ? P.rows(dens) : null, densityFlat: dens };
    }
    return this.cache[i];
  };

  Viewer.prototype.errorRows = function (i) {
    var d = this.decode(i), t = this.truthFlat.data, nx = this.truthFlat.shape[1], out = [];
    for (var r = 0; r < this.truthFlat.shape[0]; r++) {
      var rowr = new Array(nx);
      for (var c = 0; c < nx; c++) rowr[c] = d.densityFlat.data[r * nx + c] - t[r * nx + c];
      out.push(rowr);
    }
    return out;
  };

  Viewer.prototype.errorBound = function () {
    if (this._errBound === undefined) {
      var t = this.truthFlat.data, m = 0;
      for (var i = 0; i < this.n; i++) {
        var d = this.decode(i).densityFlat.data;
        for (var k = 0; k < d.length; k++) m = Math.max(m, Math.abs(d[k] - t[k]));
      }
      this._errBound = m || 1;
    }
    return this._errBound;
  };

  Viewer.prototype.build = function () {
    var s = this.s, self = this, run = this.snap.run;
    this.el.textContent = "";
    this.el.setAttribute("tabindex", "0");
    this.el.setAttribute("role", "group");
    this.el.setAttribute("aria-label", s["viewer.title"]);
    var head = el("div", { "class": "ggmm-tv-head" });
    head.appendChild(el("p", { "class": "ggmm-tv-title" }, s["viewer.title"] + " \u00b7 " + run.dataset + " \u00b7 " + run.method));
    this.readout = el("dl", { "class": "ggmm-tv-readout", "aria-live": "polite" });
    head.appendChild(this.readout);
    this.el.appendChild(head);

    var controls = el("div", { "class": "ggmm-tv-controls" });
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
    this.el.appendChild(controls);
    this.el.appendChild(el("p", { "class": "ggmm-tv-keys" }, s["viewer.keys"]));

    var plots = el("div", { "class": "ggmm-tv-plots" });
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
      this.truthFlat = root.GGMMPacking.unpack(this.snap.truth);
      this.truthRows = root.GGMMPacking.rows(this.truthFlat);
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
  };

  Viewer.prototype.densityFigure = function () {
    var s = this.s, g = this.snap.grid, d = this.decode(this.index), err = this.compare === "error";
    var zmax = 0, t = this.truthFlat.data;
    for (var k = 0; k < t.length; k++) if (t[k] > zmax) zmax = t[k];
    this.zmax = zmax;
    var hover = "x\u2081 = %{x:.2f}<br>x\u2082 = %{y:.2f}<br>" + s["hover.density"] + " = %{z:.4g}<extra></extra>";
    var narrow = this.narrow;
    var dom1 = narrow ? { x: [0, 1], y: [0.55, 1] } : { x: [0, 0.44], y: [0, 1] };
    var dom2 = narrow ? { x: [0, 1], y: [0, 0.45] } : { x: [0.52, 0.96], y: [0, 1] };
    // The heatmaps carry the hover values and the colour bars; the frame's picture is an image painted from the
    // same colour scale on top of them (swapping an image is far cheaper than redrawing a heatmap).
    var data = [
      { type: "heatmap", x: g.x, y: g.y, z: d.density, coloraxis: "coloraxis", zsmooth: false, hovertemplate: hover },
      { type: "heatmap", x: g.x, y: g.y, z: err ? this.errorRows(this.index) : this.truthRows, xaxis: "x2", yaxis: "y2",
        coloraxis: err ? "coloraxis2" : "coloraxis", zsmooth: false,
        hovertemplate: err ? hover.replace(s["hover.density"], s["training.error"]) : hover }
    ];
    this.zmax = zmax;
    var bound = err ? this.errorBound() : 1;
    var cbar = function (y, len) { return { thickness: 10, len: len, y: y, yanchor: "middle", x: 1.0, xanchor: "left" }; };
    var layout = baseLayout({
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
    var g = this.snap.grid, nx = g.x.length, ny = g.y.length;
    var dx = (g.x[nx - 1] - g.x[0]) / (nx - 1), dy = (g.y[ny - 1] - g.y[0]) / (ny - 1);
    return { xref: "x" + axis, yref: "y" + axis, x: g.x[0] - dx / 2, y: g.y[ny - 1] + dy / 2,
      sizex: g.x[nx - 1] - g.x[0] + dx, sizey: g.y[ny - 1] - g.y[0] + dy, sizing: "stretch",
      xanchor: "left", yanchor: "top", layer: "above" };
  };

  /** PNG data URLs of frame i: the prediction and, in error mode, prediction minus truth. */
  Viewer.prototype.pictures = function (i) {
    var d = this.decode(i).densityFlat, t = this.truthFlat.data, nx = d.shape[1], ny = d.shape[0], z = d.data;
    var out = [paint(this.canvas, function (r, c) { return z[r * nx + c]; }, nx, ny, 0, this.zmax, this.tables.density)];
    if (this.compare === "error") {
      var b = this.errorBound();
      out.push(paint(this.canvas, function (r, c) { return z[r * nx + c] - t[r * nx + c]; }, nx, ny, -b, b,
        this.tables.error));
    }
    return out;
  };

  Viewer.prototype.densityImages = function (err) {
    var pics = this.pictures(this.index);
    if (!err && !this.truthPicture) {
      var t = this.truthFlat, nx = t.shape[1];
      this.truthPicture = paint(this.canvas, function (r, c) { return t.data[r * nx + c]; }, nx, t.shape[0], 0, this.zmax,
        this.tables.density);
    }
    return [Object.assign({ source: pics[0] }, this.imageBox("")),
      Object.assign({ source: err ? pics[1] : this.truthPicture }, this.imageBox("2"))];
  };

  Viewer.prototype.drawDensity = function () {
    var f = this.densityFigure();
    return root.Plotly.react(this.densityDiv, f.data, f.layout, CONFIG);
  };

  Viewer.prototype.drawLoss = function () {
    var s = this.s, snap = this.snap, fr = this.frames[this.index];
    var lossName = s["loss." + (snap.loss_name || "rmse")];
    var shapes = [], annotations = [];
    snap.stages.forEach(function (st, k) {
      var color = STAGE_COLORS[st.name] || "rgba(0,0,0,0.08)";
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
    var data = [
      { type: "scatter", mode: "lines", x: snap.loss.step, y: snap.loss.train, name: s["loss.train"], line: { color: TRAIN_COLOR, width: 1.5 } },
      { type: "scatter", mode: "lines", x: snap.loss.step, y: snap.loss.validation, name: s["loss.validation"], line: { color: VALIDATION_COLOR, width: 1.5 } },
      { type: "scatter", mode: "lines", x: [fr.step, fr.step], y: [0, 1], yaxis: "y2", hoverinfo: "skip", showlegend: false,
        line: { color: "#222222", width: 1.5 } },
      { type: "scatter", mode: "markers", x: [fr.step, fr.step], y: [fr.train_loss, fr.validation_loss], showlegend: false,
        hoverinfo: "text", hovertext: [s["loss.train"] + ": " + fmt(fr.train_loss), s["loss.validation"] + ": " + fmt(fr.validation_loss)],
        marker: { size: 9, color: [TRAIN_COLOR, VALIDATION_COLOR], line: { color: "white", width: 1.5 } } }
    ];
    var layout = baseLayout({
      height: 300, showlegend: true,
      legend: { orientation: "h", x: 0.005, xanchor: "left", y: 0.005, yanchor: "bottom", bgcolor: "rgba(255,255,255,0.8)" },
      title: { text: lossName, x: 0.02, xanchor: "left", font: { size: 14 } },
      xaxis: { title: { text: s["axis.step"] }, gridcolor: "#e6e6e6", zeroline: false },
      yaxis: { type: "log", gridcolor: "#e6e6e6", dtick: "D2" },
      yaxis2: { overlaying: "y", range: [0, 1], visible: false, fixedrange: true },
      shapes: shapes, annotations: annotations, hovermode: "closest"
    });
    return root.Plotly.react(this.lossDiv, data, layout, CONFIG);
  };

  Viewer.prototype.drawNetwork = function () {
    var d = this.decode(this.index);
    var data = networkTraceData(this.snap, this.geo, this.frames[this.index], d, d.S, this.s);
    var f = networkFigure(this.snap, this.geo, data, this.s);
    f.layout.height = this.compact ? 300 : this.narrow ? 340 : 380;
    return root.Plotly.react(this.networkDiv, f.data, f.layout, CONFIG);
  };

  Viewer.prototype.updateReadout = function () {
    var s = this.s, fr = this.frames[this.index], stage = s["stage." + fr.stage] || fr.stage;
    var items = [
      [s["viewer.step"], String(fr.step)], [s["viewer.stage"], stage],
      [s["viewer.train_loss"], fmt(fr.train_loss)], [s["viewer.validation_loss"], fmt(fr.validation_loss)],
      [s["viewer.widths"], fr.width.join(" \u00d7 ")]
    ];
    var dl = this.readout;
    dl.textContent = "";
    items.forEach(function (it, k) {
      var wrap = el("div", { "class": "ggmm-tv-item ggmm-tv-item-" + k });
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
  };

  /** The network view's trace data at frame i. */
  Viewer.prototype._networkData = function (i) {
    var d = this.decode(i);
    return networkTraceData(this.snap, this.geo, this.frames[i], d, d.S, this.s);
  };

  /**
   * Show frame i. The per-step work takes Plotly's incremental paths: the density pictures are swapped with
   * Plotly.relayout (layout images only), the loss marker and the network curves move with Plotly.animate without
   * a redraw (scatter traces only). Once the slider rests, Plotly.restyle brings the hover data (heatmap values,
   * edge and node tooltips) up to date.
   */
  Viewer.prototype.goTo = function (i) {
    i = Math.max(0, Math.min(this.n - 1, i | 0));
    var t0 = performance.now();
    this.index = i;
    var fr = this.frames[i], P = root.Plotly, jobs = [];
    if (this.hasGrid) {
      var pics = this.pictures(i), edit = { "images[0].source": pics[0] };
      if (pics.length > 1) edit["images[1].source"] = pics[1];
      jobs.push(P.relayout(this.densityDiv, edit));
    }
    jobs.push(P.animate(this.lossDiv, {
      data: [{ x: [fr.step, fr.step], y: [0, 1] }, { x: [fr.step, fr.step], y: [fr.train_loss, fr.validation_loss] }],
      traces: [2, 3]
    }, FAST));
    var net = this._networkData(i), data = [], idx = [];
    for (var k = 0; k < net.x.length; k++) { data.push({ x: net.x[k], y: net.y[k] }); idx.push(k); }
    jobs.push(P.animate(this.networkDiv, { data: data, traces: idx }, FAST));
    this.updateReadout();
    this.lastUpdateMs = performance.now() - t0;
    var self = this;
    this.ready = Promise.all(jobs).then(function () { return self; });
    this.settle();
    this.el.dispatchEvent(new CustomEvent("ggmm:frame", { detail: { index: i, step: fr.step } }));
    return this.ready;
  };

  /** After the slider has rested, restyle the hover data of the current frame (skipped while playing). */
  Viewer.prototype.settle = function () {
    var self = this;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(function () {
      self.settleTimer = null;
      if (self.timer) return;
      var i = self.index, fr = self.frames[i], P = root.Plotly, jobs = [];
      if (self.hasGrid) {
        var z = self.compare === "error" ? [self.decode(i).density, self.errorRows(i)] : [self.decode(i).density];
        jobs.push(P.restyle(self.densityDiv, { z: z }, self.compare === "error" ? [0, 1] : [0]));
      }
      jobs.push(P.restyle(self.lossDiv, { hovertext: [[self.s["loss.train"] + ": " + fmt(fr.train_loss),
        self.s["loss.validation"] + ": " + fmt(fr.validation_loss)]] }, [3]));
      var net = self._networkData(i), n = net.x.length;
      jobs.push(P.restyle(self.networkDiv, { hovertext: [net.hovertext[n - 3], net.hovertext[n - 2], net.hovertext[n - 1]] },
        [n - 3, n - 2, n - 1]));
      Promise.all(jobs).then(function () {
        self.el.setAttribute("data-settled", String(i));
        self.el.dispatchEvent(new CustomEvent("ggmm:settled", { detail: { index: i } }));
      });
    }, SETTLE_MS);
  };

  Viewer.prototype.play = function () {
    var self = this;
    if (this.timer) return;
    if (this.index >= this.n - 1) this.goTo(0);
    this.playBtn.textContent = "\u23F8 " + this.s["viewer.pause"];
    this.playBtn.setAttribute("aria-pressed", "true");
    this.readout.setAttribute("aria-live", "off");
    var tick = function () {
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
    var tag = ev.target && ev.target.tagName;
    var onSlider = ev.target === this.slider, onButton = tag === "BUTTON";
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
    if (root.location && root.location.protocol === "file:" && strings["viewer.file_hint"]) {
      container.appendChild(el("p", { "class": "ggmm-error" }, strings["viewer.file_hint"]));
    }
    if (root.console) root.console.error(error);
  }

  function init(container) {
    if (container.ggmmViewer || container.getAttribute("data-ggmm-init")) return;
    container.setAttribute("data-ggmm-init", "1");
    var strings = W.readStrings(container);
    var inline = container.querySelector('script[type="application/json"].ggmm-snapshots-data');
    var got;
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
      container.ggmmViewer = new Viewer(container, snap, strings);
      container.setAttribute("data-ready", "1");
      container.dispatchEvent(new CustomEvent("ggmm:ready"));
      return container.ggmmViewer;
    }).catch(function (err) { fail(container, strings, err && err.message ? err.message : String(err)); });
  }

  W.register("GGMMTrainingViewer", ".ggmm-training-viewer", init).networkLayout = networkLayout;
})(window);
