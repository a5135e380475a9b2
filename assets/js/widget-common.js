/*
 * What the two widgets (training-viewer.js, explorer.js) share: the font stack and Plotly config of
 * every figure, small DOM helpers, the string bundle a container carries, and registration.
 *
 * A widget registers as register("GGMMExplorer", ".ggmm-explorer", init): that defines
 * window.GGMMExplorer = {init, initAll}. assets/js/loader.js imports the widget's module and calls
 * init(container) when a container is needed; on a page without the loader every container is built
 * once the document has loaded. Nothing here touches the DOM until a function is called, so the pure
 * helpers also run under Node.
 */

export const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", ' +
  '"Noto Sans", "Helvetica Neue", Arial, sans-serif';
export const CONFIG = { responsive: true, displaylogo: false, showSendToCloud: false };

/** A new element with attributes and, optionally, text. */
export function el(tag, attrs, text) {
  const node = document.createElement(tag);
  if (attrs) Object.keys(attrs).forEach((k) => node.setAttribute(k, attrs[k]));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** "{name}" fields of a string-table entry filled from vars (unknown fields stay as they are). */
export function fill(text, vars) {
  return String(text).replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));
}

/** The strings a container carries in data-strings (key -> text), or {} when absent or broken. */
export function readStrings(container) {
  try { return JSON.parse(container.getAttribute("data-strings") || "{}"); } catch { return {}; }
}

/** A unique id for an element that needs one (labels and outputs point at their inputs). */
let counter = 0;
export function uid(prefix) { counter += 1; return `${prefix}-${counter}`; }

/** Define window[name] = {init, initAll}; build every container at load when no loader manages the page. */
export function register(name, selector, init) {
  const initAll = () => Array.prototype.forEach.call(document.querySelectorAll(selector), init);
  const api = { init, initAll };
  window[name] = api;
  if (!window.GGMMLoader) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
    else initAll();
  }
  return api;
}
