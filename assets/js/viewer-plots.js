/*
 * The training-progress viewer's density and loss plots (training-viewer.js builds the viewer):
 * the predicted density beside the truth or the error map, painted as images over heatmaps that
 * carry the hover values and colour bars, and the train/validation loss curves with the stage
 * bands and a marker at the current step. The functions are the viewer's methods (`this` is the
 * viewer), and plotMethods lists them for its prototype.
 */
import { CONFIG } from "./widget-common.js";
import { baseLayout, fmt } from "./viewer-model.js";

const TRAIN_COLOR = "#0072B2", VALIDATION_COLOR = "#D55E00";
export const STAGE_COLORS = {
  train: "rgba(0, 114, 178, 0.10)", prune: "rgba(213, 94, 0, 0.22)", refine: "rgba(0, 158, 115, 0.22)",
  retrain: "rgba(204, 121, 167, 0.12)", symbolic: "rgba(230, 159, 0, 0.18)"
};
// Colour scales shared by the painted images and the colour bars (so both always agree).
export const VIRIDIS = [[0, "#440154"], [0.1111, "#482878"], [0.2222, "#3e4989"], [0.3333, "#31688e"], [0.4444, "#26828e"],
  [0.5556, "#1f9e89"], [0.6667, "#35b779"], [0.7778, "#6ece58"], [0.8889, "#b5de2b"], [1, "#fde725"]];
export const DIVERGING = [[0, "#053061"], [0.1, "#2166ac"], [0.2, "#4393c3"], [0.3, "#92c5de"], [0.4, "#d1e5f0"],
  [0.5, "#f7f7f7"], [0.6, "#fddbc7"], [0.7, "#f4a582"], [0.8, "#d6604d"], [0.9, "#b2182b"], [1, "#67001f"]];

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

// -- the density plot -----------------------------------------------------------

/** Prediction minus truth at frame i, as rows (the error map's hover values). */
function errorRows(i) {
  const d = this.decode(i), t = this.truthFlat.data, nx = this.truthFlat.shape[1], out = [];
  for (let r = 0; r < this.truthFlat.shape[0]; r++) {
    const rowr = new Array(nx);
    for (let c = 0; c < nx; c++) rowr[c] = d.densityFlat.data[r * nx + c] - t[r * nx + c];
    out.push(rowr);
  }
  return out;
}

/** The largest |prediction - truth| over all frames: the error map's colour range. */
function errorBound() {
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
}

function densityFigure() {
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
}

/** Where the painted images go: exactly over the heatmap cells (half a cell beyond the outer grid points). */
function imageBox(axis) {
  const g = this.snap.grid, nx = g.x.length, ny = g.y.length;
  const dx = (g.x[nx - 1] - g.x[0]) / (nx - 1), dy = (g.y[ny - 1] - g.y[0]) / (ny - 1);
  return { xref: "x" + axis, yref: "y" + axis, x: g.x[0] - dx / 2, y: g.y[ny - 1] + dy / 2,
    sizex: g.x[nx - 1] - g.x[0] + dx, sizey: g.y[ny - 1] - g.y[0] + dy, sizing: "stretch",
    xanchor: "left", yanchor: "top", layer: "above" };
}

/** PNG data URLs of frame i: the prediction and, in error mode, prediction minus truth. */
function pictures(i) {
  const d = this.decode(i).densityFlat, t = this.truthFlat.data, nx = d.shape[1], ny = d.shape[0], z = d.data;
  const out = [paint(this.canvas, function (r, c) { return z[r * nx + c]; }, nx, ny, 0, this.zmax, this.tables.density)];
  if (this.compare === "error") {
    const b = this.errorBound();
    out.push(paint(this.canvas, function (r, c) { return z[r * nx + c] - t[r * nx + c]; }, nx, ny, -b, b,
      this.tables.error));
  }
  return out;
}

function densityImages(err) {
  const pics = this.pictures(this.index);
  if (!err && !this.truthPicture) {
    const t = this.truthFlat, nx = t.shape[1];
    this.truthPicture = paint(this.canvas, function (r, c) { return t.data[r * nx + c]; }, nx, t.shape[0], 0, this.zmax,
      this.tables.density);
  }
  return [Object.assign({ source: pics[0] }, this.imageBox("")),
    Object.assign({ source: err ? pics[1] : this.truthPicture }, this.imageBox("2"))];
}

function drawDensity() {
  const f = this.densityFigure();
  return window.Plotly.react(this.densityDiv, f.data, f.layout, CONFIG);
}

// -- the loss plot --------------------------------------------------------------

function drawLoss() {
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
}

/** The plots' methods, for the viewer's prototype. */
export const plotMethods = {
  errorRows, errorBound, densityFigure, imageBox, pictures, densityImages, drawDensity, drawLoss,
};
