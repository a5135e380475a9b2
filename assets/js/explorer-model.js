/*
 * The ground-truth explorer's arithmetic, apart from its DOM (assets/js/explorer.js): the log-scaled
 * sliders, the editable state and the mixture it stands for, where a new component goes, the points
 * drawn on the surface, and the link that opens the same mixture in the KAN playground. Pure, so it
 * runs under Node (tests/js/widgets_explorer.test.js checks it against ggmm).
 */
import { marginal, pdf, shapes } from "./ggmm.js";
import { defaults, sanitize, toHash } from "./playground/state.js";

/** Slider ranges: shape p, scales alpha, smallest weight, most components. */
export const P_MIN = 0.3, P_MAX = 8, SCALE_MIN = 0.05, SCALE_MAX = 2.5, W_MIN = 0.02, K_MAX = 6;

/** A log-scaled slider's position in [0, 1000] for value v in [lo, hi]. */
export function toLog(v, lo, hi) { return Math.round(1000 * Math.log(v / lo) / Math.log(hi / lo)); }

/** The value in [lo, hi] at a log-scaled slider's position in [0, 1000]. */
export function fromLog(pos, lo, hi) { return lo * Math.pow(hi / lo, pos / 1000); }

/** The editable state of a mixture: one shape p (the mean of the components'), and per component c, a, w. */
export function stateFrom(mixture) {
  const ps = shapes(mixture);
  let mean = 0;
  ps.forEach((p) => { mean += p / ps.length; });
  return {
    p: mean,
    comps: mixture.centers.map((c, k) => ({ c: c.slice(), a: mixture.scales[k].slice(), w: mixture.weights[k] })),
  };
}

/** The mixture of a state, weights renormalized to sum to 1. */
export function mixtureOf(state) {
  let total = 0;
  state.comps.forEach((c) => { total += c.w; });
  return {
    centers: state.comps.map((c) => c.c.slice()),
    scales: state.comps.map((c) => c.a.slice()),
    weights: state.comps.map((c) => c.w / total),
    p: state.p,
  };
}

/** Component k added by the K slider: spread along the domain's diagonal, alternating sides, deterministic. */
export function newComponent(bounds, D, k) {
  const frac = [0.25, 0.75, 0.5, 0.15, 0.85, 0.35][k % 6], c = [], a = [];
  for (let d = 0; d < D; d++) {
    const f = d % 2 === 0 ? frac : 1 - frac;
    c.push(Number((bounds[d][0] + f * (bounds[d][1] - bounds[d][0])).toFixed(2)));
    a.push(0.5);
  }
  return { c, a, w: 1 / (k + 1) };
}

/** The largest value of a grid (rows of numbers): the top of the shared colour scale. */
export function gridMax(z) {
  let top = 0;
  z.forEach((r) => r.forEach((v) => { if (v > top) top = v; }));
  return top;
}

/**
 * Where the samples and centers sit on the (x1, x2) surface: their first two coordinates and the
 * density of the (x1, x2) marginal there (the mixture itself in two dimensions).
 */
export function surfacePoints(mixture, points) {
  const two = mixture.centers[0].length > 2 ? marginal(mixture, [0, 1]) : mixture;
  const xy = points.map((p) => [p[0], p[1]]);
  return { x: xy.map((p) => p[0]), y: xy.map((p) => p[1]), z: Array.from(pdf(two, xy)) };
}

/**
 * The playground's URL hash (assets/js/playground/state.js) for a mixture. The playground trains on
 * two dimensions and at most a few components: a mixture of more dimensions sends its (x1, x2)
 * marginal, one of more components its first ones, and the playground's own limits clamp the rest.
 * @returns {{hash: string, settings: object, marginal: boolean, dropped: number}}
 */
export function playgroundLink(mixture) {
  const D = mixture.centers[0].length, K = mixture.weights.length;
  const two = D > 2 ? marginal(mixture, [0, 1]) : mixture;
  const settings = sanitize(defaults(two));
  return { hash: toHash(settings), settings, marginal: D > 2, dropped: K - settings.mixture.weights.length };
}
