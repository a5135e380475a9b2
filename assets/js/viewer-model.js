/*
 * The training-progress viewer's arithmetic, apart from its DOM (assets/js/training-viewer.js): colour
 * tables, the network view (node and box positions as build/figures/network.py, every edge's curve at one
 * snapshot, the figure), and the snapshot links: which snapshot a URL hash names and the hash naming one.
 * Pure, so it runs under Node (tests/js/widgets_viewer.test.js checks it against ggmm).
 */
import { FONT } from "./widget-common.js";

const N_BINS = 5;
const OPACITY = [0.22, 0.4, 0.58, 0.78, 1.0];
const LIVE_COLOR = "#1b1b1b", PRUNED_COLOR = "#b0b0b0", CURVE_COLOR = "#7a1f00", BOX_COLOR = "#c8c8c8";
const BAND = [0.28, 0.72];

// -- snapshots and links ------------------------------------------------------------

/** Index i brought into the snapshots 0..n-1 (non-numbers give 0). */
export function clampIndex(i, n) {
  const k = Math.trunc(Number(i));
  if (!Number.isFinite(k) || n < 1) return 0;
  return Math.max(0, Math.min(n - 1, k));
}

/** The URL hash (without '#') naming snapshot i of a viewer: "<viewer id>-step-<step>-<stage>". */
export function snapshotHash(viewerId, frames, i) {
  const fr = frames[clampIndex(i, frames.length)];
  return `${viewerId}-step-${fr.step}-${fr.stage}`;
}

/**
 * The snapshot a URL hash names for the viewer viewerId, or -1 when the hash names none of its
 * snapshots (another viewer, a step it never saved, anything malformed). With the stage left off, the
 * first snapshot at that step.
 */
export function frameFromHash(hash, viewerId, frames) {
  let text = String(hash || "").replace(/^#/, "");
  try { text = decodeURIComponent(text); } catch { return -1; }
  const prefix = `${viewerId}-step-`;
  if (text.length > 200 || !text.startsWith(prefix)) return -1;
  const m = /^(\d{1,9})(?:-([a-z]{1,20}))?$/.exec(text.slice(prefix.length));
  if (!m) return -1;
  const step = Number(m[1]), stage = m[2];
  for (let i = 0; i < frames.length; i++) {
    if (frames[i].step === step && (stage === undefined || frames[i].stage === stage)) return i;
  }
  return -1;
}

// -- colours and numbers -------------------------------------------------------------

/** 256-entry RGB lookup table of a Plotly-style colour scale. */
export function colorTable(scale) {
  const rgb = scale.map(function (st) {
    const h = st[1];
    return [st[0], parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
  });
  const out = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let k = 1;
    while (k < rgb.length - 1 && rgb[k][0] < t) k++;
    const a = rgb[k - 1], b = rgb[k], f = (t - a[0]) / ((b[0] - a[0]) || 1);
    for (let c = 0; c < 3; c++) out[3 * i + c] = a[c + 1] + f * (b[c + 1] - a[c + 1]);
  }
  return out;
}

export function fmt(v) { return typeof v === "number" && isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v); }

export function baseLayout(extra) {
  const layout = {
    font: { family: FONT, size: 12, color: "#222222" }, paper_bgcolor: "white", plot_bgcolor: "white",
    hoverlabel: { font: { family: FONT }, align: "left" }, margin: { l: 50, r: 20, t: 36, b: 40 },
    showlegend: false
  };
  Object.keys(extra).forEach(function (k) { layout[k] = extra[k]; });
  return layout;
}

// -- network geometry (as build/figures/network.py) ---------------------------

export function networkLayout(layers, edges) {
  const nodes = layers.map(function (n, depth) {
    const out = [];
    for (let i = 0; i < n; i++) out.push([(i + 0.5) / n, depth]);
    return out;
  });
  const boxes = edges.map(function (e) {
    const nGap = layers[e.layer] * layers[e.layer + 1];
    const cx = (e["in"] * layers[e.layer + 1] + e.out + 0.5) / nGap;
    const half = Math.min(0.42 / nGap, 0.07);
    return [cx - half, cx + half, e.layer + BAND[0], e.layer + BAND[1]];
  });
  return { nodes: nodes, boxes: boxes };
}

