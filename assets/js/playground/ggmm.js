/*
 * The generalized Gaussian mixture for the playground (ES module): density and the seeded
 * sampler, the same algorithm as the explorer's assets/js/ggmm.js (mulberry32, Marsaglia and
 * Tsang's gamma, |x - c| / alpha = G^(1/p) with G ~ Gamma(1/p, 1) and a random sign), so a
 * seed gives the explorer's samples. Tested against ggmm.distribution in
 * tests/test_playground_math.py.
 *
 * A mixture is {centers: [[..D]..K], scales: [[..D]..K], weights: [..K], p: number | [..K]}.
 */

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7];

/** log Gamma(x), x > 0 (Lanczos, g = 7). */
export function lgamma(x) {
  if (x === 1 || x === 2) return 0;
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The shape of every component. */
export function shapes(mixture) {
  const K = mixture.weights.length;
  return Array.isArray(mixture.p) ? mixture.p.slice() : new Array(K).fill(mixture.p);
}

/**
 * Density at n points of dimension D.
 * @param {Float64Array} X (n, D)
 * @returns {Float64Array} (n)
 */
export function pdf(mixture, X, n) {
  const K = mixture.weights.length, D = mixture.centers[0].length, ps = shapes(mixture);
  let total = 0;
  for (const w of mixture.weights) total += w;
  const logc = ps.map((p, k) => {
    let s = D * (Math.log(p) - Math.LN2 - lgamma(1 / p)) + Math.log(mixture.weights[k] / total);
    for (let d = 0; d < D; d++) s -= Math.log(mixture.scales[k][d]);
    return s;
  });
  const out = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    let v = 0;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += Math.pow(Math.abs(X[q * D + d] - mixture.centers[k][d]) / mixture.scales[k][d], ps[k]);
      v += Math.exp(logc[k] - s);
    }
    out[q] = v;
  }
  return out;
}

/** mulberry32: a seeded generator of floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal (Box-Muller). */
export function normal(rng) {
  const u = 1 - rng(), v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, 1) by Marsaglia and Tsang; shape < 1 via Gamma(shape + 1) * U^(1/shape). */
export function gamma(rng, shape) {
  if (!(shape > 0)) throw new Error(`gamma: shape must be > 0, got ${shape}`);
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng(), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(rng);
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = 1 - rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * n samples (the explorer's algorithm and draw order).
 * @returns {{x: Float64Array, labels: Int32Array}} x is (n, D)
 */
export function sample(mixture, n, seed) {
  const rng = mulberry32(seed), ps = shapes(mixture), K = mixture.weights.length, D = mixture.centers[0].length;
  let total = 0;
  for (const w of mixture.weights) total += w;
  const x = new Float64Array(n * D), labels = new Int32Array(n);
  for (let q = 0; q < n; q++) {
    const u = rng() * total;
    let acc = 0, k;
    for (k = 0; k < K - 1; k++) { acc += mixture.weights[k]; if (u < acc) break; }
    for (let d = 0; d < D; d++) {
      const r = Math.pow(gamma(rng, 1 / ps[k]), 1 / ps[k]);
      const sign = rng() < 0.5 ? -1 : 1;
      x[q * D + d] = mixture.centers[k][d] + sign * mixture.scales[k][d] * r;
    }
    labels[q] = k;
  }
  return { x, labels };
}
