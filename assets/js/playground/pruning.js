/*
 * Importance and pruning: pykan's attribute() scores of edges and nodes, propagated back from
 * the output, and the report's prune by those scores (masks only: the shapes stay).
 */

import { dims, forward } from "./kan.js";

/**
 * pykan's attribute(): edge scores (per layer, (in, out) here) and node scores
 * (per layer of nodes), propagated back from the output.
 */
export function attribute(model, X, n) {
  const fw = forward(model, X, n, true);
  const std = (get, count) => {
    let mean = 0;
    for (let p = 0; p < count; p++) mean += get(p) / count;
    let s = 0;
    for (let p = 0; p < count; p++) s += (get(p) - mean) ** 2;
    return Math.sqrt(s / (count - 1));
  };
  const edgeAct = [], subAct = [];
  model.layers.forEach((L, l) => {
    const { nIn, nOut } = dims(L), c = fw.cache[l];
    const ea = new Float64Array(nIn * nOut), sa = new Float64Array(nOut);
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < nOut; j++) {
        const e = i * nOut + j;
        ea[e] = std((p) => L.mask[e] * (L.scaleBase[e] * c.base[p * nIn + i] + L.scaleSp[e] * c.spl[(p * nIn + i) * nOut + j]), n);
      }
    }
    for (let j = 0; j < nOut; j++) sa[j] = std((p) => c.pre[p * nOut + j], n);
    edgeAct.push(ea); subAct.push(sa);
  });
  const depth = model.layers.length, nodeScores = new Array(depth + 1), edgeScores = new Array(depth);
  const nOutLast = model.width[depth];
  // per output unit of the network, then the mean over outputs (pykan's torch.mean(dim=0))
  let score = []; // score[o][j] for the current node layer
  for (let o = 0; o < nOutLast; o++) { const v = new Float64Array(nOutLast); v[o] = 1; score.push(v); }
  nodeScores[depth] = meanRows(score, nOutLast);
  for (let l = depth - 1; l >= 0; l--) {
    const L = model.layers[l], { nIn, nOut } = dims(L);
    const edges = score.map((s) => {
      const es = new Float64Array(nIn * nOut);
      for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) es[i * nOut + j] = edgeAct[l][i * nOut + j] * s[j] / (subAct[l][j] + 1e-4);
      return es;
    });
    edgeScores[l] = meanRows(edges, nIn * nOut);
    score = edges.map((es) => {
      const v = new Float64Array(nIn);
      for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) v[i] += es[i * nOut + j];
      return v;
    });
    nodeScores[l] = meanRows(score, nIn);
  }
  return { edgeScores, nodeScores };
}

function meanRows(rows, size) {
  const out = new Float64Array(size);
  for (const r of rows) for (let a = 0; a < size; a++) out[a] += r[a] / rows.length;
  return out;
}

/**
 * The report's prune (pykan's node then edge thresholds, by masks): hidden nodes scoring
 * <= nodeThreshold lose their edges, then edges scoring <= edgeThreshold are masked.
 * @returns {number} live edges left
 */
export function prune(model, X, n, nodeThreshold = 1e-2, edgeThreshold = 3e-2) {
  const { nodeScores } = attribute(model, X, n);
  for (let l = 1; l < model.layers.length; l++) {
    const below = model.layers[l - 1], above = model.layers[l];
    nodeScores[l].forEach((s, node) => {
      if (s > nodeThreshold) return;
      for (let i = 0; i < below.inDim; i++) below.mask[i * below.outDim + node] = 0;
      for (let j = 0; j < above.outDim; j++) above.mask[node * above.outDim + j] = 0;
    });
  }
  const { edgeScores } = attribute(model, X, n);
  let live = 0;
  model.layers.forEach((L, l) => {
    for (let e = 0; e < L.mask.length; e++) {
      if (!(edgeScores[l][e] > edgeThreshold)) L.mask[e] = 0;
      if (L.mask[e] > 0) live += 1;
    }
  });
  return live;
}