function pushSegment(xs, ys, x0, y0, x1, y1) { xs.push(x0, x1, null); ys.push(y0, y1, null); }

/** x/y/hover arrays of the network view's 15 traces at one decoded frame. */
export function networkTraceData(snap, geo, frame, dec, S, strings) {
  const layers = snap.run.layers, edges = snap.edges, E = edges.length;
  const groups = [];
  for (let b = 0; b <= N_BINS; b++) groups.push({ lx: [], ly: [], cx: [], cy: [] });
  const live = frame.edges.live, imp = frame.edges.importance;
  const hasIn = layers.map(function (n) { return new Array(n).fill(false); });
  const hasOut = layers.map(function (n) { return new Array(n).fill(false); });
  for (let e = 0; e < E; e++) {
    const edge = edges[e], box = geo.boxes[e];
    const bin = live[e] ? Math.min(Math.floor(imp[e] * N_BINS), N_BINS - 1) + 1 : 0;
    const g = groups[bin], cx = 0.5 * (box[0] + box[1]);
    const a = geo.nodes[edge.layer][edge["in"]], z = geo.nodes[edge.layer + 1][edge.out];
    pushSegment(g.lx, g.ly, a[0], a[1], cx, box[2]);
    pushSegment(g.lx, g.ly, cx, box[3], z[0], z[1]);
    const xoff = e * S;
    let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
    for (let s = 0; s < S; s++) {
      const xv = dec.ex[xoff + s], yv = dec.ey[xoff + s];
      if (xv < xmin) xmin = xv; if (xv > xmax) xmax = xv;
      if (yv < ymin) ymin = yv; if (yv > ymax) ymax = yv;
    }
    const pad = 0.08 * (box[3] - box[2]), xspan = (xmax - xmin) || 1, yspan = ymax - ymin;
    for (let s = 0; s < S; s++) {
      g.cx.push(box[0] + (dec.ex[xoff + s] - xmin) / xspan * (box[1] - box[0]));
      g.cy.push(box[2] + pad + (yspan > 1e-12 ? (dec.ey[xoff + s] - ymin) / yspan : 0.5) * (box[3] - box[2] - 2 * pad));
    }
    g.cx.push(null); g.cy.push(null);
    if (live[e]) { hasOut[edge.layer][edge["in"]] = true; hasIn[edge.layer + 1][edge.out] = true; }
  }
  const xs = [], ys = [], hov = [];
  groups.forEach(function (g) { xs.push(g.lx, g.cx); ys.push(g.ly, g.cy); hov.push(null, null); });
  const last = layers.length - 1, liveN = { x: [], y: [], t: [] }, deadN = { x: [], y: [], t: [] };
  layers.forEach(function (n, depth) {
    const kind = depth === 0 ? "input" : depth === last ? "output" : "hidden";
    for (let i = 0; i < n; i++) {
      const ok = depth === 0 ? hasOut[0][i] : depth === last ? hasIn[depth][i] : hasIn[depth][i] && hasOut[depth][i];
      const dst = ok ? liveN : deadN;
      dst.x.push(geo.nodes[depth][i][0]); dst.y.push(geo.nodes[depth][i][1]);
      dst.t.push(strings["network.node." + kind] + " " + (i + 1) + "<br>" + strings[ok ? "network.live" : "network.pruned"]);
    }
  });
  xs.push(liveN.x, deadN.x); ys.push(liveN.y, deadN.y); hov.push(liveN.t, deadN.t);
  const hx = [], hy = [], ht = [];
  for (let e = 0; e < E; e++) {
    const bx = geo.boxes[e], ed = edges[e];
    hx.push(0.5 * (bx[0] + bx[1])); hy.push(0.5 * (bx[2] + bx[3]));
    let lo = Infinity, hi = -Infinity;
    for (let s = 0; s < S; s++) { lo = Math.min(lo, dec.ex[e * S + s]); hi = Math.max(hi, dec.ex[e * S + s]); }
    ht.push("<b>" + strings["network.edge"] + "</b> " + strings["network.layer"] + " " + (ed.layer + 1) + ": " +
      (ed["in"] + 1) + " \u2192 " + (ed.out + 1) + "<br>" + strings["network.importance"] + ": " + imp[e].toFixed(3) +
      "<br>" + strings[live[e] ? "network.live" : "network.pruned"] + "<br>x \u2208 [" + fmt(lo) + ", " + fmt(hi) + "]");
  }
  xs.push(hx); ys.push(hy); hov.push(ht);
  return { x: xs, y: ys, hovertext: hov };
}

