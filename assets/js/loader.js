/*
 * Builds a page's figures and widgets when they are needed, and only then loads what they need.
 *
 * Containers written by build/figures/widgets.py say what they need (data-ggmm-plotly: a plotly.js bundle;
 * data-ggmm-scripts: widget modules under assets/js/, imported with their own imports), what they are
 * (data-ggmm-widget: "figure", or the global whose init(container) builds the widget, which its module
 * defines) and when to build them (data-ggmm-activate):
 *   load      at once;
 *   visible   when the container comes within 300 px of the viewport;
 *   interact  a static poster stands in until the reader points at, taps, focuses or clicks it.
 * The page loads one plotly.js: the smallest of basic < cartesian, or gl3d, that draws every
 * container on the page, else the full bundle (also the fallback when a partial bundle is missing).
 * A container named by the page's URL hash (#<its id>-...: a link to a snapshot of a viewer) is built
 * at once and brought into view, whatever its data-ggmm-activate.
 * Load this file as a module (<script type="module">, so pages need HTTP, not file://); it finds its
 * siblings from its own URL (import.meta.url). When the
 * page sits in a language folder of the site (<site>/<lang>/assets/js/loader.js), both languages share
 * the bundles in <site>/assets/vendor/ (the build puts them there); otherwise, or when that fails, they
 * are beside this file in assets/vendor/.
 */
const root = globalThis;
const doc = root.document;
const BASE = import.meta.url.replace(/js\/loader\.js(?:[?#].*)?$/, "");
const SELECTOR = "[data-ggmm-widget]";
const LANG_FOLDER = /\/[a-z]{2}(?:-[A-Za-z]{2,4})?\/assets\/$/;
const VENDORS = LANG_FOLDER.test(BASE) ? [BASE.replace(LANG_FOLDER, "/assets/vendor/"), BASE + "vendor/"]
  : [BASE + "vendor/"];
const loaded = {};
let bundle = null;

/** Load a script once; resolves when it has run. */
function script(url) {
  if (!loaded[url]) {
    loaded[url] = new Promise(function (resolve, reject) {
      const s = doc.createElement("script");
      s.src = url;
      s.async = false;
      s.onload = function () { resolve(url); };
      s.onerror = function () { reject(new Error("could not load " + url)); };
      doc.head.appendChild(s);
    });
  }
  return loaded[url];
}

/** The one bundle that draws containers needing the bundles `names` (build/site/output.py agrees). */
export function bundleFor(names) {
  const only = function (allowed) { return names.every(function (n) { return allowed.indexOf(n) >= 0; }); };
  if (!names.length) return null;
  if (only(["basic"])) return "basic";
  if (only(["basic", "cartesian"])) return "cartesian";
  if (only(["gl3d"])) return "gl3d";
  return "full";
}

function pageBundle() {
  const need = {};
  Array.prototype.forEach.call(doc.querySelectorAll(SELECTOR), function (el) {
    need[el.getAttribute("data-ggmm-plotly") || "full"] = true;
  });
  return bundleFor(Object.keys(need)) || "full";
}

/** The first of urls that loads. */
function first(urls) {
  return urls.slice(1).reduce(function (chain, url) {
    return chain.catch(function () { return script(url); });
  }, script(urls[0]));
}

function plotly() {
  if (root.Plotly) return Promise.resolve(root.Plotly);
  bundle = bundle || pageBundle();
  const urls = [];
  [bundle, "full"].forEach(function (name) {
    VENDORS.forEach(function (dir) { urls.push(dir + "plotly-" + name + ".min.js"); });
  });
  return first(urls);
}

function dependencies(el) {
  const names = (el.getAttribute("data-ggmm-scripts") || "").split(/\s+/).filter(Boolean);
  return names.reduce(function (chain, name) {
    return chain.then(function () { return import(BASE + "js/" + name + ".js"); });
  }, plotly());
}

/** The figure's data: inline JSON, or the file named by data-ggmm-spec (fetched when needed). */
function figureSpec(el) {
  const url = el.getAttribute("data-ggmm-spec");
  if (url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + r.url);
      return r.json();
    });
  }
  return Promise.resolve(JSON.parse(el.querySelector("script.ggmm-figure-data").textContent));
}

function drawFigure(el) {
  return figureSpec(el).then(function (spec) {
    return root.Plotly.newPlot(el, spec.data, spec.layout, spec.config).then(function (gd) {
      return spec.frames ? root.Plotly.addFrames(gd, spec.frames) : gd;
    });
  });
}

function build(el) {
  const kind = el.getAttribute("data-ggmm-widget");
  if (kind === "figure") return drawFigure(el);
  const api = root[kind];
  if (!api || typeof api.init !== "function") throw new Error("no widget " + kind);
  return api.init(el);
}

/** Build one container (once); the poster stays on top until the live version is drawn. */
function activate(el) {
  if (el.ggmmLoading) return el.ggmmLoading;
  el.setAttribute("data-ggmm-state", "loading");
  el.ggmmLoading = dependencies(el).then(function () { return build(el); }).then(function () {
    const poster = el.querySelector(".ggmm-poster");
    if (poster && poster.parentNode) poster.parentNode.removeChild(poster);
    el.setAttribute("data-ggmm-state", "ready");
    el.dispatchEvent(new CustomEvent("ggmm:active", { bubbles: true }));
    return el;
  }).catch(function (err) {
    el.setAttribute("data-ggmm-state", "failed");
    if (root.console) root.console.error(err);
  });
  return el.ggmmLoading;
}

function whenVisible(els) {
  if (!els.length) return;
  if (!("IntersectionObserver" in root)) { els.forEach(activate); return; }
  const io = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { io.unobserve(entry.target); activate(entry.target); }
    });
  }, { rootMargin: "300px 0px" });
  els.forEach(function (el) { io.observe(el); });
}

function whenTouched(el) {
  const go = function () {
    ["pointerenter", "focusin", "touchstart", "click"].forEach(function (type) { el.removeEventListener(type, go); });
    activate(el);
  };
  ["pointerenter", "focusin", "touchstart", "click"].forEach(function (type) {
    el.addEventListener(type, go, { passive: true });
  });
}

/** Whether the page's URL hash names this container ("#<id>-..."), as a link to a viewer's snapshot does. */
function named(el) {
  const hash = root.location ? root.location.hash : "";
  return !!el.id && hash.length > el.id.length + 2 && hash.slice(1, el.id.length + 2) === el.id + "-";
}

function start() {
  const visible = [];
  Array.prototype.forEach.call(doc.querySelectorAll(SELECTOR), function (el) {
    const when = el.getAttribute("data-ggmm-activate") || "load";
    if (named(el)) activate(el);
    else if (when === "interact" && el.querySelector(".ggmm-poster")) whenTouched(el);
    else if (when === "visible" || when === "interact") visible.push(el);
    else activate(el);
  });
  whenVisible(visible);
}

// Under Node (tests/js/) there is no document: only bundleFor is used there.
if (doc && !root.GGMMLoader) {
  root.GGMMLoader = { activate: activate, base: BASE, plotly: plotly, bundleFor: bundleFor,
    activateAll: function () {
      return Promise.all(Array.prototype.map.call(doc.querySelectorAll(SELECTOR), activate));
    } };
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
  else start();
}
