/*
 * The training loop, off the main thread. It trains in slices of about 8 ms, and after a
 * slice, at most every `frameEvery` ms, posts a frame (losses, density grids, edge curves)
 * for the page to draw. Messages in: init, run, step, reset, prune, refine, lr, predict,
 * model. Messages out: frame, stepped, predicted, model, error.
 */

import { Session } from "./tasks.js";
import { predict, toPykan } from "./kan.js";

let session = null, running = false, pendingSteps = [], lastFrame = 0, lastHeavy = 0, history = { train: [] };
let frameEvery = 30, timer = null, generation = 0;  // the page's start() count, echoed in frames
const gridSize = 40, heavyEvery = 90;

/**
 * Post a frame: losses every `frameEvery` ms; the heavier views (validation loss, density
 * grids, edge curves and importances) every `heavyEvery` ms, and always when forced.
 */
function frame(force = false) {
  const now = performance.now();
  if (!force && now - lastFrame < frameEvery) return;
  lastFrame = now;
  const s = session, heavy = force || now - lastHeavy >= heavyEvery;
  const msg = {
    type: "frame", generation, step: s.step, trainLoss: s.trainLoss, diverged: s.diverged, running, width: s.model.width,
    grid: s.model.num, train: history.train, budgetDone: s.local >= s.stageSteps, heavy: heavy && !s.diverged,
  };
  history.train = [];
  if (heavy && !s.diverged) {
    lastHeavy = now;
    s.validationLoss = s.computeValidation();
    const grids = s.densityGrid(gridSize);
    Object.assign(msg, {
      validationLoss: s.validationLoss, validation: [[s.step, s.validationLoss]], predicted: grids.predicted,
      truth: grids.truth, gridSize, box: s.box, edges: s.edges(32),
    });
  }
  postMessage(msg);
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
      generation = msg.generation | 0;
      history = { train: [] };
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
      history = { train: [] };
      running = false; pendingSteps = [];
      frame(true);
    } else if (msg.type === "prune" || msg.type === "refine") {
      session[msg.type]();
      frame(true);
      postMessage({ type: "done", id: msg.id });
    } else if (msg.type === "lr") {
      session.setLearningRate(msg.value);
    } else if (msg.type === "predict") {
      const n = msg.points.length / 2, values = predict(session.model, Float64Array.from(msg.points), n);
      postMessage({ type: "predicted", id: msg.id, values: Array.from(values) });
    } else if (msg.type === "model") {
      postMessage({ type: "model", id: msg.id, model: toPykan(session.model), box: session.box, task: session.settings.task });
    }
  } catch (err) {
    running = false;
    postMessage({ type: "error", message: String(err && err.message || err) });
  }
};