export function networkFigure(snap, geo, data, strings) {
  const traces = [];
  for (let b = 0; b <= N_BINS; b++) {
    const pruned = b === 0, opacity = pruned ? 0.55 : OPACITY[b - 1];
    traces.push({ type: "scatter", mode: "lines", x: data.x[2 * b], y: data.y[2 * b], opacity: opacity, hoverinfo: "skip",
      line: { color: pruned ? PRUNED_COLOR : LIVE_COLOR, width: 1, dash: pruned ? "dot" : "solid" } });
    traces.push({ type: "scatter", mode: "lines", x: data.x[2 * b + 1], y: data.y[2 * b + 1], opacity: opacity,
      hoverinfo: "skip", line: { color: pruned ? PRUNED_COLOR : CURVE_COLOR, width: 1.6 } });
  }
  const n = 2 * (N_BINS + 1);
  traces.push({ type: "scatter", mode: "markers", x: data.x[n], y: data.y[n], hovertext: data.hovertext[n], hoverinfo: "text",
    marker: { size: 11, color: LIVE_COLOR, line: { color: LIVE_COLOR, width: 1.5 } } });
  traces.push({ type: "scatter", mode: "markers", x: data.x[n + 1], y: data.y[n + 1], hovertext: data.hovertext[n + 1],
    hoverinfo: "text", marker: { size: 11, color: "white", line: { color: PRUNED_COLOR, width: 1.5 } } });
  traces.push({ type: "scatter", mode: "markers", x: data.x[n + 2], y: data.y[n + 2], hovertext: data.hovertext[n + 2],
    hoverinfo: "text", marker: { size: 16, opacity: 0, color: "#000000" } });
  const layers = snap.run.layers, depth = layers.length - 1;
  const shapes = geo.boxes.map(function (b) {
    return { type: "rect", x0: b[0], x1: b[1], y0: b[2], y1: b[3], line: { color: BOX_COLOR, width: 0.8 },
      fillcolor: "rgba(255,255,255,0.9)", layer: "below" };
  });
  const annotations = [];
  for (let i = 0; i < layers[0]; i++) {
    annotations.push({ text: "x<sub>" + (i + 1) + "</sub>", x: (i + 0.5) / layers[0], y: -0.12, showarrow: false, yanchor: "top" });
  }
  for (let j = 0; j < layers[depth]; j++) {
    annotations.push({ text: layers[depth] === 1 ? strings["network.output"] : "y<sub>" + (j + 1) + "</sub>",
      x: (j + 0.5) / layers[depth], y: depth + 0.12, showarrow: false, yanchor: "bottom" });
  }
  const hidden = { visible: false, fixedrange: true, showgrid: false, zeroline: false };
  const layout = baseLayout({
    title: { text: strings["network.short_title"], x: 0.02, xanchor: "left", font: { size: 14 } },
    xaxis: Object.assign({ range: [-0.02, 1.02] }, hidden), yaxis: Object.assign({ range: [-0.35, depth + 0.35] }, hidden),
    shapes: shapes, annotations: annotations, margin: { l: 10, r: 10, t: 36, b: 10 }, hovermode: "closest"
  });
  return { data: traces, layout: layout };
}
