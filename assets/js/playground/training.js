/*
 * What a training step of the KAN needs beyond the forward pass (kan.js): gradient buffers,
 * pykan's regularization and its gradient, the analytic backward pass, and torch.optim.Adam.
 */

import { buffer, dims } from "./kan.js";

/** Zeroed gradient buffers shaped like the trainable parameters. */
export function zeroGrads(model) {
  return model.layers.map((L) => ({
    coef: new Float64Array(L.coef.length), scaleBase: new Float64Array(L.scaleBase.length),
    scaleSp: new Float64Array(L.scaleSp.length),
  }));
}

/**
 * pykan's regularization reg('edge_forward_spline_n', 1, 2, 0, 0) on the batch of `fw`,
 * and, when `grads` is given, lamb times its gradient added into `edgeGrad`.
 * Per layer: vec_ji = std_n(phi_ji(x_ni)) / (std_n(x_ni) + 0.1) (unbiased std), then
 * l1 = sum vec, plus 2 * (row entropy + column entropy) of vec normalized by (sum + 1).
 * @returns {{value: number, dPost: Float64Array[]|null, dIn: Float64Array[]|null}}
 *   dPost[l] (n, in, out): d(lamb * reg)/d phi; dIn[l] (n, in): through the input std
 */
export function regularization(model, fw, lamb = 0, withGrad = false) {
  const n = fw.n, LOG2 = Math.LN2;
  let value = 0;
  const dPost = [], dIn = [];
  model.layers.forEach((L, l) => {
    const { nIn, nOut } = dims(L), x = fw.acts[l], c = fw.cache[l];
    const post = new Float64Array(n * nIn * nOut);
    for (let p = 0; p < n; p++) {
      for (let i = 0; i < nIn; i++) {
        const q = p * nIn + i;
        for (let j = 0; j < nOut; j++) {
          const e = i * nOut + j;
          post[q * nOut + j] = L.mask[e] * (L.scaleBase[e] * c.base[q] + L.scaleSp[e] * c.spl[q * nOut + j]);
        }
      }
    }
    const meanIn = new Float64Array(nIn), sIn = new Float64Array(nIn);
    const meanPost = new Float64Array(nIn * nOut), sPost = new Float64Array(nIn * nOut);
    for (let p = 0; p < n; p++) for (let i = 0; i < nIn; i++) meanIn[i] += x[p * nIn + i] / n;
    for (let p = 0; p < n; p++) for (let e = 0; e < nIn * nOut; e++) meanPost[e] += post[p * nIn * nOut + e] / n;
    for (let p = 0; p < n; p++) {
      for (let i = 0; i < nIn; i++) sIn[i] += (x[p * nIn + i] - meanIn[i]) ** 2;
      for (let e = 0; e < nIn * nOut; e++) sPost[e] += (post[p * nIn * nOut + e] - meanPost[e]) ** 2;
    }
    for (let i = 0; i < nIn; i++) sIn[i] = Math.sqrt(sIn[i] / (n - 1));
    for (let e = 0; e < nIn * nOut; e++) sPost[e] = Math.sqrt(sPost[e] / (n - 1));
    // vec as (out, in) like pykan; index e = i * nOut + j
    const vec = new Float64Array(nIn * nOut), rowSum = new Float64Array(nOut).fill(1), colSum = new Float64Array(nIn).fill(1);
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < nOut; j++) {
        const v = sPost[i * nOut + j] / (sIn[i] + 0.1);
        vec[i * nOut + j] = v; rowSum[j] += v; colSum[i] += v;
      }
    }
    const f = (pp) => pp * Math.log(pp + 1e-4) / LOG2;
    const fp = (pp) => Math.log(pp + 1e-4) / LOG2 + pp / ((pp + 1e-4) * LOG2);
    let l1 = 0, entRow = 0, entCol = 0;
    for (let e = 0; e < nIn * nOut; e++) {
      const i = Math.floor(e / nOut), j = e % nOut;
      l1 += vec[e];
      entRow -= f(vec[e] / rowSum[j]) / nOut;
      entCol -= f(vec[e] / colSum[i]) / nIn;
    }
    value += l1 + 2 * (entRow + entCol);
    if (!withGrad) return;
    // d reg / d vec
    const g = new Float64Array(nIn * nOut).fill(1);
    const aRow = new Float64Array(nOut), aCol = new Float64Array(nIn);
    for (let e = 0; e < nIn * nOut; e++) {
      const i = Math.floor(e / nOut), j = e % nOut;
      aRow[j] += fp(vec[e] / rowSum[j]) * vec[e] / (rowSum[j] * rowSum[j]);
      aCol[i] += fp(vec[e] / colSum[i]) * vec[e] / (colSum[i] * colSum[i]);
    }
    for (let e = 0; e < nIn * nOut; e++) {
      const i = Math.floor(e / nOut), j = e % nOut;
      g[e] += -2 / nOut * (fp(vec[e] / rowSum[j]) / rowSum[j] - aRow[j]);
      g[e] += -2 / nIn * (fp(vec[e] / colSum[i]) / colSum[i] - aCol[i]);
      g[e] *= lamb;
    }
    const dp = new Float64Array(n * nIn * nOut), di = new Float64Array(n * nIn);
    const gs = new Float64Array(nIn * nOut), gi = new Float64Array(nIn);
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < nOut; j++) {
        const e = i * nOut + j, r = sIn[i] + 0.1;
        gs[e] = sPost[e] > 0 ? g[e] / r / ((n - 1) * sPost[e]) : 0;
        gi[i] -= g[e] * sPost[e] / (r * r);
      }
      gi[i] = sIn[i] > 0 ? gi[i] / ((n - 1) * sIn[i]) : 0;
    }
    for (let p = 0; p < n; p++) {
      for (let e = 0; e < nIn * nOut; e++) dp[p * nIn * nOut + e] = gs[e] * (post[p * nIn * nOut + e] - meanPost[e]);
      for (let i = 0; i < nIn; i++) di[p * nIn + i] = gi[i] * (x[p * nIn + i] - meanIn[i]);
    }
    dPost.push(dp); dIn.push(di);
  });
  return { value, dPost: withGrad ? dPost : null, dIn: withGrad ? dIn : null };
}

