/*
 * The playground page's views, drawn on canvases: a density map (viridis on a square-root
 * scale, with contours), the loss curves, the network with every edge's activation, and one
 * edge's curve over its knots. page.js says what to draw and when; the run's state stays there.
 */

/** Called when a canvas drawn on here changes size (page.js redraws then). */
let onResize = () => {};

/** Set what to call when a canvas changes size. */
export function whenResized(callback) { onResize = callback; }

/** Canvas widths, measured by a ResizeObserver (reading clientWidth while drawing would force a layout). */
const widths = new Map();
const resizer = "ResizeObserver" in window ? new ResizeObserver((entries) => {
  for (const entry of entries) widths.set(entry.target, entry.contentRect.width);
  onResize();
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

/** A density map: values (m * m, row 0 = lowest y) on a square-root colour scale up to vmax, with contours and a label. */
export function drawDensity(canvas, values, m, vmax, label) {
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

/** The train and validation loss curves ([step, loss] pairs) on a log axis; fmt gives the labels. */
export function drawLoss(canvas, trainHistory, validationHistory, fmt) {
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

/** Where the nodes of a network of widths `width` sit in a w x h box, the inputs at the bottom. */
export function networkLayout(width, w, h) {
  const nodes = width.map((n, l) => Array.from({ length: n }, (_, i) => ({ x: w * (i + 1) / (n + 1), y: h - 14 - (h - 28) * l / (width.length - 1) })));
  return nodes;
}

/** The network of the worker's last frame, every edge's activation at its midpoint, edge `selectedEdge` marked. */
export function drawNetwork(canvas, last, selectedEdge) {
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

/** Edge `selectedEdge` of the worker's last frame: its curve over its inputs' range, and its knots. */
export function drawEdge(canvas, last, selectedEdge, fmt) {
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
  ctx.fillText(`${edgeName(e, fmt)} · ${fmt("playground.knots")}: ${e.knots.length}`, pad, 12);
  ctx.fillText(hi.toPrecision(3), 2, pad); ctx.fillText(lo.toPrecision(3), 2, h - pad);
}

/** An edge's name in the page's language: layer, input and output, counted from 1. */
export function edgeName(e, fmt) {
  return fmt("playground.edge", { layer: e.layer + 1, i: e.i + 1, j: e.j + 1 });
}
