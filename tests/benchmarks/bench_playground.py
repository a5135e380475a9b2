"""The KAN playground in headless Chromium: training speed in the worker, view frames while
training, the longest main-thread task, the scripts' gzipped size, and a naive per-sample
implementation of the same network on the same data for comparison.

Setting: [2, 5, 1], G = 5, k = 3, full batch, Adam, pykan's grid updates on (every 250 steps of
the first 2,500). "Regression" fits 2,000 points per step (the training samples plus the
domain points); "density" fits 2,000 training samples plus the 48 x 48 quadrature nodes.
Goals (issue 18): >= 300 steps/s in the worker, >= 30 view frames/s while training, no
main-thread task over 50 ms, <= 60 KB of the playground's own scripts gzipped. The naive
implementation walks the network one sample at a time, evaluating every B-spline of every edge
by the full Cox-de Boor recursion (as per-sample playgrounds do), on the main thread.
The load average is printed: these machines are shared. ``--smoke``: tiny sizes, nothing judged.

Run alone: ``python tests/benchmarks/bench_playground.py [--smoke]``; ``make bench`` runs it with
the others.
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

MIXTURE = "centers=-2,-2;0,0;2,2&scales=0.3,0.3;0.2,0.2;0.4,0.4&weights=0.3;0.4;0.3&p=2;2;2"

#: Play for `seconds`, counting optimizer steps, drawn frames, long tasks and rAF gaps.
PLAY = """async (seconds) => {
  const kp = window.kanPlayground;
  await kp.ready;
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
  });
  observer.observe({ type: "longtask", buffered: false });
  let gap = 0, last = performance.now(), running = true;
  const tick = (t) => { gap = Math.max(gap, t - last); last = t; if (running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  kp.resetStats();
  const s0 = kp.state(), t0 = performance.now();
  kp.play();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  kp.pause();
  const s1 = kp.state(), t1 = performance.now();
  running = false;
  observer.disconnect();
  return { steps: s1.step - s0.step, frames: s1.framesDrawn - s0.framesDrawn, seconds: (t1 - t0) / 1000,
           longtask: longest, rafGap: gap, longestDraw: s1.longestDraw };
}"""

#: The same data through step(n): training only, views posted as while playing.
STEPPED = """async (n) => {
  const kp = window.kanPlayground;
  await kp.ready;
  const t0 = performance.now();
  await kp.step(n);
  return { steps: n, seconds: (performance.now() - t0) / 1000 };
}"""

NAIVE = """async ([n, steps]) => {
  const kan = await import("./assets/js/playground/kan.js");
  const training = await import("./assets/js/playground/training.js");
  const ggmm = await import("./assets/js/playground/ggmm.js");
  const rng = ggmm.mulberry32(5);
  const model = kan.createKAN([2, 5, 1], 5, 3, rng);
  const X = [], y = [];
  for (let p = 0; p < n; p++) {
    const a = rng() * 2 - 1, b = rng() * 2 - 1;
    X.push([a, b]); y.push(Math.exp(-3 * (a * a + b * b)));
  }
  // one B-spline by the full recursion, as a per-sample playground computes it
  function bspline(x, t, i, k) {
    if (k === 0) return x >= t[i] && x < t[i + 1] ? 1 : 0;
    const a = (x - t[i]) / (t[i + k] - t[i]) * bspline(x, t, i, k - 1);
    const b = (t[i + k + 1] - x) / (t[i + k + 1] - t[i + 1]) * bspline(x, t, i + 1, k - 1);
    return a + b;
  }
  function edge(L, i, j, x) {
    const ng = L.num + 2 * L.k + 1, t = L.grid.subarray(i * ng, (i + 1) * ng), nb = L.num + L.k, e = i * L.outDim + j;
    const B = [], dB = [];
    let sp = 0, dsp = 0;
    for (let b = 0; b < nb; b++) {
      B.push(bspline(x, t, b, L.k));
      const h = 1e-6;  // input gradient by finite differences, as per-sample playgrounds do
      dB.push((bspline(x + h, t, b, L.k) - bspline(x - h, t, b, L.k)) / (2 * h));
      sp += L.coef[e * nb + b] * B[b]; dsp += L.coef[e * nb + b] * dB[b];
    }
    const s = 1 / (1 + Math.exp(-x));
    return { value: L.scaleBase[e] * x * s + L.scaleSp[e] * sp, B, sp, silu: x * s,
             d: L.scaleBase[e] * (s + x * s * (1 - s)) + L.scaleSp[e] * dsp };
  }
  const adam = training.createAdam(model, 0.02);
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    const grads = training.zeroGrads(model);
    for (let p = 0; p < n; p++) {
      const [L0, L1] = model.layers, h = [0, 0, 0, 0, 0], e0 = [];
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 5; j++) { const r = edge(L0, i, j, X[p][i]); e0.push(r); h[j] += r.value; }
      }
      let out = 0; const e1 = [];
      for (let i = 0; i < 5; i++) { const r = edge(L1, i, 0, h[i]); e1.push(r); out += r.value; }
      const g = 2 * (out - y[p]) / n;
      for (let i = 0; i < 5; i++) {
        const r = e1[i], G = grads[1];
        G.scaleBase[i] += g * r.silu; G.scaleSp[i] += g * r.sp;
        for (let b = 0; b < r.B.length; b++) G.coef[i * r.B.length + b] += g * L1.scaleSp[i] * r.B[b];
        const gh = g * r.d;
        for (let i0 = 0; i0 < 2; i0++) {
          const q = e0[i0 * 5 + i], e = i0 * 5 + i, G0 = grads[0];
          G0.scaleBase[e] += gh * q.silu; G0.scaleSp[e] += gh * q.sp;
          for (let b = 0; b < q.B.length; b++) G0.coef[e * q.B.length + b] += gh * L0.scaleSp[e] * q.B[b];
        }
      }
    }
    training.adamStep(model, adam, grads);
  }
  return { steps, seconds: (performance.now() - t0) / 1000 };
}"""


def _scripts_gzip() -> tuple[int, int]:
    """Raw and gzipped (level 6) bytes of the playground's scripts and style sheet."""
    raw = packed = 0
    for path in sorted((ROOT / "assets" / "js" / "playground").glob("*")):
        if path.suffix not in (".js", ".css"):
            continue
        data = path.read_bytes()
        raw += len(data)
        packed += len(gzip.compress(data, compresslevel=6))
    return raw, packed