/**
 * Reverse mode over the layers: gradients of sum_p dOut[p] . out[p] (plus the
 * regularization terms when `reg` holds them) with respect to coef, scale_base, scale_sp.
 * @param {Float64Array} dOut (n, width[L])
 * @param {object|null} reg the result of regularization(..., withGrad = true)
 */
export function backward(model, fw, dOut, reg = null, grads = zeroGrads(model)) {
  const n = fw.n;
  let dy = dOut;
  for (let l = model.layers.length - 1; l >= 0; l--) {
    const L = model.layers[l], c = fw.cache[l], G = grads[l], k = L.k;
    const { nIn, nOut, nb } = dims(L);
    const dpre = buffer(L, "dpre", n * nOut);
    for (let p = 0; p < n; p++) {
      for (let j = 0; j < nOut; j++) dpre[p * nOut + j] = dy[p * nOut + j] * L.nodeScale[j] * L.subnodeScale[j];
    }
    const dx = l > 0 ? buffer(L, "dx", n * nIn) : null;
    const dPost = reg ? reg.dPost[l] : null;
    const k1 = k + 1, coef = L.coef, vals = c.vals, ders = c.ders, gCoef = G.coef;
    for (let p = 0; p < n; p++) {
      for (let i = 0; i < nIn; i++) {
        const q = p * nIn + i, st = c.start[q], base = c.base[q], v0 = q * k1;
        let dxq = 0;
        for (let j = 0; j < nOut; j++) {
          const e = i * nOut + j;
          if (L.mask[e] === 0) continue;
          // d/d phi_e at this sample: the node's gradient plus the regularization's
          const g = dpre[p * nOut + j] + (dPost ? dPost[q * nOut + j] : 0);
          if (g === 0) continue;
          const gm = g * L.mask[e];
          G.scaleBase[e] += gm * base;
          G.scaleSp[e] += gm * c.spl[q * nOut + j];
          const gc = gm * L.scaleSp[e], off = e * nb + st;
          let dsp = 0;
          for (let r = 0; r < k1; r++) {
            gCoef[off + r] += gc * vals[v0 + r];
            dsp += coef[off + r] * ders[v0 + r];
          }
          if (dx) dxq += gm * (L.scaleBase[e] * c.dbase[q] + L.scaleSp[e] * dsp);
        }
        if (dx) dx[q] = dxq + (reg ? reg.dIn[l][q] : 0);
      }
    }
    dy = dx;
  }
  return grads;
}

// -- Adam (torch.optim.Adam, bias-corrected, eps 1e-8) ----------------------------------

/** Adam state for the trainable parameters of `model`. */
export function createAdam(model, lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8) {
  return { lr, beta1, beta2, eps, t: 0, m: zeroGrads(model), v: zeroGrads(model) };
}

/** One Adam step in place. */
export function adamStep(model, adam, grads) {
  adam.t += 1;
  const { lr, beta1, beta2, eps } = adam;
  const bc1 = 1 - beta1 ** adam.t, bc2sqrt = Math.sqrt(1 - beta2 ** adam.t), stepSize = lr / bc1;
  model.layers.forEach((L, l) => {
    for (const name of ["coef", "scaleBase", "scaleSp"]) {
      const p = L[name], g = grads[l][name], m = adam.m[l][name], v = adam.v[l][name];
      for (let a = 0; a < p.length; a++) {
        m[a] = beta1 * m[a] + (1 - beta1) * g[a];
        v[a] = beta2 * v[a] + (1 - beta2) * g[a] * g[a];
        p[a] -= stepSize * m[a] / (Math.sqrt(v[a]) / bc2sqrt + eps);
      }
    }
  });
}
