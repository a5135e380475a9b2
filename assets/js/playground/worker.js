/*
 * The training loop, off the main thread. It trains in slices of about 8 ms, and after a
 * slice, at most every `frameEvery` ms, posts a frame (losses, density grids, edge curves)
 * for the page to draw. Messages in: init, run, step, reset, prune, refine, lr, predict,
 * model. Messages out: frame, stepped, predicted, model, error.
 */

import { Session } from "./tasks.js";
import * as kan from "./kan.js";

let session = null, running = false, pendingSteps = [], lastFrame = 0, history = { train: [], validation: [] };
let frameEvery = 30, timer = null;
const gridSize = 40;

function frame(force = false) {
  const now = performance.now();
  if (!force && now - lastFrame < frameEvery) return;
  lastFrame = now;
  const s = session;
  if (!s.diverged) s.validationLoss = s.computeValidation();
  history.validation.push([s.step, s.validationLoss]);
  const grids = s.diverged ? null : s.densityGrid(gridSize);
  const edges = s.diverged ? [] : s.edges(32).map((e) => ({ layer: e.layer, i: e.i, j: e.j, lo: e.lo, hi: e.hi, ys: e.ys, knots: e.knots, score: e.score, live: e.live }));
  const train = history.train;
  history.train = [];
  postMessage({
    type: "frame", step: s.step, trainLoss: s.trainLoss, validationLoss: s.validationLoss, diverged: s.diverged,
    running, width: s.model.width, grid: s.model.num, train, validation: history.validation.splice(0),
    predicted: grids && grids.predicted, truth: grids && grids.truth, gridSize, box: s.box, edges,
    budgetDone: s.local >= s.stageSteps,
  });
}

function slice() {
  timer = null;
  if (!session) return;
  const t0 = performance.now();
  while (performance.now() - t0 < 8) {
    const want = pendingSteps[0];
    if (!want && !running) break;
    if (session.diverged) { running = false; for (const p of pendingSteps.splice(0)) postMessage({ type: "stepped", id: p.id, step: session.step }); break; }
    if (running && !want && session.local >= session.stageSteps) { running = false; break; }
    const loss = session.trainStep();
    if (!session.diverged) history.train.push([session.step, loss]);
    if (want && --want.left <= 0) {
      pendingSteps.shift();
      frame(true);
      postMessage({ type: "stepped", id: want.id, step: session.step });
    }
  }
  frame(!running && !pendingSteps.length);
  if (running || pendingSteps.length) schedule();
}

function schedule() {
  if (timer === null) timer = setTimeout(slice, 0);
}

onmessage = (event) => {
  const msg = event.data;
  try {
    if (msg.type === "init") {
      session = new Session(msg.settings);
      history = { train: [], validation: [] };
      running = false; pendingSteps = [];
      if (msg.frameEvery) frameEvery = msg.frameEvery;
      frame(true);
    } else if (msg.type === "run") {
      running = Boolean(msg.running) && !session.diverged;
      if (running && session.local >= session.stageSteps) session.stageSteps = session.local + session.settings.steps;
      schedule();
      if (!running) frame(true);
    } else if (msg.type === "step") {
      pendingSteps.push({ id: msg.id, left: Math.max(1, msg.n | 0) });
      schedule();
    } else if (msg.type === "reset") {
      session.reset();
      history = { train: [], validation: [] };
      running = false; pendingSteps = [];
      frame(true);
    } else if (msg.type === "prune" || msg.type === "refine") {
      session[msg.type]();
      frame(true);
      postMessage({ type: "done", id: msg.id });
    } else if (msg.type === "lr") {
      session.setLearningRate(msg.value);
    } else if (msg.type === "predict") {
      const n = msg.points.length / 2, values = kan.predict(session.model, Float64Array.from(msg.points), n);
      postMessage({ type: "predicted", id: msg.id, values: Array.from(values) });
    } else if (msg.type === "model") {
      postMessage({ type: "model", id: msg.id, model: kan.toPykan(session.model), box: session.box, task: session.settings.task });
    }
  } catch (err) {
    running = false;
    postMessage({ type: "error", message: String(err && err.message || err) });
  }
};