def main(smoke: bool = False) -> list[tuple[str, str]]:
    from ggmm_build.pages.playground_page import write_harness
    from ggmm_build.site.serve import serving
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        return [("playground", "skipped: /usr/bin/chromium is missing")]
    seconds, n_naive, naive_steps, stepped = (1.0, 50, 2, 20) if smoke else (6.0, 2000, 5, 600)
    # regression: 0.8 n training samples plus half as many domain points = 1.2 n points per step
    n_reg, n_den = (200, 200) if smoke else (1667, 2500)
    rows: list[tuple[str, str]] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        serving(write_harness(Path(tmp), "en").parent) as url,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for task, n in (("regression", n_reg), ("density", n_den)):
            fragment = f"task={task}&n={n}&seed=1&grid=5&order=3&hidden=5&lr=0.01&steps=5000&{MIXTURE}"
            context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
            page = context.new_page()
            page.goto(f"{url}index.html#{fragment}")
            page.wait_for_function("() => window.kanPlayground !== undefined")
            played: dict[str, Any] = page.evaluate(PLAY, seconds)
            rate = played["steps"] / played["seconds"]
            fps = played["frames"] / played["seconds"]
            points = round(1.2 * n) if task == "regression" else round(0.8 * n)
            label = f"{points:,} points" if task == "regression" else f"{points:,} samples + 2,304 quadrature nodes"
            goal = "" if smoke else (" (goal >= 300)" if task == "regression" else "")
            rows.append((f"{task}, {label}: Adam steps/s while playing", f"{rate:.0f}{goal}"))
            rows.append((f"{task}: view frames/s while training", f"{fps:.0f}" + ("" if smoke else " (goal >= 30)")))
            rows.append(
                (
                    f"{task}: longest main-thread task (long tasks are >= 50 ms)",
                    f"{played['longtask']:.0f} ms" if played["longtask"] else "none over 50 ms",
                )
            )
            rows.append((f"{task}: longest gap between animation frames", f"{played['rafGap']:.0f} ms"))
            rows.append(
                (f"{task}: longest redraw of the views (the page's own drawing)", f"{played['longestDraw']:.1f} ms")
            )
            timed = page.evaluate(STEPPED, stepped)
            rows.append((f"{task}: Adam steps/s through step({stepped})", f"{timed['steps'] / timed['seconds']:.0f}"))
            if task == "regression":
                naive = page.evaluate(NAIVE, [n_naive, naive_steps])
                naive_rate = naive["steps"] / naive["seconds"]
                rows.append((f"naive per-sample implementation, {n_naive} points: steps/s", f"{naive_rate:.2f}"))
                rows.append(("speed-up of the playground over the naive one", f"{rate / naive_rate:.0f}x"))
            context.close()
        browser.close()
    raw, packed = _scripts_gzip()
    rows.append(
        (
            "playground scripts + style sheet, raw / gzipped",
            f"{raw / 1024:.1f} KB / {packed / 1024:.1f} KB" + ("" if smoke else " (goal <= 60 KB gzipped)"),
        )
    )
    rows.append(("load average (1 min)", f"{os.getloadavg()[0]:.2f}"))
    return rows


if __name__ == "__main__":
    for label, value in main(smoke="--smoke" in sys.argv[1:]):
        print(f"{label:70s} {value}")
